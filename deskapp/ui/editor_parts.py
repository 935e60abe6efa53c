"""Pieces the response and article editors share: their frame, a language picker, message lines, form labels."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from deskapp.core.i18n import UI_LOCALES, _, language_name
from deskapp.ui.jobs import JobRunner
from deskapp.ui.language import NATIVE_NAMES, translate_ui

if TYPE_CHECKING:
    from deskapp.core.services.desk import Desk


class _Translation(Protocol):
    @property
    def locale(self) -> str: ...

    @property
    def stale(self) -> bool: ...


def language_combo() -> QComboBox:
    """A picker of the desk's languages by their own names; the item data is the code."""
    combo = QComboBox()
    for code in UI_LOCALES:
        combo.addItem(NATIVE_NAMES[code], code)
    return combo


def message_line(colour: str) -> QLabel:
    """A wrapping label for a remark under a form (amber: out of date; red: a problem)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(f"color:{colour};")
    return label


def label_rows(form: QFormLayout, rows: Sequence[tuple[str, QWidget]]) -> None:
    """Set the label of the form's first rows, in order, and each field's accessible name to it."""
    for row, (text, widget) in enumerate(rows):
        item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        label = item.widget() if item is not None else None
        if isinstance(label, QLabel):
            label.setText(text)
        widget.setAccessibleName(text)


def show_stale(label: QLabel, variants: Iterable[_Translation]) -> None:
    """Say which languages are older than the source text (hidden when none is)."""
    stale = [language_name(v.locale) for v in variants if v.stale]  # in the rep's language
    label.setVisible(bool(stale))
    label.setText(
        _("Out of date compared with the source text: {languages}. Check and save them again.").format(
            languages=", ".join(stale)
        )
    )


class LanguageEditor(QGroupBox):
    """An inline editor of a text kept in several languages (no modal dialog): pick a language, change, save.

    A subclass makes its other fields, then calls :meth:`finish_form`; it fills the fields from the
    chosen language in :meth:`fill` and names the variants that may be out of date in :meth:`translations`.
    """

    saved = Signal(str)

    def __init__(self, runner: JobRunner, desk: Desk, describe: Callable[[Exception], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._desk, self._describe = runner, desk, describe
        self.locale_combo = language_combo()
        self.title_edit = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        self.stale, self.problem = message_line("#8a5a00"), message_line("#a11")
        self.save, self.cancel = QPushButton(), QPushButton()
        self.form = QFormLayout(self)

    def finish_form(self, fields: Iterable[QWidget], save: Callable[[], None]) -> None:
        """Lay out ``fields`` (each a labelled row), the remark lines and Close and Save; translate; stay hidden."""
        for widget in fields:
            self.form.addRow(QLabel(), widget)
        self.form.addRow(self.stale)
        self.form.addRow(self.problem)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.save)
        self.form.addRow(buttons)
        self.locale_combo.currentIndexChanged.connect(lambda _i: self.fill())
        self.save.clicked.connect(save)
        self.cancel.clicked.connect(self.hide)
        translate_ui(self)
        self.hide()

    def retranslate_buttons(self) -> None:
        """The buttons' texts and the out-of-date remark in the current UI language."""
        self.save.setText(_("Save this language"))
        self.cancel.setText(_("Close"))
        self.show_stale()

    def fill(self) -> None:
        """Show the chosen language's texts (the subclass's fields)."""
        raise NotImplementedError

    def translations(self) -> Iterable[_Translation]:
        """The variants shown, for the out-of-date remark (none when nothing is loaded)."""
        raise NotImplementedError

    def show_stale(self) -> None:
        """Say which languages are out of date (:func:`show_stale`)."""
        show_stale(self.stale, self.translations())

    def show_loaded(self) -> None:
        """Show the editor with what was loaded, no problem shown, ready to type in the text."""
        self.problem.clear()
        self.fill()
        self.show()
        self.body.setFocus()

    def show_saved(self, key: str) -> None:
        """After a save: no problem to show, the remark brought up to date, ``saved`` emitted."""
        self.problem.clear()
        self.show_stale()
        self.saved.emit(key)
