"""response prompts: the fill-ins a scripted response asks the rep for.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (SQLite needs no table rebuild for it), so the customer FTS triggers and
    # every other table are untouched. Existing responses get an empty list of fill-ins.
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prompts', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('prompts')
