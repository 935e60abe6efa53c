"""Tell connection loss apart from the server saying no.

"The server cannot be reached" shows the offline banner and the rep keeps typing; "the server
said no" shows the error.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, DisconnectionError

_CONNECTION_STATES = ("08", "57P01", "57P02", "57P03", "53300")
_CONNECTION_WORDS = (
    "could not connect", "connection refused", "connection timed out", "timeout expired",
    "server closed the connection", "connection is closed", "connection already closed",
    "no such file or directory", "could not translate host name", "name or service not known",
    "network is unreachable", "no route to host", "terminating connection", "connection reset",
    "the database system is starting up", "the database system is shutting down", "ssl syscall error",
    "consuming input failed", "server conn crashed", "lost synchronization",
)


def is_connection_error(exc: BaseException) -> bool:
    """Whether ``exc`` means the database server cannot be reached (or dropped the connection).

    True for SQLAlchemy's ``DisconnectionError``, a DBAPI error SQLAlchemy marked as invalidating
    its connection, and psycopg ``OperationalError``s with connection semantics (SQLSTATE class 08,
    server shutdown, or the libpq messages for refused, unreachable and lost connections). False
    for everything the server *answered*, including a wrong password and SQLite's "locked".
    """
    if isinstance(exc, DisconnectionError):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        return _driver_connection_error(exc.orig)
    return _driver_connection_error(exc)


def _driver_connection_error(exc: BaseException | None) -> bool:
    if exc is None or not type(exc).__module__.startswith("psycopg"):
        return False
    if type(exc).__name__ not in {"OperationalError", "ConnectionFailure", "ConnectionTimeout",
                                  "InterfaceError", "AdminShutdown", "CannotConnectNow",
                                  "SqlclientUnableToEstablishSqlconnection", "ConnectionException",
                                  "TooManyConnections", "CrashShutdown"}:
        return False
    state = getattr(exc, "sqlstate", None)
    if state:
        return any(state.startswith(prefix) for prefix in _CONNECTION_STATES)
    text = str(exc).lower()
    if "password" in text or "authentication" in text:
        return False
    return any(word in text for word in _CONNECTION_WORDS)
