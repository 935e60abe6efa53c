"""How the main window looks for the moment: privacy mask, compact always-on-top, UI language.

Each is a toggle or a choice the rep makes with a shortcut or the View and Language menus; the
language chosen is remembered for the signed-in agent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow, QSplitter

from deskapp.ui.language import next_language_code, switch_language

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from deskapp.ui.customer_panel import CustomerPanel
    from deskapp.ui.customer_search import CustomerSearch
    from deskapp.ui.desk_access import DeskAccess
    from deskapp.ui.note_editor import NoteEditor


class WindowModes(QObject):
    """The privacy mask, compact mode and UI language of one main window.

    ``window`` is the top-level window it resizes and keeps on top; ``splitters`` are the one that
    holds the results beside (or, compact, above) the other, the customer above the note.
    """

    privacy_changed = Signal(bool)

    def __init__(self, access: DeskAccess, window: QMainWindow, actions: Mapping[str, QAction],
                 search: CustomerSearch, *, splitters: tuple[QSplitter, QSplitter],
                 restore_layout: Callable[[], None] = lambda: None) -> None:
        super().__init__(access)
        self._access = access
        self._window = window
        self._actions = actions
        self._search = search
        self._split, self._right = splitters
        self._panels: tuple[CustomerPanel, NoteEditor] | None = None
        self.compact = False
        self._normal_size = window.size()
        self.restore_layout = restore_layout  # the window's own divider positions, after compact mode

    def attach(self, panel: CustomerPanel, notes: NoteEditor) -> None:
        """The customer panel and note editor, once built (the modes act on them)."""
        self._panels = (panel, notes)

    def _attached(self) -> tuple[CustomerPanel, NoteEditor]:
        assert self._panels is not None, "the window builds its panels before changing modes"
        return self._panels

    def toggle_privacy(self) -> None:
        """Mask personal data while the customer can see the screen."""
        panel, _notes = self._attached()
        on = not panel.privacy
        self._actions["privacy"].setChecked(on)
        panel.set_privacy(on)
        self._search.set_privacy(on)  # the typed query and the results list identify people too
        self.privacy_changed.emit(on)

    def toggle_compact(self) -> None:
        """A small always-on-top window: search, current customer and note."""
        self.compact = not self.compact
        self._actions["compact"].setChecked(self.compact)
        self._apply_compact()
        self._window.show()

    def _apply_compact(self) -> None:
        from PySide6.QtCore import Qt

        window, (panel, notes) = self._window, self._attached()
        beside_note = notes.splitter.widget(1)  # the tabs beside the note: always there
        for widget in (panel.history, panel.details, beside_note):
            if widget is not None:
                widget.setVisible(not self.compact and (widget is not panel.history or bool(panel.profile)))
        self._split.setOrientation(Qt.Orientation.Vertical if self.compact else Qt.Orientation.Horizontal)
        window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, self.compact)
        layout = window.layout()
        if layout is not None:  # the minimum size of what is shown now, not of what was shown before
            layout.activate()
        if self.compact:
            self._normal_size = window.size()
            window.resize(440, 680)
            self._split.setSizes([200, 420])
            self._right.setSizes([panel.identity.sizeHint().height(), 400])
        else:
            window.resize(self._normal_size)  # the size the rep had before
            self.restore_layout()

    def set_language(self, code: str) -> None:
        """Switch the whole UI to ``code`` now, and remember it for this agent."""
        access = self._access
        used = switch_language(code)
        if access.desk is not None:
            desk = access.desk
            access.runner.submit(lambda: desk.set_ui_locale(used), None, access.show_error)

    def next_language(self) -> None:
        """The next language in the menu."""
        self.set_language(next_language_code())
