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

from deskapp.core.domain.models import (
    Case,
    CaseNote,
    Customer,
    CustomerAlert,
    CustomerEmail,
    CustomerPhone,
    Draft,
    Feedback,
    ImportUndo,
    NoteRevision,
    Review,
)
from deskapp.core.domain.privacy import CustomerErasure
from deskapp.core.services.kernel.integrity import ERASED_BODY, redaction_seal
from deskapp.core.services.privacy.linked import (
    erase_call_log,
    erase_callbacks,
    erase_merge_journal,
    erase_merge_tombstones,
)

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
    counts: dict[str, int] = field(default_factory=dict)


Step = Callable[[Erasure], int]


def erase_drafts(erasure: Erasure) -> int:
    """Delete every autosaved draft on the customer's cases and notes, whoever typed it."""
    if not erasure.case_ids:
        return 0
    query = delete(Draft).where(Draft.case_id.in_(erasure.case_ids) | Draft.note_id.in_(erasure.note_ids or [-1]))
    return _rowcount(erasure.session.execute(query))


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
    return _rowcount(erasure.session.execute(
        update(Feedback).where(Feedback.case_id.in_(erasure.case_ids), Feedback.comment.is_not(None))
        .values(comment=None).execution_options(synchronize_session=False)))


def erase_review_comments(erasure: Erasure) -> int:
    """Replace supervisors' coaching comments on these cases (they may quote the customer); scores stay."""
    if not erasure.case_ids:
        return 0
    return _rowcount(erasure.session.execute(
        update(Review).where(Review.case_id.in_(erasure.case_ids), Review.coaching_comment != "")
        .values(coaching_comment=ERASED_TEXT).execution_options(synchronize_session=False)))


def erase_case_subjects(erasure: Erasure) -> int:
    """Replace the cases' subjects (free text); the version moves on, so an open form's save is refused."""
    if not erasure.case_ids:
        return 0
    return _rowcount(erasure.session.execute(
        update(Case).where(Case.id.in_(erasure.case_ids))
        .values(subject=ERASED_TEXT, version_id=Case.version_id + 1, updated_at=erasure.now)
        .execution_options(synchronize_session=False)))


def erase_contacts(erasure: Erasure) -> int:
    """Delete the customer's phones, e-mail addresses and alerts."""
    total = 0
    for model in (CustomerPhone, CustomerEmail, CustomerAlert):
        total += _rowcount(erasure.session.execute(
            delete(model).where(model.customer_id == erasure.customer_id)
            .execution_options(synchronize_session=False)))
    return total


def erase_profile(erasure: Erasure) -> int:
    """Empty the customer row: names, organisation, profile, search text; the account number becomes the pseudonym.

    The search index follows the search text (its triggers on SQLite, the trigram index on
    PostgreSQL), so lookup finds nothing of the customer any more.
    """
    return _rowcount(erasure.session.execute(
        update(Customer).where(Customer.id == erasure.customer_id)
        .values(account_number=erasure.pseudonym, given_name="", family_name="", organisation=None,
                birth_year=None, age_band=None, gender=None, income_band=None, lifestyle=None, occupation=None,
                search_text="", family_key="", version_id=Customer.version_id + 1, updated_at=erasure.now)
        .execution_options(synchronize_session=False)))


def erase_import_journal(erasure: Erasure) -> int:
    """Delete the copy an unfinished import kept of the customer as they were (services/customers/import_runs)."""
    return _rowcount(erasure.session.execute(
        delete(ImportUndo).where(ImportUndo.kind == "old", ImportUndo.first_id == erasure.customer_id)))


def leave_tombstone(erasure: Erasure) -> int:
    """Mark the customer erased: notes, drafts and cases refuse to be written for them from now on."""
    erasure.session.add(CustomerErasure(customer_id=erasure.customer_id, pseudonym=erasure.pseudonym,
                                        erased_at=erasure.now))
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


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
