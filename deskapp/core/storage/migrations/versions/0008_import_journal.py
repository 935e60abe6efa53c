"""import journal: a customer import commits in short slices and records what it did, to undo it.

An import used to hold SQLite's write lock for its whole length (~50 s for 300,000 rows), so every
sign-in and autosave of the desk failed after the 5 s busy timeout. It now commits in slices of a
fraction of a second; ``import_run`` says an import is under way (the window shows it) and
``import_undo`` holds what it added or changed, so a failed or killed import is taken back.

Two new tables, nothing rebuilt.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'import_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('rows_written', sa.Integer(), nullable=False),
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('pid', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_run')),
    )
    op.create_table(
        'import_undo',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=5), nullable=False),
        sa.Column('first_id', sa.Integer(), nullable=False),
        sa.Column('last_id', sa.Integer(), nullable=True),
        sa.Column('saved', sa.Text(), nullable=True),
        sa.Column('import_version', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['run_id'], ['import_run.id'], name=op.f('fk_import_undo_run_id_import_run'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_undo')),
        sa.UniqueConstraint('run_id', 'kind', 'first_id', name='uq_import_undo_run_kind_first'),
    )


def downgrade() -> None:
    op.drop_table('import_undo')
    op.drop_table('import_run')
