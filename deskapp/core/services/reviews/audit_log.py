"""The audit log, for a supervisor or administrator: who did what, when, to which record.

Writing events is :func:`deskapp.core.services.kernel.audit.audit`; the rows are append-only in the
database (migration 0004). Details hold ids, codes and staff usernames, never customer data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.domain.audit import AuditEvent
from deskapp.core.domain.models import Agent
from deskapp.core.security.permissions import require
from deskapp.core.services.kernel.dates import start_of_day

LIMIT_MAX = 10_000


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One audit event, with the acting agent's name (``None``: the console or nobody signed in)."""

    id: int
    at: dt.datetime
    agent_id: int | None
    agent_name: str | None
    action: str
    entity: str
    entity_id: int | None
    detail: dict[str, Any]


def audit_events(session: Session, actor_id: int, since: dt.date | None = None, action: str | None = None,
                 limit: int = 500) -> list[AuditRow]:
    """The newest audit events, newest first (``audit.view``).

    Args:
        session: An open session.
        actor_id: Who looks.
        since: Only events on or after this UTC day.
        action: Only this action (``"auth.sign_in_failed"``), or a prefix ending in a dot (``"user."``).
        limit: At most this many (capped at 10,000).
    """
    require(session, actor_id, "audit.view")
    query = (select(AuditEvent, Agent.display_name).outerjoin(Agent, Agent.id == AuditEvent.agent_id)
             .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(max(0, min(limit, LIMIT_MAX))))
    start = start_of_day(since)
    if start is not None:
        query = query.where(AuditEvent.at >= start)
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True) if action.endswith(".")
                            else AuditEvent.action == action)
    return [AuditRow(id=e.id, at=e.at, agent_id=e.agent_id, agent_name=name, action=e.action, entity=e.entity,
                     entity_id=e.entity_id, detail=dict(e.detail)) for e, name in session.execute(query)]
