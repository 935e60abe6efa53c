"""fts prefixes: prefix indexes for words of up to six letters in the SQLite full-text index.

A typed word longer than the longest prefix index made FTS5 merge the doclists of every term
starting with it before it could intersect them ("jose" is Jose, Josefa, Josefina, Joseph…):
5–20 ms at a million customers for a two-word name. With prefix indexes up to six letters the
same queries read one doclist lazily and take well under a millisecond (bench/lookup.py).

FTS5 cannot change its options in place, so the table is rebuilt from ``customer``: about 15 s
at a million customers, under a second for a typical desk. PostgreSQL's trigram index is
untouched.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 19:00:00
"""

from __future__ import annotations

from alembic import op

from deskapp.core.search import fts

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

OLD_PREFIX_LENGTHS = '1 2 3'


def upgrade() -> None:
    _rebuild_with(fts.PREFIX_LENGTHS)


def downgrade() -> None:
    _rebuild_with(OLD_PREFIX_LENGTHS)


def _rebuild_with(prefix: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite' or fts.prefix_lengths(bind) == prefix:
        return  # a database created by this version's 0002 already has them
    fts.drop_index(bind)
    fts.create_index(bind, prefix)
