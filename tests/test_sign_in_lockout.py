"""Sign-in lockout: five failures in fifteen minutes lock a typed username, known or not, on both backends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from deskapp.core.domain.audit import AuditEvent
from deskapp.core.domain.enums import Role
from deskapp.core.domain.models import Agent
from deskapp.core.errors import PermissionDenied, RecordNotFound
from deskapp.core.i18n import set_locale
from deskapp.core.security.passwords import hash_password
from deskapp.core.services.auth import auth
from deskapp.core.services.auth.auth import LOCKOUT_ATTEMPTS, LOCKOUT_WINDOW, SignInFailed, SignInLocked
from deskapp.core.services.kernel.actors import console_actor
from tests.test_catalogs import compiled

T0 = dt.datetime(2025, 3, 14, 9, 0, tzinfo=dt.UTC)
WRONG_OR_DISABLED = ("The username or password is wrong, or the account is disabled. Check them and try again, "
                     "or ask an administrator.")


@pytest.fixture
def session(any_engine: Engine) -> Iterator[Session]:
    with Session(any_engine) as session:
        session.add_all([
            Agent(username=name, display_name=name.title(), role=Role.REP, password_hash=hash_password(f"demo-{name}"))
            for name in ("anna", "jose")
        ])
        session.commit()
        yield session


def _minutes(n: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


def _fail(session: Session, username: str, times: int = 1, start: float = 0.0, step: float = 1.0) -> None:
    for i in range(times):
        with pytest.raises(SignInFailed) as failed:
            auth.sign_in(session, username, "not the password", now=_minutes(start + i * step))
        assert type(failed.value) is SignInFailed  # a plain failure, not yet a lockout


def _actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_five_failures_lock_and_the_right_password_is_then_refused_unread(session: Session) -> None:
    assert LOCKOUT_ATTEMPTS == 5
    assert LOCKOUT_WINDOW.total_seconds() == 15 * 60
    # A weak hash would be replaced by a successful check: it staying put shows the password was never read.
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID).hash("demo-anna")
    anna = session.scalars(select(Agent).where(Agent.username == "anna")).one()
    anna.password_hash = weak
    session.commit()
    _fail(session, "anna", 5)  # minutes 0..4
    assert auth.locked_until(session, "ANNA", now=_minutes(4)) == _minutes(15)
    with pytest.raises(SignInLocked) as locked:
        auth.sign_in(session, "anna", "demo-anna", now=_minutes(5))
    assert locked.value.minutes == 10
    assert locked.value.message == ("Too many failed sign-ins with this username. Wait 10 minutes and try again, "
                                    "or ask an administrator to unlock the account.")
    session.refresh(anna)
    assert anna.password_hash == weak
    assert _actions(session) == ["auth.sign_in_failed"] * 5 + ["auth.sign_in_locked"]
    with pytest.raises(SignInLocked) as locked:
        auth.sign_in(session, "anna", "demo-anna", now=_minutes(14.5))
    assert locked.value.minutes == 1
    assert "Wait 1 minute and" in locked.value.message  # singular
    # Another username is not affected.
    assert auth.sign_in(session, "jose", "demo-jose", now=_minutes(5)).username == "jose"


def test_the_lockout_ends_when_the_window_has_passed(session: Session) -> None:
    _fail(session, "anna", 5, step=2)  # minutes 0, 2, 4, 6, 8: locked until the first one is 15 minutes old
    for attempt in (9, 12, 14.9):  # refusals do not count, so hammering does not stretch the lockout
        with pytest.raises(SignInLocked):
            auth.sign_in(session, "anna", "demo-anna", now=_minutes(attempt))
    assert auth.locked_until(session, "anna", now=_minutes(14.9)) == _minutes(15)
    assert auth.locked_until(session, "anna", now=_minutes(15)) is None
    # At most five wrong tries in any fifteen minutes: one more failure now locks again until minute 17.
    _fail(session, "anna", start=15.5)
    with pytest.raises(SignInLocked) as locked:
        auth.sign_in(session, "anna", "demo-anna", now=_minutes(16))
    assert locked.value.minutes == 1
    assert auth.sign_in(session, "anna", "demo-anna", now=_minutes(17)).username == "anna"


def test_a_successful_sign_in_before_the_limit_resets_the_count(session: Session) -> None:
    _fail(session, "anna", 4)
    auth.sign_in(session, "anna", "demo-anna", now=_minutes(4))
    _fail(session, "Anna ", 4, start=5)  # typed differently, the same username
    assert auth.sign_in(session, "anna", "demo-anna", now=_minutes(9)).username == "anna"
    _fail(session, "anna", 5, start=10)
    with pytest.raises(SignInLocked):
        auth.sign_in(session, "anna", "demo-anna", now=_minutes(15))


def test_unknown_and_disabled_usernames_lock_exactly_the_same_way(session: Session) -> None:
    auth.add_user(session, console_actor(session), "old", "demo-old-timer")
    auth.disable_user(session, console_actor(session), "old")
    answers = {}
    for username in ("anna", "nobody", "old"):
        _fail(session, username, 5)
        with pytest.raises(SignInLocked) as locked:
            auth.sign_in(session, username, "anything at all", now=_minutes(6))
        answers[username] = (type(locked.value), locked.value.minutes, locked.value.message)
    assert answers["anna"] == answers["nobody"] == answers["old"]
    assert answers["nobody"][1] == 9
    # The plain failure for an unknown name is the usual message, before and after its lockout.
    with pytest.raises(SignInFailed) as failed:
        auth.sign_in(session, "somebody", "anything", now=_minutes(6))
    assert failed.value.message == WRONG_OR_DISABLED
    assert auth.locked_until(session, "nobody", now=_minutes(15)) is None


def test_an_administrator_unlocks_and_it_is_audited(session: Session) -> None:
    boss = auth.add_user(session, console_actor(session), "boss", "correct horse", role="admin")
    _fail(session, "anna", 5)
    anna = session.scalars(select(Agent.id).where(Agent.username == "anna")).one()
    with pytest.raises(PermissionDenied):
        auth.unlock_user(session, anna, "anna", now=_minutes(5))
    with pytest.raises(RecordNotFound):
        auth.unlock_user(session, boss.id, "ghost", now=_minutes(5))
    assert auth.unlock_user(session, boss.id, "ANNA", now=_minutes(5)) is True
    assert auth.sign_in(session, "anna", "demo-anna", now=_minutes(6)).username == "anna"
    assert auth.unlock_user(session, console_actor(session), "anna", now=_minutes(7)) is False
    unlocks = [(e.agent_id, e.entity_id, e.detail) for e in session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.unlock").order_by(AuditEvent.id))]
    assert unlocks == [(boss.id, anna, {"username": "anna", "was_locked": True}),
                       (console_actor(session), anna, {"username": "anna", "was_locked": False})]
    # After an unlock the count starts again: four more failures do not lock.
    _fail(session, "anna", 4, start=8)
    assert auth.locked_until(session, "anna", now=_minutes(12)) is None


def test_older_failures_in_the_log_do_not_count(session: Session) -> None:
    # Written straight into the log, as failures from 20 minutes before would be.
    session.add_all([AuditEvent(at=_minutes(-20 + i), action="auth.sign_in_failed", entity="agent",
                                detail={"username": "anna"}) for i in range(5)])
    session.commit()
    assert auth.locked_until(session, "anna", now=T0) is None
    assert auth.sign_in(session, "anna", "demo-anna", now=T0).username == "anna"


def test_the_message_is_translated_with_plurals(session: Session) -> None:
    _fail(session, "anna", 5)
    try:
        set_locale("fi", compiled("fi"))
        with pytest.raises(SignInLocked) as locked:
            auth.sign_in(session, "anna", "demo-anna", now=_minutes(10))
        finnish = locked.value.message
    finally:
        set_locale("en")
    assert locked.value.minutes == 5
    assert "Odota 5 minuuttia" in finnish
    assert finnish == compiled("fi").ngettext(
        "Too many failed sign-ins with this username. Wait {minutes} minute and try again, or ask an administrator "
        "to unlock the account.",
        "Too many failed sign-ins with this username. Wait {minutes} minutes and try again, or ask an administrator "
        "to unlock the account.", 5).format(minutes=5)
    # Read again after the switch back, the message is in English: it follows the UI language.
    assert locked.value.message.startswith("Too many failed sign-ins with this username. Wait 5 minutes")
