"""Loading many customers into SQLite at once: one transaction, indexes and FTS built once at the end.

Row by row, every new customer costs a trip through the FTS triggers and a random insert into
each secondary index (phone digits, e164, email key, family-name sort…), and that cost grows with
the table. When an import is large next to the table (a new desk, a first load), it is cheaper to
load the rows with those indexes and triggers gone and build them once afterwards, as
``CREATE INDEX`` and the FTS5 ``rebuild`` command do it: by sorting (bench/import_csv.py).

All of it is one ``BEGIN IMMEDIATE`` transaction: SQLite's DDL is transactional, so an error or
an interrupted import rolls back the rows *and* brings back the indexes and triggers exactly as
they were. Nothing half-imported, nothing left unindexed. The price is that other writers wait
for the whole import (readers do not, thanks to WAL), which is why this path is kept for imports
at least :data:`BULK_FRACTION` of the table's size.

Kept during the load: unique indexes (they enforce the upsert by account number) and indexes led
by ``customer_id`` (they serve the load's own deletes of an updated customer's emails and phones;
new ids only ever grow, so they cost an append each).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Engine

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.models import Customer
from deskapp.core.search import fts
from deskapp.core.search.normalize import email_key
from deskapp.core.search.phones import digits_reversed
from deskapp.core.services.customers.store import (
    CUSTOMER_COLUMNS,
    BrandResolver,
    CustomerRecord,
    WriteCounts,
    customer_values,
)

# Take the bulk path when the import has at least this many rows per customer already stored
# (the end rebuilds the index of every customer, old and new).
BULK_FRACTION = 0.5
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


def bulk_worthwhile(engine: Engine, expected_rows: int) -> bool:
    """Whether importing about ``expected_rows`` customers should take the bulk path."""
    if engine.dialect.name != "sqlite":
        return False  # PostgreSQL has no FTS triggers; its batches are already set-based
    with engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT count(*) FROM customer").scalar_one()
    return bool(stored == 0 or expected_rows >= stored * BULK_FRACTION)


def bulk_write_customers(engine: Engine, records: Iterable[CustomerRecord], batch_size: int = 5000,
                         new_brand_region: str | None = None) -> WriteCounts:
    """Upsert ``records`` as :func:`~deskapp.core.services.customers.store.write_customers` does, in one transaction.

    SQLite only. Either every record is written and indexed, or (on any error) none is and the
    database is as it was.
    """
    with engine.connect() as connection:
        # pysqlite opens transactions only before INSERT/UPDATE/DELETE; without an explicit
        # BEGIN the DROP INDEX below would commit on its own.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            counts = _load(connection, records, batch_size, new_brand_region)
        except BaseException:
            connection.rollback()
            raise
        connection.commit()
    return counts


def _load(connection: Connection, records: Iterable[CustomerRecord], batch_size: int,
          new_brand_region: str | None) -> WriteCounts:
    dbapi = connection.connection.driver_connection
    assert dbapi is not None
    indexes = _droppable_indexes(dbapi)
    for name, _sql in indexes:
        dbapi.execute(f'DROP INDEX "{name}"')
    has_fts = bool(dbapi.execute("SELECT count(*) FROM sqlite_master WHERE name = ?", (fts.FTS_TABLE,)).fetchone()[0])
    if has_fts:
        fts.drop_triggers(connection)
    stamp_type = Customer.__table__.c.updated_at.type
    to_sql = stamp_type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
    brands = BrandResolver(connection, new_brand_region)
    counts = WriteCounts()
    next_id = (dbapi.execute("SELECT max(id) FROM customer").fetchone()[0] or 0) + 1
    for batch in _batches(records, batch_size):
        stamp = utcnow()
        next_id = _write_batch(dbapi, batch, brands, to_sql(stamp) if to_sql else stamp, next_id=next_id,
                               counts=counts)
    for _name, sql in indexes:
        dbapi.execute(sql)
    if has_fts:
        fts.rebuild(connection)
        fts.create_triggers(connection)
    return counts


def _droppable_indexes(dbapi: Any) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the customer tables' indexes that can be built afterwards."""
    found = []
    for table in CUSTOMER_TABLES:
        for _seq, name, unique, origin, _partial in dbapi.execute(f'PRAGMA index_list("{table}")').fetchall():
            if unique or origin != "c":
                continue
            first_column = dbapi.execute(f'PRAGMA index_info("{name}")').fetchone()[2]
            if first_column == "customer_id":
                continue
            [sql] = dbapi.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).fetchone()
            found.append((name, sql))
    return found


def _batches(records: Iterable[CustomerRecord], size: int) -> Iterator[list[CustomerRecord]]:
    batch: list[CustomerRecord] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _existing(dbapi: Any, accounts: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(accounts), _IN_CHUNK):
        chunk = accounts[start:start + _IN_CHUNK]
        found.update(dbapi.execute(
            f"SELECT account_number, id FROM customer WHERE account_number IN ({', '.join('?' * len(chunk))})", chunk
        ).fetchall())
    return found


def _write_batch(dbapi: Any, batch: list[CustomerRecord], brands: BrandResolver, stamp: Any, *, next_id: int,
                 counts: WriteCounts) -> int:
    # A file may name one account twice; the last row wins, as it would row by row.
    unique = {record.account_number: record for record in batch}
    existing = _existing(dbapi, list(unique))
    new_rows = []
    changed = []
    emails: list[tuple[int, int, str, str]] = []
    phones: list[tuple[int, int, str, str]] = []
    alerts: list[tuple[int, int, str]] = []
    for account, record in unique.items():
        values = customer_values(record, brands(record.brand_code), stamp)
        cid = existing.get(account)
        if cid is None:
            cid = next_id
            next_id += 1
            new_rows.append((cid, *values, stamp))
        else:
            changed.append((*values[1:], cid))
        if record.emails:
            emails += [(cid, i, address, email_key(address)) for i, address in enumerate(record.emails)]
        if record.phones:
            phones += [(cid, i, e164, digits_reversed(e164)) for i, e164 in enumerate(record.phones)]
        if record.alerts:
            alerts += [(cid, i, text) for i, text in enumerate(record.alerts)]
    dbapi.executemany(_INSERT_CUSTOMER, new_rows)
    if changed:
        dbapi.executemany(_UPDATE_CUSTOMER, changed)
        old_ids = list(existing.values())
        for table in _INSERT_CHILD:
            for start in range(0, len(old_ids), _IN_CHUNK):
                chunk = old_ids[start:start + _IN_CHUNK]
                dbapi.execute(f"DELETE FROM {table} WHERE customer_id IN ({', '.join('?' * len(chunk))})", chunk)
    dbapi.executemany(_INSERT_CHILD["customer_email"], emails)
    dbapi.executemany(_INSERT_CHILD["customer_phone"], phones)
    dbapi.executemany(_INSERT_CHILD["customer_alert"], alerts)
    counts.created += len(new_rows)
    counts.updated += len(changed)
    return next_id
