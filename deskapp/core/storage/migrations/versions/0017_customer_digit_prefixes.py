"""customer search on PostgreSQL: numbers too in the word-prefix table, and the whole-word index gone.

A typed number of three or more digits (an account number, the last digits of a phone) was found
through 0015's GIN index of whole words, which cannot stop after a page: "0091" starts 10,000
account numbers among 1,000,000 customers and cost 1.8 ms, "735 8504" 1.7 ms. ``customer_word_prefix``
now also holds the prefixes of three to six characters of words of digits only (see
deskapp/core/search/pg_prefixes.py), so such a word is one page of the table's key, in id order,
like a name; one or two digits alone keep the trigram index of 0002. The table is rebuilt from
``customer`` (its triggers with it), and 0015's index, no longer read, is dropped: one index
fewer to update on every write. Nothing on SQLite, whose FTS5 prefix indexes have the digits.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 10:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from deskapp.core.search import pg_prefixes

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

WORD_INDEX = 'ix_customer_search_words'
WORDS_EXPRESSION = "array_to_tsvector(string_to_array(search_text, ' '))"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute(sa.text(f'DROP INDEX IF EXISTS {WORD_INDEX}'))
        pg_prefixes.drop(bind)
        pg_prefixes.create(bind)


def downgrade() -> None:
    # The digit rows stay: lookup before 0017 never reads the table for a number, and they are
    # kept in step like the rest.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(sa.text(f'CREATE INDEX IF NOT EXISTS {WORD_INDEX} ON customer USING gin ({WORDS_EXPRESSION})'))
