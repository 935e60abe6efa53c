"""The customer rating screen: its own screen, keys 1-5/Enter/Esc, timeouts, and nothing left of a customer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.domain.quality import Feedback
from deskapp.core.i18n import load_catalog
from deskapp.core.services.surveys.answers import ScreenSetup
from deskapp.core.storage.engine import make_engine
from deskapp.ui.customer_screen import IDLE, QUESTION, QUESTION_PAGE, REASONS_PAGE, THANKS_PAGE, CustomerScreen
from deskapp.ui.survey_launcher import REP_SCREEN, pick_screen

FIRST = ScreenSetup(case_id=7, brand_name="Nordic Telecom", background="#1f4e79", foreground="#ffffff",
                    timeout_seconds=30, language="fi")
SECOND = ScreenSetup(case_id=8, brand_name="Iberia Energía", background="#7a1f1f", foreground="#ffffff",
                     timeout_seconds=30, language="es")


class FakeScreen:
    """A monitor as the choice sees it (the offscreen platform has only one real screen)."""

    def __init__(self, name: str, geometry: QRect) -> None:
        self._name, self._geometry = name, geometry

    def name(self) -> str:
        return self._name

    def geometry(self) -> QRect:
        return self._geometry


REP, COUNTER = FakeScreen("rep", QRect(0, 0, 1366, 768)), FakeScreen("counter", QRect(1366, 0, 1280, 800))


@pytest.fixture
def screen(qtbot: QtBot) -> CustomerScreen:
    widget = CustomerScreen()
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    return widget


def shown_texts(widget: CustomerScreen) -> list[str]:
    """Every text a person could read on the screen now."""
    labels = [label.text() for label in widget.findChildren(QLabel) if label.isVisible()]
    buttons = [button.text() for button in widget.findChildren(QPushButton) if button.isVisible()]
    return [text for text in labels + buttons if text]


def test_the_screen_for_the_customer_is_the_remembered_or_the_other_one() -> None:
    two = [REP, COUNTER]
    assert pick_screen(two, "", "rep") is COUNTER  # a second screen: used without asking
    assert pick_screen(two, "counter", "rep") is COUNTER
    assert pick_screen(two, "gone", "rep") is COUNTER  # the remembered one unplugged
    assert pick_screen(two, REP_SCREEN, "rep") is None  # the station chose the rep's screen
    assert pick_screen([REP], "counter", "rep") is None  # no second screen: privacy mode


def test_keys_rate_tick_and_send(qtbot: QtBot, screen: CustomerScreen) -> None:
    screen.start(FIRST)
    assert screen.page == QUESTION_PAGE and screen.question.text() == load_catalog("fi").gettext(QUESTION)
    assert all(face.accessibleName() for face in screen.faces)
    qtbot.keyClick(screen, Qt.Key.Key_4)
    assert screen.page == REASONS_PAGE
    qtbot.keyClick(screen, Qt.Key.Key_1)
    qtbot.keyClick(screen, Qt.Key.Key_3)
    qtbot.keyClick(screen, Qt.Key.Key_3)  # ticked and unticked again
    with qtbot.waitSignal(screen.answered) as sent:
        qtbot.keyClick(screen, Qt.Key.Key_Return)
    assert sent.args == [7, 4, "fi", ["waiting_time"]]
    assert screen.page == THANKS_PAGE
    qtbot.keyClick(screen, Qt.Key.Key_Space)
    assert screen.page == IDLE and shown_texts(screen) == []  # nothing about anyone


def test_esc_cancels_the_question_and_skips_the_reasons(qtbot: QtBot, screen: CustomerScreen) -> None:
    answers: list[list[Any]] = []
    screen.answered.connect(lambda *args: answers.append(list(args)))
    screen.start(FIRST)
    qtbot.keyClick(screen, Qt.Key.Key_Escape)
    assert screen.page == IDLE and answers == []
    screen.start(FIRST)
    screen.faces[1].setFocus()
    qtbot.keyClick(screen, Qt.Key.Key_Enter)  # Enter picks the focused face
    qtbot.keyClick(screen, Qt.Key.Key_2)
    qtbot.keyClick(screen, Qt.Key.Key_Escape)  # the score is kept, the reasons are not
    assert answers == [[7, 2, "fi", []]]


def test_mouse_and_touch_pick_a_face_and_a_chip(qtbot: QtBot, screen: CustomerScreen) -> None:
    screen.start(FIRST)
    qtbot.mouseClick(screen.faces[4], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.chips["solved_problem"], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(screen.answered) as sent:
        qtbot.mouseClick(screen.send, Qt.MouseButton.LeftButton)
    assert sent.args == [7, 5, "fi", ["solved_problem"]]


def test_timeouts_go_back_to_idle(qtbot: QtBot, screen: CustomerScreen, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CustomerScreen, "ms_per_second", 5)
    answers: list[list[Any]] = []
    screen.answered.connect(lambda *args: answers.append(list(args)))
    screen.start(FIRST)  # nobody answers: nothing is saved
    qtbot.waitUntil(lambda: screen.page == IDLE, timeout=3000)
    assert answers == []
    screen.start(FIRST)
    qtbot.keyClick(screen, Qt.Key.Key_3)
    qtbot.keyClick(screen, Qt.Key.Key_2)  # a reason ticked, then the customer walks away
    qtbot.waitUntil(lambda: screen.page == IDLE, timeout=3000)
    assert answers == [[7, 3, "fi", []]]  # the score counts; an unsent tick does not
    assert shown_texts(screen) == []


def test_the_next_customer_sees_nothing_of_the_one_before(qtbot: QtBot, screen: CustomerScreen) -> None:
    screen.start(FIRST)
    qtbot.keyClick(screen, Qt.Key.Key_1)
    qtbot.keyClick(screen, Qt.Key.Key_1)
    qtbot.keyClick(screen, Qt.Key.Key_Return)
    screen.start(SECOND)
    texts = shown_texts(screen)
    assert "Nordic Telecom" not in texts and "Iberia Energía" in texts
    assert screen.question.text() == load_catalog("es").gettext(QUESTION)
    qtbot.keyClick(screen, Qt.Key.Key_5)
    assert screen.picked_reasons() == []  # no tick carried over
    with qtbot.waitSignal(screen.answered) as sent:
        qtbot.keyClick(screen, Qt.Key.Key_Return)
    assert sent.args == [8, 5, "es", []]
    qtbot.keyClick(screen, Qt.Key.Key_Return)  # a second Enter on the thanks page sends nothing more
    assert screen.page == IDLE


def test_a_rep_starts_it_and_the_answer_lands_as_customer_feedback(qtbot: QtBot, open_window: Any, desk_db: Path,
                                                                   tmp_path: Path) -> None:
    window = open_window(str(desk_db))
    qtbot.keyClicks(window.search, "makinen")
    qtbot.waitUntil(lambda: window.results_model.rowCount() == 1, timeout=5000)
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.notes.case_id is not None, timeout=5000)
    launcher = window.survey
    launcher._settings = QSettings(str(tmp_path / "station.ini"), QSettings.Format.IniFormat)
    launcher._screens = lambda: [FakeScreen(window.screen().name(), REP.geometry()), COUNTER]
    assert launcher.target() is COUNTER
    launcher.screen_menu.aboutToShow.emit()  # View > Customer screen: the other screens, then the rep's own
    choices = launcher.screen_menu.actions()
    assert [a.text() for a in choices] == ["counter (1280×800)", "This screen, turned towards the customer"]
    assert [a.isChecked() for a in choices] == [True, False]
    choices[1].trigger()  # no customer-facing monitor here: the rep turns theirs
    assert launcher.remembered() == REP_SCREEN and launcher.target() is None
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    customer = launcher.screen
    qtbot.waitUntil(lambda: customer.isVisible() and customer.page == QUESTION_PAGE, timeout=5000)
    assert customer.question.text() == load_catalog("fi").gettext(QUESTION)  # the customer's language
    assert "Jukka" not in " ".join(shown_texts(customer))
    assert window.panel.rating.text() == "Customer rating…"  # the rep's stays English
    qtbot.keyClick(customer, Qt.Key.Key_5)
    qtbot.keyClick(customer, Qt.Key.Key_2)
    qtbot.keyClick(customer, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "saved" in window.banner.label.text(), timeout=5000)
    qtbot.keyClick(customer, Qt.Key.Key_Return)
    assert not customer.isVisible()  # the rep's screen is theirs again
    engine = make_engine(f"sqlite:///{desk_db}")
    with Session(engine) as session:
        rows = session.execute(select(Feedback.source, Feedback.score, Feedback.language, Feedback.reasons)).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("customer", 5, "fi", ["friendliness"])]
    qtbot.mouseClick(window.panel.rating, Qt.MouseButton.LeftButton)  # the button in the case area
    qtbot.waitUntil(lambda: "already rated" in window.banner.label.text(), timeout=5000)  # one per visit
    launcher.remember("counter")  # a monitor facing the customer: the idle screen stays there, empty
    launcher.show_question(SECOND)
    assert customer.isVisible() and customer.isFullScreen() and not customer.hide_when_idle
    assert "customer screen" in window.banner.label.text()
    qtbot.keyClick(customer, Qt.Key.Key_Escape)
    assert customer.isVisible() and customer.page == IDLE and shown_texts(customer) == []


TWO_SCREENS = """
import sys
from PySide6.QtWidgets import QApplication
from deskapp.ui.customer_screen import CustomerScreen
from deskapp.ui.survey_launcher import pick_screen, place_on
app = QApplication([])
screens = app.screens()
rep = next(s for s in screens if s.name() == "rep")
target = pick_screen(screens, "counter", rep.name())
window = CustomerScreen()
place_on(window, target, rep)
app.processEvents()
print(len(screens), window.screen().name(), window.geometry().x(), window.isFullScreen(), window.hide_when_idle)
"""


def test_on_two_real_offscreen_screens_it_opens_full_screen_on_the_counter_one(tmp_path: Path) -> None:
    config = tmp_path / "screens.json"
    config.write_text(json.dumps({"screens": [
        {"name": "rep", "x": 0, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96, "logicalBaseDpi": 96,
         "dpr": 1},
        {"name": "counter", "x": 1366, "y": 0, "width": 1280, "height": 800, "logicalDpi": 96,
         "logicalBaseDpi": 96, "dpr": 1}]}), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    result = subprocess.run([sys.executable, "-c", TWO_SCREENS], env=env, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "counter", "1366", "True", "False"]
