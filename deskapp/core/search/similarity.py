"""Whether two customer records are the same person: blocking keys and a 0–1 score with reasons.

Pure functions over :class:`Person` values (no database), shared by the duplicate finder, the
window's "possible duplicate" hint and the CSV import's "looks like" report.

Candidates come from blocking keys only, never from comparing every pair: the same phone
(E.164), the same e-mail (casefolded), or the same folded name tokens in any order (which also
catches swapped given and family names and accents typed or not). One-letter typos of a name are
found through the phone or e-mail block the two records share. A name block is compared only
when it is small (:data:`NAME_BLOCK_LIMIT`): a common name shared by hundreds of people says
nothing on its own, and the score would not call such a pair likely anyway.

The score weighs the names (string similarity from rapidfuzz) against shared and conflicting
contact details. Two people who merely share a name but each have their own phone and e-mail
score low; a shared e-mail or phone with the same or nearly the same name scores high.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio, token_sort_ratio

from deskapp.core.i18n import N_
from deskapp.core.search.normalize import tokens

# The reasons a score gives. They are also the stable words ``--json`` prints (English, not
# translated); the window and the text output translate them.
SAME_EMAIL: Final = N_("same e-mail")
SAME_PHONE: Final = N_("same phone")
SAME_NAME: Final = N_("same name")
ONE_LETTER: Final = N_("name differs by one letter")
SWAPPED: Final = N_("names swapped")
SIMILAR_NAME: Final = N_("similar name")
REASONS: Final = (SAME_EMAIL, SAME_PHONE, SAME_NAME, ONE_LETTER, SWAPPED, SIMILAR_NAME)

# At or above this a pair is a likely duplicate (the default of ``customers duplicates``).
LIKELY: Final = 0.8
# The best a pair can score without a shared phone or e-mail (the same name, nothing against it).
NAME_ONLY_BEST: Final = 0.6
# Name blocks larger than this are not compared pairwise (see the module docstring).
NAME_BLOCK_LIMIT: Final = 25
# Phone and e-mail blocks larger than this are a switchboard or a shared mailbox, not a person.
CONTACT_BLOCK_LIMIT: Final = 50


@dataclass(frozen=True, slots=True)
class Person:
    """What the comparison needs of a customer (no ORM object: safe for any thread)."""

    customer_id: int
    account_number: str
    internal: bool
    brand_id: int
    given_name: str
    family_name: str
    organisation: str
    phones: frozenset[str]
    emails: frozenset[str]  # casefolded
    birth_year: int | None = None

    @property
    def display_name(self) -> str:
        """The name as a rep reads it; the department for an internal customer without one."""
        name = " ".join(part for part in (self.given_name, self.family_name) if part)
        return name or self.organisation


@dataclass(frozen=True, slots=True)
class Match:
    """How alike two records are: 0–1 and the reasons (from :data:`REASONS`), strongest first."""

    score: float
    reasons: tuple[str, ...]


def name_tokens(person: Person) -> tuple[str, ...]:
    """The folded words of the person's name (of the department for an internal customer)."""
    return _name_tokens(person.given_name, person.family_name, person.organisation, person.internal)


def name_key(person: Person) -> str:
    """The name's folded tokens sorted: the same for "Dela Cruz, Jose", "jose dela cruz" and "José DELA CRUZ"."""
    return _name_key(person.given_name, person.family_name, person.organisation, person.internal)


# Cached: a desk sees the same names again and again.
@functools.lru_cache(maxsize=65536)
def _name_tokens(given: str, family: str, organisation: str, internal: bool) -> tuple[str, ...]:
    words = tokens(given) + tokens(family)
    if not words or internal:
        words += tokens(organisation)
    return tuple(words)


@functools.lru_cache(maxsize=65536)
def _name_key(given: str, family: str, organisation: str, internal: bool) -> str:
    return " ".join(sorted(_name_tokens(given, family, organisation, internal)))


def block_keys(person: Person) -> Iterator[tuple[object, ...]]:
    """The blocks ``person`` falls into; only customers sharing a block are compared.

    Each key carries the brand and whether the customer is internal, so departments are only
    compared with departments and a brand's customers only with that brand's.
    """
    scope = (person.brand_id, person.internal)
    for phone in person.phones:
        yield (*scope, "p", phone)
    for email in person.emails:
        yield (*scope, "e", email)
    key = name_key(person)
    if key:
        yield (*scope, "n", key)


def candidate_pairs(people: Iterable[Person]) -> Iterator[tuple[Person, Person]]:
    """Every pair sharing a block (each pair once, lower id first)."""
    blocks: dict[tuple[object, ...], list[Person]] = {}
    for person in people:
        for key in block_keys(person):
            blocks.setdefault(key, []).append(person)
    seen: set[tuple[int, int]] = set()
    for key, members in blocks.items():
        if len(members) < 2:
            continue
        limit = NAME_BLOCK_LIMIT if key[2] == "n" else CONTACT_BLOCK_LIMIT
        if len(members) > limit:
            continue
        for i, first in enumerate(members):
            for second in members[i + 1:]:
                pair = (first, second) if first.customer_id < second.customer_id else (second, first)
                ids = (pair[0].customer_id, pair[1].customer_id)
                if ids[0] != ids[1] and ids not in seen:
                    seen.add(ids)
                    yield pair


def _name_match(a: Person, b: Person) -> tuple[float, str | None]:
    """How alike the names are (0–1) and the reason to give for it, if any."""
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return 0.0, None
    if sorted(ta) == sorted(tb):
        ga, fa = tokens(a.given_name), tokens(a.family_name)
        gb, fb = tokens(b.given_name), tokens(b.family_name)
        if ga and fa and ga != gb and ga == fb and fa == gb:
            return 0.95, SWAPPED
        return 1.0, SAME_NAME
    joined_a, joined_b = " ".join(ta), " ".join(tb)
    if Levenshtein.distance(joined_a, joined_b, score_cutoff=1) <= 1:
        return 0.9, ONE_LETTER
    if Levenshtein.distance("".join(sorted(ta)), "".join(sorted(tb)), score_cutoff=1) <= 1:
        return 0.9, ONE_LETTER
    parts_a = [" ".join(tokens(a.given_name)), " ".join(tokens(a.family_name))]
    parts_b = [" ".join(tokens(b.given_name)), " ".join(tokens(b.family_name))]
    if all(parts_a) and all(parts_b):
        # Both halves must be alike: "Ana Villanueva" and "Juan Villanueva" share a family, not a person.
        similarity = min(ratio(x, y) for x, y in zip(parts_a, parts_b, strict=True)) / 100
    else:
        similarity = token_sort_ratio(joined_a, joined_b) / 100
    return similarity, (SIMILAR_NAME if similarity >= 0.85 else None)


def score(a: Person, b: Person) -> Match:
    """How likely ``a`` and ``b`` are the same person (0–1), and why.

    A shared e-mail or phone is strong evidence; a phone or e-mail on both sides that differs
    counts against, unless they share another; a birth year more than a year apart counts
    against. Internal customers never match external ones, nor customers of another brand.
    """
    if a.internal != b.internal or a.brand_id != b.brand_id:
        return Match(0.0, ())
    name, name_reason = _name_match(a, b)
    same_email = bool(a.emails & b.emails)
    same_phone = bool(a.phones & b.phones)
    reasons: list[str] = []
    if same_email:
        reasons.append(SAME_EMAIL)
    if same_phone:
        reasons.append(SAME_PHONE)
    if same_email and same_phone:
        evidence = 0.5
    elif same_email:
        evidence = 0.45
    elif same_phone:
        evidence = 0.4
    else:
        conflicts = (bool(a.emails and b.emails)) + (bool(a.phones and b.phones))
        evidence = 0.1 if conflicts == 0 else -0.2 * conflicts
    if a.birth_year and b.birth_year and abs(a.birth_year - b.birth_year) > 1:
        evidence -= 0.2
    if name_reason is not None:
        reasons.append(name_reason)
    value = max(0.0, min(1.0, 0.5 * name + evidence))
    return Match(round(value, 3), tuple(reasons))
