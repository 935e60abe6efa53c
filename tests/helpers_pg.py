"""PostgreSQL test plumbing: throw-away databases on the server named by ``DESKAPP_TEST_PG_URL``.

The server is a cluster that lives only for the test run (``.ci/postgres.sh``; ``scripts/test``
starts one when PostgreSQL is installed). Database names carry the process id and a random part,
so two test runs against one server never touch each other's data.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

PG_URL_ENV = "DESKAPP_TEST_PG_URL"
SKIP_REASON = (
    f"{PG_URL_ENV} is not set: no PostgreSQL server for the team-mode tests "
    "(bash scripts/test starts a throw-away one when PostgreSQL is installed)"
)

T = TypeVar("T")


def server_url() -> URL | None:
    """The URL of the test server's maintenance database, or ``None`` when none is configured."""
    value = os.environ.get(PG_URL_ENV, "").strip()
    return make_url(value) if value else None


def url_string(url: URL) -> str:
    """``url`` as text a command line or ``make_engine`` accepts (password kept)."""
    return url.render_as_string(hide_password=False)


def new_database_name(prefix: str = "deskapp_t") -> str:
    """A database name no other test or test run uses."""
    return f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:10]}"


@contextmanager
def admin(server: URL) -> Iterator[Engine]:
    """An autocommit engine on the server's maintenance database (CREATE/DROP DATABASE)."""
    engine = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=_null_pool())
    try:
        yield engine
    finally:
        engine.dispose()


def create_database(server: URL, name: str) -> URL:
    """Create an empty database ``name`` on ``server``; returns its URL."""
    with admin(server) as engine, engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    return server.set(database=name)


def drop_database(server: URL, name: str) -> None:
    """Drop ``name``, disconnecting whoever still uses it."""
    with admin(server) as engine, engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def temporary_database(server: URL) -> Iterator[URL]:
    """A fresh, empty database for the duration of the ``with`` block."""
    name = new_database_name()
    url = create_database(server, name)
    try:
        yield url
    finally:
        drop_database(server, name)


def user_tables(engine: Engine) -> list[str]:
    """The tables of the public schema other than Alembic's bookkeeping."""
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version' "
            "ORDER BY tablename"
        ))
        return [row[0] for row in rows]


def empty_tables(engine: Engine, tables: list[str]) -> None:
    """Delete every row and restart the id sequences, so each test starts from a new database.

    Faster than a new database per test (a few ms against ~100 ms). A connection some earlier
    test leaked could hold a lock; rather than hang, its backend is ended and the truncate retried.
    """
    if not tables:
        return
    statement = text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
    for attempt in range(2):
        try:
            with engine.begin() as connection:
                connection.execute(text("SET LOCAL lock_timeout = '3s'"))
                # The history tables refuse TRUNCATE (migration 0007); emptying a test database is
                # not rewriting history, so their triggers are off for this one transaction.
                connection.execute(text("SET LOCAL session_replication_role = replica"))
                connection.execute(statement)
            return
        except OperationalError:
            if attempt:
                raise
            with engine.begin() as connection:
                connection.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ))


def run_threads(count: int, work: Callable[[int], T]) -> list[T]:
    """Run ``work(i)`` for ``i`` in ``range(count)`` on as many threads, all released at once.

    Returns the results in ``i`` order; the first exception of any worker is raised.
    """
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def target(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except BaseException as exc:  # handed to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=target, args=(i,), name=f"worker-{i}") for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    if any(thread.is_alive() for thread in threads):
        raise TimeoutError("a worker thread did not finish within 120 s")
    return results


def _null_pool() -> Any:
    from sqlalchemy.pool import NullPool

    return NullPool


def sqlite_only() -> Any:
    """Mark a test of a backend-parametrised module as SQLite-only (FTS5 internals, query plans, pragmas)."""
    import pytest

    return pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def postgres_only() -> Any:
    """Run a test of a backend-parametrised fixture on PostgreSQL only (many concurrent writers)."""
    import pytest

    return pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgres)],
                                   indirect=True)
