"""Note revisions, audit events and the desk's key are append-only in the database (migrations 0004, 0007).

Raw SQL, not the services: the point is that nothing (a script, a SQL console) can rewrite them.
Runs on SQLite and, when DESKAPP_TEST_PG_URL is set, on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from deskapp.core.domain.audit import AuditEvent
from deskapp.core.domain.models import NoteRevision
from deskapp.core.services.kernel.actors import console_actor
from deskapp.core.services.notes import notes
from deskapp.core.storage import migrate
from deskapp.core.storage.engine import make_engine
from tests.helpers_pg import postgres_only, sqlite_only
from tests.seeding import Seed, new_case

APPEND_ONLY = ("note_revision", "audit_event")
REVISION_COLUMNS = "id, note_id, number, body, author_id, created_at, prev_hash, hash"
EVENT_COLUMNS = "id, at, agent_id, action, entity, entity_id, detail, prev_hash, hash"


@contextmanager
def triggers_bypassed(conn: Connection) -> Iterator[None]:
    """Switch the append-only triggers off inside ``conn``'s transaction, as the owner of the database could.

    For tests that tamper with history on purpose (to show the hash chain still notices). The
    change is undone when the block ends, within the same transaction, so no other test sees it.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        try:
            yield
        finally:
            conn.execute(text("SET LOCAL session_replication_role = origin"))
        return
    triggers = conn.execute(text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('note_revision', "
        "'audit_event')")).all()
    for name, _sql in triggers:
        conn.execute(text(f'DROP TRIGGER "{name}"'))
    try:
        yield
    finally:
        for _name, sql in triggers:
            conn.execute(text(sql))


@pytest.fixture
def engine(any_engine: Engine) -> Engine:
    """SQLite, then PostgreSQL (see ``any_engine``)."""
    return any_engine


@pytest.fixture
def note_id(engine: Engine, s: Seed) -> int:
    with Session(engine) as session:
        case = new_case(session, s)
        note = notes.add_note(session, s.rep, case.id, "first")
        notes.edit_note(session, s.rep, note.id, "second")
        return note.id


STATEMENTS = [
    pytest.param("UPDATE note_revision SET body = 'rewritten' WHERE note_id = :id", "note revisions", id="rev-update"),
    pytest.param("DELETE FROM note_revision WHERE note_id = :id", "note revisions", id="rev-delete"),
    pytest.param("UPDATE audit_event SET action = 'nothing'", "audit events", id="audit-update"),
    pytest.param("DELETE FROM audit_event", "audit events", id="audit-delete"),
]


# Statements that replace a row through a key conflict: SQLite's REPLACE deletes the old row
# without firing delete triggers, so 0007 refuses the conflicting insert itself.
SQLITE_REPLACES = [
    pytest.param(f"REPLACE INTO note_revision ({REVISION_COLUMNS}) SELECT id, note_id, number, 'rewritten', "
                 "author_id, created_at, prev_hash, hash FROM note_revision WHERE note_id = :id",
                 "note revisions", id="rev-replace-same-id"),
    pytest.param("INSERT OR REPLACE INTO note_revision (note_id, number, body, author_id, created_at, prev_hash, hash) "
                 "SELECT note_id, number, 'rewritten', author_id, created_at, prev_hash, hash FROM note_revision "
                 "WHERE note_id = :id", "note revisions", id="rev-replace-same-number"),
    pytest.param(f"INSERT INTO note_revision ({REVISION_COLUMNS}) SELECT id, note_id, number, 'rewritten', "
                 "author_id, created_at, prev_hash, hash FROM note_revision WHERE note_id = :id "
                 "ON CONFLICT DO UPDATE SET body = excluded.body", "note revisions", id="rev-upsert"),
    pytest.param(f"REPLACE INTO audit_event ({EVENT_COLUMNS}) SELECT id, at, agent_id, 'nothing', entity, "
                 "entity_id, detail, prev_hash, hash FROM audit_event", "audit events", id="audit-replace-same-id"),
    pytest.param("INSERT OR REPLACE INTO audit_event (at, agent_id, action, entity, entity_id, detail, prev_hash) "
                 "SELECT at, agent_id, 'nothing', entity, entity_id, detail, prev_hash FROM audit_event",
                 "audit events", id="audit-replace-same-link"),
    pytest.param("REPLACE INTO desk_secret (name, secret, created_at) SELECT name, 'aa', created_at FROM desk_secret",
                 "desk secrets", id="key-replace"),
]
# PostgreSQL has no REPLACE; ON CONFLICT DO UPDATE fires 0004's UPDATE trigger, and TRUNCATE,
# which skips row triggers, meets 0007's statement trigger.
POSTGRES_BYPASSES = [
    pytest.param(f"INSERT INTO note_revision ({REVISION_COLUMNS}) SELECT id, note_id, number, 'rewritten', "
                 "author_id, created_at, prev_hash, hash FROM note_revision WHERE note_id = :id "
                 "ON CONFLICT (id) DO UPDATE SET body = excluded.body", "note revisions", id="rev-upsert-id"),
    pytest.param("INSERT INTO note_revision (note_id, number, body, author_id, created_at, prev_hash, hash) "
                 "SELECT note_id, number, 'rewritten', author_id, created_at, prev_hash, hash FROM note_revision "
                 "WHERE note_id = :id ON CONFLICT (note_id, number) DO UPDATE SET body = excluded.body",
                 "note revisions", id="rev-upsert-number"),
    pytest.param(f"INSERT INTO audit_event ({EVENT_COLUMNS}) SELECT id, at, agent_id, 'nothing', entity, "
                 "entity_id, detail, prev_hash, hash FROM audit_event ON CONFLICT (id) DO UPDATE "
                 "SET action = excluded.action", "audit events", id="audit-upsert"),
    pytest.param("TRUNCATE note_revision", "note revisions", id="rev-truncate"),
    pytest.param("TRUNCATE case_note CASCADE", "note revisions", id="notes-truncate-cascade"),
    pytest.param("TRUNCATE audit_event", "audit events", id="audit-truncate"),
    pytest.param("TRUNCATE desk_secret", "desk secrets", id="key-truncate"),
]
KEY_STATEMENTS = [
    pytest.param("UPDATE desk_secret SET secret = 'aa'", "desk secrets", id="key-update"),
    pytest.param("DELETE FROM desk_secret", "desk secrets", id="key-delete"),
]


def _history_is_intact(engine: Engine, note_id: int) -> None:
    from deskapp.core.services.notes.verify import verify_history

    with Session(engine) as session:
        bodies = session.scalars(select(NoteRevision.body).where(NoteRevision.note_id == note_id)
                                 .order_by(NoteRevision.number)).all()
        assert bodies == ["first", "second"]
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 3  # case.open, note.add, note.edit
        assert notes.verify_chain(session, note_id)
        assert verify_history(session, console_actor(session)).ok


@pytest.mark.parametrize(("statement", "what"), STATEMENTS + KEY_STATEMENTS)
def test_raw_sql_cannot_rewrite_history(engine: Engine, note_id: int, statement: str, what: str) -> None:
    with pytest.raises(IntegrityError, match=f"{what} are append-only"), engine.begin() as conn:
        conn.execute(text(statement), {"id": note_id})
    _history_is_intact(engine, note_id)


@sqlite_only()
@pytest.mark.parametrize(("statement", "what"), SQLITE_REPLACES)
def test_replace_cannot_rewrite_history(engine: Engine, note_id: int, statement: str, what: str) -> None:
    with pytest.raises(IntegrityError, match=f"{what} are append-only"), engine.begin() as conn:
        conn.execute(text(statement), {"id": note_id})
    _history_is_intact(engine, note_id)


@postgres_only()
@pytest.mark.parametrize(("statement", "what"), POSTGRES_BYPASSES)
def test_upsert_and_truncate_cannot_rewrite_history(engine: Engine, note_id: int, statement: str,
                                                     what: str) -> None:
    with pytest.raises(IntegrityError, match=f"{what} are append-only"), engine.begin() as conn:
        conn.execute(text(statement), {"id": note_id})
    _history_is_intact(engine, note_id)


def test_inserting_is_still_allowed(engine: Engine, s: Seed, note_id: int) -> None:
    with Session(engine) as session:
        row = notes.edit_note(session, s.rep, note_id, "third")
    assert row.revision_count == 3


def test_the_bypass_is_undone(engine: Engine, note_id: int) -> None:
    with engine.begin() as conn, triggers_bypassed(conn):
        conn.execute(text("UPDATE note_revision SET body = 'forged' WHERE note_id = :id AND number = 1"),
                     {"id": note_id})
    with Session(engine) as session:
        assert not notes.verify_chain(session, note_id)  # the chain still notices
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("DELETE FROM note_revision"))


def _trigger_count(engine: Engine) -> int:
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            return int(conn.scalar(text(
                "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN "
                "('note_revision'::regclass, 'audit_event'::regclass)")) or 0)
        return int(conn.scalar(text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                                    "AND tbl_name IN ('note_revision', 'audit_event')")) or 0)


def test_downgrade_drops_the_triggers_and_upgrade_restores_them(any_empty_db_url: str) -> None:
    eng = make_engine(any_empty_db_url)
    try:
        migrate.upgrade(eng)
        sqlite = eng.dialect.name == "sqlite"
        # 0004: UPDATE and DELETE (one trigger for both on PostgreSQL); 0007: REPLACE or TRUNCATE
        at_0004, at_head = (4, 6) if sqlite else (2, 4)
        assert _trigger_count(eng) == at_head
        migrate.downgrade(eng, "0006")
        assert _trigger_count(eng) == at_0004
        migrate.downgrade(eng, "0003")
        assert _trigger_count(eng) == 0
        migrate.upgrade(eng, "0004")
        assert _trigger_count(eng) == at_0004
        migrate.upgrade(eng)
        assert _trigger_count(eng) == at_head
    finally:
        eng.dispose()


def test_copy_replace_empties_a_sqlite_target_and_keeps_its_triggers(engine: Engine, note_id: int,
                                                                     tmp_path: Path) -> None:
    from deskapp.cli.copy import copy_database

    if engine.dialect.name != "sqlite":
        pytest.skip("the PostgreSQL target is covered by tests/test_team_cli.py")
    target = make_engine(f"sqlite:///{tmp_path / 'target.sqlite3'}")
    try:
        migrate.upgrade(target)
        copy_database(engine, target)
        counts = copy_database(engine, target, replace=True)  # the target held revisions and audit events
        assert all(c.ok for c in counts)
        assert _trigger_count(target) == 6
        from deskapp.core.services.notes.verify import verify_history

        with Session(target) as session:  # the history came with its key, so it still verifies
            report = verify_history(session, console_actor(session))
        assert report.ok and report.notes_checked == 1 and report.audit_events_checked == 3
    finally:
        target.dispose()
