"""phone station: the call log, callbacks and each brand's callback hand-over time.

Three new tables, nothing rebuilt.

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-05 07:00:00
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0009'
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = True) -> sa.Column[dt.datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        'phone_call',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('call_id', sa.String(length=120), nullable=False),
        sa.Column('number', sa.String(length=40), nullable=False),
        sa.Column('direction', sa.String(length=3), nullable=False),
        _at('started_at', nullable=False),
        _at('answered_at'),
        _at('ended_at'),
        sa.Column('cause', sa.String(length=40), nullable=True),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('pbx_user', sa.String(length=120), nullable=True),
        sa.Column('answering_number', sa.String(length=40), nullable=True),
        sa.Column('customer_id', sa.Integer(), nullable=True),
        sa.Column('matches', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('missed', sa.Boolean(), nullable=False),
        _at('seen_at'),
        sa.Column('seen_by', sa.Integer(), nullable=True),
        sa.CheckConstraint("direction IN ('in', 'out')", name=op.f('ck_phone_call_direction')),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_phone_call_customer_id_customer'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['case_id'], ['support_case.id'],
                                name=op.f('fk_phone_call_case_id_support_case'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['seen_by'], ['agent.id'], name=op.f('fk_phone_call_seen_by_agent')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_phone_call')),
        sa.UniqueConstraint('call_id', name=op.f('uq_phone_call_call_id')),
    )
    op.create_index('ix_phone_call_started_at', 'phone_call', ['started_at'])
    op.create_index('ix_phone_call_customer_id', 'phone_call', ['customer_id'])
    op.create_index('ix_phone_call_missed_started', 'phone_call', ['missed', 'started_at'])
    op.create_table(
        'callback',
        sa.Column('id', sa.Integer(), nullable=False),
        _at('due_at', nullable=False),
        _at('first_due_at', nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('number', sa.String(length=40), nullable=True),
        sa.Column('customer_id', sa.Integer(), nullable=True),
        sa.Column('brand_id', sa.Integer(), nullable=True),
        sa.Column('call_id', sa.Integer(), nullable=True),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('created_by', sa.Integer(), nullable=False),
        _at('created_at', nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('snoozes', sa.Integer(), nullable=False),
        _at('done_at'),
        sa.Column('done_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_callback_customer_id_customer'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['brand_id'], ['brand.id'], name=op.f('fk_callback_brand_id_brand')),
        sa.ForeignKeyConstraint(['call_id'], ['phone_call.id'], name=op.f('fk_callback_call_id_phone_call'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['case_id'], ['support_case.id'], name=op.f('fk_callback_case_id_support_case'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['created_by'], ['agent.id'], name=op.f('fk_callback_created_by_agent')),
        sa.ForeignKeyConstraint(['owner_id'], ['agent.id'], name=op.f('fk_callback_owner_id_agent')),
        sa.ForeignKeyConstraint(['done_by'], ['agent.id'], name=op.f('fk_callback_done_by_agent')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_callback')),
    )
    op.create_index('ix_callback_customer_id', 'callback', ['customer_id'])
    op.create_index('ix_callback_owner_id', 'callback', ['owner_id'])
    op.create_index('ix_callback_open_due', 'callback', ['done_at', 'due_at'])
    op.create_table(
        'callback_policy',
        sa.Column('brand_id', sa.Integer(), nullable=False),
        sa.Column('team_after_minutes', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['brand_id'], ['brand.id'], name=op.f('fk_callback_policy_brand_id_brand'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('brand_id', name=op.f('pk_callback_policy')),
    )


def downgrade() -> None:
    op.drop_table('callback_policy')
    op.drop_index('ix_callback_open_due', table_name='callback')
    op.drop_index('ix_callback_owner_id', table_name='callback')
    op.drop_index('ix_callback_customer_id', table_name='callback')
    op.drop_table('callback')
    op.drop_index('ix_phone_call_missed_started', table_name='phone_call')
    op.drop_index('ix_phone_call_customer_id', table_name='phone_call')
    op.drop_index('ix_phone_call_started_at', table_name='phone_call')
    op.drop_table('phone_call')
