"""``deskapp migrate`` and ``deskapp copy``: SQLite demo desk to PostgreSQL, same lookups after."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from deskapp.core.services.customers.lookup import lookup
from deskapp.core.services.customers.store import CustomerRecord, write_customers
from deskapp.core.storage import migrate
from deskapp.core.storage.engine import make_engine

QUERIES = ["maki", "kor", "jukka", "ma", "virtanen a", "4567", "0401234567", "+358", "dela cruz", "garcia",
           "santos maria", "o'brien", "finance", "FI-000007", "PH-000010", "ES-000042", "nurse", "zzzz", "12"]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite demo desk of 300 customers, built once for the module by ``deskapp demo``."""
    from deskapp.cli import main

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    assert main(["--db", str(path), "demo", "--customers", "300"]) == 0
    return path


def _engine(url: str) -> Engine:
    engine = make_engine(url)
    migrate.upgrade(engine)
    return engine


def _answers(engine: Engine) -> list[list[tuple[str, str, str | None, str | None]]]:
    return [[(r.account_number, r.name, r.phone, r.email) for r in lookup(engine, q)] for q in QUERIES]


def test_migrate_reports_from_and_to(cli, pg_empty_url: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("--db", pg_empty_url, "migrate")
    assert (code, err) == (0, "")
    assert out.strip() == f"Database schema upgraded from revision (empty) to {migrate.EXPECTED_HEAD}."
    code, out, _err = cli("--db", pg_empty_url, "migrate")
    assert out.strip() == f"The database schema is up to date (revision {migrate.EXPECTED_HEAD})."


def test_migrate_sqlite_too(cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _err = cli("--db", str(db_path), "migrate")
    assert code == 0 and out.startswith("Database schema upgraded from revision (empty) to ")


@pytest.mark.postgres
def test_copy_demo_to_postgresql_gives_the_same_lookups(cli, demo_db: Path, pg_empty_url: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("copy", "--from", str(demo_db), "--to", pg_empty_url)
    assert (code, err) == (0, ""), out
    lines = out.splitlines()
    assert lines[0].split() == ["Table", "Source", "Target", "Status"]
    counts = {parts[0]: parts[1:] for parts in (line.split() for line in lines[1:-1])}
    assert counts["customer"] == ["300", "300", "OK"]
    assert int(counts["note_revision"][0]) > 0
    assert all(status == "OK" for _s, _t, status in counts.values())
    assert lines[-1].endswith("every count matches.")

    sqlite, pg = _engine(f"sqlite:///{demo_db}"), _engine(pg_empty_url)
    try:
        assert _answers(pg) == _answers(sqlite)
        assert sum(len(rows) for rows in _answers(pg)) > 50  # the queries found people
        # Sequences moved past the copied ids: new rows get new ids on PostgreSQL.
        write_customers(pg, [CustomerRecord("NEW-1", "nordtel", given_name="Uusi", family_name="Asiakas")])
        assert [r.account_number for r in lookup(pg, "uusi asiakas")] == ["NEW-1"]
        with pg.connect() as connection:
            assert connection.execute(text("SELECT max(id) FROM customer")).scalar_one() == 301
    finally:
        sqlite.dispose()
        pg.dispose()

    code, _out, err = cli("copy", "--from", str(demo_db), "--to", pg_empty_url)
    assert code == 1 and "already holds data" in err and "--replace" in err
    code, out, err = cli("copy", "--from", str(demo_db), "--to", pg_empty_url, "--replace")
    assert (code, err) == (0, "") and "customer  " in out
    code, out, err = cli("--db", pg_empty_url, "verify", "--json")  # the history came with its key
    assert (code, err) == (0, "") and json.loads(out)["ok"] and json.loads(out)["notes_checked"] > 0


def test_copy_reports_a_mismatch(cli, demo_db: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import deskapp.cli.copy as command

    real = command._copy_table

    def lossy(reader, writer, table):  # type: ignore[no-untyped-def]
        real(reader, writer, table)
        if table.name == "feedback":
            writer.execute(table.delete().where(table.c.id == 1))

    monkeypatch.setattr(command, "_copy_table", lossy)
    code, out, err = cli("copy", "--from", str(demo_db), "--to", str(tmp_path / "copy.sqlite3"))
    assert code == 1 and "MISMATCH" in out and "different number of rows" in err


def test_copy_from_a_missing_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli("copy", "--from", str(tmp_path / "nope.db"), "--to", str(tmp_path / "x.sqlite3"))
    assert code == 1 and "does not exist" in err and len(err.splitlines()) == 1
