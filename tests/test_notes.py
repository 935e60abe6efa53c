"""Notes and drafts on SQLite and PostgreSQL: append-only revisions, a hash chain, drafts that survive."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from deskapp.core.domain.audit import AuditEvent
from deskapp.core.domain.models import Draft, NoteRevision
from deskapp.core.errors import DeskappError, InvalidInput, PermissionDenied
from deskapp.core.i18n import set_locale
from deskapp.core.services.kernel.actors import console_actor
from deskapp.core.services.notes import notes
from deskapp.core.storage.engine import make_engine, session_factory
from tests.seeding import Seed, new_case
from tests.test_append_only import triggers_bypassed


@pytest.fixture
def engine(any_engine: Engine) -> Engine:
    """This module's database: SQLite, then PostgreSQL (see ``any_engine``)."""
    return any_engine


@pytest.fixture
def case_id(session: Session, s: Seed) -> int:
    return new_case(session, s).id


def test_add_note_creates_revision_one(session: Session, s: Seed, case_id: int) -> None:
    row = notes.add_note(session, s.rep, case_id, "Asiakas soitti: netti katkeilee iltaisin.")
    assert row.revision_count == 1
    assert row.body == "Asiakas soitti: netti katkeilee iltaisin."
    assert row.author_name == "Anna Virtanen" and row.kind.value == "text"
    [rev] = notes.note_history(session, s.rep, row.id)
    assert rev.number == 1 and rev.prev_hash is None and len(rev.hash) == 64
    assert notes.verify_chain(session, row.id)


def test_edits_append_revisions_in_order(session: Session, s: Seed, case_id: int) -> None:
    note = notes.add_note(session, s.rep, case_id, "one")
    notes.edit_note(session, s.rep, note.id, "two")
    latest = notes.edit_note(session, s.rep, note.id, "three")
    assert latest.body == "three" and latest.revision_count == 3
    history = notes.note_history(session, s.rep, note.id)
    assert [(r.number, r.body) for r in history] == [(1, "one"), (2, "two"), (3, "three")]
    assert history[1].prev_hash == history[0].hash and history[2].prev_hash == history[1].hash
    assert [r.author_name for r in history] == ["Anna Virtanen"] * 3
    assert notes.verify_chain(session, note.id)
    # nothing was updated in place: the first revision still holds its original text
    first = session.scalars(select(NoteRevision.body).where(NoteRevision.number == 1)).one()
    assert first == "one"
    actions = session.scalars(select(AuditEvent).where(AuditEvent.action == "note.edit")).all()
    assert [(a.entity, a.entity_id, a.detail) for a in actions] == [
        ("case_note", note.id, {"revision": 2}), ("case_note", note.id, {"revision": 3})]


def test_unchanged_body_adds_no_revision(session: Session, s: Seed, case_id: int) -> None:
    note = notes.add_note(session, s.rep, case_id, "same text")
    again = notes.edit_note(session, s.rep, note.id, "same text")
    assert again.revision_count == 1
    assert session.scalar(select(func.count()).select_from(NoteRevision)) == 1


def test_tampered_body_breaks_the_chain(engine: Engine, session: Session, s: Seed, case_id: int) -> None:
    note = notes.add_note(session, s.rep, case_id, "Promised a refund of 20 EUR.")
    notes.edit_note(session, s.rep, note.id, "Promised a refund of 20 EUR. Approved by Sam.")
    other = notes.add_note(session, s.rep, case_id, "Untouched note")
    with engine.begin() as conn, triggers_bypassed(conn):  # the database refuses it otherwise (0004)
        conn.execute(text("UPDATE note_revision SET body = 'Promised a refund of 200 EUR.' "
                          "WHERE note_id = :id AND number = 1"), {"id": note.id})
    with Session(engine) as fresh:
        assert not notes.verify_chain(fresh, note.id)
        assert notes.verify_chain(fresh, other.id)


def test_deleted_revision_breaks_the_chain(engine: Engine, session: Session, s: Seed, case_id: int) -> None:
    note = notes.add_note(session, s.rep, case_id, "a")
    notes.edit_note(session, s.rep, note.id, "b")
    notes.edit_note(session, s.rep, note.id, "c")
    with engine.begin() as conn, triggers_bypassed(conn):
        conn.execute(text("DELETE FROM note_revision WHERE note_id = :id AND number = 2"), {"id": note.id})
    with Session(engine) as fresh:
        assert not notes.verify_chain(fresh, note.id)


def test_draft_upsert_and_promotion_to_a_note(session: Session, s: Seed, case_id: int) -> None:
    first = notes.save_draft(session, s.rep, case_id, "Asiakas")
    second = notes.save_draft(session, s.rep, case_id, "Asiakas soitti")
    assert first.id == second.id and second.saved_at >= first.saved_at
    assert second.case_subject == "Netti katkeilee" and second.customer_name == "Jukka Mäkinen"
    assert session.scalar(select(func.count()).select_from(Draft)) == 1
    note = notes.add_note(session, s.rep, case_id, "Asiakas soitti")
    assert session.scalar(select(func.count()).select_from(Draft)) == 0
    # a draft of an edit is keyed by the note and promoted by edit_note
    notes.save_draft(session, s.rep, case_id, "Asiakas soitti uudelleen", note_id=note.id)
    assert [d.note_id for d in notes.pending_drafts(session, s.rep)] == [note.id]
    notes.edit_note(session, s.rep, note.id, "Asiakas soitti uudelleen")
    assert notes.pending_drafts(session, s.rep) == []


def test_drafts_are_per_agent_and_discardable(session: Session, s: Seed, case_id: int) -> None:
    notes.save_draft(session, s.rep, case_id, "mine")
    notes.save_draft(session, s.other_rep, case_id, "theirs")
    assert [d.body for d in notes.pending_drafts(session, s.rep)] == ["mine"]
    assert notes.discard_draft(session, s.rep, case_id) == 1
    assert notes.pending_drafts(session, s.rep) == []
    assert [d.body for d in notes.pending_drafts(session, s.other_rep)] == ["theirs"]


def test_two_windows_cannot_silently_overwrite_each_others_draft(engine: Engine, s: Seed, case_id: int) -> None:
    """Two windows of one agent on one desk: the second writer is refused, neither text is lost."""
    sessions = session_factory(engine)
    with sessions() as first:
        mine = notes.save_draft(first, s.rep, case_id, "window A, first words", based_on=None)
    with sessions() as second:  # window B opened the case when A had already saved once
        theirs = notes.save_draft(second, s.rep, case_id, "window B's text", based_on=mine.saved_at)
    with sessions() as first, pytest.raises(notes.DraftConflict, match="another deskapp window"):
        notes.save_draft(first, s.rep, case_id, "window A, more words", based_on=mine.saved_at)
    with sessions() as check:
        assert [d.body for d in notes.pending_drafts(check, s.rep)] == ["window B's text"]
        again = notes.save_draft(check, s.rep, case_id, "window B goes on", based_on=theirs.saved_at)
    assert again.body == "window B goes on"
    with sessions() as fresh, pytest.raises(notes.DraftConflict):  # a window that saw no draft, but one exists
        notes.save_draft(fresh, s.rep, case_id, "a third window", based_on=None)


def test_pending_drafts_survive_a_restart(any_db_url: str, engine: Engine, s: Seed, case_id: int) -> None:
    with session_factory(engine)() as session:
        notes.save_draft(session, s.rep, case_id, "Half-typed note about the router\nline two")
    engine.dispose()  # the application "crashes": every connection is gone
    restarted = make_engine(any_db_url)
    try:
        with session_factory(restarted)() as session:
            [draft] = notes.pending_drafts(session, s.rep)
    finally:
        restarted.dispose()
    assert draft.body == "Half-typed note about the router\nline two"
    assert draft.case_id == case_id and draft.customer_name == "Jukka Mäkinen"


def test_long_unicode_note_and_nul_stripping(session: Session, s: Seed, case_id: int) -> None:
    body = ("Mäki-Petäjä, Núñez, Dela Cruz — 🙂 中文 ") * 300
    assert len(body) > 10_000
    note = notes.add_note(session, s.rep, case_id, body + "\x00end")
    assert note.body == body + "end"
    assert notes.case_notes(session, console_actor(session), case_id)[0].body == body + "end"
    assert notes.verify_chain(session, note.id)


@pytest.mark.parametrize("blank", ["", "   ", "\n\t", "\x00\x00", " \x00 "])
def test_empty_note_is_rejected_with_a_message(session: Session, s: Seed, case_id: int, blank: str) -> None:
    with pytest.raises(InvalidInput) as info:
        notes.add_note(session, s.rep, case_id, blank)
    assert isinstance(info.value, DeskappError) and info.value.message
    note = notes.add_note(session, s.rep, case_id, "real")
    with pytest.raises(InvalidInput):
        notes.edit_note(session, s.rep, note.id, blank)


def test_empty_note_message_follows_the_ui_language(session: Session, s: Seed, case_id: int) -> None:
    import gettext

    class Pseudo(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return f"[!! {message} !!]"

    set_locale("fi", catalog=Pseudo())
    with pytest.raises(InvalidInput) as info:
        notes.add_note(session, s.rep, case_id, " ")
    assert info.value.message.startswith("[!! ")


def test_only_the_author_edits(session: Session, s: Seed, case_id: int) -> None:
    note = notes.add_note(session, s.rep, case_id, "mine")
    with pytest.raises(PermissionDenied):
        notes.edit_note(session, s.other_rep, note.id, "changed by someone else")
    assert notes.case_notes(session, console_actor(session), case_id)[0].body == "mine"


def test_case_notes_lists_latest_bodies_in_order(session: Session, s: Seed, case_id: int) -> None:
    a = notes.add_note(session, s.rep, case_id, "first")
    b = notes.add_note(session, s.other_rep, case_id, "second")
    notes.edit_note(session, s.rep, a.id, "first, corrected")
    rows = notes.case_notes(session, console_actor(session), case_id)
    assert [(r.id, r.body, r.revision_count, r.author_name) for r in rows] == [
        (a.id, "first, corrected", 2, "Anna Virtanen"), (b.id, "second", 1, "José Ramírez")]
    assert rows[0].updated_at >= rows[0].created_at
