"""The steps of erasing one customer, one small function per kind of record.

Each step takes the :class:`Erasure` under way (its session, the customer, their cases and notes)
and returns how many rows it erased. :data:`STEPS` runs them in order, all in one transaction
(:func:`deskapp.core.services.privacy.erase.erase_customer`): an erase that fails or is cut short
halfway leaves everything as it was. A feature that keeps more about a customer (merge
tombstones, a call log …) adds its own step to :data:`STEPS` and its kind to the report.

What is kept, and why: the customer row itself (emptied: no name, organisation, profile or
account number; kind, brand, preferred language and creation date stay), every case (phase,
stage, channel, priority, status, owner, dates: the desk's statistics and case counts), every
note and revision row (author, time, number, hash: the chains still verify), feedback scores and
review scores (reps' figures), and the audit log (ids and codes only, never personal data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from deskapp.core.domain.imports import ImportUndo
from deskapp.core.domain.models import Case, CaseNote, Draft, NoteRevision
from deskapp.core.domain.quality import Feedback, Review
from deskapp.core.services.kernel.integrity import ERASED_BODY, redaction_seal
from deskapp.core.services.privacy.linked import (
    erase_call_log,
    erase_callbacks,
    erase_merge_journal,
    erase_merge_tombstones,
)
from deskapp.core.services.privacy.rows import blank_customer, delete_contacts, mark_erased, rowcount

ERASED_TEXT = ERASED_BODY  # what free text (case subjects, coaching comments) becomes


@dataclass
class Erasure:
    """One customer's erasure under way: what the steps need, and what they counted."""

    session: Session
    key: bytes
    customer_id: int
    pseudonym: str
    now: dt.datetime
    case_ids: list[int]
    note_ids: list[int]
    # Customers merged into this one (their tombstones) and every phone number of theirs: read once
    # before any step runs, since the steps that need them run after others have deleted rows.
    tombstones: list[int] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


Step = Callable[[Erasure], int]


def erase_drafts(erasure: Erasure) -> int:
    """Delete every autosaved draft on the customer's cases and notes, whoever typed it."""
    if not erasure.case_ids:
        return 0
    query = delete(Draft).where(Draft.case_id.in_(erasure.case_ids) | Draft.note_id.in_(erasure.note_ids or [-1]))
    return rowcount(erasure.session.execute(query))


def erase_revision_bodies(erasure: Erasure) -> int:
    """Replace every revision body with the marker, drop its salt, and seal the erasure under the key.

    The revision rows stay (author, time, number, hash and the body's digest): the chain runs
    over the digest, so it verifies as before, and the seal shows deskapp made the change.
    """
    if not erasure.note_ids:
        return 0
    rows = erasure.session.execute(select(NoteRevision.id, NoteRevision.hash)
                                   .where(NoteRevision.note_id.in_(erasure.note_ids),
                                          NoteRevision.redacted_at.is_(None))).all()
    if not rows:
        return 0
    erasure.session.connection().execute(
        update(NoteRevision).where(NoteRevision.id == bindparam("rid"))
        .values(body=ERASED_BODY, body_salt=None, redacted_at=erasure.now, redaction_seal=bindparam("seal")),
        [{"rid": row.id, "seal": redaction_seal(erasure.key, row.hash, erasure.now)} for row in rows])
    return len(rows)


def erase_feedback_comments(erasure: Erasure) -> int:
    """Remove the customer's feedback comments; the scores stay in the satisfaction figures."""
    if not erasure.case_ids:
        return 0
    return rowcount(erasure.session.execute(
        update(Feedback).where(Feedback.case_id.in_(erasure.case_ids), Feedback.comment.is_not(None))
        .values(comment=None).execution_options(synchronize_session=False)))


def erase_review_comments(erasure: Erasure) -> int:
    """Replace supervisors' coaching comments on these cases (they may quote the customer); scores stay."""
    if not erasure.case_ids:
        return 0
    return rowcount(erasure.session.execute(
        update(Review).where(Review.case_id.in_(erasure.case_ids), Review.coaching_comment != "")
        .values(coaching_comment=ERASED_TEXT).execution_options(synchronize_session=False)))


def erase_case_subjects(erasure: Erasure) -> int:
    """Replace the cases' subjects (free text); the version moves on, so an open form's save is refused."""
    if not erasure.case_ids:
        return 0
    return rowcount(erasure.session.execute(
        update(Case).where(Case.id.in_(erasure.case_ids))
        .values(subject=ERASED_TEXT, version_id=Case.version_id + 1, updated_at=erasure.now)
        .execution_options(synchronize_session=False)))


def erase_contacts(erasure: Erasure) -> int:
    """Delete the customer's phones, e-mail addresses and alerts."""
    return delete_contacts(erasure.session, erasure.customer_id)


def erase_profile(erasure: Erasure) -> int:
    """Empty the customer row; the account number becomes the pseudonym (:func:`.rows.blank_customer`)."""
    return blank_customer(erasure.session, erasure.customer_id, erasure.pseudonym, erasure.now)


def erase_import_journal(erasure: Erasure) -> int:
    """Delete the copy an unfinished import kept of the customer as they were (services/customers/import_runs)."""
    return rowcount(erasure.session.execute(
        delete(ImportUndo).where(ImportUndo.kind == "old", ImportUndo.first_id == erasure.customer_id)))


def leave_tombstone(erasure: Erasure) -> int:
    """Mark the customer erased: notes, drafts and cases refuse to be written for them from now on."""
    mark_erased(erasure.session, erasure.customer_id, erasure.pseudonym, erasure.now)
    erasure.session.flush()
    return 1


# kind -> step, in the order they run (the journal last of the merge steps: it finds the tombstones).
STEPS: dict[str, Step] = {
    "drafts": erase_drafts,
    "revision_bodies": erase_revision_bodies,
    "feedback_comments": erase_feedback_comments,
    "review_comments": erase_review_comments,
    "case_subjects": erase_case_subjects,
    "call_log": erase_call_log,  # before "contacts": it needs their phone numbers
    "callbacks": erase_callbacks,
    "contacts": erase_contacts,
    "profile": erase_profile,
    "import_journal": erase_import_journal,
    "merge_tombstones": erase_merge_tombstones,
    "merge_journal": erase_merge_journal,
    "tombstone": leave_tombstone,
}


def note_ids_of(session: Session, case_ids: list[int]) -> list[int]:
    """The notes on these cases."""
    if not case_ids:
        return []
    return list(session.scalars(select(CaseNote.id).where(CaseNote.case_id.in_(case_ids)).order_by(CaseNote.id)))

