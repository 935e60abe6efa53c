"""``deskapp users``: add (password from stdin or asked twice), list --json without secrets, roles, disable."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.domain.audit import AuditEvent
from deskapp.core.i18n.formatting import format_time
from deskapp.core.services.auth import auth
from deskapp.core.services.kernel.actors import console_actor
from deskapp.core.storage import migrate
from deskapp.core.storage.engine import make_engine


@pytest.fixture
def add(cli, db_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def run(name: str, *extra: str, password: str = "correct horse") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
        return cli("--db", db_url, "users", "add", name, "--password-stdin", *extra)  # type: ignore[no-any-return]
    return run


def test_add_and_list_json_has_no_secrets(cli, add, db_url: str) -> None:  # type: ignore[no-untyped-def]
    assert add("boss", "--role", "admin", "--display-name", "Big Boss") == (0, "Added boss (Administrator).\n", "")
    assert add("anna")[0] == 0
    code, out, err = cli("--db", db_url, "users", "list", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == [
        {"username": "anna", "display_name": "anna", "role": "rep", "active": True, "ui_locale": "en",
         "locked_until": None},
        {"username": "boss", "display_name": "Big Boss", "role": "admin", "active": True, "ui_locale": "en",
         "locked_until": None}]
    assert "hash" not in out and "$argon2" not in out and "correct horse" not in out
    code, table, _ = cli("--db", db_url, "users", "list")
    assert code == 0 and "Big Boss" in table and "$argon2" not in table
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            assert auth.sign_in(session, "boss", "correct horse").username == "boss"
    finally:
        engine.dispose()


def test_set_role_is_audited_and_the_last_admin_stays(cli, add, db_url: str) -> None:  # type: ignore[no-untyped-def]
    add("boss", "--role", "admin")
    add("anna")
    assert cli("--db", db_url, "users", "set-role", "anna", "supervisor") == (0, "anna is now: Supervisor.\n", "")
    code, out, err = cli("--db", db_url, "users", "set-role", "boss", "rep")
    assert (code, out) == (1, "")
    assert err.startswith("deskapp: boss is the only active administrator.")
    code, _, err = cli("--db", db_url, "users", "disable", "boss")
    assert code == 1 and "only active administrator" in err
    assert cli("--db", db_url, "users", "disable", "anna") == (0, "anna is disabled.\n", "")
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    try:
        with Session(engine) as session:
            events = [(e.action, e.detail) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    finally:
        engine.dispose()
    assert ("user.role_change", {"username": "anna", "from": "rep", "to": "supervisor"}) in events
    assert ("user.disable", {"username": "anna"}) in events


def test_password_is_asked_twice_at_a_terminal(cli, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    answers = iter(["first one!", "second one"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code, out, err = cli("--db", db_url, "users", "add", "anna")
    assert (code, out) == (1, "")
    assert "do not match" in err
    answers = iter(["same pass", "same pass"])
    assert cli("--db", db_url, "users", "add", "anna")[0] == 0


def test_errors_are_one_line(cli, add, db_url: str) -> None:  # type: ignore[no-untyped-def]
    code, _, err = add("anna", password="short")
    assert code == 1 and err.count("\n") == 1 and "too short" in err
    code, _, err = cli("--db", db_url, "users", "disable", "ghost")
    assert code == 1 and err == "deskapp: There is no user ghost.\n"
    code, _, err = cli("--db", db_url, "users", "set-role", "anna", "king")
    assert code == 2


def test_unlock_lets_a_locked_out_account_sign_in_and_is_audited(cli, add, db_url: str) -> None:  # type: ignore[no-untyped-def]
    add("anna")
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            for _attempt in range(auth.LOCKOUT_ATTEMPTS):
                with pytest.raises(auth.SignInFailed):
                    auth.sign_in(session, "anna", "wrong guess")
            with pytest.raises(auth.SignInLocked):
                auth.sign_in(session, "anna", "correct horse")
            ends = auth.locked_until(session, "anna")
        assert ends is not None
        code, out, _ = cli("--db", db_url, "users", "list", "--json")
        assert json.loads(out)[0]["locked_until"] == ends.isoformat()
        code, table, _ = cli("--db", db_url, "users", "list")
        assert f"locked out until {format_time(ends)}" in table
        assert cli("--db", db_url, "users", "unlock", "Anna") == (0, "anna is unlocked and can sign in again.\n", "")
        with Session(engine) as session:
            assert auth.sign_in(session, "anna", "correct horse").username == "anna"
        assert json.loads(cli("--db", db_url, "users", "list", "--json")[1])[0]["locked_until"] is None
        assert cli("--db", db_url, "users", "unlock", "anna") == (
            0, "anna was not locked out; the failed sign-ins so far no longer count.\n", "")
        with Session(engine) as session:
            console = console_actor(session)  # the console acts as its own built-in account
            unlocks = [(e.agent_id, e.detail) for e in session.scalars(
                select(AuditEvent).where(AuditEvent.action == "auth.unlock").order_by(AuditEvent.id))]
    finally:
        engine.dispose()
    assert unlocks == [(console, {"username": "anna", "was_locked": True}),
                       (console, {"username": "anna", "was_locked": False})]
    code, out, err = cli("--db", db_url, "users", "unlock", "ghost")
    assert (code, out, err) == (1, "", "deskapp: There is no user ghost.\n")
