"""Case notes and drafts: the rep's words must never be lost.

* While a rep types, the UI calls :func:`save_draft` every few seconds; each call commits on its
  own (the SQLite engine runs with ``synchronous=FULL``), so text shown as saved survives a crash
  or a power cut. :func:`pending_drafts` lists what was left unsaved, for the restore dialog.
* :func:`add_note` and :func:`edit_note` promote a draft to a note revision and delete the draft in
  the same transaction: either the revision exists or the draft still does.
* Revisions are append-only and chained: each stores an HMAC, under the desk's secret key, of the
  previous revision's hash, the author, the time and the body's salted digest
  (:func:`deskapp.core.services.kernel.integrity.seal_revision`), so :func:`verify_chain` and
  ``deskapp verify`` detect an edit made behind the application's back.

Every function takes a short-lived :class:`~sqlalchemy.orm.Session`, returns frozen rows and
commits its own unit of work.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.enums import NoteKind
from deskapp.core.domain.models import Agent, Case, CaseNote, Customer, Draft, NoteRevision
from deskapp.core.domain.privacy import CustomerErasure
from deskapp.core.errors import DeskappError, InvalidInput, PermissionDenied, RecordErased, RecordNotFound
from deskapp.core.i18n import later
from deskapp.core.security.permissions import require
from deskapp.core.services.kernel.audit import audit
from deskapp.core.services.kernel.integrity import chain_key, lock_chain, seal_revision
from deskapp.core.services.kernel.text import clean_text


class NoteConflict(DeskappError):
    """Another revision of the note was saved at the same moment; the draft is kept."""


class DraftConflict(DeskappError):
    """The draft was saved from another window since this one last saved it; nothing was overwritten."""


class Unchecked(enum.Enum):
    """The type of :data:`UNCHECKED`: save a draft whatever was saved before (no version check)."""

    UNCHECKED = 0


UNCHECKED = Unchecked.UNCHECKED


@dataclass(frozen=True, slots=True)
class DraftRow:
    """An autosaved, not yet saved note text, with enough context to offer restoring it."""

    id: int
    agent_id: int
    case_id: int | None
    note_id: int | None
    body: str
    saved_at: dt.datetime
    case_subject: str | None
    customer_name: str | None


@dataclass(frozen=True, slots=True)
class NoteRow:
    """A note as the case view shows it: its latest text and how often it was revised."""

    id: int
    case_id: int
    kind: NoteKind
    author_id: int
    author_name: str
    body: str
    revision_count: int
    created_at: dt.datetime
    updated_at: dt.datetime
    last_editor_name: str


@dataclass(frozen=True, slots=True)
class RevisionRow:
    """One saved version of a note's text."""

    note_id: int
    number: int
    body: str
    author_id: int
    author_name: str
    created_at: dt.datetime
    prev_hash: str | None
    hash: str


def clean_body(body: str) -> str:
    """The text as it will be stored: NUL characters removed, everything else kept as typed."""
    return clean_text(body)


def save_draft(session: Session, actor_id: int, case_id: int | None, body: str,
               note_id: int | None = None, *,
               based_on: dt.datetime | Unchecked | None = UNCHECKED) -> DraftRow:
    """Autosave what the agent is typing; one draft per (agent, case, note), committed at once.

    Args:
        session: An open session.
        actor_id: The agent typing (``draft.save``).
        case_id: The case the note belongs to.
        body: The text so far (any Unicode; NUL characters are dropped).
        note_id: The note being edited, or ``None`` for a new note.
        based_on: When given, the ``saved_at`` of the draft this window last saved or loaded
            (``None``: there was none). Two windows of one agent on one desk (started by mistake)
            both autosave the same draft; with ``based_on`` the second writer is refused instead
            of silently replacing the first one's text.

    Returns:
        The stored draft.

    Raises:
        DraftConflict: ``based_on`` no longer matches the stored draft.
    """
    require(session, actor_id, "draft.save")
    if note_id is not None:
        note = session.get(CaseNote, note_id)
        if note is None:
            raise RecordNotFound(later("The note no longer exists."))
        case_id = note.case_id
    if case_id is not None:
        writable_case(session, case_id)
    drafts = _drafts(session, actor_id, case_id, note_id)
    draft = drafts[0] if drafts else Draft(agent_id=actor_id, case_id=case_id, note_id=note_id)
    if based_on is not UNCHECKED and (draft.saved_at if drafts else None) != based_on:
        session.rollback()
        raise DraftConflict(later("This note was also changed in another deskapp window. Your text here is kept "
                                  "but not saved: close one of the windows, then save again."))
    for extra in drafts[1:]:  # two windows raced to create it; keep the newest
        session.delete(extra)
    draft.body = clean_body(body)
    draft.saved_at = utcnow()
    session.add(draft)
    session.flush()
    row = _draft_row(session, draft)
    session.commit()
    return row


def discard_draft(session: Session, actor_id: int, case_id: int | None, note_id: int | None = None) -> int:
    """Delete the agent's draft for (case, note), when they throw the text away on purpose (``draft.save``).

    Returns:
        How many drafts were deleted (0 or 1).
    """
    require(session, actor_id, "draft.save")
    count = _delete_drafts(session, actor_id, case_id, note_id)
    session.commit()
    return count


def pending_drafts(session: Session, actor_id: int) -> list[DraftRow]:
    """Every draft of the acting agent with text in it, newest first, for "restore your unsaved notes".

    Needs ``draft.save`` (whoever may not save drafts has none).

    Returns:
        The drafts with the case subject and customer name for each.
    """
    require(session, actor_id, "draft.save")
    query = (select(Draft).where(Draft.agent_id == actor_id)
             .order_by(Draft.saved_at.desc(), Draft.id.desc()))
    return [_draft_row(session, draft) for draft in session.scalars(query) if draft.body.strip()]


def add_note(session: Session, actor_id: int, case_id: int, body: str) -> NoteRow:
    """Save a new note on a case (revision 1) and delete the draft it came from (``note.write``).

    Raises:
        InvalidInput: The note is empty or only whitespace.
        RecordNotFound: No such case.
    """
    author = require(session, actor_id, "note.write")
    text = _valid_body(body)
    writable_case(session, case_id)
    now = utcnow()
    note = CaseNote(case_id=case_id, author_id=author.id, kind=NoteKind.TEXT, created_at=now)
    session.add(note)
    session.flush()
    append_revision(session, note.id, 1, None, author_id=author.id, created_at=now, body=text)
    _delete_drafts(session, actor_id, case_id, None)
    audit(session, actor_id, "note.add", "case_note", note.id, detail={"case": case_id})
    return commit_note(session, note.id)


def edit_note(session: Session, actor_id: int, note_id: int, body: str) -> NoteRow:
    """Append a new revision to a note; nothing already saved is changed (``note.edit_own``).

    An unchanged body adds no revision. Only the note's author may edit it.

    Raises:
        InvalidInput: The new text is empty or only whitespace.
        PermissionDenied: The agent did not write this note.
        NoteConflict: Another revision was saved at the same moment (the draft is kept).
    """
    editor = require(session, actor_id, "note.edit_own")
    text = _valid_body(body)
    note = session.get(CaseNote, note_id)
    if note is None:
        raise RecordNotFound(later("The note no longer exists."))
    if note.author_id != editor.id:
        raise PermissionDenied(later("Only the author of a note can change it. Add a note of your own instead."))
    writable_case(session, note.case_id)
    latest = session.scalars(select(NoteRevision).where(NoteRevision.note_id == note_id)
                             .order_by(NoteRevision.number.desc()).limit(1)).one()
    _delete_drafts(session, actor_id, note.case_id, note_id)
    if latest.body != text:
        append_revision(session, note_id, latest.number + 1, latest.hash,
                         author_id=editor.id, created_at=utcnow(), body=text)
        audit(session, actor_id, "note.edit", "case_note", note_id, detail={"revision": latest.number + 1})
    return commit_note(session, note_id)


def case_notes(session: Session, actor_id: int, case_id: int) -> list[NoteRow]:
    """The notes of a case, oldest first, each with its latest text (``customer.view``: the case view shows them)."""
    require(session, actor_id, "customer.view")
    ids = session.scalars(select(CaseNote.id).where(CaseNote.case_id == case_id)
                          .order_by(CaseNote.created_at, CaseNote.id)).all()
    return _note_rows(session, list(ids))


def note_history(session: Session, actor_id: int, note_id: int) -> list[RevisionRow]:
    """Every revision of a note, revision 1 first (``note.history``)."""
    require(session, actor_id, "note.history")
    query = (select(NoteRevision, Agent.display_name).join(Agent, Agent.id == NoteRevision.author_id)
             .where(NoteRevision.note_id == note_id).order_by(NoteRevision.number))
    return [RevisionRow(note_id=rev.note_id, number=rev.number, body=rev.body, author_id=rev.author_id,
                        author_name=name, created_at=rev.created_at, prev_hash=rev.prev_hash, hash=rev.hash)
            for rev, name in session.execute(query)]


def verify_chain(session: Session, note_id: int) -> bool:
    """Whether the note's revisions are intact: numbered 1..n, linked, and each keyed hash recomputes.

    No actor: an integrity check that reads no text out (tests, the demo and support tools use it).

    Returns:
        False when any revision was changed, removed or inserted outside the application.
    """
    from deskapp.core.services.notes.verify import note_breaks

    return not note_breaks(session, note_id)


def writable_case(session: Session, case_id: int) -> Case:
    """Internal, no actor: the case a note or draft is about to be written on, locked until commit.

    The lock (a shared row lock on PostgreSQL, so notes saved at once on one case do not wait for
    each other; SQLite's one write lock) orders the write with an erasure of the customer
    (:mod:`deskapp.core.services.privacy`), which locks the same rows for update: a note saved
    first is erased with the rest, a note saved after is refused, never left behind.

    Raises:
        RecordNotFound: No such case.
        RecordErased: The case's customer was erased.
    """
    if session.get_bind().dialect.name == "sqlite":
        # The check and the write in one write transaction: no erasure can commit in between.
        lock_chain(session.connection())
    case = session.scalars(select(Case).where(Case.id == case_id).with_for_update(read=True)
                           .execution_options(populate_existing=True)).first()
    if case is None:
        session.rollback()
        raise RecordNotFound(later("The case no longer exists."))
    if session.get(CustomerErasure, case.customer_id) is not None:
        session.rollback()
        raise RecordErased(later("This customer's personal data was erased at their request, so nothing more can be "
                                 "saved about them. Your text was not saved: copy what you still need elsewhere, "
                                 "then discard it."))
    return case


def _valid_body(body: str) -> str:
    text = clean_body(body)
    if not text.strip():
        raise InvalidInput(later("The note is empty. Write something before saving."))
    return text


def append_revision(session: Session, note_id: int, number: int, prev_hash: str | None, *,
                     author_id: int, created_at: dt.datetime, body: str) -> None:
    """Internal, no actor: add revision ``number`` of a note, hash-chained (the caller checked its action)."""
    seal = seal_revision(chain_key(session), prev_hash, author_id, created_at, body)
    session.add(NoteRevision(note_id=note_id, number=number, body=body, author_id=author_id,
                             created_at=created_at, prev_hash=prev_hash, hash=seal.hash,
                             body_salt=seal.body_salt, body_digest=seal.body_digest))


def commit_note(session: Session, note_id: int) -> NoteRow:
    """Internal, no actor: flush and commit a note's new revision and return the note (the caller checked).

    Raises:
        NoteConflict: Another revision with the same number was saved at the same moment.
    """
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise NoteConflict(later("This note was changed somewhere else at the same moment. Your text is "
                                 "kept as a draft: reload the note and save again.")) from None
    row = _note_rows(session, [note_id])[0]
    session.commit()
    return row


def _note_rows(session: Session, note_ids: list[int]) -> list[NoteRow]:
    if not note_ids:
        return []
    stats = (select(NoteRevision.note_id, func.max(NoteRevision.number).label("latest"),
                    func.count().label("revisions"))
             .where(NoteRevision.note_id.in_(note_ids)).group_by(NoteRevision.note_id).subquery())
    author, editor = aliased(Agent), aliased(Agent)
    query = (select(CaseNote, NoteRevision, stats.c.revisions, author.display_name, editor.display_name)
             .join(stats, stats.c.note_id == CaseNote.id)
             .join(NoteRevision, (NoteRevision.note_id == CaseNote.id)
                   & (NoteRevision.number == stats.c.latest))
             .join(author, author.id == CaseNote.author_id)
             .join(editor, editor.id == NoteRevision.author_id))
    by_id = {
        note.id: NoteRow(id=note.id, case_id=note.case_id, kind=note.kind, author_id=note.author_id,
                         author_name=author_name, body=rev.body, revision_count=count,
                         created_at=note.created_at, updated_at=rev.created_at, last_editor_name=editor_name)
        for note, rev, count, author_name, editor_name in session.execute(query)
    }
    return [by_id[note_id] for note_id in note_ids if note_id in by_id]


def _drafts(session: Session, agent_id: int, case_id: int | None, note_id: int | None) -> list[Draft]:
    query = select(Draft).where(Draft.agent_id == agent_id)
    query = query.where(Draft.case_id.is_(None) if case_id is None else Draft.case_id == case_id)
    query = query.where(Draft.note_id.is_(None) if note_id is None else Draft.note_id == note_id)
    return list(session.scalars(query.order_by(Draft.saved_at.desc(), Draft.id.desc())))


def _delete_drafts(session: Session, agent_id: int, case_id: int | None, note_id: int | None) -> int:
    ids = [draft.id for draft in _drafts(session, agent_id, case_id, note_id)]
    if ids:
        session.execute(delete(Draft).where(Draft.id.in_(ids)))
    return len(ids)


def _draft_row(session: Session, draft: Draft) -> DraftRow:
    subject: str | None = None
    customer_name: str | None = None
    if draft.case_id is not None:
        found = session.execute(select(Case.subject, Customer).join(Customer, Customer.id == Case.customer_id)
                                .where(Case.id == draft.case_id)).first()
        if found is not None:
            subject, customer_name = found[0], found[1].display_name
    return DraftRow(id=draft.id, agent_id=draft.agent_id, case_id=draft.case_id, note_id=draft.note_id,
                    body=draft.body, saved_at=draft.saved_at, case_subject=subject, customer_name=customer_name)
