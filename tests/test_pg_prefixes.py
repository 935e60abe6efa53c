"""PostgreSQL's word-prefix table (migration 0016): same answers as SQLite's FTS5, kept in step by triggers."""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from deskapp.cli.copy import APPEND_ONLY
from deskapp.core.domain.models import Customer
from deskapp.core.search import pg_prefixes
from deskapp.core.services.customers.lookup import lookup
from deskapp.core.services.customers.store import CustomerRecord, write_customers


def _accounts(engine: Engine, query: str) -> list[str]:
    return [row.account_number for row in lookup(engine, query)]


def test_a_name_matching_more_than_a_page_shows_the_first_customers_by_id(any_engine: Engine) -> None:
    # 70 "Zed Jo.." of whom the words search reads a page and one (51) in id order, as FTS5 does;
    # given names run backwards, so any other 51 would change the page.
    write_customers(any_engine, [CustomerRecord(f"Z-{i:03d}", "pohjola", given_name=f"Jo{99 - i:02d}",
                                                family_name="Zed") for i in range(70)])
    assert _accounts(any_engine, "zed jo") == [f"Z-{i:03d}" for i in range(50, 0, -1)]
    assert _accounts(any_engine, "jo zed") == [f"Z-{i:03d}" for i in range(50, 0, -1)]


def test_words_longer_than_the_prefixes_are_checked_whole(any_engine: Engine) -> None:
    write_customers(any_engine, [
        CustomerRecord("L-1", "pohjola", given_name="Bartholomew", family_name="Robinson"),
        CustomerRecord("L-2", "pohjola", given_name="Bartholdy", family_name="Robinsonova"),
        CustomerRecord("L-3", "pohjola", given_name="Bart", family_name="Robin"),
        CustomerRecord("L-4", "pohjola", given_name="Anne", family_name="Mäki-Petäjä", emails=["anne5@x.fi"]),
    ])
    assert _accounts(any_engine, "robinson bartholo") == ["L-1"]
    assert _accounts(any_engine, "robinson barth") == ["L-1", "L-2"]
    assert _accounts(any_engine, "robinsonov bart") == ["L-2"]
    assert _accounts(any_engine, "robin bart") == ["L-3", "L-1", "L-2"]
    assert _accounts(any_engine, "anne mäki-petäjä") == ["L-4"]
    assert _accounts(any_engine, "petaja x") == ["L-4"]  # the e-mail's domain is a word too
    assert _accounts(any_engine, "anne5 petaja") == ["L-4"]  # a word of letters and digits
    assert _accounts(any_engine, "bartholomews robinson") == []
    assert [row.account_number for row in lookup(any_engine, "robin barth", brand="pohjola")] == ["L-1", "L-2"]
    assert lookup(any_engine, "robin barth", brand="no-such-brand") == []


def _stale(engine: Engine) -> int:
    """Rows the table holds but should not, plus rows it should hold but does not."""
    with engine.connect() as connection:
        return int(connection.execute(text(
            f"SELECT count(*) FROM ((SELECT prefix, customer_id FROM {pg_prefixes.TABLE} EXCEPT ALL "
            f"{pg_prefixes.rows_of('customer c')}) UNION ALL ({pg_prefixes.rows_of('customer c')} EXCEPT ALL "
            f"SELECT prefix, customer_id FROM {pg_prefixes.TABLE})) AS differences")).scalar_one())


def test_the_triggers_follow_every_write(any_engine: Engine) -> None:
    if any_engine.dialect.name == "sqlite":
        return  # FTS5's own triggers: tests/test_lookup.py
    pg_engine = any_engine
    write_customers(pg_engine, [CustomerRecord(f"T-{i}", "pohjola", given_name="Tiina", family_name=f"Tuomi{i}")
                                for i in range(5)])
    assert _stale(pg_engine) == 0
    with Session(pg_engine) as session, session.begin():
        first, second, third = session.query(Customer).filter(Customer.account_number.in_(["T-0", "T-1", "T-2"]))
        first.search_text = "uusi nimi 123"
        second.given_name = "Unchanged words"  # the text stays: nothing is rewritten
        session.delete(third)
    assert _stale(pg_engine) == 0
    assert _accounts(pg_engine, "uusi nim") == ["T-0"] and _accounts(pg_engine, "tiina tuomi0") == []
    with pg_engine.begin() as connection:
        connection.execute(text("UPDATE customer SET search_text = search_text || ' extra'"))
    assert _stale(pg_engine) == 0 and len(_accounts(pg_engine, "extra tiina")) == 3
    with pg_engine.begin() as connection:  # as `deskapp copy --replace` empties a database
        for table in APPEND_ONLY:
            connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_truncate"))
        connection.execute(text("TRUNCATE customer CASCADE"))
        assert connection.execute(text(f"SELECT count(*) FROM {pg_prefixes.TABLE}")).scalar_one() == 0


def test_a_lookup_plans_generically_without_changing_the_connection(any_engine: Engine) -> None:
    if any_engine.dialect.name == "sqlite":
        return
    write_customers(any_engine, [CustomerRecord("P-1", "pohjola", given_name="Pia", family_name="Plan")])
    with any_engine.connect() as connection:
        for _ in range(7):  # psycopg prepares the statement from the fifth run on
            assert [row.account_number for row in lookup(connection, "plan pia")] == ["P-1"]
        assert connection.exec_driver_sql("SHOW plan_cache_mode").scalar_one() == "auto"
        plans = connection.execute(text(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE strpos(statement, :table) > 0"),
            {"table": pg_prefixes.TABLE}).one()
        assert plans[0] >= 1 and plans[1] == 0


def test_numbers_have_their_prefixes_from_three_digits(any_engine: Engine) -> None:
    if any_engine.dialect.name == "sqlite":
        return  # FTS5 has every prefix
    write_customers(any_engine, [CustomerRecord("C12345678", "pohjola", given_name="Nina", family_name="Numero")])
    with any_engine.connect() as connection:
        prefixes = set(connection.execute(text(
            f"SELECT p.prefix FROM {pg_prefixes.TABLE} p JOIN customer c ON c.id = p.customer_id "
            "WHERE c.account_number = 'C12345678'")).scalars())
    assert {"123", "1234", "12345", "123456"} <= prefixes
    assert not {"1", "12"} & prefixes  # every account number starts so: no typed number needs them
    assert {"n", "ni", "nin", "nina", "nu", "numero"} <= prefixes
    assert _accounts(any_engine, "nina 1234") == ["C12345678"]
    assert _accounts(any_engine, "12345678 numero") == ["C12345678"]  # longer than a prefix: checked whole
    assert _accounts(any_engine, "nina 12") == ["C12345678"]  # two digits: the trigram path
    assert _accounts(any_engine, "nina 1235") == []


def test_a_number_starting_more_than_a_page_of_accounts_shows_the_first_by_id(any_engine: Engine) -> None:
    # As FTS5 does: the words search reads a page and one (51) in id order; given names run backwards.
    write_customers(any_engine, [CustomerRecord(f"C0091{i:04d}", "pohjola", given_name=f"Aa{99 - i:02d}",
                                                family_name="Tili") for i in range(70)])
    assert _accounts(any_engine, "0091") == [f"C0091{i:04d}" for i in range(50, 0, -1)]
