"""The note editor: autosaves drafts, tells the rep the truth about saving, keeps every revision."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.i18n import _, ngettext
from deskapp.ui.jobs import JobRunner
from deskapp.ui.language import translate_ui
from deskapp.ui.widgets import PlainTextEditor

if TYPE_CHECKING:
    from deskapp.core.services.desk import Desk
    from deskapp.core.services.desk_notes import SavedDraft
    from deskapp.core.services.notes.notes import DraftRow, NoteRow, RevisionRow, Unchecked

AUTOSAVE_DELAY_MS = 700
RETRY_DELAY_MS = 5000


class NoteEditor(QWidget):
    """Notes of the current case; typing autosaves a draft, Save writes a revision."""

    note_saved = Signal(object)
    went_offline = Signal()
    storage_failed = Signal(object)  # the exception: the banner describes it in the language of the moment

    def __init__(self, runner: JobRunner, desk: Desk, describe_error: Callable[[Exception], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._desk = desk
        self._describe = describe_error
        self.case_id: int | None = None
        self.case_reference = ""  # "C-1042": the header names the case the note goes to
        self.note_id: int | None = None
        self._loading = False
        self._dirty = False
        self._based_on: dict[tuple[int, int | None], dt.datetime | Unchecked | None] = {}
        self._in_flight: str | None = None
        self.state = "idle"  # idle | unsaved | saving | saved | failed | notice

        self.title = QLabel()
        self.title.setStyleSheet("font-weight:600;")
        self.editor = PlainTextEditor()
        self.editor.paste_refused.connect(lambda reason: self._show_state("notice", reason))
        self.editor.setTabChangesFocus(True)
        self.editor.installEventFilter(self)
        self.status = QLabel()
        self.status.setObjectName("saveStatus")
        self.save_button = QPushButton()
        self.new_button = QPushButton()
        self.notes_list = QListWidget()
        self.history = QTextBrowser()
        self.history.setOpenLinks(False)

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.new_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.save_button)
        editing = QWidget()
        edit_layout = QVBoxLayout(editing)
        edit_layout.setContentsMargins(0, 0, 0, 0)
        edit_layout.addLayout(top)
        edit_layout.addWidget(self.editor, 1)
        edit_layout.addLayout(bottom)
        past = QSplitter(Qt.Orientation.Vertical)
        past.addWidget(self.notes_list)
        past.addWidget(self.history)
        # Beside the note: saved notes here; the window adds the response library as another tab.
        self.side_tabs = QTabWidget()
        # Three tabs, whole titles in every language: the pane is never narrower than they need
        # (no scroll arrows to hide a tab behind, no "Puhelukäsi…").
        self.side_tabs.setUsesScrollButtons(False)
        self.side_tabs.setElideMode(Qt.TextElideMode.ElideNone)
        self.side_tabs.addTab(past, "")
        self._past = past
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(editing)
        self.splitter.addWidget(self.side_tabs)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)
        self.editor.textChanged.connect(self._on_text_changed)
        self.save_button.clicked.connect(self.save_note)
        self.new_button.clicked.connect(self.start_new_note)
        self.notes_list.currentItemChanged.connect(self._on_note_selected)
        self._notes: list[NoteRow] = []
        self.editing = editing  # only writing needs a case; the tabs beside it work without one
        self.editing.setEnabled(False)
        translate_ui(self)

    # --- texts ----------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        """Every text in the current UI language."""
        self.editor.setPlaceholderText(_("Type the case note here. It is saved as you type."))
        self.editor.setAccessibleName(_("Case note"))
        self.save_button.setText(_("Save note"))
        self.save_button.setToolTip(_("Save this note to the case history (Ctrl+S)"))
        self.new_button.setText(_("New note"))
        self.new_button.setAccessibleName(_("Start a new note"))
        self.notes_list.setAccessibleName(_("Notes of this case"))
        self.side_tabs.setTabText(self.side_tabs.indexOf(self._past), _("Saved notes"))
        self.history.setAccessibleName(_("Revision history of the selected note"))
        self.side_tabs.setAccessibleName(_("Responses, call script and saved notes"))

        self._update_title()
        self._show_state(self.state, self._state_detail)
        self._fill_notes(self._notes)
        if self._shown_history is not None and self._shown_history[0] == self.note_id:
            self._show_history(self._shown_history[1])  # its times and headings in the new language

    _state_detail: str | dt.datetime | Callable[[], str] = ""
    _shown_history: tuple[int | None, list[RevisionRow]] | None = None  # (note, its revisions) on show

    def _update_title(self) -> None:
        if self.case_id is None:
            self.title.setText(_("Open a case to write notes"))
        elif self.note_id is None:
            self.title.setText(_("New note · case {reference}").format(reference=self.case_reference))
        else:
            self.title.setText(
                _("Editing a saved note of case {reference} (saving adds a revision)").format(
                    reference=self.case_reference
                )
            )

    def _show_state(self, state: str, detail: str | dt.datetime | Callable[[], str] = "") -> None:
        # A time is kept as a datetime (a reason, as what writes it) and written out here, so a
        # language switch re-formats it.
        from deskapp.core.i18n.formatting import format_time

        self.state, self._state_detail = state, detail
        if isinstance(detail, dt.datetime):
            detail = format_time(detail)
        elif callable(detail):
            detail = detail()
        texts = {
            "idle": "",
            "unsaved": _("Unsaved changes…"),
            "saving": _("Saving…"),
            # An autosaved draft is kept, not yet a note in "Saved notes": it must not read as saved.
            "saved": _("Draft kept {time} · Ctrl+S saves the note").format(time=detail),
            "offline": _("Kept on this computer {time}: the server is unreachable").format(time=detail),
            "note_saved": _("Note saved {time}").format(time=detail),
            "failed": _("Not saved: {reason} — your text is kept").format(reason=detail),
            "notice": detail,  # e.g. a paste with no text in it; already in the UI language
        }
        self.status.setText(texts.get(state, ""))
        colour = "#a11" if state == "failed" else "#555"
        self.status.setStyleSheet(f"color:{colour}; font-weight:{'600' if state == 'failed' else '400'};")
        self.status.setAccessibleName(self.status.text())

    # --- loading a case -------------------------------------------------------------------
    def set_case(self, case_id: int | None, reference: str = "") -> None:
        """Switch to ``case_id`` (quoted as ``reference``): the draft is saved first, then the case's draft loads."""
        self.flush()
        self.case_id = case_id
        self.case_reference = reference
        self.note_id = None
        self._set_text("")
        self._show_state("idle")
        self._update_title()
        self.editing.setEnabled(case_id is not None)
        self._fill_notes([])
        if case_id is None:
            return
        desk = self._desk
        self._runner.submit(lambda: (desk.case_drafts(case_id), desk.case_notes(case_id)),
                            lambda result: self._loaded(case_id, *result), self._failed)

    def _loaded(self, case_id: int, drafts: list[DraftRow], notes: list[NoteRow]) -> None:
        if case_id != self.case_id:
            return
        self._fill_notes(notes)
        draft = next((d for d in drafts if d.note_id is None), None)
        edited = next((d.note_id for d in drafts if d.note_id is not None), None)
        if draft is None and edited is not None and not self.editor.toPlainText():
            # The unsaved text is a change to a saved note: open that note, which brings its draft back.
            row = next((i for i, n in enumerate(self._notes) if n.id == edited), -1)
            if row >= 0:
                self.notes_list.setCurrentRow(row)
                return
        # The draft this window builds on: another window of the same agent that saves in between
        # is noticed instead of silently overwritten (notes.save_draft's based_on).
        self._based_on[(case_id, None)] = draft.saved_at if draft is not None else None
        if draft is not None and not self.editor.toPlainText():
            self._set_text(draft.body)
            self._show_state("saved", draft.saved_at)

    def reload_notes(self) -> None:
        """Refresh the saved notes list (after something else added a note to this case)."""
        case_id, desk = self.case_id, self._desk
        if case_id is not None:
            self._runner.submit(lambda: desk.case_notes(case_id), lambda notes: self._notes_reloaded(case_id, notes),
                                self._failed)

    def _notes_reloaded(self, case_id: int, notes: list[NoteRow]) -> None:
        if case_id == self.case_id:  # still the case on screen
            self._fill_notes(notes)

    def _fill_notes(self, notes: list[NoteRow]) -> None:
        self._notes = list(notes)
        self.notes_list.blockSignals(True)
        self.notes_list.clear()
        for note in self._notes:
            self.notes_list.addItem(_note_item(note))
        self.notes_list.blockSignals(False)
        self._show_history_hint()

    def _show_history_hint(self) -> None:
        # Content, not a placeholder: Qt cuts placeholders off instead of wrapping them.
        hint = html.escape(_("Select a saved note to see every revision of it."))
        self.history.setHtml(f"<p style='color:#777'>{hint}</p>")

    def _set_text(self, text: str) -> None:
        self._loading = True
        self.editor.setPlainText(text)
        self._loading = False
        self._dirty = False

    # --- autosave -------------------------------------------------------------------------
    def _on_text_changed(self) -> None:
        if self._loading or self.case_id is None:
            return
        self._dirty = True
        self._show_state("unsaved")
        self._timer.start(AUTOSAVE_DELAY_MS)

    def flush(self) -> None:
        """Save the draft now if there is anything unsaved (debounce, switch, focus loss, close)."""
        self._timer.stop()
        if not self._dirty or self.case_id is None:
            return
        from deskapp.core.services.notes.notes import UNCHECKED

        body, case_id, note_id = self.editor.toPlainText(), self.case_id, self.note_id
        self._dirty = False
        self._in_flight = body
        self._show_state("saving")
        desk, based_on = self._desk, self._based_on.get((case_id, note_id), UNCHECKED)
        self._runner.submit(lambda: desk.save_draft(case_id, body, note_id, based_on=based_on),
                            lambda draft: self._draft_saved(case_id, note_id, body, draft),
                            lambda exc: self._draft_failed(case_id, exc))

    def _draft_saved(self, case_id: int, note_id: int | None, body: str, draft: SavedDraft) -> None:
        if not draft.offline:
            self._based_on[(case_id, note_id)] = draft.saved_at
        if case_id == self.case_id and not self._dirty and self.editor.toPlainText() == body:
            self._show_state("offline" if draft.offline else "saved", draft.saved_at)
        if draft.offline:
            self.went_offline.emit()

    def _draft_failed(self, case_id: int, exc: Exception) -> None:
        reason = self._describe(exc)
        if case_id == self.case_id:
            self._dirty = True  # the text is still only in the editor: keep trying
            self._show_state("failed", reason)
            self._timer.start(RETRY_DELAY_MS)
        self.storage_failed.emit(exc)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor and event.type() == QEvent.Type.FocusOut:
            self.flush()
        return super().eventFilter(watched, event)

    # --- saving notes ---------------------------------------------------------------------
    def save_note(self) -> None:
        """Write the note (or a new revision of the note being edited)."""
        body = self.editor.toPlainText()
        if self.case_id is None:
            return
        if not body.strip():
            self._show_state("failed", lambda: _("the note is empty"))
            return
        self._timer.stop()
        case_id, note_id = self.case_id, self.note_id
        self._show_state("saving")
        desk = self._desk
        self._runner.submit(lambda: (desk.save_note(case_id, body, note_id), desk.case_notes(case_id)),
                            lambda result: self._note_saved(case_id, note_id, body, *result),
                            lambda exc: self._draft_failed(case_id, exc))

    def _note_saved(self, case_id: int, note_id: int | None, body: str, note: NoteRow,
                    notes: list[NoteRow]) -> None:
        self._based_on[(case_id, note_id)] = None  # saving the note used up its draft
        if case_id != self.case_id:
            return
        self._fill_notes(notes)
        if self.editor.toPlainText() == body:
            self._set_text("")
            self.note_id = None
            self._update_title()
        self._show_state("note_saved", dt.datetime.now(dt.UTC))
        self.note_saved.emit(note)

    def start_new_note(self) -> None:
        """Leave the note being edited and start an empty one."""
        self.flush()
        self.note_id = None
        self.notes_list.clearSelection()
        self._set_text("")
        self._update_title()
        self.editor.setFocus()

    def _on_note_selected(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is None:
            return
        note_id = int(current.data(Qt.ItemDataRole.UserRole))
        self.flush()
        note = next(n for n in self._notes if n.id == note_id)
        self.note_id = note_id
        self._set_text(note.body)
        self._update_title()
        desk, case_id = self._desk, self.case_id
        if case_id is None:
            return
        self._runner.submit(lambda: (desk.note_history(note_id), desk.case_drafts(case_id)),
                            lambda result: self._show_note(case_id, note_id, *result), self._failed)

    def _show_note(self, case_id: int, note_id: int, revisions: list[RevisionRow], drafts: list[DraftRow]) -> None:
        """The note's history, and its unsaved change (a draft kept from before) back in the editor."""
        self._show_history(revisions)
        draft = next((d for d in drafts if d.note_id == note_id), None)
        if draft is None or (case_id, note_id) != (self.case_id, self.note_id) or self._dirty:
            return
        self._based_on[(case_id, note_id)] = draft.saved_at
        if draft.body != self.editor.toPlainText():
            self._set_text(draft.body)
            self._show_state("saved", draft.saved_at)

    def _show_history(self, revisions: list[RevisionRow]) -> None:
        from deskapp.core.i18n.formatting import format_datetime

        self._shown_history = (self.note_id, revisions)
        parts = []
        for rev in reversed(revisions):
            heading = _("Revision {number} · {author} · {time}").format(
                number=rev.number, author=html.escape(rev.author_name), time=format_datetime(rev.created_at))
            body = html.escape(rev.body).replace("\n", "<br>")
            parts.append(f"<p><b>{heading}</b><br>{body}</p>")
        self.history.setHtml("<hr>".join(parts))

    def _failed(self, exc: Exception) -> None:
        self.storage_failed.emit(exc)


def _note_item(note: NoteRow) -> QListWidgetItem:
    """A list entry: the note's first line, then when, who and how many revisions."""
    from deskapp.core.i18n.formatting import format_datetime  # Babel's date data loads after paint

    first_line = (note.body.strip().splitlines() or [""])[0][:80]
    revisions = ngettext("{n} revision", "{n} revisions", note.revision_count).format(n=note.revision_count)
    when = format_datetime(note.updated_at)
    item = QListWidgetItem(f"{first_line}\n{when} · {note.author_name} · {revisions}")
    item.setData(Qt.ItemDataRole.UserRole, note.id)
    return item
