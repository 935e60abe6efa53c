"""Finding ``&`` accelerator clashes: two Alt+letter keys in one menu bar, one menu or one window.

Qt gives a label's buddy, a button, a check box, a tab or a group box an Alt+letter shortcut from
the ``&`` in its text; a menu bar's titles share the same keys with what its window shows. Two
with the same letter at once and Alt+letter cycles between them instead of acting.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMenu,
    QMenuBar,
    QTabBar,
    QTabWidget,
    QWidget,
)


def mnemonic(text: str) -> str | None:
    """The accelerator letter of ``text`` ("C&hannel" → "h"), ``None`` without one ("&&" is a literal &)."""
    index = 0
    while (index := text.find("&", index)) != -1 and index + 1 < len(text):
        if text[index + 1] != "&":
            return text[index + 1].casefold()
        index += 2
    return None


def clashes(scope: str, texts: Iterable[str]) -> list[str]:
    """``scope: key: text, text`` for every key more than one of ``texts`` uses."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for text in texts:
        key = mnemonic(text)
        if key is not None:
            by_key[key].append(text)
    return [f"{scope}: Alt+{key.upper()}: {' / '.join(found)}" for key, found in sorted(by_key.items())
            if len(found) > 1]


def menu_titles(bar: QMenuBar) -> list[str]:
    """Every top-level menu title of ``bar`` (hidden ones too: another role sees them)."""
    return [action.text() for action in bar.actions() if action.menu() is not None]


def menu_clashes(scope: str, bar: QMenuBar) -> list[str]:
    """Clashes among ``bar``'s titles and, menu by menu, among each menu's items."""
    found = clashes(f"{scope} menu bar", menu_titles(bar))
    for action in bar.actions():
        menu = action.menu()
        if isinstance(menu, QMenu):
            found += clashes(f"{scope} menu {menu.title()!r}", (a.text() for a in menu.actions() if a.text()))
    return found


def _shown_texts(window: QWidget) -> list[str]:
    texts: list[str] = []
    for widget in window.findChildren(QWidget):
        if widget.window() is not window or not widget.isVisibleTo(window):  # a dialog of its own
            continue
        if isinstance(widget, QAbstractButton) or (isinstance(widget, QLabel) and widget.buddy() is not None):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabBar):
            texts.extend(widget.tabText(i) for i in range(widget.count()) if widget.isTabVisible(i))
    if isinstance(window, QMainWindow):
        texts.extend(action.text() for action in window.menuBar().actions()
                     if action.menu() is not None and action.isVisible())
    return texts


def window_clashes(scope: str, window: QWidget) -> list[str]:
    """Clashes among what ``window`` shows at once, with each page of each of its tab widgets in front."""
    found = clashes(scope, _shown_texts(window))
    for tabs in window.findChildren(QTabWidget):
        if tabs.window() is not window or not tabs.isVisibleTo(window):
            continue
        keep = tabs.currentIndex()
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            QApplication.processEvents()
            found += clashes(f"{scope} / {tabs.tabText(index)}", _shown_texts(window))
        tabs.setCurrentIndex(keep)
    if isinstance(window, QMainWindow):
        found += menu_clashes(scope, window.menuBar())
    return sorted(set(found))
