"""A large import on SQLite lets reps work (sign-in, autosave) and, killed halfway, is taken back whole."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import Channel, PurchasePhase, Role, SupportStage
from deskapp.core.domain.models import Agent, Customer
from deskapp.core.security.passwords import hash_password
from deskapp.core.services.auth import auth
from deskapp.core.services.cases import cases
from deskapp.core.services.customers import import_runs
from deskapp.core.services.customers.bulk import bulk_write_customers
from deskapp.core.services.customers.store import CustomerRecord, write_customers
from deskapp.core.services.notes import notes

HEADER = "account_number,kind,given_name,family_name,organisation,email,phone,preferred_locale,brand,alerts\n"
GIVEN = ["Aino", "Jukka", "María", "José", "Ma. Cristina", "Siobhan", "Núria", "Väinö"]
FAMILY = ["Mäkinen", "Dela Cruz", "Núñez", "O'Brien", "Korhonen", "García", "Mäki-Petäjä"]

IMPORTER = """
import sys
from deskapp.core.services.customers.csv_import import import_customers
from sqlalchemy.orm import Session
from deskapp.core.services.kernel.actors import console_actor
from deskapp.core.storage.engine import make_engine
engine = make_engine(sys.argv[1])
with Session(engine) as session:
    console = console_actor(session)  # as `deskapp import customers` acts
summary = import_customers(engine, console, sys.argv[2], region="FI")
print("IMPORTED", summary.created, summary.updated, flush=True)
"""


def _csv(path: Path, rows: int, first: str = "") -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER + first)
        for n in range(rows):
            given, family = GIVEN[n % len(GIVEN)], FAMILY[n % len(FAMILY)]
            handle.write(f"C{n:07d},,{given},{family},,c{n}@example.fi,+358 40 {n:07d},fi,desk-{n % 3},"
                         f"{'VIP' if n % 20 == 0 else ''}\n")
    return path


def _start_import(db_url: str, csv_path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", IMPORTER, db_url, str(csv_path)], stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def _status(engine: Engine) -> import_runs.ImportStatus | None:
    with Session(engine) as session:
        return import_runs.import_in_progress(session)


def _wait_for_rows(engine: Engine, proc: subprocess.Popen[str], rows: int) -> import_runs.ImportStatus:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = _status(engine)
        if status is not None and status.rows >= rows:
            return status
        assert proc.poll() is None, "the import ended before it got that far"
        time.sleep(0.05)
    raise AssertionError("the import did not get going")


def _desk(engine: Engine) -> tuple[int, int]:
    write_customers(engine, [CustomerRecord("FI-1", "nordic", given_name="Jukka", family_name="Mäkinen",
                                            phones=["+358401234567"], emails=["j@posti.fi"], alerts=["VIP"])])
    with Session(engine) as session:
        agent = Agent(username="anna", display_name="Anna", role=Role.REP, password_hash=hash_password("demo-anna"))
        session.add(agent)
        session.commit()
        customer = session.scalars(select(Customer.id)).one()
        case = cases.open_case(session, agent.id, customer, "Netti", PurchasePhase.AFTER, SupportStage.OTHER,
                               Channel.PHONE)
        return agent.id, case.id


def _consistent(path: Path) -> None:
    with sqlite3.connect(path) as connection:  # raises "database disk image is malformed" if not
        connection.execute("INSERT INTO customer_fts(customer_fts, rank) VALUES ('integrity-check', 1)")
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def _snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as connection:
        found = {table: connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                 for table in ("customer", "brand", "import_run", "import_undo")}
        for table in ("customer_email", "customer_phone", "customer_alert"):  # restored lists get new ids
            found[table] = [row[1:] for row in connection.execute(f"SELECT * FROM {table} ORDER BY 2, 3")]
        return found


def _schema(path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()


@pytest.mark.heavy
def test_reps_sign_in_and_autosave_all_through_a_large_import(engine: Engine, db_url: str, db_path: Path,
                                                              tmp_path: Path) -> None:
    agent_id, case_id = _desk(engine)
    waits: list[float] = []
    n = 0
    with _start_import(db_url, _csv(tmp_path / "big.csv", 40_000)) as proc:
        try:
            status = _wait_for_rows(engine, proc, 1)
            assert not status.undoing and not status.stalled
            while proc.poll() is None:
                n += 1
                started = time.monotonic()
                with Session(engine) as session:  # each raises "database is locked" after 5 s of waiting
                    auth.sign_in(session, "anna", "demo-anna")
                with Session(engine) as session:
                    notes.save_draft(session, agent_id, case_id, f"draft {n}")
                waits.append(time.monotonic() - started)
                time.sleep(0.1)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.stdout is not None
        assert proc.stdout.read().split() == ["IMPORTED", "40000", "0"]
    assert proc.returncode == 0
    assert len(waits) >= 5, "the import was too quick to test anything"
    print(f"\n{len(waits)} sign-ins + autosaves during the import, slowest {max(waits):.2f} s")
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT count(*) FROM customer").fetchone() == (40_001,)
        assert connection.execute("SELECT body FROM draft").fetchall() == [(f"draft {n}",)]
        signed = connection.execute("SELECT count(*) FROM audit_event WHERE action LIKE '%sign%in%'").fetchone()[0]
        assert signed >= n
    assert _status(engine) is None
    _consistent(db_path)


@pytest.mark.heavy
def test_an_import_killed_halfway_is_taken_back_whole(engine: Engine, db_url: str, db_path: Path,
                                                      tmp_path: Path) -> None:
    _desk(engine)
    # The file updates the customer already there (and adds a brand) as well as adding thousands.
    path = _csv(tmp_path / "big.csv", 40_000, first="FI-1,,Jukka,Virtanen,,,,fi,nordic,\n")
    before, schema = _snapshot(db_path), _schema(db_path)
    with _start_import(db_url, path) as proc:
        try:
            _wait_for_rows(engine, proc, 3000)
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
    # Whatever slices committed are whole: the file is sound, the index in step, nothing half-written.
    _consistent(db_path)
    status = _status(engine)
    assert status is not None and status.rows >= 3000
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT family_name FROM customer WHERE account_number = 'FI-1'").fetchone() \
            == ("Virtanen",)
        assert connection.execute("SELECT count(*) FROM customer c WHERE c.account_number LIKE 'C%' AND NOT EXISTS "
                                  "(SELECT 1 FROM customer_email e WHERE e.customer_id = c.id)").fetchone() == (0,)
    assert import_runs.recover(engine) == 1  # what the desk's next start (or the next import) does
    assert _snapshot(db_path) == before
    assert _schema(db_path) == schema
    assert _status(engine) is None
    _consistent(db_path)


def test_a_second_import_waits_for_the_first(engine: Engine, db_path: Path) -> None:
    with engine.connect() as connection:
        dbapi = connection.connection.driver_connection
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        import_runs.start_run(dbapi)  # this process is alive: the run is not dead
        connection.commit()
    with pytest.raises(import_runs.ImportAlreadyRunning):
        bulk_write_customers(engine, [CustomerRecord("X-1", "desk", given_name="Xa")])
    status = _status(engine)
    assert status is not None and (status.rows, status.undoing, status.stalled) == (0, False, False)
