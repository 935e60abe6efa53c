"""Turn what a representative typed into the parts the lookup searches for.

Parsing is pure Python and never fails: any text (quotes, SQL, emoji, NUL, lone surrogates,
5,000 characters) becomes a :class:`ParsedQuery`, possibly an empty one. The database layer
(:mod:`deskapp.core.services.customers.lookup`) only ever receives these parts as bound parameters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from deskapp.core.domain.references import parse_case_reference
from deskapp.core.search.normalize import email_key, tokens
from deskapp.core.search.phones import digits_only, looks_like_phone, to_e164

# Nobody types more than this into a lookup box; longer input is pasted noise, and capping it
# bounds the parsing and the size of the FTS expression.
MAX_QUERY_CHARS = 200
MAX_TOKENS = 8
# Longer tokens are cut: a prefix of a prefix still matches, and FTS terms stay short.
MAX_TOKEN_CHARS = 40
MAX_ACCOUNT_CHARS = 40
MAX_EMAIL_CHARS = 254
# Fewer digits than this match thousands of numbers; a rep always has the last four at hand.
MIN_SUFFIX_DIGITS = 4
# No national number in the regions a desk serves is shorter; fewer digits are only ever a suffix,
# and trying to read them as whole numbers costs ~50 µs a region on every keystroke.
MIN_NUMBER_DIGITS = 5
# E.164 allows 15 digits; anything longer cannot be the end of a stored number.
MAX_PHONE_DIGITS = 15
# National numbers with a trunk "0" ("040 123 4567") are also matched on the digits after it,
# so they are found even when the desk's region is not the number's; shorter input is a suffix
# the rep typed, where a leading zero is a real digit.
MIN_TRUNK_DIGITS = 8
# Tokens shorter than this alone do not open a full-text search (see ``TextMode``).
FULL_TEXT_MIN_CHARS = 3

_DROPPED_CATEGORIES = frozenset({"Cc", "Cs", "Cf", "Co", "Cn"})


class TextMode:
    """How the name part of a query is searched.

    One- and two-letter queries are the keystrokes that come 100 ms before the next one, and they
    match a large share of a big desk ("ma" is a tenth of a Finnish customer base). Searching
    them in full would make the first keystroke the slowest, so:

    * ``NONE``: no token has two characters ("a", "j m"): no name search at all; a single
      letter cannot pick one person out of thousands.
    * ``FAMILY``: the longest token has two characters ("ma", "de la"): family names that
      start with the first two-letter token, read in order straight from the family-name index
      (a bounded window of it), other tokens filtered within that window, few rows.
    * ``FULL``: some token has three or more characters: full-text prefix search on every token.
    """

    NONE = "none"
    FAMILY = "family"
    FULL = "full"


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """The searchable parts of one query; empty tuples or ``None`` for parts it does not have."""

    words: tuple[str, ...] = ()
    text_mode: str = TextMode.NONE
    account_keys: tuple[str, ...] = ()
    email: str | None = None
    phones: tuple[str, ...] = ()
    phone_suffix: str | None = None
    case_number: int | None = None

    @property
    def is_empty(self) -> bool:
        """True when nothing in the query can match anyone."""
        return not (
            self.text_mode != TextMode.NONE or self.account_keys or self.email or self.phones
            or self.phone_suffix or self.case_number is not None
        )


def clean(text: str) -> str:
    """``text`` without control, format, private-use or unpaired surrogate characters, capped.

    Those characters cannot be typed on purpose and some (NUL, lone surrogates) cannot even be
    sent to a database driver, so they become spaces.
    """
    text = text[: MAX_QUERY_CHARS * 4]
    kept = "".join(" " if unicodedata.category(ch) in _DROPPED_CATEGORIES else ch for ch in text)
    return " ".join(kept.split())[:MAX_QUERY_CHARS]


def parse_query(text: str, regions: Iterable[str] | Callable[[], Iterable[str]] = ()) -> ParsedQuery:
    """Split ``text`` into words, account, email, phone and case-reference candidates.

    Args:
        text: What the representative typed, as is.
        regions: Default phone regions ("FI", "PH") used to read national numbers; the first that
            gives a valid number wins, and every valid reading is searched. A callable is only
            called when the text looks like a phone number (it may cost a database read).

    Returns:
        The parsed query; :attr:`ParsedQuery.is_empty` tells whether it is worth a round trip.
    """
    cleaned = clean(text)
    if not cleaned:
        return ParsedQuery()
    words = _words(cleaned)
    longest = max((len(word) for word in words), default=0)
    if longest >= FULL_TEXT_MIN_CHARS:
        mode = TextMode.FULL
    elif longest == 2:
        mode = TextMode.FAMILY
    else:
        mode = TextMode.NONE
    phones, suffix = _phone_parts(cleaned, regions)
    if phones and all(word.isdigit() for word in words):
        # "+34 628 29 39 93" is a phone number, not five account-number fragments: the exact
        # number is the answer, and a full-text search for the digit groups only costs time.
        mode = TextMode.NONE
    email = email_key(cleaned) if _looks_like_email(cleaned) else None
    if email is not None:
        # A whole address is an exact lookup; its words ("gmail", "com") would match half the
        # desk and make the full-text search the slowest part of the query.
        mode = TextMode.NONE
    return ParsedQuery(
        words=words,
        text_mode=mode,
        account_keys=_account_keys(cleaned),
        email=email,
        phones=phones,
        phone_suffix=suffix,
        case_number=parse_case_reference(cleaned),
    )


def _words(cleaned: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for word in tokens(cleaned):
        seen.setdefault(word[:MAX_TOKEN_CHARS], None)
        if len(seen) == MAX_TOKENS:
            break
    return tuple(seen)


def _account_keys(cleaned: str) -> tuple[str, ...]:
    # Account numbers are stored as imported; matching the usual spellings keeps the lookup on
    # the unique index instead of a case-insensitive scan.
    if len(cleaned) > MAX_ACCOUNT_CHARS or " " in cleaned:
        return ()
    return tuple(dict.fromkeys((cleaned, cleaned.upper(), cleaned.lower())))


def _looks_like_email(cleaned: str) -> bool:
    if len(cleaned) > MAX_EMAIL_CHARS or " " in cleaned:
        return False
    local, at, domain = cleaned.rpartition("@")
    return bool(at and local and domain)


def _phone_parts(
    cleaned: str, regions: Iterable[str] | Callable[[], Iterable[str]]
) -> tuple[tuple[str, ...], str | None]:
    if not looks_like_phone(cleaned):
        return (), None
    raw = unicodedata.normalize("NFKC", cleaned)  # fullwidth "＋３５８" is what some keyboards type
    digits = digits_only(raw)
    # "+" always starts a whole international number. "00" is the international call prefix only
    # before a country code, and none starts with 0 ("0000033" is an ending); but "0012" or
    # "00345" can as well be the last digits of a number the rep reads out, so a "00" number is
    # searched both ways: as a whole number and as an ending, exactly as typed.
    plus = raw.startswith("+")
    dialled_out = not plus and raw.startswith("00") and digits[2:3] not in ("", "0")
    international = plus or dialled_out
    found: dict[str, None] = {}
    # Fewer digits are the end of a number, never a whole one: no region is asked to read them
    # (each reading costs ~50 µs, on every keystroke), and the regions are not even looked up.
    if len(digits) >= MIN_NUMBER_DIGITS:
        for region in (*(regions() if callable(regions) else regions), None):
            number = to_e164(raw, region)
            if number:
                found.setdefault(number, None)
            if international:
                break  # the number carries its own country code; regions cannot change it
    if plus or len(digits) > MAX_PHONE_DIGITS:
        # After a country code the digits are the number's beginning, not its end.
        return tuple(found), None
    if not dialled_out and len(digits) >= MIN_TRUNK_DIGITS and digits.startswith("0"):
        digits = digits.lstrip("0")
    if len(digits) < MIN_SUFFIX_DIGITS:
        return tuple(found), None
    return tuple(found), digits[::-1]
