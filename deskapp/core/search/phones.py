"""Phone numbers: parse any usual form into E.164 with phonenumbers, and format for display."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

from deskapp.core.search.phone_fast import UNSURE, e164_or_unsure

_DIALLABLE = re.compile(r"^[\s0-9+()./\-]+$")


def to_e164(text: str, region: str | None = None) -> str | None:
    """Parse ``text`` ("+358 40 123 4567", "0034 612…", "040 123 4567" with region FI) to E.164.

    Returns ``None`` when it is not a valid number. Plain shapes take a shortcut that gives
    phonenumbers' answer several times faster (:mod:`deskapp.core.search.phone_fast`).
    """
    raw = (text if text.isascii() else unicodedata.normalize("NFKC", text)).strip()
    if not raw or not _DIALLABLE.match(raw):
        return None
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    code = region.upper() if region else None
    found = e164_or_unsure(raw, code)
    if found is UNSURE:
        return parse_e164(raw, code)
    return found


def parse_e164(raw: str, region: str | None) -> str | None:
    """The phonenumbers library's own answer for :func:`to_e164` (``raw`` already normalised, ``00`` made ``+``)."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def digits_reversed(e164: str) -> str:
    """The digits of ``e164`` backwards, so "ends with 4567" becomes an indexed prefix query."""
    if e164[:1] == "+" and e164[1:].isdigit():  # what to_e164 returns: a "+" and digits
        return e164[:0:-1]
    return "".join(ch for ch in e164 if ch.isdigit())[::-1]


def digits_only(text: str) -> str:
    """The ASCII digits of ``text`` (fullwidth digits included)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if "0" <= ch <= "9")


def looks_like_phone(text: str) -> bool:
    """True when ``text`` is made only of what people type in phone numbers and has digits."""
    raw = unicodedata.normalize("NFKC", text).strip()
    return bool(raw) and bool(_DIALLABLE.match(raw)) and any(ch.isdigit() for ch in raw)


def format_international(e164: str) -> str:
    """E.164 as people read it ("+358 40 1234567")."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
