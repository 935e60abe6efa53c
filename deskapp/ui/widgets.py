"""Small widgets: the message banner and the keyboard-shortcut overlay."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, QMimeData, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QWidget,
)

from deskapp.core.i18n import _
from deskapp.ui.language import translate_ui

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent, QMouseEvent

Text = str | Callable[[], str]  # a text, or what writes it in the current UI language

_STYLES = {
    "error": "background:#fde8e8; color:#7a1212; border:1px solid #e6a1a1;",
    "warning": "background:#fff4d6; color:#5c4400; border:1px solid #e8cf85;",
    "info": "background:#e6f0fb; color:#113a66; border:1px solid #a9c6ea;",
}


def row_table(model: QAbstractItemModel) -> QTableView:
    """A read-only table of whole rows (one selected at a time), as every list in deskapp is."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    return table


def compact_rows(table: QTableView) -> None:
    """Rows as tall as a line of text and a little air (the style's default fits far fewer in a pane)."""
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)


def whole_items(combo: QComboBox) -> None:
    """A combo box as wide as its longest item, never squeezed narrower ("Kaikki tapau…")."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    combo.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)


def clear_layout(layout: QLayout) -> None:
    """Remove every item of ``layout`` and delete its widgets (a form rebuilt for new data)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()


class Banner(QFrame):
    """A strip across the top of the window for what the rep must not miss."""

    action_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        from PySide6.QtCore import Qt  # not at import: the main window's first frame imports row_table

        super().__init__(parent)
        self.setObjectName("banner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action = QPushButton()
        self.action.clicked.connect(self.action_clicked)
        self.close_button = QPushButton("×")
        self.close_button.setFlat(True)
        self.close_button.setFixedWidth(28)
        self.close_button.clicked.connect(self.hide)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action)
        layout.addWidget(self.close_button)
        self.kind = ""
        self._text: Text = ""
        self._action_text: Text | None = None
        self.hide()
        translate_ui(self)

    def show_message(self, text: Text, kind: str = "error", action: Text | None = None) -> None:
        """Show ``text``; ``action`` adds a button whose click emits ``action_clicked``.

        Either may be a callable that writes the text: it is asked again after a language switch,
        so the message shown follows the new language.
        """
        self.kind = kind
        self.setStyleSheet(f"#banner {{{_STYLES[kind]} border-radius:4px;}} QLabel {{font-weight:600;}}")
        self._text, self._action_text = text, action
        self.action.setVisible(action is not None)
        self._write()
        self.show()

    def _write(self) -> None:
        text = self._text() if callable(self._text) else self._text
        self.label.setText(text)
        self.setAccessibleDescription(text)
        action = self._action_text() if callable(self._action_text) else self._action_text
        self.action.setText(action or "")

    def retranslate_ui(self) -> None:
        """Texts in the current UI language, the message shown included where it can be rewritten."""
        self.close_button.setToolTip(_("Dismiss"))
        self.close_button.setAccessibleName(_("Dismiss message"))
        self._write()


class ShortcutOverlay(QFrame):
    """F1: every shortcut on one card over the window; any key or click closes it."""

    def __init__(self, parent: QWidget, shortcuts: list[tuple[str, str]]) -> None:
        from PySide6.QtCore import Qt

        super().__init__(parent)
        self.setObjectName("shortcutOverlay")
        # Opaque: the window's own texts showing through made the card hard to read.
        self.setStyleSheet("#shortcutOverlay {background: #141820; border: 1px solid #3a4150; border-radius: 10px;}"
                           "QLabel {color: white; font-size: 13px; background: #141820;}")
        self.setAutoFillBackground(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setMargin(18)
        self.set_shortcuts(shortcuts)
        self.hide()

    def set_shortcuts(self, shortcuts: list[tuple[str, str]]) -> None:
        """Fill the card (keys are shown as written, descriptions already translated).

        Laid out when shown, not on every language switch: rich-text layout is the slow part.
        """
        self._shortcuts = shortcuts
        if self.isVisible():
            self._layout_card()

    def _layout_card(self) -> None:
        rows = "".join(
            f"<tr><td style='padding:3px 18px 3px 0'><b>{keys}</b></td><td style='padding:3px 0'>{text}</td></tr>"
            for keys, text in self._shortcuts
        )
        title = _("Keyboard shortcuts")
        self.label.setText(f"<h3 style='margin:0 0 8px 0'>{title}</h3><table>{rows}</table>")
        self.label.setWordWrap(False)
        self.label.adjustSize()
        parent = self.parentWidget()
        room = parent.width() - 16 if parent is not None else self.label.width()
        if self.label.width() > room:  # a narrow (compact) window: the descriptions wrap, the card stays inside
            self.label.setWordWrap(True)
            self.label.resize(room, self.label.heightForWidth(room))
        self.resize(self.label.size())

    def popup(self) -> None:
        """Show centred over the parent."""
        self._layout_card()
        parent = self.parentWidget()
        if parent is not None:  # always, as the constructor asks for one
            self.move((parent.width() - self.width()) // 2, (parent.height() - self.height()) // 3)
        self.show()
        self.raise_()
        self.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.hide()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.hide()


def mime_text(mime: QMimeData) -> str:
    """The plain text of clipboard or drop data: its text, else its HTML turned into text.

    Some programs (web mail, a CRM page) put only HTML on the clipboard; Qt's plain-text widgets
    then paste nothing at all.
    """
    if mime.hasText() and mime.text():
        return mime.text()
    if mime.hasHtml():
        from PySide6.QtGui import QTextDocumentFragment

        return QTextDocumentFragment.fromHtml(mime.html()).toPlainText().replace("\u2029", "\n")
    return ""


class PlainTextEditor(QPlainTextEdit):
    """A plain-text editor that pastes the text of HTML-only data, and says when there is no text."""

    paste_refused = Signal(str)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasText() or source.hasHtml() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        text = mime_text(source)
        if text:
            self.insertPlainText(text)
        else:  # an image, a file: nothing a note can hold; silence would look like a broken paste
            self.paste_refused.emit(_("Nothing was pasted: the clipboard holds no text (only a picture or a file)."))


def localise_date_edit(edit: QDateEdit) -> None:
    """Show ``edit``'s date in the UI language's medium form ("Oct 13, 2026", "13.10.2026", "13 oct 2026").

    The same form as every date the window shows (Babel's "medium"), never the short "10/13/26";
    call again after a language switch.
    """
    import re

    from babel.dates import get_date_format

    from deskapp.core.i18n import babel_locale

    pattern = get_date_format("medium", locale=babel_locale()).pattern
    # Babel (CLDR) and Qt share d, M, MMM; a CLDR year of any width is the full year in Qt.
    edit.setDisplayFormat(re.sub(r"y+", "yyyy", pattern))
