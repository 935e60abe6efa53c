"""Who is calling: a number in any written form, a ``tel:``/``callto:`` link, to E.164 and the customers with it."""

from __future__ import annotations

import urllib.parse
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.domain.models import Brand, Customer, CustomerPhone
from deskapp.core.search.phones import digits_only, to_e164

# At most this many candidates are named; a shared office number may belong to many people.
MAX_MATCHES = 20
_SCHEMES = ("tel:", "callto:", "sip:")


class CallerMatch(NamedTuple):
    """A customer who has the calling number."""

    customer_id: int
    account_number: str
    display_name: str


def strip_uri(text: str) -> str:
    """The number in ``text``: ``tel:+358-40-123-4567;phone-context=…``, ``callto://+358…`` or a bare number."""
    raw = urllib.parse.unquote(text.strip())
    lowered = raw.casefold()
    for scheme in _SCHEMES:
        if lowered.startswith(scheme):
            raw = raw[len(scheme):].lstrip("/")
            break
    raw = raw.split(";", 1)[0].split("?", 1)[0]
    if "@" in raw:  # sip:+358401234567@pbx.example
        raw = raw.split("@", 1)[0]
    return raw.strip()


def normalise_number(session: Session, text: str) -> str:
    """E.164 for ``text`` as lookup parses it (the desk's brands' regions for a national number).

    A number no region makes valid (an extension, a withheld "anonymous") is kept as its digits,
    or as written when it has none, so the log still shows what the PBX sent.
    """
    raw = strip_uri(text)
    found = to_e164(raw)
    if found is None:
        for region in _regions(session):
            found = to_e164(raw, region)
            if found is not None:
                break
    if found is not None:
        return found
    digits = digits_only(raw)
    return ("+" + digits if raw.startswith("+") else digits) if digits else raw[:40]


def match_customers(session: Session, e164: str) -> list[CallerMatch]:
    """The customers with ``e164`` among their phones (exact, from the index), oldest account first."""
    if not e164.startswith("+"):
        return []
    rows = session.execute(
        select(Customer.id, Customer.account_number, Customer.given_name, Customer.family_name,
               Customer.organisation)
        .join(CustomerPhone, CustomerPhone.customer_id == Customer.id)
        .where(CustomerPhone.e164 == e164)
        .distinct()
        .order_by(Customer.id)
        .limit(MAX_MATCHES)
    ).all()
    return [CallerMatch(cid, account, _name(given, family, organisation))
            for cid, account, given, family, organisation in rows]


def _name(given: str, family: str, organisation: str | None) -> str:
    return f"{given} {family}" if given and family else (given or family or organisation or "")


def _regions(session: Session) -> list[str]:
    return sorted({region for region in session.scalars(select(Brand.default_region)) if region})
