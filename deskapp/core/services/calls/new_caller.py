"""A caller nobody knows yet becomes a customer: the number from the call, the name the rep types.

The account number is made up (``NEW-000123``) when the rep leaves it empty: a caller's
record must exist during the call, before anyone finds the account in another system.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from deskapp.core.domain.calls import PhoneCall
from deskapp.core.domain.models import Brand, Customer, CustomerPhone
from deskapp.core.errors import InvalidInput
from deskapp.core.i18n import later
from deskapp.core.search.phones import digits_reversed, region_of
from deskapp.core.security.permissions import require
from deskapp.core.services.calls.matching import normalise_number
from deskapp.core.services.customers.store import CustomerRecord, customer_search_text, family_key
from deskapp.core.services.kernel.audit import audit
from deskapp.core.services.kernel.text import clean_text


@dataclass(frozen=True, slots=True)
class BrandChoice:
    """A brand the new customer may belong to."""

    code: str
    name: str


def brand_choices(session: Session, actor_id: int, number: str = "") -> list[BrandChoice]:
    """The desk's brands for the new-customer form, those of ``number``'s country first; needs ``customer.edit``."""
    require(session, actor_id, "customer.edit")
    region = region_of(normalise_number(session, number)) if number else None
    rows = session.execute(select(Brand.code, Brand.name, Brand.default_region).order_by(Brand.name))
    ranked = sorted(rows, key=lambda row: row[2] != region)  # stable: by name within each group
    return [BrandChoice(code, name) for code, name, _region in ranked]


def add_caller(session: Session, actor_id: int, number: str, *, given_name: str, family_name: str, brand_code: str,
               account_number: str = "", call_id: str | None = None) -> int:
    """Create the customer with this phone number; the call (if given) is theirs now. Needs ``customer.edit``.

    Returns:
        The new customer's id.

    Raises:
        InvalidInput: No name, an unknown brand, or the account number is taken.
    """
    require(session, actor_id, "customer.edit")
    given, family = clean_text(given_name).strip()[:100], clean_text(family_name).strip()[:100]
    if not (given or family):
        raise InvalidInput(later("Type the caller's name."))
    brand = session.scalar(select(Brand).where(Brand.code == brand_code))
    if brand is None:
        raise InvalidInput(later("There is no brand {code}.", code=brand_code))
    account = clean_text(account_number).strip()[:40] or _next_account(session)
    if session.scalar(select(Customer.id).where(Customer.account_number == account)) is not None:
        raise InvalidInput(later("The account number {account} is already taken.", account=account))
    e164 = normalise_number(session, number)
    record = CustomerRecord(account_number=account, brand_code=brand.code, given_name=given, family_name=family,
                            phones=[e164] if e164.startswith("+") else [], preferred_locale=brand.default_locale)
    customer = Customer(brand_id=brand.id, account_number=account, given_name=given, family_name=family,
                        preferred_locale=brand.default_locale, search_text=customer_search_text(record),
                        family_key=family_key(family))
    session.add(customer)
    session.flush()
    if record.phones:
        session.add(CustomerPhone(customer_id=customer.id, position=0, e164=e164,
                                  digits_reversed=digits_reversed(e164)))
    if call_id is not None:
        call = session.scalar(select(PhoneCall).where(PhoneCall.call_id == call_id))
        if call is not None:
            call.customer_id, call.matches = customer.id, 1
    audit(session, actor_id, "customer.create", "customer", customer.id)
    session.commit()
    return customer.id


def _next_account(session: Session) -> str:
    number = (session.scalar(select(func.max(Customer.id))) or 0) + 1
    while session.scalar(select(Customer.id).where(Customer.account_number == f"NEW-{number:06d}")) is not None:
        number += 1
    return f"NEW-{number:06d}"
