"""Check the desk's history: every note's revision chain and the audit log, under the desk's key.

What ``deskapp verify`` and the supervisor's "Verify note history" run. A note is intact when its
revisions are numbered 1..n, each names the hash of the one before, and each keyed hash
recomputes (:mod:`deskapp.core.services.kernel.integrity`): over the body's salted digest, and
for a body erased at the customer's request (the marker ``[erased]``) over the keyed seal of
that erasure instead of the body. The audit log is intact when its events,
in id order, form one such chain. The two are checked against each other too: a note with fewer
revisions than the audit log says were written lost its newest ones, which no chain alone shows.

Only ids, revision numbers and reason codes come back, never a note's text.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from deskapp.core.domain.audit import AuditEvent
from deskapp.core.domain.models import CaseNote, NoteRevision
from deskapp.core.i18n import N_, _, ngettext
from deskapp.core.security.permissions import require
from deskapp.core.services.kernel.integrity import (
    ERASED_BODY,
    GENESIS,
    audit_hash,
    body_digest,
    find_key,
    redaction_seal,
    revision_hash,
)

BATCH = 2000
# Audit actions that write revision 1 of the note they name; "note.edit" names its revision.
_FIRST_REVISION_ACTIONS = frozenset({"note.add", "note.script_run"})


class BreakReason(enum.StrEnum):
    """Why a revision does not verify (the codes ``deskapp verify --json`` prints)."""

    HASH = "hash_mismatch"  # its body, author or time was changed after it was written
    LINK = "link_mismatch"  # the revision before it was changed, removed or replaced
    MISSING = "missing"  # the audit log or the numbering says it was written; it is not there
    NUMBERING = "numbering"  # its number is out of sequence
    NO_KEY = "no_key"  # the desk's key is gone: nothing can be verified


REASON_LABELS: Mapping[BreakReason, str] = {
    BreakReason.HASH: N_("its text, author or time was changed after it was saved"),
    BreakReason.LINK: N_("the revision before it was changed or removed"),
    BreakReason.MISSING: N_("it was saved but is no longer there"),
    BreakReason.NUMBERING: N_("its revision number is out of sequence"),
    BreakReason.NO_KEY: N_("the key of the history is missing from the database, so nothing can be verified"),
}


@dataclass(frozen=True, slots=True)
class BrokenRevision:
    """One revision of one note that does not verify."""

    note_id: int
    revision: int
    reason: BreakReason


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The outcome of :func:`verify_history`."""

    notes_checked: int
    broken: tuple[BrokenRevision, ...]
    audit_ok: bool
    audit_events_checked: int
    first_bad_event: int | None  # id of the first audit event that does not verify

    @property
    def ok(self) -> bool:
        """Whether every note and the audit log verify."""
        return not self.broken and self.audit_ok


def reason_text(reason: BreakReason) -> str:
    """What ``reason`` means, in the current UI language."""
    return _(REASON_LABELS[reason])


def describe(report: VerifyReport, listed: int = 20) -> list[str]:
    """The outcome in a few lines for a person, in the current UI language.

    Args:
        report: What :func:`verify_history` found.
        listed: How many broken revisions to name before only counting the rest.
    """
    lines = [
        ngettext("{n} note checked.", "{n} notes checked.", report.notes_checked).format(n=report.notes_checked),
        ngettext("{n} audit event checked.", "{n} audit events checked.",
                 report.audit_events_checked).format(n=report.audit_events_checked),
    ]
    for broken in report.broken[:listed]:
        lines.append(_("Note {note}, revision {revision}: {reason}.").format(
            note=broken.note_id, revision=broken.revision, reason=reason_text(broken.reason)))
    if len(report.broken) > listed:
        more = len(report.broken) - listed
        lines.append(ngettext("… and {n} more broken revision.", "… and {n} more broken revisions.",
                              more).format(n=more))
    if not report.audit_ok:
        lines.append(_("The audit log was changed: it no longer verifies from event {event} on.").format(
            event=report.first_bad_event))
    if report.ok:
        lines.append(_("The history is intact."))
    else:
        lines.append(_("The history was changed outside deskapp. Restore the affected records from a backup "
                       "and find out who had access to the database."))
    return lines


def verify_history(session: Session, actor_id: int) -> VerifyReport:
    """Check every note's revisions and the audit log (``audit.view``; the console has it).

    Reads everything once, in batches; writes nothing.

    Args:
        session: An open session.
        actor_id: Who asks (the console for ``deskapp verify``).

    Returns:
        The notes checked, each broken revision, and whether the audit log verifies.
    """
    require(session, actor_id, "audit.view")
    key = find_key(session)
    audit = _check_audit(session, key)
    note_ids = set(session.scalars(select(CaseNote.id)))
    revisions = session.execute(_revision_query().execution_options(yield_per=BATCH))
    broken = list(_check_revisions(key, revisions, note_ids, audit.claimed))
    broken.sort(key=lambda b: (b.note_id, b.revision))
    return VerifyReport(notes_checked=len(note_ids), broken=tuple(broken), audit_ok=audit.first_bad is None,
                        audit_events_checked=audit.checked, first_bad_event=audit.first_bad)


def note_breaks(session: Session, note_id: int) -> list[BrokenRevision]:
    """The broken revisions of one note (its revision chain alone, without the audit log)."""
    revisions = session.execute(_revision_query().where(NoteRevision.note_id == note_id))
    return list(_check_revisions(find_key(session), revisions, {note_id}, {}))


@dataclass(slots=True)
class _AuditCheck:
    checked: int = 0
    first_bad: int | None = None
    claimed: dict[int, int] = field(default_factory=dict)  # note id -> highest revision the log says was written


def _check_audit(session: Session, key: bytes | None) -> _AuditCheck:
    query = (select(AuditEvent.id, AuditEvent.at, AuditEvent.agent_id, AuditEvent.action, AuditEvent.entity,
                    AuditEvent.entity_id, AuditEvent.detail, AuditEvent.prev_hash, AuditEvent.hash)
             .order_by(AuditEvent.id).execution_options(yield_per=BATCH))
    result = _AuditCheck()
    claimed = result.claimed
    prev = GENESIS
    for row in session.execute(query):
        result.checked += 1
        if result.first_bad is None and not _event_verifies(key, prev, row):
            result.first_bad = row.id
        prev = row.hash or prev
        revision = _claimed_revision(row.action, row.detail)
        if revision is not None and row.entity_id is not None:
            claimed[row.entity_id] = max(claimed.get(row.entity_id, 0), revision)
    return result


def _event_verifies(key: bytes | None, prev: str, row: Row[Any]) -> bool:
    if key is None or row.hash is None or row.prev_hash != prev:
        return False
    expected = audit_hash(key, prev, at=row.at, agent_id=row.agent_id, action=row.action, entity=row.entity,
                          entity_id=row.entity_id, detail=row.detail)
    return bool(expected == row.hash)


def _claimed_revision(action: str, detail: Any) -> int | None:
    if action in _FIRST_REVISION_ACTIONS:
        return 1
    if action == "note.edit" and isinstance(detail, dict) and isinstance(detail.get("revision"), int):
        return int(detail["revision"])
    return None


def _revision_query() -> Any:
    return (select(NoteRevision.note_id, NoteRevision.number, NoteRevision.author_id, NoteRevision.created_at,
                   NoteRevision.body, NoteRevision.prev_hash, NoteRevision.hash, NoteRevision.body_salt,
                   NoteRevision.body_digest, NoteRevision.redacted_at, NoteRevision.redaction_seal)
            .order_by(NoteRevision.note_id, NoteRevision.number))


def _check_revisions(key: bytes | None, rows: Iterable[Row[Any]], note_ids: set[int],
                     claimed: Mapping[int, int]) -> Iterator[BrokenRevision]:
    """Walk revisions ordered by (note, number); notes in ``note_ids`` without any are broken too."""
    if key is None:
        for lost in sorted(note_ids | set(claimed) | {row.note_id for row in rows}):
            yield BrokenRevision(lost, 1, BreakReason.NO_KEY)
        return
    seen: set[int] = set()
    note: int | None = None
    expected, prev = 1, None
    for row in rows:
        note_id: int = row.note_id
        if note_id != note:
            if note is not None:
                yield from _missing_after(note, expected, claimed)
            note, expected, prev = note_id, 1, None
            seen.add(note_id)
        if row.number > expected:
            yield BrokenRevision(note_id, expected, BreakReason.MISSING)
        elif row.number < expected:
            yield BrokenRevision(note_id, row.number, BreakReason.NUMBERING)
        # The hash covers the revision's own stored link, so a changed text and a changed
        # predecessor are told apart: the first breaks this revision, the second its successor.
        if not _revision_verifies(key, row):
            yield BrokenRevision(note_id, row.number, BreakReason.HASH)
        elif row.prev_hash != prev:
            yield BrokenRevision(note_id, row.number, BreakReason.LINK)
        expected, prev = max(expected, row.number + 1), row.hash
    if note is not None:
        yield from _missing_after(note, expected, claimed)
    for lost in sorted((note_ids | set(claimed)) - seen):
        yield BrokenRevision(lost, 1, BreakReason.MISSING)


def _revision_verifies(key: bytes, row: Row[Any]) -> bool:
    """Whether the row's body (or its sealed erasure) and its place in the chain are as deskapp wrote them."""
    if row.body_digest is None:
        return False
    if row.redacted_at is None:
        if row.body_salt is None or body_digest(key, row.body_salt, row.body) != row.body_digest:
            return False
    elif row.body != ERASED_BODY or row.redaction_seal != redaction_seal(key, row.hash, row.redacted_at):
        return False
    return bool(revision_hash(key, row.prev_hash, row.author_id, row.created_at, row.body_digest) == row.hash)


def _missing_after(note_id: int, next_number: int, claimed: Mapping[int, int]) -> Iterator[BrokenRevision]:
    if claimed.get(note_id, 0) >= next_number:
        yield BrokenRevision(note_id, next_number, BreakReason.MISSING)
