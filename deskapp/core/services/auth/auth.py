"""Signing in, and the accounts an administrator manages.

Sign-in gives one and the same answer for an unknown user, a wrong password and a disabled account,
and spends about the same time on each (an unknown name is checked against a dummy hash), so the
sign-in dialog cannot be used to find out which usernames exist.

Account changes take the acting agent's id, checked for ``user.manage``. The ``deskapp users``
command acts as the console's built-in account (whoever runs it already holds the database file,
and it is how the first administrator is created). That account is nobody's: it has no password,
is not listed, cannot be found by username here and never counts as an administrator. Every change
is audited; agents are staff, so their usernames may appear in audit details (customers' data never
does).

Guessing is slowed by a lockout: after :data:`LOCKOUT_ATTEMPTS` failed sign-ins for one typed
username within :data:`LOCKOUT_WINDOW`, that username is refused, without checking the password,
until the oldest of those failures is :data:`LOCKOUT_WINDOW` old. Failures count since the
account's last successful sign-in or an administrator's unlock (``deskapp users unlock``). The
count is kept in the audit log itself (the failures are audited anyway), so every computer of a
team sees the same count and nothing new has to be stored. Unknown usernames are counted and
locked in exactly the same way, so the lockout does not tell which usernames exist either.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from deskapp.core.domain.audit import AuditEvent
from deskapp.core.domain.base import utcnow
from deskapp.core.domain.enums import Role
from deskapp.core.domain.models import Agent
from deskapp.core.errors import DeskappError, InvalidInput, RecordNotFound
from deskapp.core.i18n import later, ngettext
from deskapp.core.security.passwords import hash_password, needs_rehash, verify_password
from deskapp.core.security.permissions import CONSOLE_USERNAME, require
from deskapp.core.services.kernel.integrity import add_audit_event

USERNAME_MAX = 64
DISPLAY_NAME_MAX = 200
PASSWORD_MIN = 8
LOCKOUT_ATTEMPTS = 5
LOCKOUT_WINDOW = dt.timedelta(minutes=15)

_SIGNED_IN, _FAILED, _REFUSED, _UNLOCKED = "auth.sign_in", "auth.sign_in_failed", "auth.sign_in_locked", "auth.unlock"


class SignInFailed(DeskappError):
    """Wrong username or password, or a disabled account (deliberately not told apart)."""


class SignInLocked(SignInFailed):
    """Too many failed sign-ins for this username lately: refused without looking at the password."""

    def __init__(self, minutes: int) -> None:
        """Say how many minutes (at least 1) are left before the username may try again."""
        super().__init__(lambda: lockout_message(minutes))
        self.minutes = minutes


def lockout_message(minutes: int) -> str:
    """The translated "wait or ask an administrator" message (the dialog re-words it on a language switch)."""
    return ngettext("Too many failed sign-ins with this username. Wait {minutes} minute and try again, or ask an "
                    "administrator to unlock the account.",
                    "Too many failed sign-ins with this username. Wait {minutes} minutes and try again, or ask an "
                    "administrator to unlock the account.", minutes).format(minutes=minutes)


class LastAdministrator(DeskappError):
    """The change would leave the desk without an active administrator."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who is signed in: what the window needs to act as them and show their language."""

    agent_id: int
    username: str
    display_name: str
    role: Role
    ui_locale: str


@dataclass(frozen=True, slots=True)
class UserRow:
    """An account as the user list shows it (never the password hash)."""

    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    ui_locale: str
    created_at: dt.datetime
    # When a sign-in lockout ends (see the module's description); only :func:`list_users` looks.
    locked_until: dt.datetime | None = None

    def as_json(self) -> dict[str, Any]:
        """The public fields for ``deskapp users list --json`` (``locked_until``: ISO 8601 or null)."""
        return {"username": self.username, "display_name": self.display_name, "role": self.role.value,
                "active": self.active, "ui_locale": self.ui_locale,
                "locked_until": self.locked_until.isoformat() if self.locked_until else None}


@cache
def _dummy_hash() -> str:
    return hash_password("no such user: this hash only spends the same time")


def normalise_username(username: str) -> str:
    """A username as stored and matched: NFKC, case-folded, without surrounding spaces.

    NFKC first makes look-alike forms one name: the full-width ``ＡＤＭＩＮ`` is ``admin``, so it
    can neither be a second account beside ``admin`` nor slip past the last-administrator rule
    (Unicode's NFKC_Casefold, as UTS #39 advises for identifiers).
    """
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username).casefold()).strip()


def sign_in(session: Session, username: str, password: str, *, now: dt.datetime | None = None) -> SignedIn:
    """Check a username and password and say who signed in.

    A hash made with older parameters is replaced by a fresh argon2id hash on success. A username
    that is locked out (see the module's description) is refused before the password is looked at.

    Args:
        session: An open session.
        username: What the person typed as their username (case does not matter).
        password: The password they typed.
        now: The current time (tests pass a clock; default: now).

    Returns:
        The signed-in agent.

    Raises:
        SignInLocked: Too many failed sign-ins with this username lately (known or not).
        SignInFailed: Unknown user, wrong password or disabled account: one message for all three.
    """
    now = now or utcnow()
    name = normalise_username(username)[:USERNAME_MAX]
    agent = session.scalars(select(Agent).where(func.lower(Agent.username) == name)).first() if name else None
    agent_id = agent.id if agent is not None else None
    until = _locked_until(session, name, agent_id, now)
    if until is not None:
        _audit(session, agent_id, _REFUSED, None, {"username": name}, at=now)
        session.commit()
        raise SignInLocked(max(1, math.ceil((until - now).total_seconds() / 60)))
    stored = agent.password_hash if agent is not None and agent.password_hash else _dummy_hash()
    matches = verify_password(stored, password) and agent is not None and bool(agent.password_hash)
    if agent is None or not matches or not agent.active:
        _audit(session, agent_id, _FAILED, None, {"username": name}, at=now)
        session.commit()
        raise SignInFailed(later("The username or password is wrong, or the account is disabled. Check them and "
                                 "try again, or ask an administrator."))
    if agent.password_hash and needs_rehash(agent.password_hash):
        agent.password_hash = hash_password(password)
    _audit(session, agent.id, _SIGNED_IN, agent.id, {"username": agent.username}, at=now)
    result = SignedIn(agent_id=agent.id, username=agent.username, display_name=agent.display_name,
                      role=agent.role, ui_locale=agent.ui_locale)
    session.commit()
    return result


def locked_until(session: Session, username: str, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the lockout of ``username`` ends, or ``None`` when it may try to sign in now."""
    now = now or utcnow()
    name = normalise_username(username)[:USERNAME_MAX]
    agent_id = session.scalar(select(Agent.id).where(func.lower(Agent.username) == name)) if name else None
    return _locked_until(session, name, agent_id, now)


def unlock_user(session: Session, actor_id: int, username: str, *, now: dt.datetime | None = None) -> bool:
    """Let an account try to sign in again at once: its failed sign-ins so far no longer count.

    Args:
        session: An open session.
        actor_id: The administrator doing it (the console's account for ``deskapp users``).
        username: The account.
        now: The current time (tests pass a clock; default: now).

    Returns:
        Whether the account was locked out.

    Raises:
        RecordNotFound: No such account.
        PermissionDenied: The actor may not manage accounts.
    """
    require(session, actor_id, "user.manage")
    now = now or utcnow()
    agent = _find(session, username)
    name = normalise_username(agent.username)
    was_locked = _locked_until(session, name, agent.id, now) is not None
    _audit(session, actor_id, _UNLOCKED, agent.id, {"username": name, "was_locked": was_locked}, at=now)
    session.commit()
    return was_locked


def _locked_until(session: Session, name: str, agent_id: int | None, now: dt.datetime) -> dt.datetime | None:
    # The failures for this typed name in the window, newest first, back to the account's last
    # sign-in or unlock. The (at, action) index narrows this to the last minutes' sign-in events.
    typed = AuditEvent.detail["username"].as_string() == name
    about = or_(typed, and_(AuditEvent.entity == "agent", AuditEvent.entity_id == agent_id)) \
        if agent_id is not None else typed
    events = session.execute(
        select(AuditEvent.action, AuditEvent.at)
        .where(AuditEvent.at > now - LOCKOUT_WINDOW, AuditEvent.action.in_((_FAILED, _SIGNED_IN, _UNLOCKED)), about)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(LOCKOUT_ATTEMPTS))
    failures: list[dt.datetime] = []
    for action, at in events:
        if action != _FAILED:
            break
        failures.append(at)
    if len(failures) < LOCKOUT_ATTEMPTS:
        return None
    return failures[-1] + LOCKOUT_WINDOW


def add_user(session: Session, actor_id: int, username: str, password: str, *,
             role: Role | str = Role.REP, display_name: str | None = None, ui_locale: str = "en") -> UserRow:
    """Create an account.

    Args:
        session: An open session.
        actor_id: The administrator doing it (the console's account for ``deskapp users``).
        username: Letters, digits and ``._-`` (stored in lower case).
        password: At least :data:`PASSWORD_MIN` characters; stored as an argon2id hash only.
        role: rep, supervisor or admin.
        display_name: The name colleagues see; defaults to the username.
        ui_locale: The account's user-interface language.

    Returns:
        The new account.

    Raises:
        InvalidInput: Bad username, taken username, short password, unknown role.
        PermissionDenied: The actor may not manage accounts.
    """
    require(session, actor_id, "user.manage")
    name = _valid_username(username)
    member = _valid_role(role)
    _check_password(password)
    if name == CONSOLE_USERNAME or \
            session.scalars(select(Agent.id).where(func.lower(Agent.username) == name)).first() is not None:
        raise InvalidInput(later("The username {username} is already taken.", username=name))
    shown = " ".join((display_name or name).split())[:DISPLAY_NAME_MAX]
    agent = Agent(username=name, display_name=shown, role=member, ui_locale=ui_locale,
                  password_hash=hash_password(password), active=True)
    session.add(agent)
    session.flush()
    _audit(session, actor_id, "user.add", agent.id, {"username": name, "role": member.value})
    row = _user_row(agent)
    session.commit()
    return row


def list_users(session: Session, actor_id: int, *, now: dt.datetime | None = None) -> list[UserRow]:
    """Every person's account (not the console's), by username, with the end of any sign-in lockout now.

    ``actor_id`` as in :func:`add_user`; ``now`` for tests.
    """
    require(session, actor_id, "user.manage")
    now = now or utcnow()
    return [
        replace(_user_row(agent), locked_until=_locked_until(session, agent.username, agent.id, now))
        for agent in session.scalars(select(Agent).where(Agent.username != CONSOLE_USERNAME).order_by(Agent.username))
    ]


def set_role(session: Session, actor_id: int, username: str, role: Role | str) -> UserRow:
    """Change an account's role; the last active administrator cannot be demoted.

    Raises:
        RecordNotFound: No such account.
        LastAdministrator: This is the only active administrator.
        PermissionDenied: The actor may not manage accounts.
    """
    require(session, actor_id, "user.manage")
    member = _valid_role(role)
    agent = _find(session, username)
    old = agent.role
    if old == member:
        return _user_row(agent)
    if old == Role.ADMIN and agent.active:
        _keep_an_admin(session, agent)
    agent.role = member
    _audit(session, actor_id, "user.role_change", agent.id,
           {"username": agent.username, "from": old.value, "to": member.value})
    row = _user_row(agent)
    session.commit()
    return row


def disable_user(session: Session, actor_id: int, username: str) -> UserRow:
    """Disable an account (it can no longer sign in; its notes and history stay).

    Raises:
        RecordNotFound: No such account.
        LastAdministrator: This is the only active administrator.
        PermissionDenied: The actor may not manage accounts.
    """
    require(session, actor_id, "user.manage")
    agent = _find(session, username)
    if not agent.active:
        return _user_row(agent)
    if agent.role == Role.ADMIN:
        _keep_an_admin(session, agent)
    agent.active = False
    _audit(session, actor_id, "user.disable", agent.id, {"username": agent.username})
    row = _user_row(agent)
    session.commit()
    return row


def set_password(session: Session, actor_id: int, username: str, password: str) -> UserRow:
    """Give an account a new password: the agent themselves (``user.own_password``), else ``user.manage``.

    Raises:
        RecordNotFound: No such account.
        PermissionDenied: The actor may not change this password.
    """
    require(session, actor_id, "user.own_password")  # an unknown or disabled actor stops here
    agent = _find(session, username)
    if actor_id != agent.id:
        require(session, actor_id, "user.manage")
    _check_password(password)
    agent.password_hash = hash_password(password)
    _audit(session, actor_id, "user.password", agent.id, {"username": agent.username})
    row = _user_row(agent)
    session.commit()
    return row


def _find(session: Session, username: str) -> Agent:
    name = normalise_username(username)
    as_typed = username.strip().casefold()
    agent = None
    if as_typed != name:  # an account stored before names were NFKC-normalised, e.g. a look-alike to disable
        agent = session.scalars(select(Agent).where(Agent.username == as_typed)).first()
    if agent is None:
        agent = session.scalars(select(Agent).where(func.lower(Agent.username) == name)).first()
    if agent is None or agent.username == CONSOLE_USERNAME:
        raise RecordNotFound(later("There is no user {username}.", username=name))
    return agent


def _keep_an_admin(session: Session, agent: Agent) -> None:
    others = session.scalars(select(Agent.username).where(
        Agent.role == Role.ADMIN, Agent.active, Agent.id != agent.id, Agent.username != CONSOLE_USERNAME)).all()
    # Only an administrator who can sign in counts: sign-in normalises what is typed, so an
    # account stored under another form (before NFKC, e.g. "ａｄｍｉｎ") never matches it.
    if not any(normalise_username(name) == name for name in others):
        raise LastAdministrator(later("{username} is the only active administrator. Make another user an "
                                      "administrator first.", username=agent.username))


def _valid_username(username: str) -> str:
    name = normalise_username(username)
    if not name or len(name) > USERNAME_MAX or not all(c.isalnum() or c in "._-" for c in name):
        raise InvalidInput(later("A username is 1 to {limit} letters, digits, dots, hyphens or underscores.",
                                 limit=USERNAME_MAX))
    return name


def _valid_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InvalidInput(later("Unknown role {role}: use rep, supervisor or admin.", role=role)) from None


def _check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise InvalidInput(later("The password is too short: at least {limit} characters.", limit=PASSWORD_MIN))


def _audit(session: Session, agent_id: int | None, action: str, entity_id: int | None,
           detail: dict[str, Any], *, at: dt.datetime | None = None) -> None:
    add_audit_event(session, AuditEvent(at=at or utcnow(), agent_id=agent_id, action=action, entity="agent",
                                        entity_id=entity_id, detail=detail))


def _user_row(agent: Agent) -> UserRow:
    return UserRow(id=agent.id, username=agent.username, display_name=agent.display_name, role=agent.role,
                   active=agent.active, ui_locale=agent.ui_locale, created_at=agent.created_at)
