"""lookup indexes: each customer's first phone and address read from an index alone.

The lookup shows the first phone number and email address of every row it returns; with an index
on (customer_id, position, value) that is one index probe per row instead of a table read and a
sort. The old single-column customer_id indexes are a prefix of the new ones (so the foreign keys
stay indexed), and ``ix_customer_family_key`` is a prefix of ``ix_customer_family_sort``; dropping
them makes every import write three index entries fewer per customer.

Plain CREATE/DROP INDEX: SQLite rebuilds no table, so the FTS triggers of 0002 and the
append-only triggers of 0004 are untouched.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 18:30:00
"""

from __future__ import annotations

from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_customer_phone_customer', 'customer_phone', ['customer_id', 'position', 'e164'])
    op.create_index('ix_customer_email_customer', 'customer_email', ['customer_id', 'position', 'address'])
    op.drop_index('ix_customer_phone_customer_id', table_name='customer_phone')
    op.drop_index('ix_customer_email_customer_id', table_name='customer_email')
    op.drop_index('ix_customer_family_key', table_name='customer')


def downgrade() -> None:
    op.create_index('ix_customer_family_key', 'customer', ['family_key'])
    op.create_index('ix_customer_email_customer_id', 'customer_email', ['customer_id'])
    op.create_index('ix_customer_phone_customer_id', 'customer_phone', ['customer_id'])
    op.drop_index('ix_customer_email_customer', table_name='customer_email')
    op.drop_index('ix_customer_phone_customer', table_name='customer_phone')
