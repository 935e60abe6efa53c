"""phone station: the call log, callbacks and each brand's callback hand-over time (revision 0012, after 0009).

Three new tables (phone_call, callback, callback_policy) and their indexes; nothing is rebuilt.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


INDEXES = {
    'phone_call': (('ix_phone_call_started_at', ['started_at']), ('ix_phone_call_customer_id', ['customer_id']),
                   ('ix_phone_call_missed_started', ['missed', 'started_at'])),
    'callback': (('ix_callback_customer_id', ['customer_id']), ('ix_callback_owner_id', ['owner_id']),
                 ('ix_callback_open_due', ['done_at', 'due_at'])),
}


def _at(name: str, nullable: bool = True) -> sa.Column[dt.datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _int(name: str, nullable: bool = True) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def _text(name: str, length: int, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def _fk(table: str, column: str, target: str, ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    """The foreign key from ``table.column`` to ``target``'s id, named as the models' convention names it."""
    target_table = target.split('.')[0]
    return sa.ForeignKeyConstraint([column], [target], name=op.f(f'fk_{table}_{column}_{target_table}'),
                                   ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        'phone_call',
        _int('id', nullable=False), _text('call_id', 120, nullable=False), _text('number', 40, nullable=False),
        _text('direction', 3, nullable=False), _at('started_at', nullable=False), _at('answered_at'), _at('ended_at'),
        _text('cause', 40), _text('source', 10, nullable=False), _text('pbx_user', 120),
        _text('answering_number', 40), _int('customer_id'), _int('matches', nullable=False), _int('case_id'),
        sa.Column('missed', sa.Boolean(), nullable=False), _at('seen_at'), _int('seen_by'),
        sa.CheckConstraint("direction IN ('in', 'out')", name=op.f('ck_phone_call_direction')),
        _fk('phone_call', 'customer_id', 'customer.id', 'SET NULL'),
        _fk('phone_call', 'case_id', 'support_case.id', 'SET NULL'),
        _fk('phone_call', 'seen_by', 'agent.id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_phone_call')),
        sa.UniqueConstraint('call_id', name=op.f('uq_phone_call_call_id')),
    )
    op.create_table(
        'callback',
        _int('id', nullable=False), _at('due_at', nullable=False), _at('first_due_at', nullable=False),
        sa.Column('note', sa.Text(), nullable=False), _text('number', 40), _int('customer_id'), _int('brand_id'),
        _int('call_id'), _int('case_id'), _int('created_by', nullable=False), _at('created_at', nullable=False),
        _int('owner_id'), _int('snoozes', nullable=False), _at('done_at'), _int('done_by'),
        _fk('callback', 'customer_id', 'customer.id', 'SET NULL'),
        _fk('callback', 'brand_id', 'brand.id'),
        _fk('callback', 'call_id', 'phone_call.id', 'SET NULL'),
        _fk('callback', 'case_id', 'support_case.id', 'SET NULL'),
        *(_fk('callback', column, 'agent.id') for column in ('created_by', 'owner_id', 'done_by')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_callback')),
    )
    for table, indexes in INDEXES.items():
        for name, columns in indexes:
            op.create_index(name, table, columns)
    op.create_table(
        'callback_policy',
        _int('brand_id', nullable=False), _int('team_after_minutes', nullable=False),
        _fk('callback_policy', 'brand_id', 'brand.id', 'CASCADE'),
        sa.PrimaryKeyConstraint('brand_id', name=op.f('pk_callback_policy')),
    )


def downgrade() -> None:
    op.drop_table('callback_policy')
    for table in ('callback', 'phone_call'):
        for name, _columns in INDEXES[table]:
            op.drop_index(name, table_name=table)
        op.drop_table(table)
