"""What opening a desk needs: the agent to act as, the starter library, the rep's unsaved drafts."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import Role
from deskapp.core.domain.models import Agent, CallScript, Response
from deskapp.core.errors import PermissionDenied
from deskapp.core.security.permissions import CONSOLE_USERNAME
from deskapp.core.services.kernel.actors import console_actor
from deskapp.core.services.notes import notes


def pick_agent(session: Session, username: str) -> Agent:
    """The agent to act as until sign-in arrives: the OS user's agent, else the first rep (never the console's)."""
    person = Agent.username != CONSOLE_USERNAME
    agent = session.scalars(select(Agent).where(Agent.username == username, Agent.active, person)).first()
    if agent is None:
        agent = session.scalars(select(Agent).where(Agent.active, person)
                                .order_by(Agent.role != Role.REP, Agent.id)).first()
    if agent is None:
        agent = Agent(username=username, display_name=username, role=Role.REP)
        session.add(agent)
        session.flush()
    return agent


def ensure_library(session: Session) -> None:
    # The starter library is loaded once, into a desk with no responses and no scripts; the check
    # is two counts here, so the YAML and template modules load only on that first run.
    if session.scalar(select(func.count()).select_from(Response)) or \
            session.scalar(select(func.count()).select_from(CallScript)):
        return
    from deskapp.core.services import starter

    starter.ensure_library(session, console_actor(session))  # the shipped library, loaded by the system


def pending_drafts(session: Session, agent_id: int) -> tuple[notes.DraftRow, ...]:
    try:
        return tuple(notes.pending_drafts(session, agent_id))
    except PermissionDenied:  # an account that may not write notes (an administrator) has no drafts
        return ()
