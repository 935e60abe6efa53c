"""How the main window looks for the moment: privacy mask, compact always-on-top, UI language.

Each is a toggle or a choice the rep makes with a shortcut or the View and Language menus; the
language chosen is remembered for the signed-in agent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from deskapp.core.i18n import current_locale
from deskapp.ui.language import language_choices, switch_language

if TYPE_CHECKING:
    from deskapp.ui.main_window import MainWindow


class WindowModes(QObject):
    """The privacy mask, compact mode and UI language of one main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)  # a child of the window: its slots and timers end with it
        self._window = window
        self.compact = False

    def toggle_privacy(self) -> None:
        """Mask personal data while the customer can see the screen."""
        window = self._window
        on = not window.panel.privacy
        window.actions_by_name["privacy"].setChecked(on)
        window.panel.set_privacy(on)
        window.results_model.set_privacy(on)
        window.update_status()

    def toggle_compact(self) -> None:
        """A small always-on-top window: search, current customer and note."""
        self.compact = not self.compact
        self._window.actions_by_name["compact"].setChecked(self.compact)
        self._apply_compact()
        self._window.show()

    def _apply_compact(self) -> None:
        from PySide6.QtCore import Qt

        window, panel = self._window, self._window.panel
        beside_note = window.notes.splitter.widget(1)  # the tabs beside the note: always there
        for widget in (panel.history, panel.details, beside_note):
            if widget is not None:
                widget.setVisible(not self.compact and (widget is not panel.history or bool(panel.profile)))
        window.split.setOrientation(Qt.Orientation.Vertical if self.compact else Qt.Orientation.Horizontal)
        window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, self.compact)
        if self.compact:
            window.resize(440, 680)
            window.split.setSizes([200, 420])
            window.right.setSizes([panel.identity.sizeHint().height(), 400])
        else:
            window.resize(1200, 760)
            window.split.setSizes([430, 770])
            window.right.setSizes([310, 450])

    def set_language(self, code: str) -> None:
        """Switch the whole UI to ``code`` now, and remember it for this agent."""
        window = self._window
        used = switch_language(code)
        if window.desk is not None:
            desk = window.desk
            window.runner.submit(lambda: desk.set_ui_locale(used), None, window.connection.show_error)

    def next_language(self) -> None:
        """The next language in the menu."""
        codes = [code for code, _name in language_choices()]
        self.set_language(codes[(codes.index(current_locale()) + 1) % len(codes)])
