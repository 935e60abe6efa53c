"""Cases: look up, open, change status, assign.

Every function takes a short-lived :class:`~sqlalchemy.orm.Session`, returns plain frozen rows
(no ORM object leaves the function) and commits its own unit of work, so the UI can run each
call in a background job with a session of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.enums import CaseStatus, Channel, Priority, PurchasePhase, SupportStage
from deskapp.core.domain.models import Case, Customer
from deskapp.core.domain.privacy import CustomerErasure
from deskapp.core.errors import DeskappError, InvalidInput, RecordErased, RecordNotFound
from deskapp.core.i18n import _, later
from deskapp.core.security.permissions import require
from deskapp.core.services.kernel import tombstones
from deskapp.core.services.kernel.actors import active_agent
from deskapp.core.services.kernel.audit import audit
from deskapp.core.services.kernel.text import clean_text

SUBJECT_MAX = 200
REFERENCE_ATTEMPTS = 3


class CaseConflict(DeskappError):
    """Someone else changed the case since the rep loaded it; nothing was overwritten."""


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One case as lists and the case view show it."""

    id: int
    reference: str  # what the customer quotes ("C-1042"); the id is the database's
    customer_id: int
    brand_id: int
    subject: str
    purchase_phase: PurchasePhase
    support_stage: SupportStage
    channel: Channel
    priority: Priority
    status: CaseStatus
    owner_id: int | None
    owner_name: str | None
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    updated_at: dt.datetime
    version_id: int


def case_history(session: Session, actor_id: int, customer_id: int, open_only: bool = False) -> list[CaseRow]:
    """A customer's cases, newest first (``customer.view``).

    Args:
        session: An open session.
        actor_id: The agent looking.
        customer_id: The customer.
        open_only: Only cases that are open or waiting.

    Returns:
        The cases as plain rows.
    """
    require(session, actor_id, "customer.view")
    query = (select(Case).options(selectinload(Case.owner)).where(Case.customer_id == customer_id)
             .order_by(Case.opened_at.desc(), Case.id.desc()))
    if open_only:
        query = query.where(Case.status.in_((CaseStatus.OPEN, CaseStatus.WAITING)))
    return [_case_row(case) for case in session.scalars(query)]


def get_case(session: Session, actor_id: int, case_id: int) -> CaseRow:
    """One case by id (``customer.view``).

    Raises:
        RecordNotFound: No such case.
    """
    require(session, actor_id, "customer.view")
    return _case_row(load_case(session, case_id))


def open_case(  # noqa: PLR0917 - the positional order is the UI's contract
    session: Session, actor_id: int, customer_id: int, subject: str,
    purchase_phase: PurchasePhase | str, support_stage: SupportStage | str,
    channel: Channel | str, priority: Priority | str = Priority.NORMAL,
) -> CaseRow:
    """Open a new case for a customer, owned by the agent who opens it.

    Args:
        session: An open session.
        actor_id: The acting agent (becomes the owner).
        customer_id: The customer the case is for.
        subject: A short subject line (at most 200 characters).
        purchase_phase: Before, during or after purchase.
        support_stage: Planning, installation, … disposal, other.
        channel: How the customer reached the desk.
        priority: Low, normal, high or urgent.

    Returns:
        The new case.

    Raises:
        InvalidInput: Empty or too long subject.
        RecordNotFound: No such customer.
        PermissionDenied: The agent is unknown, disabled or may not open cases.
    """
    require(session, actor_id, "case.open")
    text = " ".join(clean_text(subject).split())
    if not text:
        raise InvalidInput(later("Write a subject for the case."))
    if len(text) > SUBJECT_MAX:
        raise InvalidInput(later("The subject is too long: at most {limit} characters.", limit=SUBJECT_MAX))
    # A customer merged into another since the rep opened them: the case goes to the one they now are.
    customer = session.get(Customer, tombstones.kept_id(session, customer_id))
    if customer is None:
        raise RecordNotFound(later("The customer no longer exists."))
    if session.get(CustomerErasure, customer_id) is not None:
        raise RecordErased(later("This customer's personal data was erased at their request: nothing more can be "
                                 "recorded about them."))
    fields = {"customer_id": customer.id, "brand_id": customer.brand_id, "subject": text,
              "purchase_phase": PurchasePhase(purchase_phase), "support_stage": SupportStage(support_stage),
              "channel": Channel(channel), "priority": Priority(priority), "status": CaseStatus.OPEN,
              "owner_id": actor_id}
    for attempt in range(REFERENCE_ATTEMPTS):
        now = utcnow()
        case = Case(**fields, opened_at=now, updated_at=now)
        session.add(case)
        try:
            session.flush()  # numbers the case (models._number_new_cases)
            break
        except IntegrityError:
            # Another desk took the same reference number a moment ago (PostgreSQL); the next
            # flush reads the new highest number.
            session.rollback()
            if attempt == REFERENCE_ATTEMPTS - 1:
                raise
    audit(session, actor_id, "case.open", "support_case", case.id)
    row = _case_row(case)
    session.commit()
    return row


def set_status(session: Session, actor_id: int, case_id: int, status: CaseStatus | str,
               expected_version: int) -> CaseRow:
    """Change a case's status; closing stamps ``closed_at``, reopening clears it.

    Args:
        session: An open session.
        actor_id: The acting agent (``case.update``).
        case_id: The case.
        status: The new status.
        expected_version: The ``version_id`` the rep's screen shows.

    Returns:
        The case after the change (unchanged when it already had ``status``).

    Raises:
        CaseConflict: The case changed since the rep loaded it.
    """
    new_status = CaseStatus(status)
    require(session, actor_id, "case.update")
    case = load_case(session, case_id)
    _check_version(case, expected_version)
    if case.status == new_status:
        return _case_row(case)
    old = case.status
    case.status = new_status
    if new_status == CaseStatus.CLOSED:
        case.closed_at = utcnow()
    elif new_status in (CaseStatus.OPEN, CaseStatus.WAITING):
        case.closed_at = None
    audit(session, actor_id, "case.status", "support_case", case.id,
          detail={"from": old.value, "to": new_status.value})
    return _commit_case(session, case)


def assign(session: Session, actor_id: int, case_id: int, owner_id: int | None, expected_version: int) -> CaseRow:
    """Give a case to ``owner_id`` (``None`` puts it back in the queue).

    Taking a case oneself needs ``case.assign_self``; giving it to someone else, or unassigning,
    ``case.assign_other``.

    Args:
        session: An open session.
        actor_id: Who does it.
        case_id: The case.
        owner_id: The new owner, or ``None``.
        expected_version: The ``version_id`` the screen shows.

    Returns:
        The case after the change.

    Raises:
        CaseConflict: The case changed since it was loaded.
        PermissionDenied: The actor may not assign the case so, or the new owner is disabled.
    """
    actor = require(session, actor_id, "case.assign_self" if owner_id == actor_id else "case.assign_other")
    if owner_id is not None:
        active_agent(session, owner_id)
    case = load_case(session, case_id)
    _check_version(case, expected_version)
    if case.owner_id == owner_id:
        return _case_row(case)
    case.owner_id = owner_id
    audit(session, actor.id, "case.assign", "support_case", case.id, detail={"owner": owner_id})
    return _commit_case(session, case)


def load_case(session: Session, case_id: int) -> Case:
    """Internal, no actor: the case for services of this package that checked their own action.

    Raises:
        RecordNotFound: No such case.
    """
    case = session.get(Case, case_id, options=[selectinload(Case.owner)])
    if case is None:
        raise RecordNotFound(later("The case no longer exists."))
    return case


def _check_version(case: Case, expected_version: int) -> None:
    if case.version_id != expected_version:
        raise _conflict()


def _conflict() -> CaseConflict:
    return CaseConflict(_("Someone else changed this case a moment ago. Reload it to see their change, "
                          "then try again."))


def _commit_case(session: Session, case: Case) -> CaseRow:
    try:
        session.flush()  # the version_id_col check happens here, against the row on disk
    except StaleDataError:
        session.rollback()
        raise _conflict() from None
    session.refresh(case, attribute_names=["owner"])
    row = _case_row(case)
    session.commit()
    return row


def _case_row(case: Case) -> CaseRow:
    return CaseRow(
        id=case.id, reference=case.reference, customer_id=case.customer_id, brand_id=case.brand_id,
        subject=case.subject,
        purchase_phase=case.purchase_phase, support_stage=case.support_stage, channel=case.channel,
        priority=case.priority, status=case.status, owner_id=case.owner_id,
        owner_name=case.owner.display_name if case.owner is not None else None,
        opened_at=case.opened_at, closed_at=case.closed_at, updated_at=case.updated_at,
        version_id=case.version_id,
    )


def busiest_customer(session: Session, actor_id: int) -> str | None:
    """The account number of the customer with the most cases (the lowest id among equals), or ``None``.

    What the layout report opens when it is not told which customer (``customer.view``).
    """
    require(session, actor_id, "customer.view")
    count = func.count(Case.id)
    query = (select(Customer.account_number).join(Case, Case.customer_id == Customer.id)
             .group_by(Customer.id, Customer.account_number).order_by(count.desc(), Customer.id).limit(1))
    return session.scalars(query).first()
