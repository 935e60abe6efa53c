"""customer surveys: who gave a score, in which language, why, on which visit; each brand's rating screen.

``feedback`` gains ``source`` ('customer' or 'rep'; every existing score was typed by a rep, so
they become 'rep'), ``language``, ``reasons`` and ``visit_key`` with one answer per case and visit
(rep scores have no visit: NULLs never clash). The feedback table is rebuilt on SQLite for the
unique constraint; nothing points at it. ``survey_screen`` holds a brand's colours and timeout.

Revision ID: 0014
Revises: 0009
Create Date: 2026-12-05 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=10), server_default='rep', nullable=False))
        batch_op.add_column(sa.Column('language', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('reasons', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('visit_key', sa.String(length=120), nullable=True))
        batch_op.create_index(batch_op.f('ix_feedback_source'), ['source'], unique=False)
        batch_op.create_unique_constraint('uq_feedback_case_visit', ['case_id', 'visit_key'])
    op.create_table(
        'survey_screen',
        sa.Column('brand_id', sa.Integer(), nullable=False),
        sa.Column('background', sa.String(length=7), nullable=False),
        sa.Column('foreground', sa.String(length=7), nullable=False),
        sa.Column('timeout_seconds', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['brand_id'], ['brand.id'], name=op.f('fk_survey_screen_brand_id_brand')),
        sa.PrimaryKeyConstraint('brand_id', name=op.f('pk_survey_screen')),
    )


def downgrade() -> None:
    op.drop_table('survey_screen')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_constraint('uq_feedback_case_visit', type_='unique')
        batch_op.drop_index(batch_op.f('ix_feedback_source'))
        batch_op.drop_column('visit_key')
        batch_op.drop_column('reasons')
        batch_op.drop_column('language')
        batch_op.drop_column('source')
