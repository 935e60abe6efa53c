"""Finding customers who are probably the same person (``deskapp customers duplicates``, the window's hint).

The whole desk is read once, as plain tuples, and compared only within blocks
(:func:`deskapp.core.search.similarity.candidate_pairs`); one customer is checked through the
indexes (same phone, e-mail or family name). Customers already merged into another are left out.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from deskapp.core.domain.models import Brand, Case, Customer, CustomerEmail, CustomerPhone
from deskapp.core.errors import RecordNotFound
from deskapp.core.i18n import later
from deskapp.core.search.normalize import tokens
from deskapp.core.search.similarity import LIKELY, NAME_ONLY_BEST, Person, candidate_pairs, score
from deskapp.core.security.permissions import require
from deskapp.core.services.customers.people import load_people

CHUNK = 500


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    """Two customers who are probably one: ``keep`` is the suggested survivor (more cases, then older)."""

    keep: Person
    other: Person
    score: float
    reasons: tuple[str, ...]


def find_duplicates(session: Session, actor_id: int, *, brand: str | None = None, min_score: float = LIKELY,
                    limit: int | None = None) -> list[DuplicatePair]:
    """Pairs of customers who are probably the same person, best first (``customer.merge``).

    Args:
        session: An open session.
        actor_id: Who asks (the console for ``deskapp customers duplicates``).
        brand: Only customers of the brand with this code.
        min_score: Leave out pairs scoring below this (default: the likely ones).
        limit: At most this many pairs.

    Raises:
        RecordNotFound: No brand has the code ``brand``.
    """
    require(session, actor_id, "customer.merge")
    brand_id = _brand_id(session, brand) if brand is not None else None
    condition = Customer.brand_id == brand_id if brand_id is not None else None
    people = load_people(session, condition)
    scored = []
    collecting = gc.isenabled()
    gc.disable()  # blocks of hundreds of thousands of keys: no cycles to find, only time to lose
    try:
        for a, b in candidate_pairs(people):
            match = score(a, b)
            if match.score >= min_score:
                scored.append((a, b, match))
    finally:
        if collecting:
            gc.enable()
    scored.sort(key=lambda item: (-item[2].score, item[0].customer_id, item[1].customer_id))
    if limit is not None:
        scored = scored[:max(0, limit)]
    counts = case_counts(session, {p.customer_id for a, b, _m in scored for p in (a, b)})
    return [_ordered(a, b, m.score, m.reasons, counts) for a, b, m in scored]


def likely_duplicates(session: Session, actor_id: int, customer_id: int, *, min_score: float = LIKELY,
                      limit: int = 3) -> list[DuplicatePair]:
    """The customers who are probably the same person as ``customer_id`` (``customer.view``), best first.

    What the window's quiet "Possible duplicate" hint shows; only indexed queries, so it is cheap
    enough to run whenever a rep opens a customer. Each pair's ``other`` is the one found.
    """
    require(session, actor_id, "customer.view")
    found = load_people(session, Customer.id == customer_id)
    if not found:
        return []
    person = found[0]
    candidates = _candidate_ids(session, person, min_score) - {customer_id}
    if not candidates:
        return []
    others = [p for chunk in _chunks(sorted(candidates)) for p in load_people(session, Customer.id.in_(chunk))]
    pairs = [(p, score(person, p)) for p in others]
    pairs = [(p, m) for p, m in pairs if m.score >= min_score]
    pairs.sort(key=lambda item: (-item[1].score, item[0].customer_id))
    return [DuplicatePair(person, p, m.score, m.reasons) for p, m in pairs[:limit]]


def case_counts(session: Session, customer_ids: Iterable[int]) -> dict[int, int]:
    """How many cases each customer has (customers without any are left out)."""
    counts: dict[int, int] = {}
    for chunk in _chunks(sorted(customer_ids)):
        counts.update(session.execute(select(Case.customer_id, func.count()).where(Case.customer_id.in_(chunk))
                                      .group_by(Case.customer_id)).all())
    return counts


def _candidate_ids(session: Session, person: Person, min_score: float) -> set[int]:
    ids: set[int] = set()
    if person.phones:
        ids |= set(session.scalars(select(CustomerPhone.customer_id).where(CustomerPhone.e164.in_(person.phones))))
    if person.emails:
        ids |= set(session.scalars(select(CustomerEmail.customer_id)
                                   .where(CustomerEmail.address_key.in_(person.emails))))
    if min_score < NAME_ONLY_BEST:
        # Without a shared phone or e-mail no pair scores above NAME_ONLY_BEST; below it, the same
        # family name (or the given name, swapped) is worth a look too.
        keys = {words[0] for words in (tokens(person.family_name), tokens(person.given_name)) if words}
        if keys:
            ids |= set(session.scalars(select(Customer.id).where(
                Customer.brand_id == person.brand_id, or_(*(Customer.family_key == key for key in keys)))
                .limit(200)))
    return ids


def _ordered(a: Person, b: Person, value: float, reasons: tuple[str, ...], counts: dict[int, int]) -> DuplicatePair:
    keep, other = (a, b) if counts.get(a.customer_id, 0) >= counts.get(b.customer_id, 0) else (b, a)
    return DuplicatePair(keep, other, value, reasons)


def _brand_id(session: Session, code: str) -> int:
    found = session.scalar(select(Brand.id).where(Brand.code == code.strip().casefold()))
    if found is None:
        raise RecordNotFound(later("No brand with the code {code} was found.", code=code))
    return found


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]
