"""Server unreachable: connection errors are told apart, drafts are spooled locally and flushed once."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from deskapp.core.domain.models import Draft
from deskapp.core.services.notes import notes
from deskapp.core.services.notes.spool import LocalDraftSpool
from deskapp.core.storage import idle_ping
from deskapp.core.storage.connectivity import is_connection_error
from deskapp.core.storage.engine import make_engine, session_factory
from tests import helpers_pg
from tests.seeding import Seed, new_case, seed


def _failure(url: str, statement: str = "SELECT 1") -> BaseException:
    engine = make_engine(url, connect_args={"connect_timeout": 2} if url.startswith("postgresql") else {})
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    except Exception as exc:
        return exc
    finally:
        engine.dispose()
    raise AssertionError("no failure")


def test_unreachable_servers_are_connection_errors(tmp_path: Path) -> None:
    closed_socket = f"postgresql+psycopg://rep@/desk?host={tmp_path}"  # no server listens there
    closed_port = "postgresql+psycopg://rep@127.0.0.1:9/desk"  # the discard port: nothing answers
    assert is_connection_error(_failure(closed_socket))
    assert is_connection_error(_failure(closed_port))
    assert is_connection_error(_failure(closed_port).orig)  # type: ignore[attr-defined]


def test_answers_from_the_server_are_not_connection_errors(tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite3"
    assert not is_connection_error(_failure(f"sqlite:///{db}", "SELECT * FROM no_such_table"))
    assert not is_connection_error(OperationalError("x", {}, sqlite3.OperationalError("database is locked")))
    assert not is_connection_error(ValueError("connection refused"))


@pytest.mark.postgres
def test_server_answers_and_dropped_connections_on_postgresql(pg_server) -> None:  # type: ignore[no-untyped-def]
    url = helpers_pg.url_string(pg_server)
    syntax = _failure(url, "SELEC 1")
    assert isinstance(syntax, ProgrammingError) and not is_connection_error(syntax)
    no_db = _failure(helpers_pg.url_string(pg_server.set(database="deskapp_no_such_db")))
    assert isinstance(no_db, OperationalError) and not is_connection_error(no_db)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
            with helpers_pg.admin(pg_server) as admin, admin.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            with pytest.raises(OperationalError) as dropped:
                connection.execute(text("SELECT 1"))
        assert is_connection_error(dropped.value)
    finally:
        engine.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(pg_server, pid: int) -> None:  # type: ignore[no-untyped-def]
    with helpers_pg.admin(pg_server) as admin, admin.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


@pytest.mark.postgres
def test_a_connection_dropped_while_idle_in_the_pool_is_replaced_before_use(  # type: ignore[no-untyped-def]
        pg_server, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(helpers_pg.url_string(pg_server))
    try:
        dropped = _backend_pid(engine)
        _terminate(pg_server, dropped)
        monkeypatch.setattr(idle_ping, "PING_AFTER_SECONDS", 0.0)  # it has sat idle long enough
        assert _backend_pid(engine) != dropped  # pinged, found gone, replaced: no error
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_connection_used_a_moment_ago_is_not_pinged_again(  # type: ignore[no-untyped-def]
        pg_server, monkeypatch: pytest.MonkeyPatch) -> None:
    # Keystroke after keystroke, no SELECT 1 in between: a connection that dies in that moment
    # fails its one statement as a connection error, and the next use gets a new one.
    engine = make_engine(helpers_pg.url_string(pg_server))
    try:
        dropped = _backend_pid(engine)
        _terminate(pg_server, dropped)
        monkeypatch.setattr(idle_ping, "PING_AFTER_SECONDS", 3600.0)
        with pytest.raises(OperationalError) as failed:
            _backend_pid(engine)
        assert is_connection_error(failed.value)
        assert _backend_pid(engine) != dropped
    finally:
        engine.dispose()


@pytest.fixture
def s(any_engine: Engine) -> Seed:
    return seed(any_engine)


def _offline_save(spool: LocalDraftSpool, agent: int, case_id: int, body: str, tmp_path: Path) -> None:
    """What the UI does on autosave: try the server, spool on a connection error."""
    down = make_engine(f"postgresql+psycopg://rep@/desk?host={tmp_path}")
    try:
        with session_factory(down)() as session:
            notes.save_draft(session, agent, case_id, body)
    except Exception as exc:
        if not is_connection_error(exc):
            raise
        spool.save(agent, case_id, body)
    finally:
        down.dispose()


def test_drafts_spooled_offline_reach_the_server_once(any_engine: Engine, s: Seed, tmp_path: Path) -> None:
    with session_factory(any_engine)() as session:
        case_id = new_case(session, s).id
    spool = LocalDraftSpool()
    assert spool.path.parent.exists() and spool.path.name == "offline-drafts.jsonl"  # in the user data dir
    _offline_save(spool, s.rep, case_id, "Router reset, customer will", tmp_path)
    _offline_save(spool, s.rep, case_id, "Router reset, customer will call back — Ünïcödé", tmp_path)
    _offline_save(spool, s.other_rep, case_id, "José's draft", tmp_path)
    assert [d.body for d in spool.pending()] == ["Router reset, customer will call back — Ünïcödé", "José's draft"]
    lines = spool.path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["agent_id"] for line in lines] == [s.rep, s.other_rep]

    # Each rep's window sends only the drafts of the rep signed in there (the file is not trusted).
    result = spool.flush(session_factory(any_engine), s.rep)
    assert (result.saved, result.remaining, result.offline) == (1, 1, False)
    result = spool.flush(session_factory(any_engine), s.other_rep)
    assert (result.saved, result.remaining, result.offline) == (1, 0, False)
    assert spool.pending() == []
    with session_factory(any_engine)() as session:
        [mine] = notes.pending_drafts(session, s.rep)
        assert mine.body == "Router reset, customer will call back — Ünïcödé" and mine.case_id == case_id

    # A crash after the server committed but before the spool was rewritten: the same draft is
    # flushed again, and the server still has one draft, not two.
    spool.save(s.rep, case_id, "Router reset, customer will call back — Ünïcödé")
    again = spool.flush(session_factory(any_engine), s.rep)
    assert again.saved + again.skipped_newer == 1
    with Session(any_engine) as session:
        assert session.scalar(select(func.count()).select_from(Draft)) == 2


def test_newer_server_draft_wins(any_engine: Engine, s: Seed, tmp_path: Path) -> None:
    with session_factory(any_engine)() as session:
        case_id = new_case(session, s).id
    spool = LocalDraftSpool(tmp_path / "spool.jsonl")
    spool.save(s.rep, case_id, "old offline text")
    with session_factory(any_engine)() as session:
        notes.save_draft(session, s.rep, case_id, "typed after reconnecting")
    result = spool.flush(session_factory(any_engine), s.rep)
    assert (result.saved, result.skipped_newer) == (0, 1)
    with session_factory(any_engine)() as session:
        assert [d.body for d in notes.pending_drafts(session, s.rep)] == ["typed after reconnecting"]


def test_flush_while_still_offline_keeps_everything(s: Seed, tmp_path: Path) -> None:
    spool = LocalDraftSpool(tmp_path / "spool.jsonl")
    spool.save(s.rep, 1, "kept")
    down = make_engine(f"postgresql+psycopg://rep@/desk?host={tmp_path}")
    try:
        result = spool.flush(session_factory(down), s.rep)
    finally:
        down.dispose()
    assert (result.saved, result.remaining, result.offline) == (0, 1, True)
    assert [d.body for d in spool.pending()] == ["kept"]


def test_draft_for_a_missing_case_stays_in_the_spool(any_engine: Engine, s: Seed, tmp_path: Path) -> None:
    spool = LocalDraftSpool(tmp_path / "spool.jsonl")
    spool.save(s.rep, 10_000, "case deleted meanwhile")
    result = spool.flush(session_factory(any_engine), s.rep)
    assert (result.failed, result.remaining) == (1, 1)


def test_torn_last_line_is_skipped(tmp_path: Path) -> None:
    spool = LocalDraftSpool(tmp_path / "spool.jsonl")
    spool.save(1, 2, "whole")
    with spool.path.open("a", encoding="utf-8") as handle:
        handle.write('{"uid": "x", "agent_id": 1, "ca')
    assert [d.body for d in spool.pending()] == ["whole"]
    assert not list(tmp_path.glob(".offline-drafts.*"))  # no temporary file left behind


def test_a_spooled_draft_goes_only_to_its_own_agent_and_desk(any_engine: Engine, s: Seed, tmp_path: Path) -> None:
    with session_factory(any_engine)() as session:
        case_id = new_case(session, s).id
    spool = LocalDraftSpool(tmp_path / "spool.jsonl")
    spool.save(s.rep, case_id, "typed on another desk", desk="another-desk")
    spool.save(s.other_rep, case_id, "José's, sent from Anna's window?")
    result = spool.flush(session_factory(any_engine), s.rep, desk="this-desk")
    assert (result.saved, result.remaining) == (0, 2)
    with session_factory(any_engine)() as session:
        assert notes.pending_drafts(session, s.rep) == []
        assert notes.pending_drafts(session, s.other_rep) == []
    assert sorted(d.body for d in spool.pending()) == ["José's, sent from Anna's window?", "typed on another desk"]
