"""Signing in at start-up: a wrong password is refused in words, the role decides the menus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from deskapp.core.i18n import _, current_locale, load_catalog

pytestmark = pytest.mark.usefixtures("english_afterwards")


@pytest.fixture
def signing_in(qtbot: QtBot, make_window: Any) -> Any:
    """A main window on the demo database, waiting at the sign-in dialog."""

    def make(db: Path) -> Any:
        window = make_window(db, sign_in=True)
        qtbot.waitUntil(lambda: window.menus.sign_in_dialog is not None and window.menus.sign_in_dialog.isVisible(),
                        timeout=20000)
        assert not window.is_ready  # nobody works until someone signed in
        return window

    return make


def _sign_in(qtbot: QtBot, window: Any, username: str, password: str) -> Any:
    dialog = window.menus.sign_in_dialog
    dialog.username.setText(username)
    dialog.password.setText(password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter submits
    return dialog


def test_wrong_password_is_refused_with_the_username_kept(qtbot: QtBot, signing_in: Any, demo_db: Path) -> None:
    window = signing_in(demo_db)
    dialog = _sign_in(qtbot, window, "anna", "not-her-password")
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10000)
    assert dialog.error.text() == _("The username or password is wrong, or the account is disabled. Check them "
                                    "and try again, or ask an administrator.")
    assert dialog.username.text() == "anna"
    assert dialog.password.text() == ""
    assert dialog.isVisible() and not window.is_ready
    # The message follows a language switch made in the dialog itself.
    dialog.language.setCurrentIndex(dialog.language.findData("fi"))
    dialog.language.activated.emit(dialog.language.currentIndex())
    assert current_locale() == "fi"
    assert dialog.windowTitle() == load_catalog("fi").gettext("Sign in to deskapp")
    assert dialog.error.text() == _("The username or password is wrong, or the account is disabled. Check them "
                                    "and try again, or ask an administrator.")
    assert dialog.ok_button.text() == load_catalog("fi").gettext("Sign in")


def test_empty_fields_are_asked_for_without_a_database_call(qtbot: QtBot, signing_in: Any, demo_db: Path) -> None:
    window = signing_in(demo_db)
    dialog = _sign_in(qtbot, window, "anna", "")
    assert dialog.error.isVisible()
    assert dialog.error.text() == _("Type your username and password.")


def test_a_rep_signs_in_and_gets_no_supervisor_menu(qtbot: QtBot, signing_in: Any, demo_db: Path) -> None:
    window = signing_in(demo_db)
    _sign_in(qtbot, window, "Anna", "demo-anna")  # usernames are not case-sensitive
    qtbot.waitUntil(lambda: window.is_ready, timeout=20000)
    assert window.info.agent_name == "Anna Virtanen"
    assert "Anna Virtanen" in window.status_agent.text()
    assert not window.menus.supervisor_menu.menuAction().isVisible()
    assert window.menus.my_reviews.isEnabled()
    window.menus.show_supervisor_window()  # even when asked directly
    assert window.menus.supervisor_window is None


def test_a_supervisor_gets_the_supervisor_menu_and_window(qtbot: QtBot, signing_in: Any, demo_db: Path) -> None:
    window = signing_in(demo_db)
    _sign_in(qtbot, window, "sam", "demo-sam")
    qtbot.waitUntil(lambda: window.is_ready, timeout=20000)
    assert window.desk.agent_id == window.info.agent_id
    assert "Sam Taylor" in window.status_agent.text()
    assert window.menus.supervisor_menu.menuAction().isVisible()
    window.menus.open_supervisor.trigger()
    supervisor = window.menus.supervisor_window
    assert supervisor is not None and supervisor.isVisible()
    assert set(supervisor.pages) == {"queue", "dashboard", "surveys", "usage", "audit", "export", "rubric"}


def test_an_administrator_sees_reports_but_reviews_nobody(qtbot: QtBot, signing_in: Any, demo_db: Path) -> None:
    window = signing_in(demo_db)
    _sign_in(qtbot, window, "admin", "demo-admin")
    qtbot.waitUntil(lambda: window.is_ready, timeout=20000)
    window.menus.show_supervisor_window()
    assert set(window.menus.supervisor_window.pages) == {"dashboard", "surveys", "audit", "export"}
    assert not window.menus.my_reviews.isEnabled()
    # no response or call-script tab that could only say "not allowed"
    tabs = window.notes.side_tabs
    assert not tabs.isTabVisible(tabs.indexOf(window.responses))
    assert not tabs.isTabVisible(tabs.indexOf(window.scripts))
    window.menus.sign_out.trigger()
    _sign_in(qtbot, window, "anna", "demo-anna")  # the next person, a rep, gets them back
    qtbot.waitUntil(lambda: window.is_ready, timeout=20000)
    assert tabs.isTabVisible(tabs.indexOf(window.responses)) and tabs.isTabVisible(tabs.indexOf(window.scripts))


def test_language_picked_at_sign_in_is_kept_for_the_agent(qtbot: QtBot, signing_in: Any, demo_db: Path) -> None:
    window = signing_in(demo_db)
    dialog = window.menus.sign_in_dialog
    dialog.language.setCurrentIndex(dialog.language.findData("es"))
    dialog.language.activated.emit(dialog.language.currentIndex())
    _sign_in(qtbot, window, "sam", "demo-sam")
    qtbot.waitUntil(lambda: window.is_ready, timeout=20000)
    assert current_locale() == "es"
    assert window.info.ui_locale == "es"
    assert window.menus.supervisor_menu.title() == load_catalog("es").gettext("&Supervisor")


def test_switching_user_signs_the_next_person_in(qtbot: QtBot, signing_in: Any, demo_db: Path) -> None:
    window = signing_in(demo_db)
    _sign_in(qtbot, window, "sam", "demo-sam")
    qtbot.waitUntil(lambda: window.is_ready, timeout=20000)
    window.menus.show_supervisor_window()
    assert "Sam" in window.status_agent.text()
    window.menus.sign_out.trigger()
    assert window.menus.supervisor_window is None and not window.is_ready
    assert "Sam" not in window.status_agent.text()  # the old rep is no longer named while nobody is signed in
    qtbot.waitUntil(lambda: window.menus.sign_in_dialog.isVisible(), timeout=5000)
    _sign_in(qtbot, window, "jose", "demo-jose")
    qtbot.waitUntil(lambda: window.is_ready, timeout=20000)
    assert window.info.agent_name == "José Ramírez"
    assert not window.menus.supervisor_menu.menuAction().isVisible()


def test_cancelling_sign_in_closes_the_window(qtbot: QtBot, signing_in: Any, demo_db: Path) -> None:
    window = signing_in(demo_db)
    window.menus.sign_in_dialog.reject()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
