"""Merging two customers into one, in one transaction, and recording what moved so it can be undone.

Everything that points at the merged customer moves to the kept one: cases (and with them their
notes and every revision, drafts, feedback and reviews, which hang on the case), alerts, phones
and e-mails (united: a number or address both had is kept once), and the rows of any other table
with a foreign key to ``customer`` (found in the models' metadata, so a feature added later moves
too). Note revisions are chained per note, not per customer, so moving a case leaves every chain
as it was: ``deskapp verify`` still passes.

The merged customer stays as a tombstone: its row, account number and names are kept, its search
words are cleared, and ``customer_merge`` points it at the kept customer, so its account number
and old references find the kept customer (:mod:`deskapp.core.services.kernel.tombstones`).

Both customers' ``version_id`` must be what the preview showed; the UPDATE that checks it is the
first write, so on PostgreSQL a concurrent merge or edit waits for it and then finds the version
changed. Any failure rolls the whole merge back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from deskapp.core.domain.base import Base, utcnow
from deskapp.core.domain.merge import CustomerMerge
from deskapp.core.domain.models import Customer, CustomerAlert, CustomerEmail, CustomerPhone
from deskapp.core.errors import InvalidInput
from deskapp.core.i18n import later
from deskapp.core.security.permissions import require
from deskapp.core.services.customers.store import CustomerRecord, customer_search_text, family_key
from deskapp.core.services.kernel.audit import audit
from deskapp.core.services.merge.preview import (
    FIELDS,
    SCALAR_FIELDS,
    MergeConflict,
    MergePreview,
    merge_preview,
)

CHUNK = 500
# The customer's own lists, merged by their key (the rest of the tables simply move).
LISTS: dict[str, tuple[Table, str]] = {
    "customer_phone": (CustomerPhone.__table__, "e164"),  # type: ignore[dict-item]
    "customer_email": (CustomerEmail.__table__, "address_key"),  # type: ignore[dict-item]
    "customer_alert": (CustomerAlert.__table__, "text"),  # type: ignore[dict-item]
}
_NOT_MOVED = {"customer", "customer_merge", *LISTS}
_CUSTOMER: Table = Customer.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class MergeResult:
    """What a merge did."""

    merge_id: int
    keep_id: int
    keep_account: str
    other_id: int
    other_account: str
    fields: dict[str, str]  # field -> "other" for every field that took the merged customer's value
    moved: dict[str, int]  # as MergePreview.moves


def merge_customers(session: Session, actor_id: int, keep: int | str, other: int | str, *,
                    take: Iterable[str] = (), keep_version: int | None = None,
                    other_version: int | None = None) -> MergeResult:
    """Merge ``other`` into ``keep`` (``customer.merge``); one transaction, committed here.

    Args:
        session: An open session.
        actor_id: The acting supervisor or administrator.
        keep: The customer who stays (id or account number).
        other: The customer who becomes a tombstone pointing to ``keep``.
        take: Fields (from :data:`~deskapp.core.services.merge.preview.FIELDS`) for which
            ``other``'s value wins. A field ``keep`` leaves empty takes ``other``'s value anyway.
        keep_version: ``keep``'s version in the preview the merge was decided on.
        other_version: ``other``'s version in that preview.

    Raises:
        MergeConflict: Either customer changed since the preview (nothing was changed).
        MergeRefused: Same customer, already merged, different kinds or brands.
        InvalidInput: An unknown field in ``take``.
        RecordNotFound: Either customer does not exist.
    """
    require(session, actor_id, "customer.merge")
    taken = set(take)
    unknown = sorted(taken - set(FIELDS))
    if unknown:
        raise InvalidInput(later("These fields cannot be chosen in a merge: {names}. Choose from: {known}.",
                                 names=", ".join(unknown), known=", ".join(FIELDS)))
    preview = merge_preview(session, actor_id, keep, other)
    try:
        result = _merge(session, actor_id, preview, taken, (keep_version, other_version))
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return result


def _merge(session: Session, actor_id: int, preview: MergePreview, taken: set[str],
           versions: tuple[int | None, int | None]) -> MergeResult:
    keep_id, other_id = preview.keep.customer_id, preview.other.customer_id
    for side, expected in zip((preview.keep, preview.other), versions, strict=True):
        bump_version(session, side.customer_id, side.version_id if expected is None else expected)
    chosen: dict[str, str] = {}
    values: dict[str, Any] = {}  # the kept customer's fields that take the merged one's value
    journal: dict[str, Any] = {"lists": {}, "removed": {}, "moved": {}, "keep_before": {}, "keep_set": values}
    for name in SCALAR_FIELDS:
        mine, theirs = preview.keep.fields[name], preview.other.fields[name]
        if theirs not in (None, "") and mine != theirs and (name in taken or mine in (None, "")):
            values[name] = theirs
            journal["keep_before"][name] = mine
            chosen[name] = "other"
    for name, table in (("email", "customer_email"), ("phone", "customer_phone")):
        if name in taken and preview.other.fields[name] is not None:
            chosen[name] = "other"
        _unite(session, journal, table, keep_id, other_id, other_first=chosen.get(name) == "other")
    _unite(session, journal, "customer_alert", keep_id, other_id, other_first=False)
    for key, ids in _move_references(session, keep_id, other_id).items():
        journal["moved"][key] = ids
    reindex(session, keep_id, values)
    session.execute(update(_CUSTOMER).where(_CUSTOMER.c.id == other_id).values(search_text="", family_key=""))
    record = CustomerMerge(keep_id=keep_id, other_id=other_id, agent_id=actor_id, merged_at=utcnow(),
                           journal=json.dumps(journal, sort_keys=True))
    session.add(record)
    session.flush()
    audit(session, actor_id, "customer.merge", "customer", keep_id, detail={
        "keep": keep_id, "other": other_id, "merge": record.id, "fields": chosen, "moved": dict(preview.moves)})
    session.flush()
    return MergeResult(record.id, keep_id, preview.keep.account_number, other_id, preview.other.account_number,
                       chosen, dict(preview.moves))


def bump_version(session: Session, customer_id: int, expected: int) -> None:
    """Take the customer's next version if it is still ``expected``; else :class:`MergeConflict`."""
    done = session.execute(update(_CUSTOMER).where(_CUSTOMER.c.id == customer_id,
                                                   _CUSTOMER.c.version_id == expected)
                           .values(version_id=_CUSTOMER.c.version_id + 1, updated_at=utcnow()))
    if done.rowcount != 1:  # type: ignore[attr-defined]  # a CursorResult for an UPDATE
        account = session.scalar(select(_CUSTOMER.c.account_number).where(_CUSTOMER.c.id == customer_id))
        raise MergeConflict(later("{account} was changed by someone else after the preview. Look at the preview "
                                  "again, then merge.", account=account))


def _unite(session: Session, journal: dict[str, Any], name: str, keep_id: int, other_id: int, *,
           other_first: bool) -> None:
    """Move ``other``'s rows of list ``name`` to ``keep``; a key both have is kept once (keep's row)."""
    table, key_column = LISTS[name]
    rows = session.execute(select(table).where(table.c.customer_id.in_((keep_id, other_id)))
                           .order_by(table.c.position, table.c.id)).mappings().all()
    journal["lists"][name] = [[row["id"], row["customer_id"], row["position"]] for row in rows]
    mine = [row for row in rows if row["customer_id"] == keep_id]
    theirs = [row for row in rows if row["customer_id"] == other_id]
    kept_keys = {row[key_column]: row["id"] for row in mine}
    final: list[int] = []
    seen: set[Any] = set()
    for row in (theirs + mine) if other_first else (mine + theirs):
        if row[key_column] not in seen:
            seen.add(row[key_column])
            final.append(kept_keys.get(row[key_column], row["id"]))
    removed = [dict(row) for row in rows if row["id"] not in final]
    journal["removed"][name] = removed
    if removed:
        session.execute(table.delete().where(table.c.id.in_([row["id"] for row in removed])))
    for position, row_id in enumerate(final):
        session.execute(update(table).where(table.c.id == row_id).values(customer_id=keep_id, position=position))


def referencing_columns() -> list[tuple[Table, str]]:
    """Every (table, column) with a foreign key to ``customer.id``, except the customer's own lists."""
    found = []
    for table in Base.metadata.sorted_tables:
        if table.name in _NOT_MOVED:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == "customer" and fk.column.name == "id":
                found.append((table, fk.parent.name))
    return found


def _move_references(session: Session, keep_id: int, other_id: int) -> dict[str, list[int]]:
    moved: dict[str, list[int]] = {}
    for table, column in referencing_columns():
        (pk,) = table.primary_key.columns
        ids = list(session.scalars(select(pk).where(table.c[column] == other_id).order_by(pk)))
        if ids:
            session.execute(update(table).where(table.c[column] == other_id).values({column: keep_id}))
            moved[f"{table.name}.{column}"] = ids
    return moved


def move_back(session: Session, key: str, ids: Sequence[int], keep_id: int, other_id: int) -> None:
    """Point the rows ``ids`` of ``key`` ("table.column") that still point to ``keep_id`` at ``other_id``."""
    table_name, column = key.split(".")
    table = Base.metadata.tables[table_name]
    (pk,) = table.primary_key.columns
    for start in range(0, len(ids), CHUNK):
        session.execute(update(table).where(pk.in_(ids[start:start + CHUNK]), table.c[column] == keep_id)
                        .values({column: other_id}))


def reindex(session: Session, customer_id: int, values: dict[str, Any] | None = None) -> None:
    """Set ``values`` on the customer and recompute its search words from its names and e-mails."""
    values = dict(values or {})
    row = session.execute(select(_CUSTOMER).where(_CUSTOMER.c.id == customer_id)).mappings().one()
    current = {**row, **values}
    emails = list(session.scalars(select(CustomerEmail.address).where(CustomerEmail.customer_id == customer_id)
                                  .order_by(CustomerEmail.position, CustomerEmail.id)))
    record = CustomerRecord(account_number=current["account_number"], brand_code="",
                            given_name=current["given_name"], family_name=current["family_name"],
                            organisation=current["organisation"], emails=emails)
    values["search_text"] = customer_search_text(record)
    values["family_key"] = family_key(current["family_name"])
    session.execute(update(_CUSTOMER).where(_CUSTOMER.c.id == customer_id).values(values))
