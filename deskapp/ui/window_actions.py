"""The main window's keyboard shortcuts and its Language and View menus.

Built with the first frame, so nothing here touches Qt's ``Qt`` namespace (see
``deskapp.ui.main_window``). What each shortcut does is the window's business: it passes a
handler for every name in :data:`SHORTCUTS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from deskapp.core.i18n import N_, _, current_locale
from deskapp.ui.language import language_choices

# (action name, shortcuts, description) — the F1 overlay lists exactly these.
SHORTCUTS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("focus_search", ("Ctrl+L", "F3"), N_("Find a customer")),
    ("search_clipboard", ("Ctrl+Shift+V",), N_("Search for the phone, account or email on the clipboard")),
    ("new_case", ("Ctrl+N",), N_("New case for the open customer")),
    ("focus_note", ("Ctrl+E",), N_("Write in the note")),
    ("save_note", ("Ctrl+S",), N_("Save the note")),
    ("responses", ("Ctrl+R",), N_("Find a scripted response (Enter inserts it into the note)")),
    ("knowledge", ("Ctrl+K",), N_("Search the knowledge base, also ?? in the note (Enter inserts the answer)")),
    ("next_caller", ("Ctrl+Shift+N",), N_("Next caller: clear and search again")),
    ("customer_rating", ("Ctrl+Shift+F",), N_("The customer rates the selected case on the customer screen")),
    ("next_callback", ("Ctrl+Shift+B",), N_("Next due callback (in the phone tab)")),
    ("privacy", ("Ctrl+Shift+P",), N_("Privacy mask on or off (hides phone, email, birth year, income)")),
    ("compact", ("Ctrl+Shift+M",), N_("Compact always-on-top window on or off")),
    ("language", ("Ctrl+Shift+L",), N_("Next user-interface language")),
    ("help", ("F1",), N_("Show these shortcuts")),
    ("quit", ("Ctrl+Q",), N_("Quit")),
)

# Keys that act elsewhere (a panel, a menu): the F1 card lists them too, after the window's own.
OTHER_KEYS: tuple[tuple[str, str], ...] = (
    ("Ctrl+P", N_("Print the case summary (PDF)")),
    ("Alt+1 … Alt+9", N_("Choose an answer in the call script")),
    ("↑ / ↓", N_("Move through the search results or the responses while typing")),
    ("Tab / Shift+Tab", N_("Move to the next or previous field")),
)

_CHECKABLE = frozenset({"privacy", "compact"})


def shortcut_rows() -> list[tuple[str, str]]:
    """(keys, description) for every shortcut, in the current UI language: the F1 card's rows."""
    return [(" / ".join(keys), _(text)) for _name, keys, text in SHORTCUTS] + \
        [(keys, _(text)) for keys, text in OTHER_KEYS]


class WindowActions:
    """One action per shortcut on ``window``, then its Language and View menus."""

    def __init__(self, window: QMainWindow, handlers: Mapping[str, Callable[[], object]],
                 set_language: Callable[[str], None]) -> None:
        self.by_name: dict[str, QAction] = {}
        for name, keys, _text in SHORTCUTS:
            action = QAction(window)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setCheckable(name in _CHECKABLE)
            action.triggered.connect(handlers[name])
            window.addAction(action)
            self.by_name[name] = action
        self.language_menu = window.menuBar().addMenu("")
        self.language_actions: dict[str, QAction] = {}
        for code, name in language_choices():
            action = self.language_menu.addAction(name)
            action.setCheckable(True)
            action.triggered.connect(lambda _checked=False, code=code: set_language(code))
            self.language_actions[code] = action
        self.view_menu = window.menuBar().addMenu("")
        for name in ("privacy", "compact", "help"):
            self.view_menu.addAction(self.by_name[name])

    def retranslate_ui(self) -> None:
        """Action texts, tooltips (with their keys) and menu titles in the current UI language."""
        for name, keys, text in SHORTCUTS:
            self.by_name[name].setText(_(text))
            self.by_name[name].setToolTip(f"{_(text)} ({', '.join(keys)})")
        self.language_menu.setTitle(_("&Language"))
        self.view_menu.setTitle(_("&View"))
        for code, action in self.language_actions.items():
            action.setChecked(code == current_locale())
