"""PostgreSQL trigram indexes for the normalised search columns (customers, knowledge-base articles)."""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa


def create_trigram_indexes(bind: sa.Connection, table: str, indexes: Mapping[str, str]) -> bool:
    """Create GIN trigram indexes ``{name: column}`` on ``table``; whether pg_trgm was there to do it.

    CREATE EXTENSION needs a privileged role; without it the searches still work (sequential
    scans), so a failure is contained in a savepoint instead of aborting the migration.
    """
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        pass
    if not bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).scalar():
        return False
    for name, column in indexes.items():
        bind.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"))
    return True
