"""``deskapp doctor``: each check on SQLite and PostgreSQL, its JSON contract, and what it catches."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from deskapp.core.storage import migrate
from deskapp.core.storage.doctor import Status, run_checks
from deskapp.core.storage.engine import make_engine


@pytest.fixture
def engine(any_engine: Engine) -> Engine:
    """SQLite, then PostgreSQL (see ``any_engine``)."""
    return any_engine


def _by_name(engine: Engine) -> dict[str, Any]:
    return {check.name: check for check in run_checks(engine)}


def test_a_migrated_desk_has_no_errors_and_the_json_has_the_contract_keys(cli: Any, any_db_url: str,
                                                                        engine: Engine) -> None:
    code, out, err = cli("--db", any_db_url, "doctor", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert set(report) == {"ok", "backend", "checks"}
    assert report["ok"] is True
    assert report["backend"] == engine.dialect.name
    names = [c["name"] for c in report["checks"]]
    assert {"latency", "server", "migrations", "schema", "append-only"} <= set(names)
    for check in report["checks"]:
        assert set(check) == {"name", "status", "detail", "advice"}
        assert check["status"] in {"ok", "warning", "error"}
        assert check["advice"] or check["status"] == "ok"  # every non-ok line says what to do
    statuses = {c["name"]: c["status"] for c in report["checks"]}
    assert statuses["migrations"] == statuses["schema"] == statuses["append-only"] == "ok"


def test_the_text_report_is_one_line_per_check(cli: Any, any_db_url: str, engine: Engine) -> None:
    code, out, _err = cli("--db", any_db_url, "doctor")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == len(run_checks(engine))
    assert any(line.startswith("ok") and "append-only" in line for line in lines)


def test_a_dropped_append_only_trigger_is_an_error(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
    try:
        check = _by_name(engine)["append-only"]
        assert check.status is Status.ERROR
        assert "audit_event (DELETE)" in check.detail
        assert "note_revision" not in check.detail
    finally:
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only"))


def test_a_database_behind_the_migrations_is_an_error_and_doctor_does_not_migrate_it(
        cli: Any, any_empty_db_url: str) -> None:
    code, out, _err = cli("--db", any_empty_db_url, "doctor", "--json")
    assert code == 1
    report = json.loads(out)
    migrations = next(c for c in report["checks"] if c["name"] == "migrations")
    assert migrations["status"] == "error"
    assert "deskapp migrate" in migrations["advice"]
    probe = make_engine(any_empty_db_url)
    try:
        assert migrate.current_revision(probe) is None
    finally:
        probe.dispose()


def test_an_index_added_by_hand_is_reported_as_a_schema_difference(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE INDEX ix_by_hand ON customer (given_name)"))
    check = _by_name(engine)["schema"]
    assert check.status is Status.WARNING
    assert "ix_by_hand" in check.detail


@pytest.mark.postgres
def test_postgres_checks_name_collation_extension_and_table_owner(pg_empty_url: str) -> None:
    engine = make_engine(pg_empty_url)
    try:
        migrate.upgrade(engine)
        checks = _by_name(engine)
        assert checks["collation"].status in {Status.OK, Status.WARNING}
        assert "collation" in checks["collation"].detail
        assert checks["extensions"].status is Status.OK  # the test server has pg_trgm (postgresql-contrib)
        # The test role created the tables, so it could drop the triggers: the warning says so.
        assert checks["privileges"].status is Status.WARNING
        assert "README" in checks["privileges"].advice
    finally:
        engine.dispose()


def test_sqlite_checks_journal_and_integrity(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'desk.db'}")
    try:
        migrate.upgrade(engine)
        checks = _by_name(engine)
        assert checks["journal"].status is Status.OK
        assert checks["integrity"].status is Status.OK
        assert "collation" not in checks
    finally:
        engine.dispose()



def _drop_the_search_update_trigger(engine: Engine) -> str:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER customer_word_prefix_au ON customer"))
            return "customer_word_prefix_au"
        conn.execute(text("DROP TRIGGER customer_fts_au"))
        return "customer_fts_au"


def test_a_missing_search_trigger_is_an_error_and_repair_rebuilds_the_index(
        cli: Any, any_db_url: str, engine: Engine) -> None:
    from deskapp.core.services.customers.lookup import lookup
    from deskapp.core.services.customers.store import CustomerRecord, customer_search_text, write_customers

    record = CustomerRecord("ACC-DOC-1", "main", given_name="Tuulikki", family_name="Lahtinen")
    write_customers(engine, [record])
    assert _by_name(engine)["search-index"].status is Status.OK
    name = _drop_the_search_update_trigger(engine)
    record.family_name = "Doktorsson"  # renamed while the trigger is gone: the index keeps the old name
    with engine.begin() as conn:
        conn.execute(text("UPDATE customer SET family_name = :f, search_text = :s WHERE account_number = :a"),
                     {"f": record.family_name, "s": customer_search_text(record), "a": record.account_number})
    assert lookup(engine, "tuulikki doktorss") == []
    check = _by_name(engine)["search-index"]
    assert check.status is Status.ERROR
    assert name in check.detail
    assert "--repair" in check.advice
    code, out, err = cli("--db", any_db_url, "doctor", "--repair", "--json")
    assert code == 0, err
    assert {c["name"]: c["status"] for c in json.loads(out)["checks"]}["search-index"] == "ok"
    assert [row.account_number for row in lookup(engine, "tuulikki doktorss")] == ["ACC-DOC-1"]


def test_repair_refuses_a_database_behind_the_migrations(cli: Any, any_empty_db_url: str) -> None:
    code, _out, err = cli("--db", any_empty_db_url, "doctor", "--repair")
    assert code == 1
    assert "deskapp migrate" in err
