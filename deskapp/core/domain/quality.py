"""How well the desk serves: customers' satisfaction scores, QA rubrics and supervisors' reviews."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from deskapp.core.domain.base import Base, str_enum, utcnow
from deskapp.core.domain.enums import Channel


class Feedback(Base):
    """A customer's satisfaction score (CSAT 1-5) for a case."""

    __tablename__ = "feedback"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
                      # One customer answer per case visit (migration 0014); rep scores have no visit.
                      UniqueConstraint("case_id", "visit_key", name="uq_feedback_case_visit"))
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("support_case.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"), index=True)
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    captured_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    # Who gave the score: "customer" (rating screen, phone survey) or "rep" (see domain/surveys.py).
    source: Mapped[str] = mapped_column(String(10), default="rep", server_default="rep", index=True)
    language: Mapped[str | None] = mapped_column(String(10))  # the language the customer answered in
    reasons: Mapped[list[str] | None] = mapped_column(JSON)  # reason codes the customer picked
    # The visit a customer answer belongs to ("counter:2026-12-05", "phone:…", "call:…"); None for reps.
    visit_key: Mapped[str | None] = mapped_column(String(120))


class Rubric(Base):
    """Versioned QA criteria with weights; names per locale live in ``criteria``."""

    __tablename__ = "rubric"
    __table_args__ = (UniqueConstraint("key", "version", name="uq_rubric_key_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(200))
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Review(Base):
    """A supervisor's scoring of one case against a rubric, with coaching for the rep."""

    __tablename__ = "review"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("support_case.id"), index=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubric.id"))
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    total: Mapped[float] = mapped_column(default=0.0)
    coaching_comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[dt.datetime | None]
