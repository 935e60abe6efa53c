"""Team-mode speed settings: reads outside a transaction, and writes still inside one."""

from __future__ import annotations

from sqlalchemy import Connection, Engine

from deskapp.core.services.customers.lookup import lookup
from deskapp.core.storage.engine import reader


def _one_transaction(connection: Connection) -> bool:
    """Whether two statements on ``connection`` ran in the same transaction (same ``now()``)."""
    first = connection.exec_driver_sql("SELECT now()").scalar()
    second = connection.exec_driver_sql("SELECT pg_sleep(0.01), now()").one()[1]
    return bool(first == second)


def test_reads_run_without_a_transaction_on_postgresql(any_engine: Engine) -> None:
    if any_engine.dialect.name == "sqlite":
        assert reader(any_engine) is any_engine  # SQLite's transactions cost no round trip
        return
    with reader(any_engine).connect() as connection:
        assert not _one_transaction(connection)  # each statement is its own: no BEGIN, no ROLLBACK
    # The pooled connection goes back to transactional use for everything else, lookups included.
    assert lookup(any_engine, "virtanen") == []
    for _ in range(3):
        with any_engine.connect() as connection:
            assert _one_transaction(connection)
