"""Phone numbers: parse any usual form into E.164 with phonenumbers, and format for display.

phonenumbers and its metadata (~60 modules, 50-100 ms) load on the first call that needs them,
not with this module: the lookup imports it on the way to the window being ready, and most
searches are names.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from types import ModuleType
from typing import cast

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
    fast = _phone_fast()
    found = fast.e164_or_unsure(raw, code)
    if found is fast.UNSURE:
        return parse_e164(raw, code)
    return cast("str | None", found)


def parse_e164(raw: str, region: str | None) -> str | None:
    """The phonenumbers library's own answer for :func:`to_e164` (``raw`` already normalised, ``00`` made ``+``)."""
    phonenumbers = _phonenumbers()
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    e164: str = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164


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
    phonenumbers = _phonenumbers()
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    formatted: str = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return formatted


def region_of(e164: str) -> str | None:
    """The country (``"FI"``) an E.164 number belongs to, or ``None``."""
    phonenumbers = _phonenumbers()
    try:
        region: str | None = phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None
    return region


def check_region(region: str | None) -> str | None:
    """``region`` upper-cased if phonenumbers knows it (``None`` stays ``None``).

    Raises:
        DeskappError: Not a country code phonenumbers knows, with examples of the right form.
    """
    if not region:
        return None
    code = region.strip().upper()
    if code not in _phonenumbers().SUPPORTED_REGIONS:
        from deskapp.core.errors import DeskappError
        from deskapp.core.i18n import later

        raise DeskappError(
            later("{region} is not a known country code for phone numbers; use two letters such as FI, PH or ES.",
                  region=region)
        )
    return code


@functools.cache
def _phonenumbers() -> ModuleType:
    import phonenumbers

    return phonenumbers


@functools.cache
def _phone_fast() -> ModuleType:
    from deskapp.core.search import phone_fast

    return phone_fast


def load() -> None:
    """Load phonenumbers now (a background warm-up, so the first phone search does not wait)."""
    _phone_fast()
    _phonenumbers()
