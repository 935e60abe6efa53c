"""The supervisor window's Tools → Verify note history, on the demo desk: intact, then tampered with."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from deskapp.core.i18n import current_locale
from deskapp.ui.language import switch_language

pytestmark = pytest.mark.usefixtures("english_afterwards")


@pytest.fixture
def supervisor(qtbot: QtBot, make_window: Any, demo_db: Path) -> Any:
    """The demo supervisor "sam" with the supervisor window open."""
    window = make_window(demo_db, user="sam")
    window.desk.sign_in("sam", "demo-sam")
    window.menus.show_supervisor_window()
    return window.menus.supervisor_window


def _tamper(db: Path) -> tuple[int, int]:
    """Drop the append-only triggers and rewrite one revision's text, as the file's owner could."""
    with sqlite3.connect(db) as connection:
        for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                          "AND tbl_name = 'note_revision'").fetchall():
            connection.execute(f'DROP TRIGGER "{name}"')
        note_id, number = connection.execute(
            "SELECT note_id, max(number) FROM note_revision GROUP BY note_id ORDER BY note_id LIMIT 1").fetchone()
        connection.execute("UPDATE note_revision SET body = body || ' (and a refund)' WHERE note_id = ? "
                           "AND number = ?", (note_id, number))
    return int(note_id), int(number)


def _check(qtbot: QtBot, window: Any) -> str:
    check = window.history_check
    assert check.action.text() == "Verify note history" or current_locale() != "en"
    check.action.trigger()
    assert not check.action.isEnabled()  # one check at a time
    qtbot.waitUntil(lambda: check.report is not None, timeout=20000)
    assert check.action.isEnabled()
    return str(window.banner.label.text())


def test_an_intact_desk_then_a_rewritten_revision(qtbot: QtBot, supervisor: Any, demo_db: Path) -> None:
    assert supervisor.tools_menu.menuAction().isVisible()
    assert supervisor.history_check.action in supervisor.tools_menu.actions()
    text = _check(qtbot, supervisor)
    assert supervisor.banner.kind == "info" and "The history is intact." in text

    note_id, number = _tamper(demo_db)
    text = _check(qtbot, supervisor)
    assert supervisor.banner.kind == "error"
    assert f"Note {note_id}, revision {number}: its text, author or time was changed" in text
    assert not supervisor.history_check.report.ok

    switch_language("fi")  # the result on show is said again in the new language
    assert f"Muistiinpano {note_id}, versio {number}:" in supervisor.banner.label.text()
    assert supervisor.tools_menu.title() == "&Työkalut"
