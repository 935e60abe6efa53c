"""The acting agent: who a service acts for."""

from __future__ import annotations

from sqlalchemy.orm import Session

from deskapp.core.domain.models import Agent
from deskapp.core.errors import PermissionDenied
from deskapp.core.i18n import _

MANAGING_ROLES = frozenset({"supervisor", "admin"})


def active_agent(session: Session, agent_id: int) -> Agent:
    """The agent ``agent_id``, who must exist and be active (deny by default)."""
    agent = session.get(Agent, agent_id)
    if agent is None or not agent.active:
        raise PermissionDenied(_("This user account does not exist or is disabled. Sign in again."))
    return agent
