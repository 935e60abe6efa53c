"""Who a service acts for: the checks on other agents a service names, and the console's account.

Every service takes the acting agent as its second argument, ``fn(session, actor_id, ...)``, and
asks :func:`deskapp.core.security.permissions.require` first. The ``deskapp`` subcommands act as
the built-in console account (:func:`console_actor`), so what they change is audited like the rest.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import Role
from deskapp.core.domain.models import Agent
from deskapp.core.errors import PermissionDenied
from deskapp.core.i18n import later
from deskapp.core.security.permissions import CONSOLE_USERNAME


def active_agent(session: Session, agent_id: int) -> Agent:
    """The agent ``agent_id``, who must exist and be active (deny by default).

    Not a permission check: for the *other* agent a service names (a case's new owner, the rep
    credited with feedback); the acting agent goes through ``require``.
    """
    agent = session.get(Agent, agent_id)
    if agent is None or not agent.active:
        raise PermissionDenied(later("This user account does not exist or is disabled. Sign in again."))
    return agent


def console_actor(session: Session) -> int:
    """The id of the console's built-in account, created (and committed) on first use.

    The account is an administrator with no password, so signing in as it always fails; the
    account services neither list it nor count it as an administrator, and nobody can be given
    its username. Call this at the start of a console command, before its own unit of work.
    """
    found = _console_id(session)
    if found is not None:
        return found
    session.add(Agent(username=CONSOLE_USERNAME, display_name="Console", role=Role.ADMIN, active=True,
                      password_hash=None))
    try:
        session.commit()
    except IntegrityError:  # another console created it at the same moment
        session.rollback()
    found = _console_id(session)
    if found is None:  # pragma: no cover - the insert or the other one committed it
        raise RuntimeError("the console account could not be created")
    return found


def _console_id(session: Session) -> int | None:
    return session.scalar(select(Agent.id).where(Agent.username == CONSOLE_USERNAME))
