"""customer merge: the journal of merged customers, so a merge can be undone and old references resolve.

One new table, nothing rebuilt. A customer merged into another stays as a tombstone row of
``customer``; ``customer_merge`` says into whom, and records what moved.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'customer_merge',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('keep_id', sa.Integer(), nullable=False),
        sa.Column('other_id', sa.Integer(), nullable=False),
        sa.Column('agent_id', sa.Integer(), nullable=False),
        sa.Column('merged_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('journal', sa.Text(), nullable=False),
        sa.Column('unmerged_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('unmerged_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['keep_id'], ['customer.id'], name=op.f('fk_customer_merge_keep_id_customer')),
        sa.ForeignKeyConstraint(['other_id'], ['customer.id'], name=op.f('fk_customer_merge_other_id_customer')),
        sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_customer_merge_agent_id_agent')),
        sa.ForeignKeyConstraint(['unmerged_by'], ['agent.id'], name=op.f('fk_customer_merge_unmerged_by_agent')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_merge')),
    )
    op.create_index('ix_customer_merge_keep_id', 'customer_merge', ['keep_id'])
    op.create_index('ix_customer_merge_other_id', 'customer_merge', ['other_id'])


def downgrade() -> None:
    op.drop_index('ix_customer_merge_other_id', table_name='customer_merge')
    op.drop_index('ix_customer_merge_keep_id', table_name='customer_merge')
    op.drop_table('customer_merge')
