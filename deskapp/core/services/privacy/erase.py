"""Erase one customer's personal data everywhere it lives, in one transaction, and leave a tombstone.

:func:`erase_preview` counts what would go (for the confirmation); :func:`erase_customer` runs the
steps of :mod:`deskapp.core.services.privacy.steps` in one transaction, writes one audit event (who,
when, why and the pseudonym; never the name), drops the customer's drafts from this computer's
offline spool, and then scrubs the database files (:mod:`deskapp.core.services.privacy.scrub`).

Concurrency: the customer row and their cases are locked first (``FOR UPDATE`` on PostgreSQL, the
one write lock on SQLite). Saving a note or draft locks its case too
(:func:`deskapp.core.services.notes.notes.writable_case`), so a save that came first is erased
with the rest and a save that comes after is refused; nothing is left behind or brought back.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.models import Case, Customer, CustomerEmail, CustomerPhone, Draft, NoteRevision
from deskapp.core.domain.privacy import CustomerErasure
from deskapp.core.errors import InvalidInput, RecordErased, RecordNotFound
from deskapp.core.i18n import later
from deskapp.core.search.normalize import fold
from deskapp.core.security.permissions import require
from deskapp.core.services.kernel import tombstones
from deskapp.core.services.kernel.audit import audit
from deskapp.core.services.kernel.integrity import chain_key, lock_chain
from deskapp.core.services.notes.spool import LocalDraftSpool
from deskapp.core.services.privacy.linked import merged_into
from deskapp.core.services.privacy.scrub import ScrubResult, scrub_storage
from deskapp.core.services.privacy.steps import STEPS, Erasure, note_ids_of

REASON_MAX = 500


@dataclass(frozen=True, slots=True)
class ErasePreview:
    """What erasing a customer would remove, for the confirmation."""

    customer_id: int
    account_number: str
    name: str
    cases: int
    notes: int
    revisions: int
    drafts: int


@dataclass(frozen=True, slots=True)
class EraseResult:
    """What :func:`erase_customer` did: the pseudonym the audit log knows, and counts by kind."""

    pseudonym: str
    counts: dict[str, int]
    scrubbed: bool  # False: the database files may still hold leftovers (see scrub.py); erase again later


def find_customer(session: Session, actor_id: int, account: str) -> ErasePreview:
    """The customer with this account number and what erasing them would remove (``customer.erase``).

    Raises:
        RecordNotFound: No customer has this account number.
        RecordErased: The customer was already erased.
    """
    require(session, actor_id, "customer.erase")
    customer = customer_by_account(session, account)
    case_ids = list(session.scalars(select(Case.id).where(Case.customer_id == customer.id)))
    note_ids = note_ids_of(session, case_ids)
    revisions = session.scalar(select(func.count()).select_from(NoteRevision)
                               .where(NoteRevision.note_id.in_(note_ids or [-1]))) or 0
    drafts = session.scalar(select(func.count()).select_from(Draft).where(
        Draft.case_id.in_(case_ids or [-1]) | Draft.note_id.in_(note_ids or [-1]))) or 0
    return ErasePreview(customer_id=customer.id, account_number=customer.account_number,
                        name=customer.display_name, cases=len(case_ids), notes=len(note_ids),
                        revisions=revisions, drafts=drafts)


def erase_customer(session: Session, actor_id: int, account: str, reason: str, *,
                   scrub: bool = True) -> EraseResult:
    """Erase the customer's personal data, keep a tombstone for the statistics (``customer.erase``).

    Args:
        session: An open session (committed here).
        actor_id: Who erases (an administrator, or the console).
        account: The customer's account number.
        reason: Why (the request's reference, "retention"); must not name the customer.
        scrub: Clean the database files afterwards; a batch (retention) scrubs once at its end.

    Raises:
        RecordNotFound: No customer has this account number.
        RecordErased: The customer was already erased.
        InvalidInput: No reason, or a reason that contains the customer's name, e-mail, phone or account.
    """
    require(session, actor_id, "customer.erase")
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:  # SQLite's one write lock first, so everything read below stays true until commit
        lock_chain(session.connection())
    customer = customer_by_account(session, account, lock=True)
    why = _checked_reason(session, customer, reason)
    case_ids = list(session.scalars(select(Case.id).where(Case.customer_id == customer.id)
                                    .order_by(Case.id).with_for_update()))
    note_ids = note_ids_of(session, case_ids)
    if sqlite:
        # Whatever this transaction deletes or overwrites is zeroed in the file, not only unlinked.
        session.connection().exec_driver_sql("PRAGMA secure_delete = ON")
    tombstones = merged_into(session, customer.id)
    phones = list(session.scalars(select(CustomerPhone.e164).where(
        CustomerPhone.customer_id.in_([customer.id, *tombstones]))))
    erasure = Erasure(session=session, key=chain_key(session), customer_id=customer.id,
                      pseudonym=new_pseudonym(), now=utcnow(), case_ids=case_ids, note_ids=note_ids,
                      tombstones=tombstones, phones=phones)
    session.expunge_all()  # the steps write with SQL statements; no stale object may be flushed over them
    for kind, step in STEPS.items():
        erasure.counts[kind] = step(erasure)
    audit(session, actor_id, "customer.erase", "customer", erasure.customer_id, detail={
        "pseudonym": erasure.pseudonym, "reason": why, "cases": len(case_ids), "notes": len(note_ids),
        "revisions": erasure.counts["revision_bodies"]})
    session.commit()
    LocalDraftSpool().forget_cases(set(case_ids), set(note_ids))
    done = scrub_storage(_engine(session)).complete if scrub else False
    return EraseResult(pseudonym=erasure.pseudonym, counts=dict(erasure.counts), scrubbed=done)


def scrub(session: Session, actor_id: int) -> ScrubResult:
    """Clean the database files of erased rows' leftovers (``customer.erase``); see scrub.py."""
    require(session, actor_id, "customer.erase")
    session.commit()
    return scrub_storage(_engine(session))


def new_pseudonym() -> str:
    """A random name for an erased customer: links nothing back to who they were."""
    return "erased-" + secrets.token_hex(8)


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def customer_by_account(session: Session, account: str, *, lock: bool = False) -> Customer:
    """Internal, no actor: the customer a privacy request names (the caller checked its action).

    Raises:
        RecordNotFound: No customer has this account number.
        RecordErased: The customer was already erased.
    """
    found = session.scalar(select(Customer.id).where(Customer.account_number == account.strip()))
    if found is None:
        raise RecordNotFound(later("No customer has the account number {account}.", account=account.strip()))
    # An account merged into another is the same person now: the request is about the kept customer.
    query = select(Customer).where(Customer.id == tombstones.kept_id(session, found))
    customer = session.scalars(query.with_for_update() if lock else query).one()
    if session.get(CustomerErasure, customer.id) is not None:
        raise RecordErased(later("This customer's personal data was already erased."))
    return customer


def _checked_reason(session: Session, customer: Customer, reason: str) -> str:
    why = " ".join(reason.split())
    if not why:
        raise InvalidInput(later("Give the reason for the erasure, e.g. the reference of the customer's request."))
    if len(why) > REASON_MAX:
        raise InvalidInput(later("The reason is too long: at most {limit} characters.", limit=REASON_MAX))
    folded, digits = fold(why), "".join(ch for ch in why if ch.isdigit())
    words = [customer.given_name, customer.family_name, customer.organisation or "", customer.account_number]
    words += session.scalars(select(CustomerEmail.address).where(CustomerEmail.customer_id == customer.id))
    named = any(len(word) >= 3 and fold(word) in folded for word in words)
    phones = session.scalars(select(CustomerPhone.e164).where(CustomerPhone.customer_id == customer.id))
    named = named or any(len(phone) > 6 and phone[-7:] in digits for phone in phones)
    if named:
        raise InvalidInput(later("The reason must not contain the customer's name, e-mail, phone or account number: "
                                 "the audit log keeps it after the customer is erased."))
    return why
