"""Small widgets: the message banner and the keyboard-shortcut overlay."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QTableView,
    QWidget,
)

from deskapp.core.i18n import _
from deskapp.ui.language import translate_ui

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent, QMouseEvent

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
        self.hide()
        translate_ui(self)

    def show_message(self, text: str, kind: str = "error", action: str | None = None) -> None:
        """Show ``text``; ``action`` adds a button whose click emits ``action_clicked``."""
        self.kind = kind
        self.setStyleSheet(f"#banner {{{_STYLES[kind]} border-radius:4px;}} QLabel {{font-weight:600;}}")
        self.label.setText(text)
        self.setAccessibleDescription(text)
        self.action.setVisible(action is not None)
        self.action.setText(action or "")
        self.show()

    def retranslate_ui(self) -> None:
        """Texts in the current UI language."""
        self.close_button.setToolTip(_("Dismiss"))
        self.close_button.setAccessibleName(_("Dismiss message"))


class ShortcutOverlay(QFrame):
    """F1: every shortcut on one card over the window; any key or click closes it."""

    def __init__(self, parent: QWidget, shortcuts: list[tuple[str, str]]) -> None:
        from PySide6.QtCore import Qt

        super().__init__(parent)
        self.setObjectName("shortcutOverlay")
        self.setStyleSheet("#shortcutOverlay {background: rgba(20,24,32,235); border-radius: 10px;}"
                           "QLabel {color: white; font-size: 13px;}")
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
        self.label.adjustSize()
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
