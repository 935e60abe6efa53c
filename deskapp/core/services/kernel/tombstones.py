"""Customers merged into another stay as tombstones; their number and old references find the kept one.

A merge (``deskapp.core.services.merge``) records itself in ``customer_merge``; while it is not
undone, the merged customer's id resolves to the kept customer's, following a chain of merges.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from deskapp.core.domain.merge import CustomerMerge

# A chain of merges longer than this is a loop written outside deskapp; stop following it.
MAX_CHAIN = 32


def kept_ids(bind: Session | Connection, customer_ids: Iterable[int]) -> dict[int, int]:
    """For each of ``customer_ids`` that is a tombstone, the id of the customer it now is."""
    starts = set(customer_ids)
    links: dict[int, int] = {}  # other -> keep, for every live merge met on the way
    asked: set[int] = set()
    frontier = set(starts)
    for _step in range(MAX_CHAIN):
        frontier -= asked
        if not frontier:
            break
        asked |= frontier
        rows = bind.execute(select(CustomerMerge.other_id, CustomerMerge.keep_id)
                            .where(CustomerMerge.other_id.in_(frontier), CustomerMerge.unmerged_at.is_(None))).all()
        links.update((other, keep) for other, keep in rows)
        frontier = {keep for _other, keep in rows}
    found: dict[int, int] = {}
    for start in starts:
        current = start
        for _step in range(MAX_CHAIN):
            if current not in links:
                break
            current = links[current]
        if current != start:
            found[start] = current
    return found


def kept_id(bind: Session | Connection, customer_id: int) -> int:
    """The id of the customer ``customer_id`` now is (itself unless it was merged into another)."""
    return kept_ids(bind, [customer_id]).get(customer_id, customer_id)
