"""Every text a window shows (labels, buttons, tooltips, items, headers, cells, menus) and the English left in it.

A language switch must leave no English where the catalog has a translation. Each shown text is
cut at the separators the UI joins words with (" · ", ": ", brackets, lines, HTML tags); a piece
that is exactly an English msgid whose translation in the current catalog differs is a leak.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QTabBar,
    QWidget,
)

_PIECES = re.compile(r"<[^>]+>|\s·\s|:\s|[()\n]|\s—\s|…$")
_SHOWN_ROWS = 30


@cache
def english_msgids() -> frozenset[str]:
    """Every singular msgid of the template (the English texts the UI can show)."""
    with (Path(__file__).parents[2] / "translations" / "deskapp.pot").open("rb") as handle:
        return frozenset(m.id for m in read_po(handle) if isinstance(m.id, str) and m.id)


def _model_texts(model: QAbstractItemModel | None, columns: int | None) -> Iterator[str]:
    if model is None:
        return
    root = QModelIndex()
    columns = model.columnCount(root) if columns is None else columns
    for column in range(columns):
        header = model.headerData(column, Qt.Orientation.Horizontal)
        if isinstance(header, str):
            yield header
    for row in range(min(model.rowCount() if columns == 1 else model.rowCount(root), _SHOWN_ROWS)):
        for column in range(columns):
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.data(model.index(row, column, root), role)
                if isinstance(value, str):
                    yield value


def _widget_texts(widget: QWidget) -> Iterator[str]:
    yield widget.toolTip()
    yield widget.accessibleName()
    if isinstance(widget, QLabel | QAbstractButton):
        yield widget.text()
    if isinstance(widget, QLineEdit | QPlainTextEdit):
        yield widget.placeholderText()
    if isinstance(widget, QGroupBox):
        yield widget.title()
    if isinstance(widget, QComboBox):
        yield from (widget.itemText(i) for i in range(widget.count()))
    if isinstance(widget, QTabBar):
        for index in range(widget.count()):
            yield widget.tabText(index)
            yield widget.tabToolTip(index)
    if isinstance(widget, QAbstractItemView):
        # A list widget's model keeps columnCount(parent) private: a list has one column.
        yield from _model_texts(widget.model(), 1 if isinstance(widget, QListView) else None)


def shown_texts(window: QWidget) -> list[tuple[str, str]]:
    """(widget class, text) for every non-empty text ``window`` shows, its menus included."""
    found: list[tuple[str, str]] = [("window", window.windowTitle())]
    for widget in window.findChildren(QWidget):
        if widget.window() is window and widget.isVisibleTo(window):
            found.extend((type(widget).__name__, text) for text in _widget_texts(widget))
    if isinstance(window, QMainWindow):
        for action in window.menuBar().actions():
            found.append(("menu", action.text()))
            menu = action.menu()
            if isinstance(menu, QMenu):
                found.extend(("menu item", item.text()) for item in menu.actions())
                found.extend(("menu item", item.toolTip()) for item in menu.actions())
        found.extend(("action", action.text()) for action in window.actions())
    return [(kind, text) for kind, text in found if text and text.strip()]


def english_left(window: QWidget, catalog: gettext.NullTranslations, allowed: Iterable[str] = ()) -> list[str]:
    """Shown texts (or pieces of them) still in English although ``catalog`` translates them.

    ``allowed`` are texts meant to stay as they are (the language menu names each language in itself).
    """
    msgids = english_msgids() - set(allowed)
    leaks: set[str] = set()
    for kind, text in shown_texts(window):
        for piece in {text, *(p.strip() for p in _PIECES.split(text))}:
            if piece in msgids and catalog.gettext(piece) != piece:
                leaks.add(f"{kind}: {piece!r} in {text[:90]!r}")
    return sorted(leaks)


def start_script(qtbot: Any, window: Any) -> None:
    """Start the first call script on the open customer's case: its step, options and fields show."""
    window.notes.side_tabs.setCurrentWidget(window.scripts)
    qtbot.waitUntil(lambda: window.scripts.picker.count() > 0, timeout=10000)
    window.scripts.start.click()
    qtbot.waitUntil(lambda: window.scripts.run is not None, timeout=10000)
