"""After an erasure commits: make the erased text gone from the database's own files, not just hidden.

SQLite keeps what a row held in places no query reaches: free pages and free space inside pages
(deleted or updated earlier, before ``secure_delete`` was on), full-text index segments that only
mark the old terms deleted, and the write-ahead log. :func:`scrub_storage` merges the full-text
index, checkpoints and truncates the WAL, rewrites the file (VACUUM), and truncates the WAL again.
PostgreSQL's dead row versions go with VACUUM of the tables concerned, and ANALYZE refreshes the
planner's samples of column values (``pg_statistic``), which may have held the erased name.

Out of reach as well: the server's own write-ahead log and archives (PostgreSQL), and blocks the
file system or the disk keeps after a file is rewritten.

Backups and copies made before the erasure are out of reach: they still hold the customer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from deskapp.core.search import fts, pg_prefixes

log = logging.getLogger(__name__)
# Tables an erasure changes; VACUUMed on PostgreSQL (customer_word_prefix: the customer's word
# prefixes, which the trigger of migration 0016 deletes with the search text).
TABLES = ("customer", "customer_phone", "customer_email", "customer_alert", "support_case", "note_revision",
          "draft", "feedback", "review", "import_undo", "customer_erasure", "customer_merge",
          "phone_call", "callback", pg_prefixes.TABLE)


@dataclass(frozen=True, slots=True)
class ScrubResult:
    """Whether every step could finish; ``False`` when another connection kept the WAL in use."""

    complete: bool


def scrub_storage(engine: Engine) -> ScrubResult:
    """Remove erased rows' leftovers from the database files (see the module docstring)."""
    if engine.dialect.name == "postgresql":
        try:
            with engine.connect() as connection:
                auto = connection.execution_options(isolation_level="AUTOCOMMIT")
                auto.execute(text("VACUUM (ANALYZE) " + ", ".join(TABLES)))
        except SQLAlchemyError:  # e.g. a role that does not own the tables: the erasure itself stands
            log.warning("VACUUM after an erasure failed", exc_info=True)
            return ScrubResult(complete=False)
        return ScrubResult(complete=True)
    with engine.connect() as connection:
        with connection.begin():
            connection.exec_driver_sql("PRAGMA secure_delete = ON")
            fts.optimize(connection)
        auto = connection.execution_options(isolation_level="AUTOCOMMIT")
        first = _checkpoint(auto)
        auto.exec_driver_sql("VACUUM")
        last = _checkpoint(auto)
    return ScrubResult(complete=first and last)


def _checkpoint(connection: Connection) -> bool:
    busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
    return busy is None or not busy[0]
