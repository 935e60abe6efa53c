"""A case's notes with their revision history, and what changed between two revisions.

The change is shown inline, the way a reviewer reads a marked-up document: inserted text green and
underlined, deleted text red and struck through (colour is never the only cue). Note text is
escaped before it becomes HTML, so a note can never inject markup into the view.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.i18n import _, ngettext
from deskapp.ui.jobs import JobRunner
from deskapp.ui.language import translate_ui
from deskapp.ui.widgets import whole_items

if TYPE_CHECKING:
    from deskapp.core.services.desk import Desk
    from deskapp.core.services.notes.diff import DiffChunk, NoteDiff
    from deskapp.core.services.notes.notes import NoteRow, RevisionRow

INSERT_STYLE = "background-color:#d7f5dd; color:#0b5b1f; text-decoration:underline;"
DELETE_STYLE = "background-color:#fbdcdc; color:#8a1111; text-decoration:line-through;"


def diff_html(chunks: Sequence[DiffChunk]) -> str:
    """The chunks of a ``NoteDiff`` as escaped HTML with inserted and deleted text marked."""
    parts = []
    for chunk in chunks:
        text = html.escape(chunk.text)
        if chunk.op == "insert":
            parts.append(f"<span class='ins' style='{INSERT_STYLE}'>{text}</span>")
        elif chunk.op == "delete":
            parts.append(f"<span class='del' style='{DELETE_STYLE}'>{text}</span>")
        else:
            parts.append(text)
    return f"<div style='white-space:pre-wrap'>{''.join(parts)}</div>"


def _when(moment: dt.datetime) -> str:
    from deskapp.core.i18n.formatting import format_datetime

    return format_datetime(moment)


def _note_text(row: NoteRow) -> str:
    """A note in the list: when, who, how many revisions, then its first line."""
    first_line = (row.body.strip().splitlines() or [""])[0][:80]
    revisions = ngettext("{n} revision", "{n} revisions", row.revision_count).format(n=row.revision_count)
    return f"{_when(row.created_at)} · {row.author_name} · {revisions}\n{first_line}"


def _revision_text(row: RevisionRow) -> str:
    return _("{number} · {author} · {time}").format(number=row.number, author=row.author_name,
                                                    time=_when(row.created_at))


class NoteHistoryView(QWidget):
    """Pick a note of the case, then two of its revisions; the difference shows below."""

    def __init__(self, runner: JobRunner, desk: Desk, describe: Callable[[Exception], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._desk, self._describe = runner, desk, describe
        self.case_id: int | None = None
        self.note_id: int | None = None
        self.revisions: list[RevisionRow] = []
        self._note_rows: list[NoteRow] = []
        self.last_diff: NoteDiff | None = None
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight:700;")
        self.notes = QListWidget()
        self.from_label, self.to_label = QLabel(), QLabel()
        self.from_rev, self.to_rev = QComboBox(), QComboBox()
        for combo in (self.from_rev, self.to_rev):
            whole_items(combo)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet("color:#555;")
        self.meta = QLabel()
        self.meta.setWordWrap(True)
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.view.setMinimumHeight(self.view.fontMetrics().lineSpacing() * 3 + 12)  # room for the review form
        self.notes.setMinimumHeight(self.notes.fontMetrics().lineSpacing() * 3 + 12)
        pick = QGridLayout()  # one revision a line: a revision's name is long (number, author, date and time)
        pick.addWidget(self.from_label, 0, 0)
        pick.addWidget(self.from_rev, 0, 1)
        pick.addWidget(self.to_label, 1, 0)
        pick.addWidget(self.to_rev, 1, 1)
        pick.setColumnStretch(2, 1)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(pick)
        lower_layout.addWidget(self.meta)
        lower_layout.addWidget(self.view, 1)
        lower_layout.addWidget(self.legend)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.notes)
        split.addWidget(lower)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(split, 1)
        self.notes.currentItemChanged.connect(lambda item, _old: self._note_chosen(item))
        self.from_rev.activated.connect(lambda _i: self.show_diff())
        self.to_rev.activated.connect(lambda _i: self.show_diff())
        translate_ui(self)

    def retranslate_ui(self) -> None:
        """Texts in the current UI language."""
        self.heading.setText(_("Notes and their revisions"))
        self.notes.setAccessibleName(_("Notes of the case"))
        self.from_label.setText(_("Compare revision"))
        self.to_label.setText(_("with"))
        self.from_rev.setAccessibleName(_("Older revision"))
        self.to_rev.setAccessibleName(_("Newer revision"))
        self.view.setAccessibleName(_("Changes between the revisions"))
        self.legend.setText(_("Added text is green and underlined; removed text is red and struck through."))
        # Times and counts in the new language, in place: the same note and revisions stay chosen.
        for index, row in enumerate(self._note_rows[:self.notes.count()]):
            item = self.notes.item(index)
            if item is not None:
                item.setText(_note_text(row))
        for combo in (self.from_rev, self.to_rev):
            for index, revision in enumerate(self.revisions[:combo.count()]):
                combo.setItemText(index, _revision_text(revision))
        if self.last_diff is not None:
            self._show(self.last_diff)

    def set_case(self, case_id: int | None) -> None:
        """Load the notes of ``case_id`` (``None`` clears the view)."""
        self.case_id = case_id
        self.notes.clear()
        self._clear_revisions()
        if case_id is None:
            return
        desk = self._desk
        self._runner.submit(lambda: desk.case_notes(case_id), lambda rows: self._fill_notes(case_id, rows),
                            self._failed, key="supervisor_notes")

    def _fill_notes(self, case_id: int, rows: list[NoteRow]) -> None:
        if case_id != self.case_id:
            return
        self.notes.clear()
        self._note_rows = list(rows)
        for row in rows:
            item = QListWidgetItem(_note_text(row))
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.notes.addItem(item)
        if not rows:
            self.view.setPlainText(_("No notes were written on this case."))
        # The most edited note is the one a reviewer most likely wants to see.
        best = max(range(len(rows)), key=lambda i: (rows[i].revision_count, -i), default=None)
        if best is not None:
            self.notes.setCurrentRow(best)

    def select_note(self, note_id: int) -> bool:
        """Show the revisions of note ``note_id`` if the case has it."""
        for row in range(self.notes.count()):
            item = self.notes.item(row)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == note_id:
                self.notes.setCurrentRow(row)
                return True
        return False

    def _clear_revisions(self) -> None:
        self.note_id, self.revisions, self.last_diff = None, [], None
        self.from_rev.clear()
        self.to_rev.clear()
        self.meta.clear()
        self.view.clear()

    def _note_chosen(self, item: QListWidgetItem | None) -> None:
        self._clear_revisions()
        if item is None:
            return
        note_id = int(item.data(Qt.ItemDataRole.UserRole))
        self.note_id = note_id
        desk = self._desk
        self._runner.submit(lambda: desk.note_history(note_id), lambda rows: self._fill_revisions(note_id, rows),
                            self._failed, key="supervisor_history")

    def _fill_revisions(self, note_id: int, rows: list[RevisionRow]) -> None:
        if note_id != self.note_id:
            return
        self.revisions = rows
        for combo in (self.from_rev, self.to_rev):
            combo.clear()
            for row in rows:
                combo.addItem(_revision_text(row), row.number)
        # From the original to the latest: what was changed after the note was first saved.
        self.from_rev.setCurrentIndex(0)
        self.to_rev.setCurrentIndex(len(rows) - 1)
        self.show_diff()

    def select_revisions(self, old: int, new: int) -> None:
        """Compare revision ``old`` with revision ``new`` of the chosen note."""
        self.from_rev.setCurrentIndex(self.from_rev.findData(old))
        self.to_rev.setCurrentIndex(self.to_rev.findData(new))
        self.show_diff()

    def show_diff(self) -> None:
        """Ask for the difference between the two chosen revisions."""
        note_id, old, new = self.note_id, self.from_rev.currentData(), self.to_rev.currentData()
        if note_id is None or old is None or new is None:
            return
        from deskapp.core.services.notes.diff import note_diff

        desk = self._desk
        self._runner.submit(lambda: desk.as_agent(note_diff, note_id, old, new), self._show, self._failed,
                            key="supervisor_diff")

    def _show(self, diff: NoteDiff) -> None:
        if diff.note_id != self.note_id:
            return
        self.last_diff = diff
        if diff.old.number == diff.new.number:
            self.meta.setText(_("Revision {number} by {author}, {time}").format(
                number=diff.new.number, author=diff.new.author_name, time=_when(diff.new.created_at)))
        else:
            self.meta.setText(_("Revision {old} by {old_author}, {old_time} → revision {new} by {new_author}, "
                                "{new_time}").format(
                old=diff.old.number, old_author=diff.old.author_name, old_time=_when(diff.old.created_at),
                new=diff.new.number, new_author=diff.new.author_name, new_time=_when(diff.new.created_at)))
        self.view.setHtml(diff_html(diff.chunks))

    def _failed(self, exc: Exception) -> None:
        self.view.setPlainText(self._describe(exc))
