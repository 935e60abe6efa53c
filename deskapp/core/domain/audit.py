"""The desk's own record: the audit trail and the secrets that key its hash chains."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from deskapp.core.domain.base import Base, utcnow


class AuditEvent(Base):
    """Who did what to which record, and when. ``detail`` never holds customer personal data.

    Events form a keyed hash chain in the order of their ids (``deskapp.core.services.kernel.integrity``);
    ``hash`` is ``None`` only for an event written outside the application.
    """

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_at_action", "at", "action"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40), default="")
    entity_id: Mapped[int | None]
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Unique: two events can never claim the same predecessor, so the chain cannot fork.
    prev_hash: Mapped[str | None] = mapped_column(String(64), index=True, unique=True)
    hash: Mapped[str | None] = mapped_column(String(64))


class DeskSecret(Base):
    """A random secret of this desk, e.g. the key of the history's hash chains. Never changed."""

    __tablename__ = "desk_secret"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
