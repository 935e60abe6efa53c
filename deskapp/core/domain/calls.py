"""The phone station's records: the call log, callbacks promised to customers, and each brand's hand-over time.

Times are stored in UTC (:class:`~deskapp.core.domain.base.UTCDateTime`); the window shows them in
the rep's time zone. A call's ``call_id`` is public: the PBX's ``callId`` for a call announced
through the CTI listener, a generated one for ``deskapp call``; other features (IVR surveys) match
their rows to the log by it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from deskapp.core.domain.base import Base, utcnow

# A personal callback overdue by this many minutes becomes the team's, unless the brand says otherwise.
DEFAULT_TEAM_AFTER_MINUTES = 30


class PhoneCall(Base):
    """One call: who rang (or was rung), when, whether someone answered, and what it became."""

    __tablename__ = "phone_call"
    __table_args__ = (
        CheckConstraint("direction IN ('in', 'out')", name="direction"),
        Index("ix_phone_call_missed_started", "missed", "started_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(String(120), unique=True)
    number: Mapped[str] = mapped_column(String(40))  # E.164 when it parses, else the digits as given
    direction: Mapped[str] = mapped_column(String(3), default="in")
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    answered_at: Mapped[dt.datetime | None]
    ended_at: Mapped[dt.datetime | None]
    cause: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(10), default="command")  # "cti" or "command"
    # The PBX's ``user`` (who the call was for) and ``answeringNumber``: names and extensions, no customer data.
    pbx_user: Mapped[str | None] = mapped_column(String(120))
    answering_number: Mapped[str | None] = mapped_column(String(40))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id", ondelete="SET NULL"), index=True)
    matches: Mapped[int] = mapped_column(default=0)  # how many customers have this number
    case_id: Mapped[int | None] = mapped_column(ForeignKey("support_case.id", ondelete="SET NULL"))
    # Hung up before anyone answered; stays on until someone calls back or marks it seen.
    missed: Mapped[bool] = mapped_column(default=False)
    seen_at: Mapped[dt.datetime | None]
    seen_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))


class Callback(Base):
    """A promise to call a customer back or follow up, personal (``owner_id``) or the team's."""

    __tablename__ = "callback"
    __table_args__ = (Index("ix_callback_open_due", "done_at", "due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    due_at: Mapped[dt.datetime]
    first_due_at: Mapped[dt.datetime]  # before any snooze, for the supervisor's view
    note: Mapped[str] = mapped_column(Text, default="")
    number: Mapped[str | None] = mapped_column(String(40))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id", ondelete="SET NULL"), index=True)
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brand.id"))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("phone_call.id", ondelete="SET NULL"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("support_case.id", ondelete="SET NULL"))
    created_by: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"), index=True)  # None: the team's
    snoozes: Mapped[int] = mapped_column(default=0)
    done_at: Mapped[dt.datetime | None]
    done_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))


class CallbackPolicy(Base):
    """Per brand: after how many minutes overdue a personal callback becomes the team's."""

    __tablename__ = "callback_policy"
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id", ondelete="CASCADE"), primary_key=True)
    team_after_minutes: Mapped[int] = mapped_column(default=DEFAULT_TEAM_AFTER_MINUTES)
