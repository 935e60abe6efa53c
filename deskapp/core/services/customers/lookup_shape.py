"""What makes one lookup statement differ from another (its shape), and the parameters that fill it in.

A query's shape (:class:`Shape`) picks one SQL text of :mod:`.lookup_sql`, compiled once; the typed
words, numbers and limits are its parameters (:func:`params`), so every keystroke of the same kind
reuses one statement (and, on PostgreSQL, one prepared plan).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from deskapp.core.search import fts, pg_prefixes
from deskapp.core.search.query import ParsedQuery, TextMode

# Phone readings searched at once (one per region the desk serves is typical).
MAX_PHONES = 4
ACCOUNT_SLOTS = 3
# Two-letter queries: how much of the family-name index is read, and how many rows are shown.
SHORT_SCAN = 500
SHORT_LIMIT = 20
# PostgreSQL: a typed word this short is looked up per customer, not merged (see _prefix_candidates).
SHORT_WORD = 2
# Upper bound of a prefix range: every string starting with p sorts between p and p + this.
PREFIX_END = "\U0010ffff"
MAX_ID = 2**63 - 1
# Tiers (see the table in :mod:`.lookup`).
EXACT, SUFFIX, FAMILY_SHARE, FAMILY_REST, WORDS = range(5)


@dataclass(frozen=True, slots=True)
class Shape:
    """What distinguishes one SQL statement from another; parameters fill in the rest."""

    dialect: str
    text_mode: str
    words: int
    account: bool
    email: bool
    phones: int
    suffix: bool
    brand: bool
    case: bool
    # PostgreSQL only: whether a typed word is one or two digits alone (then no word-prefix table),
    # which typed words (bit i: word i) are longer than the table's prefixes, and which are short.
    numeric: bool = False
    long: int = 0
    short: int = 0

    @classmethod
    def of(cls, parsed: ParsedQuery, brand: bool, dialect: str) -> Shape:
        pg = dialect == "postgresql"
        return cls(
            dialect=dialect,
            text_mode=parsed.text_mode,
            words=len(parsed.words),
            account=bool(parsed.account_keys),
            email=parsed.email is not None,
            phones=min(len(parsed.phones), MAX_PHONES),
            suffix=parsed.phone_suffix is not None,
            brand=brand,
            case=parsed.case_number is not None,
            numeric=pg and any(word.isascii() and word.isdigit() and len(word) < pg_prefixes.MIN_DIGIT_PREFIX
                               for word in parsed.words),
            long=sum(1 << i for i, word in enumerate(parsed.words) if pg and len(word) > pg_prefixes.MAX_PREFIX),
            short=sum(1 << i for i, word in enumerate(parsed.words) if pg and len(word) <= SHORT_WORD),
        )


def arranged(parsed: ParsedQuery, dialect: str) -> ParsedQuery:
    """``parsed`` with its words in the order PostgreSQL should read them: longest first.

    A longer typed word starts fewer customers' words, so its stream leads the merge and the
    others are checked against its few customers ("dela cruz jocelyn": "jocelyn" first, 3.2 ms
    -> 1 ms at 1,000,000 customers). The words must all match in any order, so the answer is the
    same; a two-letter query (whose first word is the family name) keeps its order.
    """
    if dialect != "postgresql" or parsed.text_mode != TextMode.FULL or len(parsed.words) < 2:
        return parsed
    return dataclasses.replace(parsed, words=tuple(sorted(parsed.words, key=len, reverse=True)))


def page_size(parsed: ParsedQuery, limit: int) -> int:
    """How many rows a page of this query holds (two-letter queries show fewer)."""
    return min(limit, SHORT_LIMIT) if parsed.text_mode == TextMode.FAMILY else limit


def params(parsed: ParsedQuery, brand_key: str | None, limit: int) -> dict[str, Any]:
    """The statement's parameters; it returns one row more than a page, to tell whether there are more."""
    size = page_size(parsed, limit)
    params: dict[str, Any] = {"limit": size + 1, "page": size, "brand": brand_key}
    params["case_number"] = parsed.case_number
    keys = parsed.account_keys
    for i in range(ACCOUNT_SLOTS):  # fixed slots keep one SQL text per shape
        params[f"account{i}"] = keys[min(i, len(keys) - 1)] if keys else None
    params["email"] = parsed.email
    for i, number in enumerate(parsed.phones[:MAX_PHONES]):
        params[f"phone{i}"] = number
    if parsed.phone_suffix is not None:
        params["suffix_lo"] = parsed.phone_suffix
        params["suffix_hi"] = parsed.phone_suffix + PREFIX_END
    for i, word in enumerate(parsed.words):
        params[f"w{i}"] = word
        params[f"w{i}_end"] = word + PREFIX_END
        params[f"w{i}_like"] = f"% {word}%"
        params[f"w{i}_key"] = word[: pg_prefixes.MAX_PREFIX]
    if parsed.text_mode == TextMode.FULL:
        params["match"] = fts.match_expression(list(parsed.words))
    elif parsed.text_mode == TextMode.FAMILY:
        params["short_scan"] = SHORT_SCAN
        params["short_limit"] = size + 1
    return params
