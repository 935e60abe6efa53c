"""The merge dialog: both customers side by side, a choice per field, what moves, and confirm.

The supervisor picks which record stays ("Swap" turns the direction round), which value of each
differing field to keep, reads how many cases, notes and so on move, and confirms. The merge is
refused, and the dialog says so, if either record changed since the preview was loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.i18n import _, language_name, ngettext
from deskapp.ui.language import translate_ui
from deskapp.ui.widgets import clear_layout

if TYPE_CHECKING:
    from deskapp.core.services.merge.preview import MergePreview
    from deskapp.ui.desk_access import DeskAccess


class MergeDialog(QDialog):
    """Merge ``other`` into ``keep`` after a side-by-side preview."""

    merged = Signal(int)  # the kept customer's id

    def __init__(self, access: DeskAccess, keep_id: int, other_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._access = access
        self._ids = (keep_id, other_id)
        self.preview: MergePreview | None = None
        self._error: Exception | None = None  # what the message says went wrong, to say it again after a switch
        self.choices: dict[str, QButtonGroup] = {}
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.moves = QLabel()
        self.moves.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color:#7a1212;")
        self.swap = QPushButton()
        self.swap.clicked.connect(self._swap)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._confirm)
        self.buttons.rejected.connect(self.reject)
        bar = QHBoxLayout()
        bar.addWidget(self.swap)
        bar.addStretch(1)
        bar.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.grid_host)
        layout.addWidget(self.moves)
        layout.addWidget(self.message)
        layout.addLayout(bar)
        translate_ui(self)
        self._load()

    def retranslate_ui(self) -> None:
        """Texts in the current UI language."""
        self.setWindowTitle(_("Merge duplicate customers"))
        self.swap.setText(_("&Swap which record stays"))
        self.swap.setAccessibleName(_("Swap which record stays"))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("&Merge"))
        ok.setAccessibleName(_("Merge"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(_("&Cancel"))
        cancel.setAccessibleName(_("Cancel"))
        if self.preview is not None:
            self._show(self.preview)
        if self._error is not None:
            self.message.setText(self._access.describe_error(self._error))

    def _load(self) -> None:
        from deskapp.core.services.merge.preview import merge_preview

        desk, (keep, other) = self._access.open_desk, self._ids
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self._access.runner.submit(lambda: desk.as_agent(merge_preview, keep, other), self._show, self._failed)

    def _swap(self) -> None:
        self._ids = (self._ids[1], self._ids[0])
        self._error = None
        self.message.clear()
        self._load()

    def _show(self, preview: MergePreview) -> None:
        from deskapp.core.services.merge.preview import FIELD_LABELS

        self.preview = preview
        from deskapp.core.services.merge.unmerging import UNMERGE_WINDOW

        days = UNMERGE_WINDOW.days
        self.heading.setText(ngettext(
            "{other} is merged into {keep}. {other} stays as a pointer to {keep}, and the merge can be undone "
            "for {days} day.",
            "{other} is merged into {keep}. {other} stays as a pointer to {keep}, and the merge can be undone "
            "for {days} days.", days).format(
            keep=f"{preview.keep.display_name} ({preview.keep.account_number})",
            other=f"{preview.other.display_name} ({preview.other.account_number})", days=days))
        clear_layout(self.grid)
        self.choices = {}
        for column, text in ((1, _("Stays: {account}")), (2, _("Merged into it: {account}"))):
            side = preview.keep if column == 1 else preview.other
            title = QLabel(text.format(account=side.account_number))
            title.setStyleSheet("font-weight:700;")
            self.grid.addWidget(title, 0, column)
        for row, name in enumerate(preview.differing, start=1):
            label = _(FIELD_LABELS[name])
            self.grid.addWidget(QLabel(label), row, 0)
            group = QButtonGroup(self)
            mine, theirs = preview.keep.fields[name], preview.other.fields[name]
            for column, value in ((1, mine), (2, theirs)):
                button = QRadioButton(_shown(name, value))
                button.setAccessibleName(_("{field}: {value}").format(field=label, value=button.text()))
                group.addButton(button, column)
                self.grid.addWidget(button, row, column)
            group.button(2 if mine in (None, "") else 1).setChecked(True)
            self.choices[name] = group
        if not preview.differing:
            self.grid.addWidget(QLabel(_("Both records hold the same details.")), 1, 0, 1, 3)
        m = preview.moves
        self.moves.setText(_("Moves to {keep}: cases {cases}, notes {notes}, drafts {drafts}, feedback {feedback}, "
                             "reviews {reviews}, alerts {alerts}, phones {phones}, e-mails {emails}.").format(
            keep=preview.keep.account_number, **m))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)

    def taken(self) -> list[str]:
        """The fields whose merged record's value is chosen."""
        return [name for name, group in self.choices.items() if group.checkedId() == 2]

    def _confirm(self) -> None:
        from deskapp.core.services.merge.merging import merge_customers

        preview = self.preview
        if preview is None:
            return
        desk, take = self._access.open_desk, self.taken()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self._access.runner.submit(
            lambda: desk.as_agent(merge_customers, preview.keep.customer_id, preview.other.customer_id, take=take,
                                  keep_version=preview.keep.version_id, other_version=preview.other.version_id),
            lambda result: self._done(result.keep_id), self._failed)

    def _done(self, keep_id: int) -> None:
        self.merged.emit(keep_id)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self._error = exc
        self.message.setText(self._access.describe_error(exc))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.preview is not None)


def _shown(field: str, value: object) -> str:
    """A field's value as a person reads it (a language's name, a phone number formatted)."""
    if value in (None, ""):
        return "—"
    if field == "preferred_locale":
        return language_name(str(value))
    if field == "phone":
        from deskapp.core.search.phones import format_international

        return format_international(str(value))
    return str(value)
