"""The one audit writer: every service that changes data records who did what here."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from deskapp.core.domain.audit import AuditEvent
from deskapp.core.domain.base import utcnow
from deskapp.core.services.kernel.integrity import add_audit_event


def audit(session: Session, agent_id: int | None, action: str, entity: str, entity_id: int, *,
          detail: dict[str, Any] | None = None) -> None:
    """Add an audit event to the session (ids and codes only, never customer data); chained at flush."""
    add_audit_event(session, AuditEvent(at=utcnow(), agent_id=agent_id, action=action, entity=entity,
                                        entity_id=entity_id, detail=detail or {}))
