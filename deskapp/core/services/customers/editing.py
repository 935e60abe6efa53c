"""Changing a customer's details, with optimistic locking: a conflict is shown, never overwritten.

The rep's screen carries the ``version_id`` it loaded. :func:`update_customer` writes only when the
row on the server still has that version (SQLAlchemy's ``version_id_col`` makes the UPDATE say
``WHERE id = ? AND version_id = ?``); otherwise it raises :class:`CustomerConflict`, which carries
both sides so a conflict view can show "your change" beside "their current profile" and let the
rep re-apply theirs on top (call again with ``conflict.theirs.version_id``).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.models import Brand, Customer, CustomerAlert, CustomerEmail, CustomerPhone
from deskapp.core.domain.privacy import CustomerErasure
from deskapp.core.errors import DeskappError, InvalidInput, RecordErased, RecordNotFound
from deskapp.core.i18n import N_, later
from deskapp.core.search.normalize import email_key, search_text
from deskapp.core.search.phones import digits_reversed
from deskapp.core.security.permissions import require
from deskapp.core.services.customers.csv_rows import FieldInvalid, check_alerts, check_emails, check_phones
from deskapp.core.services.customers.profile import ProfileRow, load_profile
from deskapp.core.services.customers.store import PROFILE_FIELDS, CustomerRecord, customer_search_text
from deskapp.core.services.kernel import tombstones
from deskapp.core.services.kernel.audit import audit
from deskapp.core.services.kernel.text import clean_text

TEXT_LIMITS = {
    "given_name": 100, "family_name": 100, "organisation": 200, "preferred_locale": 10,
    "age_band": 20, "gender": 30, "income_band": 30, "lifestyle": 100, "occupation": 100,
}
# Lists, typed as one line: items separated by ";" (or "|", as in an import file; phones and
# emails also by ","). Checked exactly as a customer import checks them (csv_rows).
LIST_FIELDS = frozenset({"phones", "emails", "alerts"})
LIST_LABELS = {"phones": N_("Phone"), "emails": N_("Email"), "alerts": N_("Alerts")}
# How a message names a field (the same words as the form's labels).
FIELD_LABELS = {
    "given_name": N_("Given name"), "family_name": N_("Family name"),
    "organisation": N_("Organisation or department"), "preferred_locale": N_("Preferred language"),
    "age_band": N_("Age band"), "gender": N_("Gender"), "income_band": N_("Income band"),
    "lifestyle": N_("Lifestyle"), "occupation": N_("Occupation"), "birth_year": N_("Birth year"),
}
EDITABLE = frozenset({"given_name", "family_name", "organisation", "preferred_locale", *PROFILE_FIELDS,
                      *LIST_FIELDS})
# Fields whose change alters what the customer is found by.
_SEARCHED = frozenset({"given_name", "family_name", "organisation"})


class CustomerConflict(DeskappError):
    """Someone else saved the customer since the rep loaded it; nothing was overwritten.

    Attributes:
        mine: The changes the rep tried to save, as given.
        theirs: The customer as it is on the server now (its ``version_id`` is the one to send
            when the rep re-applies their change).
    """

    def __init__(self, mine: dict[str, Any], theirs: ProfileRow) -> None:
        """Keep both sides for the conflict view."""
        super().__init__(later("Someone else changed this customer a moment ago. Compare their version with "
                               "yours, then save again."))
        self.mine = dict(mine)
        self.theirs = theirs


def update_customer(session: Session, actor_id: int, customer_id: int, changes: dict[str, Any],
                    expected_version: int) -> ProfileRow:
    """Save ``changes`` to a customer if nobody else saved it since ``expected_version`` (``customer.edit``).

    Args:
        session: An open session.
        actor_id: The acting agent.
        customer_id: The customer.
        changes: Field name to new value; names from :data:`EDITABLE`. Text is trimmed, an empty
            optional field becomes empty (``None``).
        expected_version: The ``version_id`` of the profile the rep edited.

    Returns:
        The profile after the change (unchanged when ``changes`` change nothing).

    Raises:
        CustomerConflict: The customer changed meanwhile; carries ``mine`` and ``theirs``.
        InvalidInput: An unknown field or a value that cannot be stored.
        RecordNotFound: No such customer.
        PermissionDenied: The agent is unknown or disabled, or may not change customers.
    """
    require(session, actor_id, "customer.edit")
    # Merged into another since the rep opened it: the change goes to the customer it now is, whose
    # version differs, so the rep sees that customer in the conflict view before anything is saved.
    customer_id = tombstones.kept_id(session, customer_id)
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise RecordNotFound(later("The customer no longer exists."))
    if session.get(CustomerErasure, customer_id) is not None:
        raise RecordErased(later("This customer's personal data was erased at their request: nothing more can be "
                                 "recorded about them."))
    region = session.scalar(select(Brand.default_region).where(Brand.id == customer.brand_id))
    lists = _validated_lists(changes, region)
    values = _validated({name: value for name, value in changes.items() if name not in LIST_FIELDS})
    if customer.version_id != expected_version:
        raise CustomerConflict(changes, load_profile(session, customer_id))
    changed = sorted(name for name, value in values.items() if getattr(customer, name) != value)
    current = load_profile(session, customer_id)
    changed += sorted(name for name, items in lists.items() if tuple(items) != getattr(current, name))
    if not changed:
        return current
    for name in changed:
        if name in LIST_FIELDS:
            _replace_list(customer, name, lists[name])
        else:
            setattr(customer, name, values[name])
    if _SEARCHED.intersection(changed) or "emails" in changed:
        session.flush()  # the new emails are what the customer is found by
        _reindex(session, customer)
    if not set(changed) - LIST_FIELDS:
        # Only child rows changed: the customer's row must still get a new version, so another
        # window that loaded the old phones or alerts sees a conflict instead of overwriting them.
        customer.updated_at = utcnow()
    audit(session, actor_id, "customer.update", "customer", customer_id, detail={"fields": changed})
    try:
        session.flush()  # UPDATE … WHERE id = ? AND version_id = ?: the check against the server's row
    except StaleDataError:
        session.rollback()
        raise CustomerConflict(changes, load_profile(session, customer_id)) from None
    row = load_profile(session, customer_id)
    session.commit()
    return row


def _validated(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(changes) - EDITABLE)
    if unknown:
        raise InvalidInput(later("These customer fields cannot be changed here: {names}.", names=", ".join(unknown)))
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "birth_year":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise InvalidInput(later("The birth year must be a whole number."))
            values[name] = value
            continue
        text = " ".join(clean_text(str(value)).split()) if value is not None else ""
        if len(text) > TEXT_LIMITS[name]:
            raise InvalidInput(later("{field} is too long: at most {limit} characters.",
                                     field=later(FIELD_LABELS.get(name, name)), limit=TEXT_LIMITS[name]))
        if name in {"given_name", "family_name"}:
            values[name] = text
        elif name == "preferred_locale":
            values[name] = text or "en"
        else:
            values[name] = text or None
    return values


def _validated_lists(changes: dict[str, Any], region: str | None) -> dict[str, list[str]]:
    lists: dict[str, list[str]] = {}
    for name in LIST_FIELDS.intersection(changes):
        raw = changes[name]
        items = list(raw) if isinstance(raw, (list, tuple)) else _split(name, str(raw or ""))
        items = [" ".join(clean_text(str(item)).split()) for item in items]
        items = [item for item in items if item]
        try:
            if name == "phones":
                items = check_phones(items, region)
            elif name == "emails":
                items = check_emails(items)
            else:
                items = check_alerts(items)
        except FieldInvalid as bad:  # the import's words, with the field the rep typed in
            raise InvalidInput(later("{field}: {reason}",
                                     field=later(LIST_LABELS[name]), reason=bad.reason)) from None
        lists[name] = items
    return lists


def _split(name: str, text: str) -> list[str]:
    separators = r"[;|,\n]" if name in {"phones", "emails"} else r"[;|\n]"
    return re.split(separators, text)


def _replace_list(customer: Customer, name: str, items: list[str]) -> None:
    if name == "phones":
        customer.phones = [CustomerPhone(position=i, e164=number, digits_reversed=digits_reversed(number))
                           for i, number in enumerate(items)]
    elif name == "emails":
        customer.emails = [CustomerEmail(position=i, address=address, address_key=email_key(address))
                           for i, address in enumerate(items)]
    else:
        customer.alerts = [CustomerAlert(position=i, text=text) for i, text in enumerate(items)]


def _reindex(session: Session, customer: Customer) -> None:
    emails = list(session.scalars(select(CustomerEmail.address).where(CustomerEmail.customer_id == customer.id)
                                  .order_by(CustomerEmail.position)))
    record = CustomerRecord(account_number=customer.account_number, brand_code="",
                            given_name=customer.given_name, family_name=customer.family_name,
                            organisation=customer.organisation, emails=emails)
    customer.search_text = customer_search_text(record)
    customer.family_key = " ".join(search_text(customer.family_name).split()[:1])
