"""Benchmark: migration 0007 re-keying an existing desk's history, then ``deskapp verify`` over it.

A SQLite desk at migration 0006 gets ``--notes`` notes of three revisions each (a few hundred
characters, unkeyed SHA-256 chains as 0001–0006 wrote them) and one audit event per revision.
Timed: the upgrade to 0007 (verify the old chains, re-chain with HMAC, seal the audit log), then
``--runs`` full checks interleaved with a baseline: bare sqlite3 reading the same rows and taking
one HMAC-SHA256 of each (the least any keyed check must do). Run from the repository:
``python -m bench.verify --notes 100000``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import json
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from deskapp.core.services.kernel.actors import console_actor
from deskapp.core.services.notes.verify import verify_history
from deskapp.core.storage import migrate
from deskapp.core.storage.engine import make_engine

BODY = ("Asiakas soitti: netti katkeilee iltaisin, reititin käynnistetty uudelleen. " * 4).strip()


def _legacy(prev: str | None, author: int, created: dt.datetime, body: str) -> str:
    moment = created.isoformat(timespec="microseconds")
    return hashlib.sha256("\x00".join((prev or "", str(author), moment, body)).encode()).hexdigest()


def build(path: Path, notes: int) -> None:
    """A desk at 0006 with ``notes`` three-revision notes and their audit events."""
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine, "0006")
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    # Raw SQL with the columns 0006 had: the models describe the newest schema, not this one.
    t = start.replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO brand (id, code, name, default_region, default_locale) "
                          "VALUES (1, 'b', 'B', 'FI', 'fi')"))
        conn.execute(text("INSERT INTO agent (id, username, display_name, role, ui_locale, languages, active, "
                          "preferences, created_at) VALUES (1, 'a', 'A', 'rep', 'en', '[]', 1, '{}', :t)"), {"t": t})
        conn.execute(text("INSERT INTO customer (id, brand_id, kind, account_number, given_name, family_name, "
                          "preferred_locale, search_text, family_key, created_at, updated_at, version_id) "
                          "VALUES (1, 1, 'external', 'X', '', '', 'fi', '', '', :t, :t, 1)"), {"t": t})
        conn.execute(text("INSERT INTO support_case (id, customer_id, brand_id, subject, purchase_phase, "
                          "support_stage, channel, priority, status, opened_at, updated_at, version_id) "
                          "VALUES (1, 1, 1, 's', 'after', 'troubleshooting', 'phone', 'normal', 'open', :t, :t, 1)"),
                     {"t": t})
    with engine.begin() as conn:
        for first in range(1, notes + 1, 5000):
            ids = range(first, min(first + 5000, notes + 1))
            conn.execute(text("INSERT INTO case_note (id, case_id, author_id, kind, created_at) "
                              "VALUES (:id, 1, 1, 'text', :t)"), [{"id": i, "t": start.replace(tzinfo=None)}
                                                                   for i in ids])
            revisions, events = [], []
            for note_id in ids:
                prev = None
                for number in (1, 2, 3):
                    created = start + dt.timedelta(seconds=note_id * 10 + number)
                    body = f"{BODY} {number}"
                    digest = _legacy(prev, 1, created, body)
                    revisions.append({"n": note_id, "num": number, "b": body, "c": created.replace(tzinfo=None),
                                      "p": prev, "h": digest})
                    events.append({"at": created.replace(tzinfo=None), "e": note_id,
                                   "act": "note.add" if number == 1 else "note.edit",
                                   "d": json.dumps({"case": 1} if number == 1 else {"revision": number})})
                    prev = digest
            conn.execute(text("INSERT INTO note_revision (note_id, number, body, author_id, created_at, "
                              "prev_hash, hash) VALUES (:n, :num, :b, 1, :c, :p, :h)"), revisions)
            conn.execute(text("INSERT INTO audit_event (at, agent_id, action, entity, entity_id, detail) "
                              "VALUES (:at, 1, :act, 'case_note', :e, :d)"), events)
    engine.dispose()


def baseline(path: Path) -> float:
    """Seconds for bare sqlite3 to read every revision and event and HMAC each once."""
    began = time.perf_counter()
    with sqlite3.connect(path) as connection:
        key = bytes.fromhex(connection.execute("SELECT secret FROM desk_secret").fetchone()[0])
        for query in ("SELECT note_id, number, author_id, created_at, body, prev_hash, hash FROM note_revision "
                      "ORDER BY note_id, number",
                      "SELECT id, at, agent_id, action, entity, entity_id, detail, prev_hash, hash FROM audit_event "
                      "ORDER BY id"):
            for row in connection.execute(query):
                hmac.new(key, "\x00".join(map(str, row[:-1])).encode(), hashlib.sha256).hexdigest()
    return time.perf_counter() - began


def main() -> int:
    """Build, migrate, verify; print the timings."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    checks: list[float] = []
    bares: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "desk.sqlite3"
        build(path, args.notes)
        engine = make_engine(f"sqlite:///{path}")
        began = time.perf_counter()
        migrate.upgrade(engine)
        migrated = time.perf_counter() - began
        for _run in range(args.runs):
            bares.append(baseline(path))
            began = time.perf_counter()
            with Session(engine) as session:
                report = verify_history(session, console_actor(session))
            checks.append(time.perf_counter() - began)
        engine.dispose()
    revisions = args.notes * 3
    check, bare = statistics.median(checks), statistics.median(bares)
    print(f"{args.notes} notes, {revisions} revisions, {report.audit_events_checked} audit events")
    per_revision = migrated / revisions * 1e6
    print(f"migrations 0007–head (re-keyed in 0007, 0011): {migrated:.1f} s ({per_revision:.0f} µs per revision)")
    print(f"verify: median {check:.2f} s ({check / revisions * 1e6:.0f} µs per revision + its event); "
          f"bare sqlite3 + HMAC: {bare:.2f} s; ratio {check / bare:.2f}×; ok={report.ok}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
