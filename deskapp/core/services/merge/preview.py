"""What a merge would do, shown before it is done: both sides field by field, and what moves.

The preview carries each side's ``version_id``; :func:`deskapp.core.services.merge.merging.merge_customers`
refuses when either changed since, so nobody merges what they did not see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from deskapp.core.domain.merge import CustomerMerge
from deskapp.core.domain.models import Case, CaseNote, Customer, CustomerAlert, CustomerEmail, CustomerPhone, Draft
from deskapp.core.domain.privacy import CustomerErasure
from deskapp.core.domain.quality import Feedback, Review
from deskapp.core.errors import DeskappError, RecordNotFound
from deskapp.core.i18n import N_, later
from deskapp.core.security.permissions import require
from deskapp.core.services.customers.store import PROFILE_FIELDS

# Fields a merge chooses between; "email" and "phone" choose which side's first one comes first.
SCALAR_FIELDS = ("given_name", "family_name", "organisation", "preferred_locale", *PROFILE_FIELDS)
FIELDS = (*SCALAR_FIELDS, "email", "phone")
FIELD_LABELS: Mapping[str, str] = {
    "given_name": N_("Given name"), "family_name": N_("Family name"), "organisation": N_("Organisation"),
    "preferred_locale": N_("Language"), "birth_year": N_("Birth year"), "age_band": N_("Age band"),
    "gender": N_("Gender"), "income_band": N_("Income band"), "lifestyle": N_("Lifestyle"),
    "occupation": N_("Occupation"), "email": N_("Email"), "phone": N_("Phone"),
}
# What moves, in the order a preview lists it (the keys of ``MergePreview.moves``).
MOVES = ("cases", "notes", "drafts", "feedback", "reviews", "alerts", "phones", "emails")


class MergeRefused(DeskappError):
    """The merge cannot be done as asked (same customer, already merged, different kinds …)."""


class MergeConflict(MergeRefused):
    """One of the two customers changed since the preview: look again before merging."""


@dataclass(frozen=True, slots=True)
class MergeSide:
    """One of the two customers as the preview shows it."""

    customer_id: int
    account_number: str
    display_name: str
    version_id: int
    fields: Mapping[str, Any]  # FIELDS -> value ("email"/"phone": the first one, or None)
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    cases: int


@dataclass(frozen=True, slots=True)
class MergePreview:
    """Both customers, and how many of each thing would move from ``other`` to ``keep``."""

    keep: MergeSide
    other: MergeSide
    moves: Mapping[str, int]  # MOVES -> count

    @property
    def differing(self) -> tuple[str, ...]:
        """The fields where ``other`` has a value that differs from ``keep``'s (where a choice matters)."""
        return tuple(name for name in FIELDS
                     if self.other.fields[name] not in (None, "") and self.keep.fields[name] != self.other.fields[name])


def merge_preview(session: Session, actor_id: int, keep: int | str, other: int | str) -> MergePreview:
    """What merging ``other`` into ``keep`` would do (``customer.merge``); changes nothing.

    Args:
        session: An open session.
        actor_id: The acting agent.
        keep: The customer who stays (id or account number).
        other: The customer merged into ``keep`` (id or account number).

    Raises:
        RecordNotFound: Either customer does not exist.
        MergeRefused: The two are the same, of different kinds or brands, or one is already merged.
    """
    require(session, actor_id, "customer.merge")
    keep_row, other_row = find_customer(session, keep), find_customer(session, other)
    check_mergeable(session, keep_row, other_row)
    return MergePreview(_side(session, keep_row), _side(session, other_row), _moves(session, other_row.id))


def find_customer(session: Session, ref: int | str) -> Customer:
    """The customer with id ``ref`` (int) or account number ``ref`` (str), tombstones included."""
    if isinstance(ref, int):
        found = session.get(Customer, ref)
    else:
        found = session.scalars(select(Customer).where(Customer.account_number == ref.strip())).one_or_none()
    if found is None:
        raise RecordNotFound(later("No customer with account {account} was found.", account=ref))
    return found


def merged_into(session: Session, customer_id: int) -> CustomerMerge | None:
    """The merge that made ``customer_id`` a tombstone, if it is one."""
    return session.scalars(select(CustomerMerge).where(CustomerMerge.other_id == customer_id,
                                                       CustomerMerge.unmerged_at.is_(None))).first()


def check_mergeable(session: Session, keep: Customer, other: Customer) -> None:
    """Refuse what cannot be merged, with a reason a supervisor can act on."""
    if keep.id == other.id:
        raise MergeRefused(later("A customer cannot be merged into itself."))
    if session.scalar(select(CustomerErasure.customer_id).where(
            CustomerErasure.customer_id.in_((keep.id, other.id)))) is not None:
        raise MergeRefused(later("A customer whose personal data was erased cannot be merged."))
    for customer in (other, keep):
        done = merged_into(session, customer.id)
        if done is not None:
            target = session.get(Customer, done.keep_id)
            raise MergeRefused(later("{account} is already merged into {target}.",
                                     account=customer.account_number,
                                     target=target.account_number if target else done.keep_id))
    if keep.kind != other.kind:
        raise MergeRefused(later("An internal department and an external customer cannot be merged."))
    if keep.brand_id != other.brand_id:
        raise MergeRefused(later("Customers of different brands cannot be merged."))


def _side(session: Session, customer: Customer) -> MergeSide:
    emails = tuple(session.scalars(select(CustomerEmail.address).where(CustomerEmail.customer_id == customer.id)
                                   .order_by(CustomerEmail.position, CustomerEmail.id)))
    phones = tuple(session.scalars(select(CustomerPhone.e164).where(CustomerPhone.customer_id == customer.id)
                                   .order_by(CustomerPhone.position, CustomerPhone.id)))
    fields: dict[str, Any] = {name: getattr(customer, name) for name in SCALAR_FIELDS}
    fields["email"] = emails[0] if emails else None
    fields["phone"] = phones[0] if phones else None
    cases = session.scalar(select(func.count()).select_from(Case).where(Case.customer_id == customer.id)) or 0
    return MergeSide(customer.id, customer.account_number, customer.display_name, customer.version_id, fields,
                     emails, phones, cases)


def _moves(session: Session, other_id: int) -> dict[str, int]:
    cases = select(Case.id).where(Case.customer_id == other_id).scalar_subquery()

    def count(model: Any, condition: Any) -> int:
        return session.scalar(select(func.count()).select_from(model).where(condition)) or 0

    return {
        "cases": count(Case, Case.customer_id == other_id),
        "notes": count(CaseNote, CaseNote.case_id.in_(cases)),
        "drafts": count(Draft, Draft.case_id.in_(cases)),
        "feedback": count(Feedback, Feedback.case_id.in_(cases)),
        "reviews": count(Review, Review.case_id.in_(cases)),
        "alerts": count(CustomerAlert, CustomerAlert.customer_id == other_id),
        "phones": count(CustomerPhone, CustomerPhone.customer_id == other_id),
        "emails": count(CustomerEmail, CustomerEmail.customer_id == other_id),
    }
