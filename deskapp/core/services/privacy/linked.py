"""Erasure and export of what other features keep about a customer: merges, calls and callbacks.

A customer merged into the one being erased stays as a tombstone row that still holds the name,
account number and profile it had (``deskapp.core.services.merge``); the merge journal keeps the
kept customer's fields from before the merge and the phone and e-mail rows the merge removed as
duplicates, so that an unmerge can put them back. Both are personal data of the same person: the
tombstones are emptied like the customer, and every journal entry about them is deleted (an
erased customer cannot be unmerged). The call log and callbacks hold the customer's phone number
and what a rep promised them: numbers and notes are blanked, the rows stay for the desk's figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, or_, select, update

from deskapp.core.domain.calls import Callback, PhoneCall
from deskapp.core.domain.merge import CustomerMerge
from deskapp.core.domain.models import Customer, CustomerPhone
from deskapp.core.services.kernel.integrity import ERASED_BODY
from deskapp.core.services.kernel.tombstones import MAX_CHAIN
from deskapp.core.services.privacy.rows import blank_customer, delete_contacts, mark_erased, rowcount

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from deskapp.core.services.privacy.steps import Erasure


def merged_into(session: Session, customer_id: int) -> list[int]:
    """Every tombstone that resolves to ``customer_id`` (merges into it, and merges into those)."""
    found: list[int] = []
    frontier = {customer_id}
    for _step in range(MAX_CHAIN):
        rows = set(session.scalars(select(CustomerMerge.other_id).where(
            CustomerMerge.keep_id.in_(frontier), CustomerMerge.unmerged_at.is_(None))))
        rows -= {customer_id, *found}
        if not rows:
            break
        found.extend(sorted(rows))
        frontier = rows
    return found


def erase_merge_tombstones(erasure: Erasure) -> int:
    """Empty every tombstone merged into the customer, as the customer's own row is emptied."""
    for number, other_id in enumerate(erasure.tombstones, start=1):
        pseudonym = f"{erasure.pseudonym}-{number}"
        delete_contacts(erasure.session, other_id)
        blank_customer(erasure.session, other_id, pseudonym, erasure.now)
        mark_erased(erasure.session, other_id, pseudonym, erasure.now)
    erasure.session.flush()
    return len(erasure.tombstones)


def erase_merge_journal(erasure: Erasure) -> int:
    """Delete every merge journal entry about the customer or their tombstones (done or undone)."""
    ids = [erasure.customer_id, *erasure.tombstones]
    return rowcount(erasure.session.execute(
        delete(CustomerMerge).where(or_(CustomerMerge.keep_id.in_(ids), CustomerMerge.other_id.in_(ids)))
        .execution_options(synchronize_session=False)))


def merges_section(session: Session, customer: Customer, _cases: list[int], _notes: list[int]) -> list[dict[str, Any]]:
    """The export's "merges": every merge into or out of this customer, with the other side's account."""
    from deskapp.core.services.privacy.export import iso_time

    rows = session.execute(
        select(CustomerMerge).where(or_(CustomerMerge.keep_id == customer.id, CustomerMerge.other_id == customer.id))
        .order_by(CustomerMerge.id)).scalars().all()
    accounts: dict[int, str] = {
        row.id: row.account_number for row in session.execute(select(Customer.id, Customer.account_number).where(
            Customer.id.in_({r.keep_id for r in rows} | {r.other_id for r in rows})))}
    return [{"kept_account": accounts.get(r.keep_id), "merged_account": accounts.get(r.other_id),
             "merged_at": iso_time(r.merged_at), "unmerged_at": iso_time(r.unmerged_at)} for r in rows]


def erase_call_log(erasure: Erasure) -> int:
    """Blank the number of every call from or to the customer (matched, on their cases, or from their phones).

    Runs before their phones are deleted: a missed call from one of their numbers that was never
    matched is theirs too. The rows stay (direction, times, answered, cause) for the desk's figures.
    """
    about = [PhoneCall.customer_id.in_([erasure.customer_id, *erasure.tombstones]),
             PhoneCall.number.in_(erasure.phones)]
    if erasure.case_ids:
        about.append(PhoneCall.case_id.in_(erasure.case_ids))
    return rowcount(erasure.session.execute(update(PhoneCall).where(or_(*about)).values(number="")
                                            .execution_options(synchronize_session=False)))


def erase_callbacks(erasure: Erasure) -> int:
    """Blank the note and number of every callback promised to the customer (runs before their phones go)."""
    about = [Callback.customer_id.in_([erasure.customer_id, *erasure.tombstones]),
             Callback.number.in_(erasure.phones)]
    if erasure.case_ids:
        about.append(Callback.case_id.in_(erasure.case_ids))
    return rowcount(erasure.session.execute(update(Callback).where(or_(*about)).values(note=ERASED_BODY, number=None)
                                            .execution_options(synchronize_session=False)))


def calls_section(session: Session, customer: Customer, case_ids: list[int], _notes: list[int]) -> dict[str, Any]:
    """The export's "calls": the calls from or to the customer, and the callbacks promised to them."""
    from deskapp.core.services.privacy.export import iso_time

    phones = list(session.scalars(select(CustomerPhone.e164).where(CustomerPhone.customer_id == customer.id)))
    about = [PhoneCall.customer_id == customer.id, PhoneCall.number.in_(phones)]
    promised = [Callback.customer_id == customer.id, Callback.number.in_(phones)]
    if case_ids:
        about.append(PhoneCall.case_id.in_(case_ids))
        promised.append(Callback.case_id.in_(case_ids))
    calls = session.scalars(select(PhoneCall).where(or_(*about)).order_by(PhoneCall.started_at)).all()
    callbacks = session.scalars(select(Callback).where(or_(*promised)).order_by(Callback.due_at)).all()
    return {
        "calls": [{"call_id": c.call_id, "number": c.number, "direction": c.direction,
                   "started_at": iso_time(c.started_at), "answered": c.answered_at is not None, "cause": c.cause,
                   "missed": c.missed} for c in calls],
        "callbacks": [{"due_at": iso_time(b.due_at), "note": b.note, "number": b.number,
                       "done_at": iso_time(b.done_at)} for b in callbacks],
    }
