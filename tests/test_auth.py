"""Sign-in: one answer for every failure, audited, and weak hashes replaced on success."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from deskapp.core.domain.audit import AuditEvent
from deskapp.core.domain.enums import Role
from deskapp.core.domain.models import Agent
from deskapp.core.errors import InvalidInput
from deskapp.core.security.passwords import hash_password, needs_rehash
from deskapp.core.services.auth import auth
from deskapp.core.services.auth.auth import LastAdministrator, SignInFailed
from deskapp.core.services.kernel.actors import console_actor


@pytest.fixture
def session(engine: Engine):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        session.add_all([
            Agent(username="anna", display_name="Anna Virtanen", role=Role.REP, ui_locale="fi",
                  password_hash=hash_password("demo-anna")),
            Agent(username="old", display_name="Old Timer", role=Role.REP, active=False,
                  password_hash=hash_password("demo-old")),
        ])
        session.commit()
        yield session


def _events(session: Session) -> list[tuple[str, int | None, dict[str, object]]]:
    return [(e.action, e.agent_id, e.detail) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_sign_in_returns_who_and_audits(session: Session) -> None:
    signed = auth.sign_in(session, "  Anna ", "demo-anna")
    assert (signed.username, signed.display_name, signed.role, signed.ui_locale) == (
        "anna", "Anna Virtanen", Role.REP, "fi")
    assert _events(session) == [("auth.sign_in", signed.agent_id, {"username": "anna"})]


@pytest.mark.parametrize(("username", "password"), [
    ("anna", "wrong"), ("nobody", "demo-anna"), ("old", "demo-old"), ("", ""), ("anna", "")])
def test_every_failure_gives_the_same_message(session: Session, username: str, password: str) -> None:
    with pytest.raises(SignInFailed) as failed:
        auth.sign_in(session, username, password)
    assert failed.value.message == ("The username or password is wrong, or the account is disabled. Check them "
                                    "and try again, or ask an administrator.")
    [(action, _agent, detail)] = _events(session)
    assert action == "auth.sign_in_failed" and detail == {"username": username}


def test_a_weak_hash_is_replaced_at_sign_in(session: Session) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID).hash("demo-anna")
    anna = session.scalars(select(Agent).where(Agent.username == "anna")).one()
    anna.password_hash = weak
    session.commit()
    assert needs_rehash(weak)
    auth.sign_in(session, "anna", "demo-anna")
    session.refresh(anna)
    assert anna.password_hash != weak and anna.password_hash.startswith("$argon2id$")
    assert not needs_rehash(anna.password_hash)
    assert auth.sign_in(session, "anna", "demo-anna").username == "anna"


def test_accounts_add_role_and_the_last_admin(session: Session) -> None:
    boss = auth.add_user(session, console_actor(session), "Boss", "correct horse", role="admin",
                         display_name="The  Boss")
    assert (boss.username, boss.display_name, boss.role) == ("boss", "The Boss", Role.ADMIN)
    with pytest.raises(LastAdministrator):
        auth.set_role(session, console_actor(session), "boss", "rep")
    with pytest.raises(LastAdministrator):
        auth.disable_user(session, boss.id, "boss")
    auth.set_role(session, boss.id, "anna", "admin")
    assert auth.set_role(session, console_actor(session), "boss", "supervisor").role == Role.SUPERVISOR
    changes = [e for e in _events(session) if e[0] == "user.role_change"]
    assert changes == [("user.role_change", boss.id, {"username": "anna", "from": "rep", "to": "admin"}),
                       ("user.role_change", console_actor(session), {"username": "boss", "from": "admin",
                                                                       "to": "supervisor"})]
    with pytest.raises(InvalidInput):
        auth.add_user(session, console_actor(session), "anna", "long enough")
    with pytest.raises(InvalidInput):
        auth.add_user(session, console_actor(session), "new", "short")
    with pytest.raises(InvalidInput):
        auth.add_user(session, console_actor(session), "bad name", "long enough")


def test_a_disabled_account_cannot_sign_in(session: Session) -> None:
    auth.add_user(session, console_actor(session), "admin", "long enough", role="admin")
    auth.disable_user(session, console_actor(session), "anna")
    with pytest.raises(SignInFailed):
        auth.sign_in(session, "anna", "demo-anna")
