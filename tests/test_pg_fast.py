"""Team-mode speed: reads outside a transaction, writes still inside one; numbers found through the word index."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, Engine, text

from deskapp.core.services.customers.lookup import lookup
from deskapp.core.services.customers.store import CustomerRecord, write_customers
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


def test_reads_have_a_pool_of_their_own_that_plans_generically(any_engine: Engine) -> None:
    if any_engine.dialect.name == "sqlite":
        return
    read = reader(any_engine)
    assert reader(any_engine) is read and read.pool is not any_engine.pool  # made once; saves never wait for it
    with read.connect() as connection:
        assert connection.exec_driver_sql("SHOW plan_cache_mode").scalar() == "force_generic_plan"
        assert connection.exec_driver_sql("SHOW synchronize_seqscans").scalar() == "off"
    with any_engine.connect() as connection:  # everything else plans as PostgreSQL chooses
        assert connection.exec_driver_sql("SHOW plan_cache_mode").scalar() == "auto"
    assert read.pool.checkedin() == 1  # type: ignore[attr-defined]
    any_engine.dispose()  # closing the desk closes the reading connections too
    assert read.pool.checkedin() == 0  # type: ignore[attr-defined]


NUMBERED = [
    CustomerRecord(f"C{n:08d}", "pohjola", given_name=given, family_name="Virtanen",
                   emails=[f"{given.lower()}{n % 1000:03d}@mail.example"])
    for n, given in ((920122, "Anna"), (920123, "Aino"), (921000, "Anna"), (12, "Matti"), (282, "Liisa"))
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("C00920122", ["C00920122"]),  # exact account first, then nothing else starts "c 00920122"
        ("c 0092012", ["C00920123", "C00920122"]),  # typed numbers: the word index on PostgreSQL
        ("0092", ["C00920123", "C00920122", "C00921000"]),  # alphabetical: Aino before Anna
        ("anna 009", ["C00920122", "C00921000"]),  # a name and a number
        ("282", ["C00000282"]),  # the email's number, and the account's last digits
        ("matti 00", ["C00000012"]),  # two digits: the trigram path, as before
        ("12 matti", []),  # no word of Matti's starts with 12
        ("anna 0093", []),
    ],
)
def test_numbers_are_found_alike_on_both_backends(any_engine: Engine, query: str, expected: list[str]) -> None:
    write_customers(any_engine, NUMBERED)
    assert [row.account_number for row in lookup(any_engine, query)] == expected


def test_phone_endings_beyond_a_page_are_read_in_index_order(any_engine: Engine) -> None:
    # 60 people whose numbers end in 6080: the page shows 50 of the 51 read in digit order.
    people = [CustomerRecord(f"S-{i:03d}", "pohjola", given_name=f"G{i:02d}", family_name="Suffix",
                             phones=[f"+3584012{i * 37 % 100:02d}6080"]) for i in range(60)]
    write_customers(any_engine, people)
    with any_engine.begin() as connection:  # rows updated move: table order is no longer id order
        connection.execute(text("UPDATE customer_phone SET position = position WHERE id % 2 = 0"))
    read = sorted(people, key=lambda p: p.phones[0][::-1])[:51]
    shown = sorted(p.account_number for p in read)[:50]
    assert [row.account_number for row in lookup(any_engine, "6080")] == shown


def test_every_scan_starts_at_the_table_start(any_engine: Engine) -> None:
    if any_engine.dialect.name == "sqlite":
        return
    for bind in (any_engine, reader(any_engine)):
        with bind.connect() as connection:
            assert connection.exec_driver_sql("SHOW synchronize_seqscans").scalar() == "off"
