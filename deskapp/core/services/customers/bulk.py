"""Loading many customers into SQLite in short committed slices, undone as a whole if it fails.

An import used to be one ``BEGIN IMMEDIATE`` transaction with the secondary indexes and FTS
triggers dropped and rebuilt at the end: all-or-nothing, but every other writer (a sign-in's
audit event, a rep's autosave) waited the whole import and failed after the 5 s busy timeout.
Now each slice is its own transaction, sized to hold the write lock about :data:`SLICE_SECONDS`
(a few hundred to a few thousand rows), so others wait at most one slice. The CSV is read,
validated and turned into rows between slices, outside the lock, which also leaves the others
a gap to write in.

Indexes and triggers stay in place: every committed slice is complete, searchable and
consistent, whatever other connections do between slices. Dropping them is not possible any
more anyway: their rebuild is one statement (seconds at a million rows) that cannot be sliced.
The cost the old path avoided is mostly the FTS insert trigger firing row by row; inside each
slice's transaction the trigger is dropped, the slice's new rows are indexed with one
``INSERT … SELECT`` and the trigger is recreated before the commit, so no other connection ever
sees it missing (bench/import_csv.py, 100,000 rows: CPU 20 s with the trigger, 13.6 s this way,
11-12 s for the old single transaction). Secondary B-tree indexes cost ~1.5 s of that.

All-or-nothing is kept by a journal (services/customers/import_runs.py) written in each slice's
transaction: the ids added, the brands created, each updated customer as it was. On any error
the import is undone (in slices) before the error is raised; a killed import is undone by the
next start of the desk or the next import.

Kept during the load: unique indexes (they enforce the upsert by account number) and indexes led
by ``customer_id`` (they serve the load's own deletes of an updated customer's emails and phones).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import itertools
import logging
import time
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Engine

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.models import Customer
from deskapp.core.search import fts
from deskapp.core.search.normalize import email_key
from deskapp.core.search.phones import digits_reversed
from deskapp.core.services.customers import import_runs
from deskapp.core.services.customers.regions import forget_regions
from deskapp.core.services.customers.store import (
    CUSTOMER_COLUMNS,
    BrandResolver,
    CustomerRecord,
    WriteCounts,
    customer_values,
)

log = logging.getLogger(__name__)

# How long a slice may hold SQLite's write lock: others wait at most this (busy timeout: 5 s).
SLICE_SECONDS = 0.25
FIRST_SLICE = 500
MIN_SLICE = 50
CUSTOMER_TABLES = ("customer", "customer_email", "customer_phone", "customer_alert")
# Account numbers per "IN (…)" query: under SQLite's oldest host-parameter limit (999).
_IN_CHUNK = 500

_INSERT_CUSTOMER = (
    f"INSERT INTO customer (id, {', '.join(CUSTOMER_COLUMNS)}, created_at, version_id) "
    f"VALUES ({', '.join('?' * (len(CUSTOMER_COLUMNS) + 2))}, 1)"
)
_UPDATE_CUSTOMER = (
    f"UPDATE customer SET {', '.join(f'{name} = ?' for name in CUSTOMER_COLUMNS[1:])}, "
    "version_id = version_id + 1 WHERE id = ?"
)
_INSERT_CHILD = {
    "customer_email": "INSERT INTO customer_email (customer_id, position, address, address_key) VALUES (?, ?, ?, ?)",
    "customer_phone": "INSERT INTO customer_phone (customer_id, position, e164, digits_reversed) VALUES (?, ?, ?, ?)",
    "customer_alert": "INSERT INTO customer_alert (customer_id, position, text) VALUES (?, ?, ?)",
}


def bulk_write_customers(engine: Engine, records: Iterable[CustomerRecord], batch_size: int = 5000,
                         new_brand_region: str | None = None) -> WriteCounts:
    """Upsert ``records`` as :func:`~deskapp.core.services.customers.store.write_customers` does, in short slices.

    SQLite only. Either every record is written and indexed, or (on any error, and after a
    crash once :func:`~deskapp.core.services.customers.import_runs.recover` has run) none is
    and the database is as it was. ``batch_size`` caps the rows per slice.

    Raises:
        ImportAlreadyRunning: Another import is writing to this database.
    """
    import_runs.recover(engine)
    with engine.connect() as connection:
        dbapi: Any = connection.connection.driver_connection
        run_id = import_runs.in_transaction(connection, lambda: import_runs.start_run(dbapi))
        # A slice need not survive a power cut on its own (the journal in the same transaction
        # goes with it, and the run is undone), so commits skip the fsync of FULL (seconds per
        # hundred slices on a busy disk); the commit that marks the run done syncs everything.
        connection.exec_driver_sql("PRAGMA synchronous = NORMAL")
        try:
            counts = _load(connection, run_id, records, batch_size, new_brand_region)
        except BaseException:
            connection.rollback()
            try:
                import_runs.undo(connection, run_id)
            except Exception:
                # A full disk fails the undo too. The journal is intact: the next start of the desk
                # or the next import undoes it; the rep hears of the first failure, not this one.
                log.info("import %s could not be taken back now", run_id, exc_info=True)
                with contextlib.suppress(Exception):
                    connection.rollback()
            with contextlib.suppress(Exception):
                connection.exec_driver_sql("PRAGMA synchronous = FULL")
            raise
        connection.exec_driver_sql("PRAGMA synchronous = FULL")
        import_runs.finish(connection, run_id)
    return counts


@dataclasses.dataclass(slots=True)
class _Slice:
    """A slice's rows computed outside the lock; customer ids and brand ids are filled in under it."""

    accounts: list[str]
    repeats: int  # rows naming an account an earlier row of the slice named: counted as updates
    brand_codes: list[str]
    values: list[tuple[Any, ...]]
    # (index into accounts, position, value, key): the customer id is known only under the lock
    emails: list[tuple[int, int, str, str]]
    phones: list[tuple[int, int, str, str]]
    alerts: list[tuple[int, int, str]]


def _prepare(batch: list[CustomerRecord], stamp: Any) -> _Slice:
    # A file may name one account twice; the last row wins, as it would row by row.
    unique = {record.account_number: record for record in batch}
    prepared = _Slice(list(unique), len(batch) - len(unique), [], [], [], [], [])
    for at, record in enumerate(unique.values()):
        prepared.brand_codes.append(record.brand_code)
        prepared.values.append(customer_values(record, 0, stamp))
        if record.emails:
            prepared.emails += [(at, i, address, email_key(address)) for i, address in enumerate(record.emails)]
        if record.phones:
            prepared.phones += [(at, i, e164, digits_reversed(e164)) for i, e164 in enumerate(record.phones)]
        if record.alerts:
            prepared.alerts += [(at, i, text) for i, text in enumerate(record.alerts)]
    return prepared


def _load(connection: Connection, run_id: int, records: Iterable[CustomerRecord], batch_size: int,
          new_brand_region: str | None) -> WriteCounts:
    dbapi = connection.connection.driver_connection
    assert dbapi is not None
    has_fts = bool(dbapi.execute("SELECT count(*) FROM sqlite_master WHERE name = ?", (fts.FTS_TABLE,)).fetchone()[0])
    stamp_type = Customer.__table__.c.updated_at.type
    to_sql = stamp_type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
    brands = BrandResolver(connection, new_brand_region)
    connection.rollback()  # the brands were read outside any slice; hold no snapshot between slices
    counts = WriteCounts()
    source = iter(records)
    size = min(FIRST_SLICE, batch_size)
    while batch := list(itertools.islice(source, size)):
        stamp = utcnow()
        prepared = _prepare(batch, to_sql(stamp) if to_sql else stamp)
        started = time.perf_counter()
        import_runs.in_transaction(connection, functools.partial(_write_slice, connection, run_id, prepared, brands,
                                                      counts=counts, has_fts=has_fts))
        elapsed = time.perf_counter() - started
        # Aim the next slice at SLICE_SECONDS; grow at most twofold, as one slow slice may be noise.
        aimed = int(len(prepared.accounts) * SLICE_SECONDS / max(elapsed, 1e-3))
        size = min(batch_size, max(MIN_SLICE, min(size * 2, aimed)))
    if brands.created:
        forget_regions()
    return counts


def _write_slice(connection: Connection, run_id: int, prepared: _Slice, brands: BrandResolver, *,
                 counts: WriteCounts, has_fts: bool) -> None:
    dbapi: Any = connection.connection.driver_connection
    import_runs.check_in(dbapi, run_id, counts.created + counts.updated)
    known = len(brands.created)
    brand_ids = [brands(code) for code in prepared.brand_codes]
    for key in brands.created[known:]:
        import_runs.journal_brand(dbapi, run_id, brands(key))
    existing = _existing(dbapi, prepared.accounts)
    next_id = (dbapi.execute("SELECT max(id) FROM customer").fetchone()[0] or 0) + 1
    stamp = prepared.values[0][-1]
    ids: list[int] = []
    new_rows = []
    changed = []
    for account, brand_id, values in zip(prepared.accounts, brand_ids, prepared.values, strict=True):
        cid = existing.get(account)
        if cid is None:
            cid = next_id
            next_id += 1
            new_rows.append((cid, values[0], brand_id, *values[2:], stamp))
        else:
            changed.append((brand_id, *values[2:], cid))
        ids.append(cid)
    if new_rows:
        if has_fts:
            dbapi.execute(f'DROP TRIGGER "{fts.INSERT_TRIGGER}"')
        dbapi.executemany(_INSERT_CUSTOMER, new_rows)
        first, last = new_rows[0][0], new_rows[-1][0]
        if has_fts:
            fts.index_new_rows(connection, first, last)
            fts.create_triggers(connection)
        import_runs.journal_new(dbapi, run_id, first, last)
    if changed:
        old_ids = list(existing.values())
        import_runs.journal_old(dbapi, run_id, old_ids)
        dbapi.executemany(_UPDATE_CUSTOMER, changed)
        import_runs.note_versions(dbapi, run_id, old_ids)
        for table in _INSERT_CHILD:
            for start in range(0, len(old_ids), _IN_CHUNK):
                chunk = old_ids[start:start + _IN_CHUNK]
                dbapi.execute(f"DELETE FROM {table} WHERE customer_id IN ({', '.join('?' * len(chunk))})", chunk)
    dbapi.executemany(_INSERT_CHILD["customer_email"], [(ids[at], *rest) for at, *rest in prepared.emails])
    dbapi.executemany(_INSERT_CHILD["customer_phone"], [(ids[at], *rest) for at, *rest in prepared.phones])
    dbapi.executemany(_INSERT_CHILD["customer_alert"], [(ids[at], *rest) for at, *rest in prepared.alerts])
    counts.created += len(new_rows)
    counts.updated += len(changed) + prepared.repeats


def _existing(dbapi: Any, accounts: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(accounts), _IN_CHUNK):
        chunk = accounts[start:start + _IN_CHUNK]
        found.update(dbapi.execute(
            f"SELECT account_number, id FROM customer WHERE account_number IN ({', '.join('?' * len(chunk))})", chunk
        ).fetchall())
    return found
