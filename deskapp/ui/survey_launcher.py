"""The rep's side of the customer rating screen: which screen faces the customer, start, save the answer.

The screen that faces the customer is chosen in View ▸ Customer screen and remembered for this
station (QSettings: it is where this computer's monitors are, not who signs in). Without a second
screen the rep's own screen is used in a privacy-safe full-screen mode: the rating window covers
the rep's window (customer data included) until the customer has answered, then gives it back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QRect, QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QScreen
from PySide6.QtWidgets import QMenu, QWidget

from deskapp.core.i18n import N_, _, later
from deskapp.ui.language import translate_ui

if TYPE_CHECKING:
    from deskapp.core.services.surveys.answers import CustomerAnswer, ScreenSetup
    from deskapp.ui.customer_screen import CustomerScreen
    from deskapp.ui.desk_access import DeskAccess

SETTINGS_KEY = "customer_screen/screen"
REP_SCREEN = "@rep"  # the setting's value for "the rep's own screen, turned towards the customer"


class ScreenLike(Protocol):
    """What the choice needs of a screen (a QScreen, or a stand-in in tests)."""

    def name(self) -> str: ...

    def geometry(self) -> QRect: ...


def pick_screen(screens: Sequence[ScreenLike], remembered: str, rep_screen: str) -> ScreenLike | None:
    """The screen facing the customer, or ``None`` for the rep's own screen in privacy mode.

    The remembered screen when it is attached (and not the rep's), else the first other screen;
    ``None`` when the station chose the rep's screen or has no second one.
    """
    if remembered == REP_SCREEN:
        return None
    others = [screen for screen in screens if screen.name() != rep_screen]
    return next((screen for screen in others if screen.name() == remembered), others[0] if others else None)


def place_on(window: CustomerScreen, target: ScreenLike | None, rep_screen: ScreenLike | None) -> None:
    """Full screen on ``target``; with none, over the rep's own screen, on top, gone again once answered."""
    place = target if target is not None else rep_screen
    window.hide_when_idle = target is None
    window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, target is None)
    if isinstance(place, QScreen):
        window.setScreen(place)
    if place is not None:
        window.setGeometry(place.geometry())
    window.showFullScreen()


class SurveyLauncher(QObject):
    """Starts the rating screen for the selected case and stores what the customer answers."""

    def __init__(self, access: DeskAccess, window: QWidget, current_case: Callable[[], int | None], menu: QMenu, *,
                 screens: Callable[[], Sequence[ScreenLike]] = QGuiApplication.screens,
                 settings: QSettings | None = None) -> None:
        super().__init__(access)
        self._access, self._window, self._current_case = access, window, current_case
        self._screens = screens
        self._settings = settings if settings is not None else QSettings()
        self._screen: CustomerScreen | None = None
        self.screen_menu = menu.addMenu("")
        self.screen_menu.aboutToShow.connect(self._fill_menu)
        translate_ui(self)

    def retranslate_ui(self) -> None:
        """The menu's title in the rep's language (the rating screen keeps the customer's)."""
        self.screen_menu.setTitle(_("Customer screen"))

    @property
    def screen(self) -> CustomerScreen:
        """The rating window (made when first needed)."""
        if self._screen is None:
            from deskapp.ui.customer_screen import CustomerScreen

            self._screen = CustomerScreen(self._window)  # owned: it closes with the window, never keeps it open
            self._screen.answered.connect(self._save)
            self._screen.went_idle.connect(self._give_back)
        return self._screen

    def remembered(self) -> str:
        """The screen this station chose (a screen's name, :data:`REP_SCREEN`, or "" for none yet)."""
        return str(self._settings.value(SETTINGS_KEY, "") or "")

    def remember(self, name: str) -> None:
        """Use screen ``name`` (or :data:`REP_SCREEN`) for the customer from now on, on this station."""
        self._settings.setValue(SETTINGS_KEY, name)
        self._settings.sync()

    def target(self) -> ScreenLike | None:
        """Where the customer rates: a screen of its own, or ``None`` for the rep's screen."""
        rep = self._window.screen()
        return pick_screen(self._screens(), self.remembered(), rep.name() if rep is not None else "")

    def start(self) -> None:
        """Ask the customer of the selected case to rate it (the rep's shortcut and button)."""
        case_id, access = self._current_case(), self._access
        if access.desk is None or case_id is None:
            access.banner.show_message(lambda: _("Select a case first: the customer rates the selected case."), "info")
            return
        from deskapp.core.services.surveys.answers import screen_setup

        desk = access.desk
        access.runner.submit(lambda: desk.as_agent(screen_setup, case_id), self.show_question, access.show_error)

    def show_question(self, setup: ScreenSetup) -> None:
        """Put the question on the customer's screen (or over the rep's, in privacy mode)."""
        screen, target = self.screen, self.target()
        screen.start(setup)
        place_on(screen, target, self._window.screen())
        if target is None:
            if QGuiApplication.platformName() != "offscreen":
                screen.activateWindow()
            message = N_("Turn the screen towards the customer: they rate the case, then your view comes back.")
        else:
            message = N_("The customer is rating the case on the customer screen.")
        self._access.banner.show_message(lambda: _(message), "info")

    def _give_back(self) -> None:
        """The rep's own screen was the customer's: hand the keyboard back to the rep's window."""
        screen = self._screen
        # The headless platform (tests) cannot activate windows and warns if asked to.
        if screen is not None and screen.hide_when_idle and QGuiApplication.platformName() != "offscreen":
            self._window.raise_()
            self._window.activateWindow()

    def _save(self, case_id: int, score: int, language: str, reasons: list[str]) -> None:
        from deskapp.core.services.surveys.answers import record_customer_answer

        access = self._access
        desk = access.open_desk
        access.runner.submit(
            lambda: desk.as_agent(record_customer_answer, case_id, score, language=language, reasons=reasons),
            self._saved, access.show_error)

    def _saved(self, answer: CustomerAnswer) -> None:
        self._access.banner.show_message(
            later("The customer's rating ({score} of 5) is saved on the case.", score=answer.score), "info")

    def _fill_menu(self) -> None:
        menu = self.screen_menu
        menu.clear()
        group = QActionGroup(menu)
        rep = self._window.screen()
        rep_name = rep.name() if rep is not None else ""
        chosen = self.target()
        choices: list[tuple[str, str]] = [
            (screen.name(), _("{name} ({width}×{height})").format(name=screen.name(), width=screen.geometry().width(),
                                                                  height=screen.geometry().height()))
            for screen in self._screens() if screen.name() != rep_name]
        choices.append((REP_SCREEN, _("This screen, turned towards the customer")))
        for name, text in choices:
            action = QAction(text, menu)
            action.setCheckable(True)
            action.setChecked(name == (chosen.name() if chosen is not None else REP_SCREEN))
            action.triggered.connect(lambda _checked=False, name=name: self.remember(name))
            group.addAction(action)
            menu.addAction(action)
