"""customer search on PostgreSQL: a GIN index of whole words, for numbers (accounts, phone digits).

The trigram index of 0002 answers names well, but digits make poor trigrams: every account
number shares "000"-like trigrams with a million others, so "C00920122" read ~750 index pages
(8–15 ms at 1,000,000 customers). This index holds each customer's search words as a tsvector
(``array_to_tsvector`` of the words as they are: no parser, no dictionary, no stemming), and a
prefix query ('00920122':*) reads only the words starting with it (0.2 ms). The lookup uses it
for a typed word of three or more digits and keeps the trigram index for the rest
(deskapp/core/services/customers/lookup_sql.py). Nothing on SQLite, whose FTS5 index has both.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 07:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

WORD_INDEX = 'ix_customer_search_words'
# The lookup's SQL must spell this expression exactly so, or PostgreSQL will not use the index.
WORDS_EXPRESSION = "array_to_tsvector(string_to_array(search_text, ' '))"


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(sa.text(f'CREATE INDEX IF NOT EXISTS {WORD_INDEX} ON customer USING gin ({WORDS_EXPRESSION})'))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(sa.text(f'DROP INDEX IF EXISTS {WORD_INDEX}'))
