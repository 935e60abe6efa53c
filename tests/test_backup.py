"""``deskapp backup`` makes a consistent copy, even while another connection is writing."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from sqlalchemy import Engine, text

from deskapp.core.services.customers.store import CustomerRecord, write_customers
from deskapp.core.storage.backup import backup_database


def _records(n: int, start: int = 0) -> list[CustomerRecord]:
    return [CustomerRecord(account_number=f"A{i:06d}", brand_code="acme", given_name="Aino", family_name="Virtanen")
            for i in range(start, start + n)]


def test_backup_copies_everything(engine: Engine, tmp_path: Path) -> None:
    write_customers(engine, _records(500))
    result = backup_database(engine, tmp_path / "copy.sqlite3")
    assert result.pages > 0
    with sqlite3.connect(result.path) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM customer").fetchone() == (500,)


def test_backup_during_writes_is_consistent(engine: Engine, tmp_path: Path) -> None:
    write_customers(engine, _records(200))
    stop = threading.Event()

    def writer() -> None:
        start = 200
        while not stop.is_set():
            write_customers(engine, _records(50, start))
            start += 50

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        result = backup_database(engine, tmp_path / "live.sqlite3")
    finally:
        stop.set()
        thread.join()
    with sqlite3.connect(result.path) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        customers = copy.execute("SELECT count(*) FROM customer").fetchone()[0]
        emails_orphans = copy.execute(
            "SELECT count(*) FROM customer_email e LEFT JOIN customer c ON c.id = e.customer_id WHERE c.id IS NULL"
        ).fetchone()[0]
    assert customers >= 200 and customers % 50 == 0  # whole batches only: each batch is one transaction
    assert emails_orphans == 0


def test_cli_backup_refuses_to_overwrite(cli, db_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "b.sqlite3"
    code, out, err = cli("--db", str(db_path), "backup", str(target))
    assert code == 0 and "Backed up" in out and target.exists()
    code, out, err = cli("--db", str(db_path), "backup", str(target))
    assert code == 1
    assert err.strip().endswith("already exists; choose a new file name.")
    assert "Traceback" not in err


def test_cli_backup_into_missing_folder(cli, db_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli("--db", str(db_path), "backup", str(tmp_path / "nope" / "b.sqlite3"))
    assert code == 1 and "does not exist" in err and len(err.strip().splitlines()) == 1


def test_backup_of_itself_is_refused(engine: Engine, db_path: Path) -> None:
    import pytest

    from deskapp.core.errors import DeskappError

    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    with pytest.raises(DeskappError):
        backup_database(engine, db_path)
