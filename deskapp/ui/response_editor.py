"""Supervisors edit a response's text per language; broken templates are refused with line numbers."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from deskapp.core.i18n import _, language_name
from deskapp.ui.editor_parts import label_rows, language_combo, message_line, show_stale
from deskapp.ui.jobs import JobRunner
from deskapp.ui.language import translate_ui

if TYPE_CHECKING:
    from deskapp.core.services.desk import Desk
    from deskapp.core.services.responses.responses import ResponseDetail


class ResponseEditor(QGroupBox):
    """Inline editor for one response: pick a language, change title and text, save (no modal dialog)."""

    saved = Signal(str)

    def __init__(self, runner: JobRunner, desk: Desk, describe: Callable[[Exception], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._desk, self._describe = runner, desk, describe
        self.detail: ResponseDetail | None = None
        self.locale_combo = language_combo()
        self.title_edit = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        self.stale, self.problem = message_line("#8a5a00"), message_line("#a11")
        self.save = QPushButton()
        self.cancel = QPushButton()
        self.form = QFormLayout(self)
        self.form.addRow(QLabel(), self.locale_combo)
        self.form.addRow(QLabel(), self.title_edit)
        self.form.addRow(QLabel(), self.body)
        self.form.addRow(self.stale)
        self.form.addRow(self.problem)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.save)
        self.form.addRow(buttons)
        self.locale_combo.currentIndexChanged.connect(lambda _i: self._fill())
        self.save.clicked.connect(self.save_variant)
        self.cancel.clicked.connect(self.hide)
        translate_ui(self)
        self.hide()

    def retranslate_ui(self) -> None:
        """Texts in the current UI language."""
        for index in range(self.locale_combo.count()):  # the language a variant is written in
            self.locale_combo.setItemText(index, language_name(str(self.locale_combo.itemData(index))))
        self.setTitle(_("Edit the response"))
        label_rows(self.form, ((_("Language"), self.locale_combo), (_("Title"), self.title_edit),
                               (_("Text"), self.body)))
        self.save.setText(_("Save this language"))
        self.cancel.setText(_("Close"))
        self._show_stale()

    def open_for(self, key: str) -> None:
        """Load response ``key`` and show the editor."""
        desk = self._desk
        self._runner.submit(lambda: desk.response_detail(key), self._loaded, self._failed)

    def _loaded(self, detail: ResponseDetail) -> None:
        self.detail = detail
        self.problem.clear()
        self._fill()
        self.show()
        self.body.setFocus()

    def _fill(self) -> None:
        if self.detail is None:
            return
        variant = self.detail.variant(self.locale_combo.currentData())
        self.title_edit.setText(variant.title if variant else self.detail.title)
        self.body.setPlainText(variant.body if variant else "")
        self._show_stale()

    def _show_stale(self) -> None:
        show_stale(self.stale, self.detail.variants if self.detail is not None else ())

    def save_variant(self) -> None:
        """Save the shown language; problems (with line numbers) are shown and the text is kept."""
        if self.detail is None:
            return
        key, locale, desk = self.detail.key, self.locale_combo.currentData(), self._desk
        title, body = self.title_edit.text().strip(), self.body.toPlainText()
        self._runner.submit(lambda: (desk.save_variant(key, locale, title, body), desk.response_detail(key)),
                            lambda result: self._saved(result[1]), self._failed)

    def _saved(self, detail: ResponseDetail) -> None:
        self.detail = detail
        self.problem.clear()
        self._show_stale()
        self.saved.emit(detail.key)

    def _failed(self, exc: Exception) -> None:
        lines = [self._describe(exc)]
        lines += [p.message for p in getattr(exc, "problems", ())]
        self.problem.setText("\n".join(dict.fromkeys(lines)))
