"""``deskapp verify`` and its check: keyed revision chains and the audit chain, on SQLite and PostgreSQL.

The tampering is done with raw SQL after dropping the append-only triggers, as the owner of the
database could; the check must notice every time, and name the note and revision.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from deskapp.core.errors import PermissionDenied
from deskapp.core.services.kernel import integrity
from deskapp.core.services.kernel.actors import console_actor
from deskapp.core.services.notes import notes
from deskapp.core.services.notes.verify import BreakReason, BrokenRevision, verify_history
from deskapp.core.storage.engine import session_factory
from tests.helpers_pg import run_threads, sqlite_only
from tests.seeding import Seed, new_case
from tests.test_append_only import triggers_bypassed


@pytest.fixture
def engine(any_engine: Engine) -> Engine:
    """SQLite, then PostgreSQL (see ``any_engine``)."""
    return any_engine


@pytest.fixture
def history(engine: Engine, s: Seed) -> dict[str, int]:
    """Two notes, the first with three revisions: ``{"note": id, "other": id}``."""
    with Session(engine) as session:
        case = new_case(session, s)
        note = notes.add_note(session, s.rep, case.id, "Promised a refund of 20 EUR.")
        notes.edit_note(session, s.rep, note.id, "Promised a refund of 20 EUR. Approved by Sam.")
        notes.edit_note(session, s.rep, note.id, "Promised a refund of 20 EUR. Approved by Sam. Sent.")
        other = notes.add_note(session, s.rep, case.id, "Untouched note")
    return {"note": note.id, "other": other.id}


@contextmanager
def triggers_dropped(engine: Engine, tables: tuple[str, ...] = ("note_revision", "audit_event")) -> Iterator[None]:
    """What someone with the database could do: drop the append-only triggers, and commit.

    Put back afterwards, since the PostgreSQL test database is shared by the whole run.
    """
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            found = conn.execute(text(
                "SELECT tgname, c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT tgisinternal AND c.relname = ANY(:tables)"),
                {"tables": list(tables)}).all()
            for name, table, _sql in found:
                conn.execute(text(f'DROP TRIGGER "{name}" ON "{table}"'))
        else:
            found = conn.execute(text(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
                "(" + ", ".join(f"'{t}'" for t in tables) + ")")).all()
            for name, _table, _sql in found:
                conn.execute(text(f'DROP TRIGGER "{name}"'))
    try:
        yield
    finally:
        with engine.begin() as conn:
            for _name, _table, sql in found:
                conn.execute(text(sql))


def _report(engine: Engine) -> Any:
    with Session(engine) as session:
        return verify_history(session, console_actor(session))


def test_an_untouched_desk_verifies_and_the_json_has_exactly_the_contract_keys(
        cli: Any, any_db_url: str, history: dict[str, int]) -> None:
    code, out, err = cli("--db", any_db_url, "verify", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result == {"ok": True, "notes_checked": 2, "broken": [], "audit_ok": True}
    code, out, _err = cli("--db", any_db_url, "verify")
    assert code == 0
    assert "2 notes checked." in out and "5 audit events checked." in out and "The history is intact." in out


def test_a_body_changed_with_the_triggers_dropped_is_named(cli: Any, any_db_url: str, engine: Engine,
                                                           history: dict[str, int]) -> None:
    with triggers_dropped(engine):
        with engine.begin() as conn:
            conn.execute(text("UPDATE note_revision SET body = 'Promised a refund of 200 EUR.' "
                              "WHERE note_id = :id AND number = 2"), {"id": history["note"]})
        code, out, _err = cli("--db", any_db_url, "verify", "--json")
        finnish = cli("--db", any_db_url, "--lang", "fi", "verify")
    assert code == 1
    assert json.loads(out) == {
        "ok": False, "notes_checked": 2, "audit_ok": True,
        "broken": [{"note_id": history["note"], "revision": 2, "reason": "hash_mismatch"}],
    }
    code, out, _err = finnish
    assert code == 1
    assert f"Muistiinpano {history['note']}, versio 2:" in out
    assert "The history" not in out  # the summary is in Finnish


def test_a_body_rehashed_without_the_key_is_still_caught(engine: Engine, history: dict[str, int]) -> None:
    with engine.begin() as conn, triggers_bypassed(conn):
        author, created, prev = conn.execute(text(
            "SELECT author_id, created_at, prev_hash FROM note_revision WHERE note_id = :id AND number = 3"),
            {"id": history["note"]}).one()
        # The old unkeyed SHA-256, and an HMAC under a guessed key: neither is the desk's chain.
        forged = hashlib.sha256(f"{prev}\x00{author}\x00{created}\x00forged".encode()).hexdigest()
        conn.execute(text("UPDATE note_revision SET body = 'forged', hash = :h WHERE note_id = :id AND number = 3"),
                     {"h": forged, "id": history["note"]})
    assert _report(engine).broken == (BrokenRevision(history["note"], 3, BreakReason.HASH),)


def test_a_removed_middle_revision_breaks_the_link(engine: Engine, history: dict[str, int]) -> None:
    with engine.begin() as conn, triggers_bypassed(conn):
        conn.execute(text("DELETE FROM note_revision WHERE note_id = :id AND number = 2"), {"id": history["note"]})
    assert _report(engine).broken == (BrokenRevision(history["note"], 2, BreakReason.MISSING),
                                      BrokenRevision(history["note"], 3, BreakReason.LINK))


def test_a_removed_newest_revision_is_caught_through_the_audit_log(engine: Engine, history: dict[str, int]) -> None:
    with engine.begin() as conn, triggers_bypassed(conn):
        conn.execute(text("DELETE FROM note_revision WHERE note_id = :id AND number = 3"), {"id": history["note"]})
    with Session(engine) as session:
        assert notes.verify_chain(session, history["note"])  # the chain alone cannot see it
    report = _report(engine)
    assert report.broken == (BrokenRevision(history["note"], 3, BreakReason.MISSING),)
    assert report.audit_ok and not report.ok


def test_a_changed_or_removed_audit_event_fails_the_audit_check(engine: Engine, history: dict[str, int]) -> None:
    with engine.connect() as conn:
        ids = conn.execute(text("SELECT id FROM audit_event ORDER BY id")).scalars().all()
    assert len(ids) == 5  # case.open, note.add, note.edit ×2, note.add
    with engine.begin() as conn, triggers_bypassed(conn):
        conn.execute(text("UPDATE audit_event SET agent_id = NULL WHERE id = :id"), {"id": ids[1]})
    report = _report(engine)
    assert not report.audit_ok and report.first_bad_event == ids[1] and report.broken == ()
    with engine.begin() as conn, triggers_bypassed(conn):
        conn.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[1]})
    report = _report(engine)
    assert not report.audit_ok and report.first_bad_event == ids[2]  # its successor's link points nowhere


def test_new_events_keep_the_chain_going_after_a_check(engine: Engine, s: Seed, history: dict[str, int]) -> None:
    with Session(engine) as session:
        notes.edit_note(session, s.rep, history["other"], "Edited later")
        verify_history(session, s.supervisor)
    report = _report(engine)
    assert report.ok and report.audit_events_checked == 6


def test_without_the_key_nothing_verifies_and_a_new_key_is_made_for_new_notes(
        engine: Engine, s: Seed, history: dict[str, int]) -> None:
    with triggers_dropped(engine, ("desk_secret",)), engine.begin() as conn:
        conn.execute(text("DELETE FROM desk_secret"))
    report = _report(engine)
    assert not report.audit_ok
    assert report.broken == (BrokenRevision(history["note"], 1, BreakReason.NO_KEY),
                             BrokenRevision(history["other"], 1, BreakReason.NO_KEY))
    with Session(engine) as session:
        case = new_case(session, s, "Later")
        later = notes.add_note(session, s.rep, case.id, "Written under the new key")
        assert integrity.find_key(session) is not None
        assert notes.verify_chain(session, later.id)
        assert not notes.verify_chain(session, history["note"])


def test_only_supervisors_and_administrators_may_verify(engine: Engine, s: Seed) -> None:
    with Session(engine) as session:
        assert verify_history(session, s.supervisor).ok
        with pytest.raises(PermissionDenied):
            verify_history(session, s.rep)


@sqlite_only()
def test_two_writers_at_once_never_fork_the_audit_chain(engine: Engine, s: Seed) -> None:
    # PostgreSQL's many-writer case is tests/test_team_concurrency.py.
    make = session_factory(engine)
    with make() as session:
        case_id = new_case(session, s).id

    def worker(index: int) -> None:
        for k in range(15):
            with make() as session:
                notes.add_note(session, s.rep, case_id, f"note {index}-{k}")

    run_threads(4, worker)
    report = _report(engine)
    assert report.ok and report.notes_checked == 60 and report.audit_events_checked == 61
