"""A customer's profile as a rep sees it at a glance."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from deskapp.core.domain.enums import CustomerKind
from deskapp.core.domain.models import Customer
from deskapp.core.errors import RecordNotFound
from deskapp.core.i18n import later
from deskapp.core.security.permissions import require
from deskapp.core.services.customers.store import PROFILE_FIELDS
from deskapp.core.services.kernel import tombstones


@dataclass(frozen=True, slots=True)
class ProfileRow:
    """What a rep sees of a customer at a glance."""

    customer_id: int
    account_number: str
    kind: CustomerKind
    given_name: str
    family_name: str
    display_name: str
    organisation: str | None
    preferred_locale: str
    brand_id: int
    brand_code: str
    brand_name: str
    profile: tuple[tuple[str, str | int], ...]  # only the fields that are filled in, in PROFILE_FIELDS order
    alerts: tuple[str, ...]
    emails: tuple[str, ...]
    phones: tuple[str, ...]  # E.164
    version_id: int


def customer_profile(session: Session, actor_id: int, customer: int | str) -> ProfileRow:
    """Load a customer's profile by id (int) or account number (str) (``customer.view``).

    Args:
        session: An open session.
        actor_id: The agent looking.
        customer: The customer's id, or their account number ("FI-000001").

    Returns:
        The profile with brand, alerts, emails and phones.

    Raises:
        RecordNotFound: No such customer.
        PermissionDenied: The agent may not view customers.
    """
    require(session, actor_id, "customer.view")
    return load_profile(session, customer)


def load_profile(session: Session, customer: int | str) -> ProfileRow:
    """Internal, no actor: the profile for services that already checked their own action.

    Raises:
        RecordNotFound: No such customer.
    """
    query = select(Customer).options(
        selectinload(Customer.emails), selectinload(Customer.phones),
        selectinload(Customer.alerts), selectinload(Customer.brand),
    )
    if isinstance(customer, int):
        query = query.where(Customer.id == customer)
    else:
        query = query.where(Customer.account_number == customer.strip())
    row = session.scalars(query).one_or_none()
    if row is None:
        raise RecordNotFound(later("No customer with account {account} was found.", account=customer))
    kept = tombstones.kept_id(session, row.id)
    if kept != row.id:  # merged into another: an old reference finds the customer it now is
        return load_profile(session, kept)
    profile = tuple((name, value) for name in PROFILE_FIELDS
                    if (value := getattr(row, name)) not in (None, ""))
    return ProfileRow(
        customer_id=row.id, account_number=row.account_number, kind=row.kind,
        given_name=row.given_name, family_name=row.family_name, display_name=row.display_name,
        organisation=row.organisation, preferred_locale=row.preferred_locale,
        brand_id=row.brand_id, brand_code=row.brand.code, brand_name=row.brand.name, profile=profile,
        alerts=tuple(a.text for a in row.alerts), emails=tuple(e.address for e in row.emails),
        phones=tuple(p.e164 for p in row.phones), version_id=row.version_id,
    )
