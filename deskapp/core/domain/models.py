"""The deskapp data model (see shared/DESIGN.md, "Data model").

Every schema change goes through an Alembic migration in ``deskapp/core/storage/migrations``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
    select,
    text,
)
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column, relationship

from deskapp.core.domain.base import PG_WRITE_LOCK_ID, Base, str_enum, utcnow
from deskapp.core.domain.enums import (
    CaseStatus,
    Channel,
    CustomerKind,
    NoteKind,
    Priority,
    PurchasePhase,
    Role,
    SupportStage,
)
from deskapp.core.domain.references import format_case_reference


class Brand(Base):
    """A client company the desk serves (an outsourced desk may serve several)."""

    __tablename__ = "brand"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    default_region: Mapped[str] = mapped_column(String(2), default="FI")
    default_locale: Mapped[str] = mapped_column(String(10), default="en")


class Agent(Base):
    """A person who signs in: representative, supervisor or admin."""

    __tablename__ = "agent"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.REP)
    ui_locale: Mapped[str] = mapped_column(String(10), default="en")
    languages: Mapped[str] = mapped_column(String(60), default="en")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    preferences: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Customer(Base):
    """A person or an internal department the desk serves."""

    __tablename__ = "customer"
    # Family-name matches come out of this index already in display order (migration 0002).
    __table_args__ = (Index("ix_customer_family_sort", "family_key", "given_name", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id"), index=True)
    kind: Mapped[CustomerKind] = mapped_column(str_enum(CustomerKind), default=CustomerKind.EXTERNAL)
    account_number: Mapped[str] = mapped_column(String(40), unique=True)
    given_name: Mapped[str] = mapped_column(String(100), default="")
    family_name: Mapped[str] = mapped_column(String(100), default="")
    organisation: Mapped[str | None] = mapped_column(String(200))
    preferred_locale: Mapped[str] = mapped_column(String(10), default="en")
    birth_year: Mapped[int | None]
    age_band: Mapped[str | None] = mapped_column(String(20))
    gender: Mapped[str | None] = mapped_column(String(30))
    income_band: Mapped[str | None] = mapped_column(String(30))
    lifestyle: Mapped[str | None] = mapped_column(String(100))
    occupation: Mapped[str | None] = mapped_column(String(100))
    # Normalised (casefolded, diacritics dropped) text that search matches against; written by services.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Normalised family name, for ranking family-name prefix matches above other matches.
    family_key: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(default=1)

    brand: Mapped[Brand] = relationship()
    emails: Mapped[list[CustomerEmail]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="CustomerEmail.position"
    )
    phones: Mapped[list[CustomerPhone]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="CustomerPhone.position"
    )
    alerts: Mapped[list[CustomerAlert]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="CustomerAlert.position"
    )
    cases: Mapped[list[Case]] = relationship(back_populates="customer", order_by="Case.opened_at.desc()")

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012 - SQLAlchemy's own convention

    @property
    def display_name(self) -> str:
        """Name as a rep reads it; the department for an internal customer without a person's name."""
        name = " ".join(part for part in (self.given_name, self.family_name) if part)
        return name or (self.organisation or "")


class CustomerEmail(Base):
    """An email address of a customer; ``address_key`` is the casefolded form for exact lookup."""

    __tablename__ = "customer_email"
    # The lookup shows each customer's first address straight from this index (migration 0005).
    __table_args__ = (Index("ix_customer_email_customer", "customer_id", "position", "address"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    address: Mapped[str] = mapped_column(String(254))
    address_key: Mapped[str] = mapped_column(String(254), index=True)
    customer: Mapped[Customer] = relationship(back_populates="emails")


class CustomerPhone(Base):
    """A phone number in E.164, plus its digits reversed so "last N digits" is an indexed prefix query."""

    __tablename__ = "customer_phone"
    # The lookup shows each customer's first number straight from this index (migration 0005).
    __table_args__ = (Index("ix_customer_phone_customer", "customer_id", "position", "e164"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    e164: Mapped[str] = mapped_column(String(20), index=True)
    digits_reversed: Mapped[str] = mapped_column(String(20), index=True)
    customer: Mapped[Customer] = relationship(back_populates="phones")


class CustomerAlert(Base):
    """Something a rep must see first ("hard of hearing", "VIP", "fraud watch")."""

    __tablename__ = "customer_alert"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(200))
    customer: Mapped[Customer] = relationship(back_populates="alerts")


class Case(Base):
    """One matter a customer brings to the desk."""

    __tablename__ = "support_case"  # "case" is an SQL keyword
    id: Mapped[int] = mapped_column(primary_key=True)
    # The number of the reference a customer quotes ("C-1042"); given when the case is first
    # saved (see _number_new_cases), unique per desk (migration 0010).
    reference_number: Mapped[int] = mapped_column(unique=True, index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    purchase_phase: Mapped[PurchasePhase] = mapped_column(str_enum(PurchasePhase))
    support_stage: Mapped[SupportStage] = mapped_column(str_enum(SupportStage))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    priority: Mapped[Priority] = mapped_column(str_enum(Priority), default=Priority.NORMAL)
    status: Mapped[CaseStatus] = mapped_column(str_enum(CaseStatus), default=CaseStatus.OPEN, index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"), index=True)
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    closed_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(default=1)

    customer: Mapped[Customer] = relationship(back_populates="cases")
    brand: Mapped[Brand] = relationship()
    owner: Mapped[Agent | None] = relationship()
    notes: Mapped[list[CaseNote]] = relationship(back_populates="case", order_by="CaseNote.created_at")

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012

    @property
    def reference(self) -> str:
        """The reference a customer quotes ("C-1042")."""
        return format_case_reference(self.reference_number)


@event.listens_for(Session, "before_flush")
def _number_new_cases(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    """Give every new case the next reference number when it is first saved.

    Done per flush rather than as a column default: several cases inserted by one statement
    would all read the same highest number. On PostgreSQL the highest number is read under the
    desk's write lock (the audit chain's, held until commit), so two desks saving at the same
    moment take turns instead of picking the same number; 50 reps opening cases at once met the
    unique index 39 times in 2,950 cases without it (bench/team_load.py). On SQLite the file's one
    write lock is taken first, for the same reason. Should the unique index still refuse a number,
    the case opens again (:func:`deskapp.core.services.cases.cases.open_case`).
    """
    new = [obj for obj in session.new if isinstance(obj, Case) and obj.reference_number is None]
    if not new:
        return
    with session.no_autoflush:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": PG_WRITE_LOCK_ID})
        else:  # SQLite's one write lock first (a write that changes nothing), then the highest number
            session.execute(text("UPDATE desk_secret SET name = name WHERE 0"))
        last = session.scalar(select(func.max(Case.reference_number))) or 0
    for offset, case in enumerate(new, start=1):
        case.reference_number = last + offset


class CaseNote(Base):
    """A note on a case. Its text lives in append-only :class:`NoteRevision` rows."""

    __tablename__ = "case_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("support_case.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    kind: Mapped[NoteKind] = mapped_column(str_enum(NoteKind), default=NoteKind.TEXT)
    script_key: Mapped[str | None] = mapped_column(String(80))
    script_version: Mapped[int | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="notes")
    author: Mapped[Agent] = relationship()
    revisions: Mapped[list[NoteRevision]] = relationship(
        back_populates="note", order_by="NoteRevision.number"
    )


class NoteRevision(Base):
    """One version of a note's text. Rows are only ever added, never changed (except an erasure's marker)."""

    __tablename__ = "note_revision"
    __table_args__ = (UniqueConstraint("note_id", "number", name="uq_note_revision_note_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("case_note.id"), index=True)
    number: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # Chain v2 (migration 0011): the hash covers the body's salted digest, so an erased body can
    # become a marker and the chain still verifies; the erasure itself is sealed under the key.
    body_salt: Mapped[str | None] = mapped_column(String(32))
    body_digest: Mapped[str | None] = mapped_column(String(64))
    redacted_at: Mapped[dt.datetime | None]
    redaction_seal: Mapped[str | None] = mapped_column(String(64))

    note: Mapped[CaseNote] = relationship(back_populates="revisions")
    author: Mapped[Agent] = relationship()


class Draft(Base):
    """Autosaved text of a note being typed; promoted to a revision when the rep saves."""

    __tablename__ = "draft"
    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("support_case.id"), index=True)
    note_id: Mapped[int | None] = mapped_column(ForeignKey("case_note.id"))
    body: Mapped[str] = mapped_column(Text, default="")
    saved_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


from deskapp.core.domain import audit as _audit  # noqa: E402, F401 - the audit trail and the desk's secrets
from deskapp.core.domain import calls  # noqa: E402, F401 - the phone station's tables, for complete metadata
from deskapp.core.domain import imports as _imports  # noqa: E402, F401 - the import journal
from deskapp.core.domain import knowledge as _knowledge  # noqa: E402, F401 - registers the knowledge-base tables
from deskapp.core.domain import library as _library  # noqa: E402, F401 - responses and call scripts
from deskapp.core.domain import merge as _merge  # noqa: E402, F401 - the merge journal (issue 18)
from deskapp.core.domain import privacy as _privacy  # noqa: E402, F401 - completes the metadata
from deskapp.core.domain import quality as _quality  # noqa: E402, F401 - feedback, rubrics, reviews
from deskapp.core.domain import surveys as _surveys  # noqa: E402, F401  (its tables join the metadata)
