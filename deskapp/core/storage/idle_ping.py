"""PostgreSQL: check a pooled connection before use only when it has sat idle, not before every use.

SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` whenever a connection leaves the pool. A rep's
lookups take one from the pool on every keystroke, so the ping cost 0.2 ms of a 1.2 ms lookup at
the median and 1.3 ms at the 95th percentile (bench/lookup_pg.py at 1,000,000 customers): outside
a transaction it also opened one, to be rolled back before the lookup could run without one.

A connection given back less than :data:`PING_AFTER_SECONDS` ago was working a moment before, so
it is used as it is; one idle longer (a server restart, a dropped network, a pooler's idle
timeout happen then) is pinged first, outside any transaction, and replaced when the ping fails:
the pool retries with a fresh connection (SQLAlchemy's documented ``DisconnectionError`` pattern).
A connection that dies within the window fails its one statement as a connection error, which
the callers already survive (drafts go to the local spool; the next keystroke looks up again).
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

PING_AFTER_SECONDS = 1.0
"""How long a connection may sit in the pool and still be used without a ping."""
_IDLE_SINCE = "deskapp_idle_since"


def outside_transaction(dbapi_connection: Any, *statements: str) -> None:
    """Run ``statements`` on a psycopg connection in autocommit mode, then restore its mode.

    For session settings and pings: outside a transaction they open none that the pool or the
    reading engine would then have to roll back.
    """
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    try:
        for statement in statements:
            dbapi_connection.execute(statement)
    finally:
        dbapi_connection.autocommit = autocommit


def ping_when_idle(engine: Engine) -> None:
    """Install the idle check on ``engine``'s pool (a psycopg 3 engine made with ``pool_pre_ping=False``)."""
    event.listen(engine, "checkin", _checked_in)
    event.listen(engine, "checkout", _checked_out)


def _checked_in(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        record.info[_IDLE_SINCE] = time.monotonic()


def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    since = record.info.pop(_IDLE_SINCE, None)
    if since is None or time.monotonic() - since < PING_AFTER_SECONDS:
        return  # new, or in use a moment ago
    try:
        outside_transaction(dbapi_connection, "SELECT 1")
    except Exception as exc:  # any failure: the connection is not usable, take another
        raise DisconnectionError(str(exc)) from exc
