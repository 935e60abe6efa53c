"""Undoing a merge (``deskapp customers unmerge OTHER``) within the desk's window for it.

The merge journal says what moved; exactly those rows go back (a case opened on the kept customer
after the merge stays there), the phones, e-mails and alerts the merge removed as duplicates come
back with their ids, both customers' lists get their old order, the kept customer's fields their
old values, and both are re-indexed for search. One transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.merge import CustomerMerge
from deskapp.core.domain.models import Agent, Customer
from deskapp.core.i18n import later
from deskapp.core.security.permissions import require
from deskapp.core.services.kernel.audit import audit
from deskapp.core.services.merge.merging import LISTS, bump_version, move_back, reindex
from deskapp.core.services.merge.preview import MergeRefused, find_customer, merged_into

# How long after a merge it can still be undone: the desk's retention window for merge journals.
UNMERGE_WINDOW = dt.timedelta(days=30)


@dataclass(frozen=True, slots=True)
class UnmergeResult:
    """What an unmerge gave back."""

    merge_id: int
    keep_id: int
    keep_account: str
    other_id: int
    other_account: str
    restored: dict[str, int]  # "table.column" or list table -> rows given back


@dataclass(frozen=True, slots=True)
class AbsorbedRow:
    """A customer merged into the one shown, and not yet given back: what the window offers to undo."""

    merge_id: int
    other_id: int
    other_account: str
    other_name: str
    merged_at: dt.datetime
    merged_by: str  # the agent's display name ("" when unknown)
    undo_until: dt.datetime  # merged_at + UNMERGE_WINDOW
    can_undo: bool  # still inside the window (the unmerge itself decides again)


def still_undoable(merged_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether a merge made at ``merged_at`` may still be undone at ``now`` (within :data:`UNMERGE_WINDOW`)."""
    return now - merged_at <= UNMERGE_WINDOW


def absorbed_customers(session: Session, actor_id: int, keep: int, *,
                       now: dt.datetime | None = None) -> list[AbsorbedRow]:
    """The customers merged into ``keep`` and not unmerged, newest first (``customer.merge``).

    Args:
        session: An open session.
        actor_id: The acting supervisor or administrator.
        keep: The kept customer's id.
        now: The time to judge the window by (tests).
    """
    require(session, actor_id, "customer.merge")
    moment = now or utcnow()
    rows = session.execute(
        select(CustomerMerge.id, CustomerMerge.merged_at, Customer, Agent.display_name)
        .join(Customer, Customer.id == CustomerMerge.other_id)
        .outerjoin(Agent, Agent.id == CustomerMerge.agent_id)
        .where(CustomerMerge.keep_id == keep, CustomerMerge.unmerged_at.is_(None))
        .order_by(CustomerMerge.merged_at.desc(), CustomerMerge.id.desc())).all()
    return [AbsorbedRow(merge_id, other.id, other.account_number, other.display_name, merged_at, by or "",
                        merged_at + UNMERGE_WINDOW, still_undoable(merged_at, moment))
            for merge_id, merged_at, other, by in rows]


def unmerge_customer(session: Session, actor_id: int, other: int | str, *,
                     now: dt.datetime | None = None) -> UnmergeResult:
    """Give ``other`` back what its merge moved, and make it a customer again (``customer.merge``).

    Args:
        session: An open session.
        actor_id: The acting supervisor or administrator.
        other: The merged customer (id or account number).
        now: The time to judge the window by (tests).

    Raises:
        MergeRefused: ``other`` is not merged, the merge is older than :data:`UNMERGE_WINDOW`,
            or the kept customer was itself merged since (unmerge that first).
        RecordNotFound: No such customer.
    """
    require(session, actor_id, "customer.merge")
    other_row = find_customer(session, other)
    merge = merged_into(session, other_row.id)
    if merge is None:
        raise MergeRefused(later("{account} is not merged into another customer.", account=other_row.account_number))
    keep_row = session.get(Customer, merge.keep_id)
    assert keep_row is not None  # a foreign key
    if not still_undoable(merge.merged_at, now or utcnow()):
        raise MergeRefused(later("{account} was merged more than {days} days ago; that can no longer be undone.",
                                 account=other_row.account_number, days=UNMERGE_WINDOW.days))
    newer = merged_into(session, keep_row.id)
    if newer is not None:
        raise MergeRefused(later("{account} has since been merged into another customer. Unmerge it first.",
                                 account=keep_row.account_number))
    try:
        result = _unmerge(session, actor_id, merge, keep_row, other_row)
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return result


def _unmerge(session: Session, actor_id: int, merge: CustomerMerge, keep: Customer,
             other: Customer) -> UnmergeResult:
    keep_id, other_id = keep.id, other.id
    keep_account, other_account, merge_id = keep.account_number, other.account_number, merge.id
    bump_version(session, keep_id, keep.version_id)
    bump_version(session, other_id, other.version_id)
    journal: dict[str, Any] = json.loads(merge.journal)
    restored: dict[str, int] = {}
    for key, ids in journal["moved"].items():
        move_back(session, key, ids, keep_id, other_id)
        restored[key] = len(ids)
    for name, (table, _key) in LISTS.items():
        removed = journal["removed"].get(name, [])
        if removed:
            session.execute(insert(table), removed)
        for row_id, customer_id, position in journal["lists"].get(name, []):
            session.execute(update(table).where(table.c.id == row_id).values(customer_id=customer_id,
                                                                              position=position))
        restored[name] = sum(1 for _row, owner, _pos in journal["lists"].get(name, []) if owner == other_id)
    # A field someone changed on the kept customer since the merge keeps that change.
    set_by_merge: dict[str, Any] = journal.get("keep_set", {})
    before = {name: value for name, value in journal["keep_before"].items()
              if getattr(keep, name) == set_by_merge.get(name)}
    reindex(session, keep_id, before)
    reindex(session, other_id)
    session.execute(update(CustomerMerge).where(CustomerMerge.id == merge_id)
                    .values(unmerged_at=utcnow(), unmerged_by=actor_id))
    audit(session, actor_id, "customer.unmerge", "customer", other_id,
          detail={"keep": keep_id, "other": other_id, "merge": merge_id})
    session.flush()
    return UnmergeResult(merge_id, keep_id, keep_account, other_id, other_account, restored)

