"""Migration 0007 on a desk that already has history: intact notes are re-chained with the key,
a note tampered with before the upgrade stays broken, the audit log is sealed, and a downgrade
gives back the old unkeyed hashes. SQLite, then PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from deskapp.core.services.kernel.actors import console_actor
from deskapp.core.services.notes.verify import BreakReason, BrokenRevision, verify_history
from deskapp.core.storage import migrate
from deskapp.core.storage.engine import make_engine
from tests.seeding import seed

START = dt.datetime(2026, 11, 2, 9, 30, 15, 123456, tzinfo=dt.UTC)


def _legacy_hash(prev: str | None, author: int, created: dt.datetime, body: str) -> str:
    """The unkeyed SHA-256 chain of migrations 0001–0006."""
    moment = created.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return hashlib.sha256("\x00".join((prev or "", str(author), moment, body)).encode()).hexdigest()


def _old_desk(engine: Engine) -> tuple[int, int, dict[int, str]]:
    """A desk at 0006 with two notes of three revisions and two audit events; returns the notes and hashes."""
    migrate.upgrade(engine, "0006")
    s = seed(engine)  # agents, brands and customers only: no audit events, no revisions
    hashes: dict[int, str] = {}
    with engine.begin() as conn:  # plain SQL: the models are newer than 0006 (case references)
        case_id = conn.execute(text(
            "INSERT INTO support_case (customer_id, brand_id, subject, purchase_phase, support_stage, channel, "
            "priority, status, owner_id, opened_at, updated_at, version_id) VALUES (:c, 1, 'Router', 'after', "
            "'troubleshooting', 'phone', 'normal', 'open', :o, :t, :t, 1) RETURNING id"),
            {"c": s.customer, "o": s.rep, "t": _stored(conn, START)}).scalar_one()
        note_ids = [conn.execute(text(
            "INSERT INTO case_note (case_id, author_id, kind, created_at) VALUES (:c, :a, 'text', :t) RETURNING id"),
            {"c": case_id, "a": s.rep, "t": _stored(conn, START)}).scalar_one() for _ in range(2)]
    with engine.begin() as conn:
        for note_id in note_ids:
            prev = None
            for number in (1, 2, 3):
                created = START + dt.timedelta(minutes=number)
                digest = _legacy_hash(prev, s.rep, created, f"text {number}")
                row_id = conn.execute(text(
                    "INSERT INTO note_revision (note_id, number, body, author_id, created_at, prev_hash, hash) "
                    "VALUES (:n, :num, :b, :a, :c, :p, :h) RETURNING id"),
                    {"n": note_id, "num": number, "b": f"text {number}", "a": s.rep, "c": _stored(conn, created),
                     "p": prev, "h": digest}).scalar_one()
                hashes[row_id] = digest
                prev = digest
        for action in ("case.open", "note.add"):
            conn.execute(text("INSERT INTO audit_event (at, agent_id, action, entity, entity_id, detail) "
                              "VALUES (:at, :a, :act, 'case_note', :e, :d)"),
                         {"at": _stored(conn, START), "a": s.rep, "act": action, "e": note_ids[0],
                          "d": '{"case": 1, "n\\u00e4": "\\u00e4"}'})
    return note_ids[0], note_ids[1], hashes


def _stored(conn: Connection, moment: dt.datetime) -> object:
    # As deskapp's UTCDateTime stores it: naive UTC text on SQLite, an aware timestamp on PostgreSQL.
    return moment.replace(tzinfo=None).isoformat(sep=" ") if conn.dialect.name == "sqlite" else moment


def test_upgrade_rechains_intact_notes_keeps_a_forgery_broken_and_seals_the_audit_log(
        any_empty_db_url: str) -> None:
    engine = make_engine(any_empty_db_url)
    try:
        _intact, tampered, hashes = _old_desk(engine)
        with engine.begin() as conn:  # before the upgrade, 0004's triggers set aside as an owner could
            _set_aside_update_trigger(conn, "DISABLE")
            conn.execute(text("UPDATE note_revision SET body = 'forged' WHERE note_id = :n AND number = 2"),
                         {"n": tampered})
            _set_aside_update_trigger(conn, "ENABLE")
        migrate.upgrade(engine)
        with Session(engine) as session:
            report = verify_history(session, console_actor(session))
        assert report.notes_checked == 2 and report.audit_ok and report.audit_events_checked == 2
        assert report.broken == (BrokenRevision(tampered, 2, BreakReason.HASH),)
        with engine.connect() as conn:
            now = {(note, number): digest for note, number, digest in conn.execute(text(
                "SELECT note_id, number, hash FROM note_revision"))}
            before = {(note, number): hashes[row_id] for row_id, note, number in conn.execute(text(
                "SELECT id, note_id, number FROM note_revision"))}
        changed = {key for key in now if now[key] != before[key]}
        assert changed == set(now) - {(tampered, 2)}  # keyed now, but the forged text kept its old hash

        migrate.downgrade(engine, "0006")
        with engine.connect() as conn:
            assert dict(conn.execute(text("SELECT id, hash FROM note_revision")).all()) == hashes
            columns = conn.execute(text("SELECT * FROM audit_event")).keys()
            assert "hash" not in columns and "prev_hash" not in columns
        migrate.upgrade(engine)  # and up again, with a new key
        with Session(engine) as session:
            report = verify_history(session, console_actor(session))
            assert report.broken == (BrokenRevision(tampered, 2, BreakReason.HASH),)
    finally:
        engine.dispose()


def _set_aside_update_trigger(conn: Connection, what: str) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"ALTER TABLE note_revision {what} TRIGGER note_revision_append_only"))
    elif what == "DISABLE":
        conn.execute(text("DROP TRIGGER note_revision_no_update"))
    else:
        conn.execute(text("CREATE TRIGGER note_revision_no_update BEFORE UPDATE ON note_revision "
                          "BEGIN SELECT RAISE(ABORT, 'note revisions are append-only'); END"))
