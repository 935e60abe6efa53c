"""customer search: FTS5 index (SQLite) or trigram index (PostgreSQL), family-name sort index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from deskapp.core.search import fts, trigram

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# Lets the lookup read family-name matches already in (family_key, given_name, id) order and stop
# after LIMIT rows, instead of sorting every "Korhonen" in the desk on each keystroke.
FAMILY_SORT_INDEX = 'ix_customer_family_sort'
TRIGRAM_INDEX = 'ix_customer_search_text_trgm'


def upgrade() -> None:
    bind = op.get_bind()
    op.create_index(FAMILY_SORT_INDEX, 'customer', ['family_key', 'given_name', 'id'])
    if bind.dialect.name == 'sqlite':
        fts.create_index(bind)
    elif bind.dialect.name == 'postgresql':
        _postgres_trigram(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        fts.drop_index(bind)
    elif bind.dialect.name == 'postgresql':
        op.execute(sa.text(f'DROP INDEX IF EXISTS {TRIGRAM_INDEX}'))
    op.drop_index(FAMILY_SORT_INDEX, table_name='customer')


def _postgres_trigram(bind: sa.Connection) -> None:
    trigram.create_trigram_indexes(bind, 'customer', {TRIGRAM_INDEX: 'search_text'})
