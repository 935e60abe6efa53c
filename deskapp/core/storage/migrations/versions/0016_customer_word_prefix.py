"""customer search on PostgreSQL: a table of word prefixes, as SQLite's FTS5 prefix indexes.

Names of one or more words ("dela cruz jo", "torres jose") were found through the trigram index
of 0002 at 8–11 ms p95 at 1,000,000 customers. ``customer_word_prefix`` (prefix, customer_id)
gives the customers whose words start with a typed word in id order, as FTS5 does; see
deskapp/core/search/pg_prefixes.py. Statement-level triggers keep it in step with ``customer``.
Nothing on SQLite.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 07:45:00
"""

from __future__ import annotations

from alembic import op

from deskapp.core.search import pg_prefixes

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        pg_prefixes.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        pg_prefixes.drop(bind)
