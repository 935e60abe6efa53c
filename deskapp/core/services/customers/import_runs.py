"""The journal of a customer import on SQLite: what it added and changed, so it can be taken back.

An import commits in short slices (services/customers/bulk.py) so other writers wait at most one
slice. Committed slices are visible at once, so all-or-nothing is kept by a journal written in
the same transaction as each slice: ``import_run`` (state, heartbeat, rows so far) and
``import_undo`` (ranges of ids the import added, brands it created, each updated customer as it
was). An import that fails is undone before its error is raised; one that was killed is undone
by the next :func:`recover` (the desk's start, the next import), which knows it is dead because
its process is gone (same computer) or its heartbeat stopped (:data:`STALE_AFTER`). Undoing is
sliced too, and each slice removes its journal rows, so an undo that is itself killed resumes.

A rep's own work during the import survives an undo: a new customer that already has a case is
kept, and a customer a rep saved after the import changed it keeps the rep's version.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import socket
import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.imports import ImportRun
from deskapp.core.errors import DeskappError
from deskapp.core.i18n import later

log = logging.getLogger(__name__)

RUNNING, UNDOING, DONE = "running", "undoing", "done"
# A run whose process has not written for this long is dead (another computer, or no pid check).
STALE_AFTER = dt.timedelta(seconds=60)
# Customers removed or restored per transaction while undoing (~0.1-0.3 s here).
UNDO_SLICE = 500
CHILD_TABLES = ("customer_email", "customer_phone", "customer_alert")
_IN_CHUNK = 500


@dataclasses.dataclass(frozen=True, slots=True)
class ImportStatus:
    """An import under way, for the window to show."""

    started_at: dt.datetime
    rows: int  # customers written so far (or left to take back, when undoing)
    undoing: bool  # the import failed or was interrupted, and its changes are being taken back
    stalled: bool  # no sign of life for STALE_AFTER: the next start of the desk will undo it


class ImportAlreadyRunning(DeskappError):
    """Another import is writing to this database."""


class ImportAbandoned(DeskappError):
    """This import stalled so long that another program took it back."""


def import_in_progress(session: Session, now: dt.datetime | None = None) -> ImportStatus | None:
    """The import under way in this database, if any (cheap: the window polls it)."""
    run = session.scalars(select(ImportRun).where(ImportRun.state != DONE).order_by(ImportRun.id)).first()
    if run is None:
        return None
    now = now or utcnow()
    return ImportStatus(run.started_at, run.rows_written, run.state == UNDOING,
                        now - run.heartbeat_at > STALE_AFTER)


def _stamp(value: dt.datetime) -> str:
    # As UTCDateTime stores it on SQLite, so the ORM reads the journal's raw writes back.
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


def _parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def _is_dead(host: str, pid: int, heartbeat: str, now: dt.datetime) -> bool:
    if now - _parse(heartbeat) > STALE_AFTER:
        return True
    if host != socket.gethostname() or os.name != "posix":
        return False  # os.kill(pid, 0) would end the process on Windows
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def start_run(dbapi: Any) -> int:
    """Record a new run (inside the caller's ``BEGIN IMMEDIATE``); raise if a live one exists."""
    now = utcnow()
    for _id, state, started, host, pid, heartbeat in dbapi.execute(
            "SELECT id, state, started_at, host, pid, heartbeat_at FROM import_run").fetchall():
        if state != DONE and not _is_dead(host, pid, heartbeat, now):
            raise ImportAlreadyRunning(later("Another customer import has been running since {time} (UTC). Wait for "
                                             "it to finish, then import again.", time=started[:16]))
    cursor = dbapi.execute(
        "INSERT INTO import_run (state, started_at, heartbeat_at, rows_written, host, pid) VALUES (?, ?, ?, 0, ?, ?)",
        (RUNNING, _stamp(now), _stamp(now), socket.gethostname(), os.getpid()))
    return int(cursor.lastrowid)


def check_in(dbapi: Any, run_id: int, rows: int) -> None:
    """At the start of a slice: make sure the run was not taken back meanwhile; say it is alive."""
    cursor = dbapi.execute("UPDATE import_run SET heartbeat_at = ?, rows_written = ? WHERE id = ? AND state = ?",
                           (_stamp(utcnow()), rows, run_id, RUNNING))
    if cursor.rowcount != 1:
        raise ImportAbandoned(later("The import stalled for so long that it was taken back. Import the file again."))


def journal_new(dbapi: Any, run_id: int, first_id: int, last_id: int) -> None:
    """The run added customers ``first_id``..``last_id``."""
    dbapi.execute("INSERT INTO import_undo (run_id, kind, first_id, last_id) VALUES (?, 'new', ?, ?)",
                  (run_id, first_id, last_id))


def journal_brand(dbapi: Any, run_id: int, brand_id: int) -> None:
    """The run created brand ``brand_id``."""
    dbapi.execute("INSERT INTO import_undo (run_id, kind, first_id) VALUES (?, 'brand', ?)", (run_id, brand_id))


def journal_old(dbapi: Any, run_id: int, customer_ids: Sequence[int]) -> None:
    """Keep customers ``customer_ids`` as they are now, before the run updates them (first time only)."""
    saved = _saved_expression(dbapi)
    for start in range(0, len(customer_ids), _IN_CHUNK):
        chunk = customer_ids[start:start + _IN_CHUNK]
        dbapi.execute(
            f"INSERT OR IGNORE INTO import_undo (run_id, kind, first_id, saved) SELECT ?, 'old', c.id, {saved} "
            f"FROM customer AS c WHERE c.id IN ({', '.join('?' * len(chunk))})", (run_id, *chunk))


def note_versions(dbapi: Any, run_id: int, customer_ids: Sequence[int]) -> None:
    """After the run updated ``customer_ids``: the versions it left them at (a later one is a rep's)."""
    for start in range(0, len(customer_ids), _IN_CHUNK):
        chunk = customer_ids[start:start + _IN_CHUNK]
        dbapi.execute(
            "UPDATE import_undo SET import_version = (SELECT version_id FROM customer WHERE id = first_id) "
            f"WHERE run_id = ? AND kind = 'old' AND first_id IN ({', '.join('?' * len(chunk))})", (run_id, *chunk))


def _columns(dbapi: Any, table: str, skip: tuple[str, ...]) -> list[str]:
    return [row[1] for row in dbapi.execute(f'PRAGMA table_info("{table}")').fetchall() if row[1] not in skip]


def _saved_expression(dbapi: Any) -> str:
    # Built from the live schema, so a column a later migration adds is kept (and restored) too.
    def pairs(columns: list[str], alias: str) -> str:
        return ", ".join(f"'{name}', {alias}.\"{name}\"" for name in columns)

    parts = [f"'customer', json_object({pairs(_columns(dbapi, 'customer', ('id',)), 'c')})"]
    for table in CHILD_TABLES:
        columns = _columns(dbapi, table, ("id", "customer_id"))  # new ids: the old may be taken by now
        parts.append(f"'{table}', (SELECT json_group_array(json_object({pairs(columns, 'x')})) "
                     f"FROM {table} AS x WHERE x.customer_id = c.id)")
    return f"json_object({', '.join(parts)})"


def finish(connection: Any, run_id: int) -> None:
    """The run is complete: mark it so (one short transaction), then clear its journal in slices."""
    dbapi = connection.connection.driver_connection
    in_transaction(connection, lambda: dbapi.execute("UPDATE import_run SET state = ? WHERE id = ?", (DONE, run_id)))
    _clear(connection, run_id)


def _clear(connection: Any, run_id: int) -> None:
    dbapi = connection.connection.driver_connection
    while True:
        cursor = in_transaction(connection, lambda: dbapi.execute(
            "DELETE FROM import_undo WHERE id IN (SELECT id FROM import_undo WHERE run_id = ? LIMIT 5000)",
            (run_id,)))
        if cursor.rowcount == 0:
            break
    in_transaction(connection, lambda: dbapi.execute("DELETE FROM import_run WHERE id = ?", (run_id,)))


def in_transaction(connection: Any, work: Any) -> Any:
    """Run ``work`` in one transaction that takes SQLite's write lock up front (``BEGIN IMMEDIATE``).

    pysqlite opens transactions only before INSERT/UPDATE/DELETE; without an explicit BEGIN the
    DROP TRIGGER of an import slice would commit on its own.
    """
    connection.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        result = work()
    except BaseException:
        connection.rollback()
        raise
    connection.commit()
    return result


def undo(connection: Any, run_id: int) -> None:
    """Take back everything run ``run_id`` did, newest first, a slice per transaction; then forget it."""
    dbapi = connection.connection.driver_connection
    in_transaction(connection, lambda: dbapi.execute("UPDATE import_run SET state = ? WHERE id = ?",
                                                      (UNDOING, run_id)))
    kept = 0
    while True:
        done, kept_now = in_transaction(connection, lambda: _undo_slice(dbapi, run_id))
        kept += kept_now
        if done:
            break
    if kept:
        log.warning("undoing import %s kept %s customer(s) a rep used or changed meanwhile", run_id, kept)
    in_transaction(connection, lambda: dbapi.execute("DELETE FROM import_run WHERE id = ?", (run_id,)))


def _undo_slice(dbapi: Any, run_id: int) -> tuple[bool, int]:
    """Undo up to :data:`UNDO_SLICE` customers' worth; (nothing left, customers kept for the reps)."""
    budget, kept = UNDO_SLICE, 0
    rows = dbapi.execute("SELECT id, kind, first_id, last_id, saved, import_version FROM import_undo "
                         "WHERE run_id = ? ORDER BY id DESC LIMIT ?", (run_id, UNDO_SLICE)).fetchall()
    for undo_id, kind, first, last, saved, version in rows:
        if budget <= 0:
            break
        if kind == "new":
            low = max(first, last - budget + 1)
            # A customer a rep opened a case for meanwhile is whole and in use: it stays.
            dbapi.execute("DELETE FROM customer WHERE id BETWEEN ? AND ? AND id NOT IN "
                          "(SELECT customer_id FROM support_case WHERE customer_id BETWEEN ? AND ?)",
                          (low, last, low, last))
            kept += dbapi.execute("SELECT count(*) FROM customer WHERE id BETWEEN ? AND ?", (low, last)).fetchone()[0]
            budget -= last - low + 1
            if low > first:
                dbapi.execute("UPDATE import_undo SET last_id = ? WHERE id = ?", (low - 1, undo_id))
                continue
        elif kind == "old":
            kept += 0 if _restore(dbapi, first, saved, version) else 1
            budget -= 1
        else:
            with contextlib.suppress(sqlite3.IntegrityError):  # a rep's case or response uses it now
                dbapi.execute("DELETE FROM brand WHERE id = ? AND NOT EXISTS "
                              "(SELECT 1 FROM customer WHERE brand_id = ?)", (first, first))
        dbapi.execute("DELETE FROM import_undo WHERE id = ?", (undo_id,))
    return not rows, kept


def _restore(dbapi: Any, customer_id: int, saved_text: str, import_version: int | None) -> bool:
    saved = json.loads(saved_text)
    # Back to the very version it had: a window holding the import's version gets a conflict,
    # one that read it before the import may save, since that is what it shows again.
    values = saved["customer"]
    cursor = dbapi.execute(f"UPDATE customer SET {', '.join(f'{name} = ?' for name in values)} "
                           "WHERE id = ? AND version_id IS ?", (*values.values(), customer_id, import_version))
    if cursor.rowcount != 1:
        return False  # a rep saved it after the import did (or deleted it): theirs stands
    for table in CHILD_TABLES:
        dbapi.execute(f"DELETE FROM {table} WHERE customer_id = ?", (customer_id,))
        for row in saved[table] or ():
            dbapi.execute(f"INSERT INTO {table} (customer_id, {', '.join(row)}) "
                          f"VALUES (?, {', '.join('?' * len(row))})", (customer_id, *row.values()))
    return True


def recover(engine: Engine) -> int:
    """Undo the imports that died unfinished and clear finished ones' journals; returns how many runs.

    Safe to call at any time: a live import (this computer's process still there, or a recent
    heartbeat) is left alone. Only SQLite imports keep a journal.
    """
    if engine.dialect.name != "sqlite":
        return 0
    now = utcnow()
    with engine.connect() as connection:
        dbapi: Any = connection.connection.driver_connection
        runs = dbapi.execute("SELECT id, state, host, pid, heartbeat_at FROM import_run ORDER BY id").fetchall()
        connection.rollback()
        handled = 0
        for run_id, state, host, pid, heartbeat in runs:
            if not _is_dead(host, pid, heartbeat, now):
                continue
            if state == DONE:
                _clear(connection, run_id)
            else:
                log.warning("taking back customer import %s, which stopped unfinished", run_id)
                undo(connection, run_id)
            handled += 1
    return handled
