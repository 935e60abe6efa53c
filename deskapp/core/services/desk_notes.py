"""The desk's case notes and drafts, kept on this computer while the server is away."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from deskapp.core import errors
from deskapp.core.domain.base import utcnow
from deskapp.core.services.desk_session import DeskSession
from deskapp.core.services.notes import notes, spool
from deskapp.core.storage import connectivity


@dataclass(frozen=True, slots=True)
class SavedDraft:
    """Where an autosaved draft went: the database, or this computer while the server is away."""

    saved_at: dt.datetime
    offline: bool


class NotesDesk(DeskSession):
    """Case notes and autosaved drafts, on :class:`DeskSession`."""

    def case_notes(self, case_id: int) -> list[notes.NoteRow]:
        """The notes of a case with their latest text."""
        return self.as_agent(notes.case_notes, case_id)

    def note_history(self, note_id: int) -> list[notes.RevisionRow]:
        """Every revision of a note, oldest first."""
        return self.as_agent(notes.note_history, note_id)

    def save_draft(self, case_id: int, body: str, note_id: int | None = None, *,
                   based_on: dt.datetime | notes.Unchecked | None = notes.UNCHECKED) -> SavedDraft:
        """Autosave the text being typed; with the server unreachable, keep it on this computer.

        ``based_on`` is the time of the draft this window last saved or loaded (see
        :func:`notes.save_draft`). A database file deleted or replaced under the window keeps the
        text on this computer too, and raises :class:`~deskapp.core.errors.DatabaseGone`: it was not saved.
        """
        try:
            row = self.as_agent(notes.save_draft, case_id, body, note_id, based_on=based_on)
        except errors.DatabaseGone:
            self.spool.save(self.agent_id, case_id, body, note_id, desk=self.desk_id)
            raise
        except SQLAlchemyError as exc:
            if not connectivity.is_connection_error(exc):
                raise
            self.spool.save(self.agent_id, case_id, body, note_id, desk=self.desk_id)
            return SavedDraft(utcnow(), offline=True)
        return SavedDraft(row.saved_at, offline=False)

    def offline_drafts(self) -> int:
        """How many drafts wait on this computer for the server."""
        return len(self.spool.pending())

    def flush_offline_drafts(self) -> spool.FlushResult:
        """Hand the drafts kept on this computer to the server (when it is back)."""
        if self._sessions is None:
            raise RuntimeError("Desk.open() was not called")
        return self.spool.flush(self._sessions, self.agent_id, self.desk_id)

    def discard_draft(self, case_id: int, note_id: int | None = None) -> None:
        """Throw away the draft for a case (after the rep chose to)."""
        self.as_agent(notes.discard_draft, case_id, note_id)

    def case_drafts(self, case_id: int) -> list[notes.DraftRow]:
        """Every unsaved draft of the acting agent on a case: a new note's and saved notes' being edited."""
        return [d for d in self.as_agent(notes.pending_drafts) if d.case_id == case_id]

    def save_note(self, case_id: int, body: str, note_id: int | None = None) -> notes.NoteRow:
        """Save the note: a new note, or a new revision of ``note_id``."""
        if note_id is None:
            return self.as_agent(notes.add_note, case_id, body)
        return self.as_agent(notes.edit_note, note_id, body)
