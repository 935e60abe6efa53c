"""The SQLite import path: same rows as the batched path, indexes and triggers in place, all or nothing."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from deskapp.core.domain.enums import CustomerKind
from deskapp.core.services.customers.bulk import bulk_write_customers
from deskapp.core.services.customers.csv_import import import_customers
from deskapp.core.services.customers.lookup import lookup
from deskapp.core.services.customers.store import CustomerRecord, write_customers
from deskapp.core.storage import migrate
from deskapp.core.storage.engine import make_engine
from tests.seeding import console

HEADER = "account_number,kind,given_name,family_name,organisation,email,phone,preferred_locale,brand,alerts"
CUSTOMER_COLUMNS = ("id, brand_id, kind, account_number, given_name, family_name, organisation, preferred_locale, "
                    "birth_year, age_band, gender, income_band, lifestyle, occupation, search_text, family_key, "
                    "version_id")


def _records(round_: int) -> list[CustomerRecord]:
    """Customers with accents, several phones and emails, alerts, and accounts named twice."""
    people = [
        CustomerRecord("FI-1", "nordic", given_name="Jukka", family_name="Mäkinen", emails=["jukka@posti.fi"],
                       phones=["+358401234567", "+358501112222"], preferred_locale="fi", alerts=["VIP"]),
        CustomerRecord("PH-1", "luzon", given_name="Ma. Cristina", family_name="Dela Cruz",
                       phones=["+639171234567"], preferred_locale="fil", birth_year=1980),
        CustomerRecord("ES-1", "iberia", given_name="Dolores", family_name="Muñoz", emails=["d@x.es", "m@y.es"]),
        CustomerRecord("INT-1", "desk", kind=CustomerKind.INTERNAL, organisation="Finance", alerts=["a", "b"]),
        CustomerRecord("GB-1", "desk", given_name="Siobhan", family_name="O'Brien", phones=["+447700900123"]),
    ]
    if round_ == 0:
        # FI-1 again in a later batch (an update within the same load), PH-1 twice in one batch.
        return [*people, dataclasses.replace(people[1], given_name="Cristina"),
                dataclasses.replace(people[0], phones=["+358409999999"], alerts=[])]
    return [dataclasses.replace(people[2], family_name="Núñez", emails=[]),
            CustomerRecord("FI-2", "nordic", given_name="Aino", family_name="Mäki-Petäjä", phones=["+358441234567"])]


def _dump(path: Path) -> dict[str, Any]:
    with sqlite3.connect(path) as connection:
        found: dict[str, Any] = {
            "customers": connection.execute(f"SELECT {CUSTOMER_COLUMNS} FROM customer ORDER BY id").fetchall(),
            "brands": connection.execute("SELECT id, code, name, default_region FROM brand ORDER BY id").fetchall(),
        }
        for table, columns in (("customer_email", "address, address_key"), ("customer_phone", "e164, digits_reversed"),
                               ("customer_alert", "text")):
            found[table] = connection.execute(
                f"SELECT customer_id, position, {columns} FROM {table} ORDER BY customer_id, position").fetchall()
        for word in ("makinen", "maki", "delacruz", "cruz", "nunez", "munoz", "obrien", "finance", "posti"):
            found[word] = connection.execute(
                "SELECT rowid FROM customer_fts WHERE customer_fts MATCH ? ORDER BY rowid", (f'"{word}"*',)).fetchall()
        return found


def _schema(path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name LIKE 'customer%' ORDER BY type, name"
        ).fetchall()


def _new_engine(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    return engine


def _fts_is_consistent(path: Path) -> None:
    with sqlite3.connect(path) as connection:  # raises "database disk image is malformed" if not
        connection.execute("INSERT INTO customer_fts(customer_fts, rank) VALUES ('integrity-check', 1)")
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_bulk_and_batched_writes_store_the_same(tmp_path: Path) -> None:
    batched, bulk = _new_engine(tmp_path / "batched.sqlite3"), _new_engine(tmp_path / "bulk.sqlite3")
    for round_ in (0, 1):
        counts = write_customers(batched, _records(round_), batch_size=3, new_brand_region="FI")
        assert bulk_write_customers(bulk, _records(round_), batch_size=3, new_brand_region="FI") == counts
    assert _dump(tmp_path / "batched.sqlite3") == _dump(tmp_path / "bulk.sqlite3")
    assert _dump(tmp_path / "bulk.sqlite3")["delacruz"]  # the dump is not empty by accident
    assert _schema(tmp_path / "batched.sqlite3") == _schema(tmp_path / "bulk.sqlite3")
    _fts_is_consistent(tmp_path / "bulk.sqlite3")


def test_after_a_bulk_import_lookups_work_and_triggers_are_back(engine: Engine, db_path: Path,
                                                                tmp_path: Path) -> None:
    before = _schema(db_path)
    assert any(kind == "trigger" for kind, _name, _sql in before)
    assert any(name == "ix_customer_phone_digits_reversed" for _kind, name, _sql in before)
    rows = [f"C{n:04d},,Aino{n},Mäkinen,,aino{n}@example.fi,+358 40 12{n:05d},fi,nordic,VIP" for n in range(1, 40)]
    path = tmp_path / "c.csv"
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    summary = import_customers(engine, console(engine), path, batch_size=7)
    assert (summary.created, summary.rejected) == (39, 0)
    assert _schema(db_path) == before  # every index and trigger, exactly as the migrations made them
    _fts_is_consistent(db_path)
    assert [row.account_number for row in lookup(engine, "aino12 makinen")] == ["C0012"]
    assert [row.account_number for row in lookup(engine, "1200033")] == ["C0033"]  # phone suffix
    assert [row.account_number for row in lookup(engine, "aino7@example.fi")] == ["C0007"]
    # A later, small write goes through the triggers again and is found at once.
    write_customers(engine, [CustomerRecord("Z-1", "nordic", given_name="Zyxa", family_name="Qwertz")])
    assert [row.account_number for row in lookup(engine, "zyxa")] == ["Z-1"]
    _fts_is_consistent(db_path)


class _Boom(Exception):
    pass


def _failing(records: list[CustomerRecord], after: int, error: BaseException) -> Iterator[CustomerRecord]:
    for index, record in enumerate(records):
        if index == after:
            raise error
        yield record


@pytest.mark.parametrize("error", [_Boom("disk on fire"), KeyboardInterrupt()])
def test_a_failing_bulk_load_leaves_data_indexes_and_triggers_as_they_were(engine: Engine, db_path: Path,
                                                                           error: BaseException) -> None:
    write_customers(engine, _records(0), new_brand_region="FI")
    schema, data = _schema(db_path), _dump(db_path)
    many = [CustomerRecord(f"N-{n}", "nordic", given_name="Uusi", family_name="Asiakas") for n in range(50)]
    with pytest.raises(type(error)):
        bulk_write_customers(engine, _failing([*_records(1), *many], 30, error), batch_size=4)
    assert _schema(db_path) == schema
    assert _dump(db_path) == data
    _fts_is_consistent(db_path)
    assert [row.account_number for row in lookup(engine, "makinen jukka")] == ["FI-1"]
    write_customers(engine, [CustomerRecord("Z-1", "nordic", given_name="Zyxa")])  # triggers still fire
    assert [row.account_number for row in lookup(engine, "zyxa")] == ["Z-1"]


def test_a_database_error_mid_load_rolls_everything_back(engine: Engine, db_path: Path) -> None:
    write_customers(engine, _records(0), new_brand_region="FI")
    schema, data = _schema(db_path), _dump(db_path)
    alien = dataclasses.replace(_records(1)[1], account_number="X-9")
    object.__setattr__(alien, "kind", type("Alien", (), {"value": "alien"})())  # fails the CHECK constraint
    records = [CustomerRecord(f"N-{n}", "nordic", given_name="Uusi") for n in range(9)] + [alien]
    with pytest.raises(Exception, match="CHECK constraint failed"):
        bulk_write_customers(engine, records, batch_size=4)
    assert (_schema(db_path), _dump(db_path)) == (schema, data)
    _fts_is_consistent(db_path)


def _journal(path: Path) -> tuple[int, int]:
    with sqlite3.connect(path) as connection:
        return (connection.execute("SELECT count(*) FROM import_run").fetchone()[0],
                connection.execute("SELECT count(*) FROM import_undo").fetchone()[0])


def test_a_finished_or_failed_import_leaves_no_journal(engine: Engine, db_path: Path) -> None:
    write_customers(engine, _records(0), new_brand_region="FI")
    bulk_write_customers(engine, _records(1), batch_size=1)  # an update and a new customer
    assert _journal(db_path) == (0, 0)
    with pytest.raises(_Boom):
        bulk_write_customers(engine, _failing(_records(0), 3, _Boom()), batch_size=1)
    assert _journal(db_path) == (0, 0)
