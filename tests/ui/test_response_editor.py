"""Supervisors edit response texts in the window; broken templates are refused, translations go stale."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import Role
from deskapp.core.domain.models import Agent
from deskapp.core.storage.engine import make_engine


def _select(qtbot: QtBot, window: Any, key: str) -> None:
    window.responses.search.setText("phone greeting")
    qtbot.waitUntil(lambda: window.responses.selected_key() == key, timeout=5000)


def test_a_rep_cannot_edit(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _select(qtbot, window, "greeting.phone")
    assert not window.responses.edit.isVisibleTo(window)


@pytest.fixture
def supervisor(desk_db: Path, open_window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # after open_window, which acts as the rep "anna" by default
    engine = make_engine(f"sqlite:///{desk_db}")
    with Session(engine) as session:
        session.add(Agent(username="sam", display_name="Sam Supervisor", role=Role.SUPERVISOR))
        session.commit()
    engine.dispose()
    monkeypatch.setattr("getpass.getuser", lambda: "sam")


def _variant(db: Path, locale: str) -> tuple[str, int, int | None]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT v.body, v.revision, v.translated_from_revision FROM response_variant v "
            "JOIN response r ON r.id = v.response_id WHERE r.key = 'greeting.phone' AND v.locale = ?",
            (locale,)).fetchone()


@pytest.mark.usefixtures("supervisor")
def test_supervisor_edits_a_translation_broken_template_refused(qtbot: QtBot, open_window: Any,
                                                                desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _select(qtbot, window, "greeting.phone")
    assert window.responses.edit.isVisibleTo(window)
    window.responses.edit.click()
    editor = window.responses.editor
    qtbot.waitUntil(editor.isVisible, timeout=5000)
    editor.locale_combo.setCurrentIndex(editor.locale_combo.findData("fi"))
    assert editor.body.toPlainText() == _variant(desk_db, "fi")[0]
    editor.body.setPlainText("Hei {{ customer.nme }}!\nTervetuloa.")
    editor.save.click()
    qtbot.waitUntil(lambda: "nme" in editor.problem.text(), timeout=5000)
    assert editor.body.toPlainText() == "Hei {{ customer.nme }}!\nTervetuloa."  # nothing typed is lost
    assert _variant(desk_db, "fi")[0] != editor.body.toPlainText()
    editor.body.setPlainText("Hei {{ customer.given_name | default('') }}, tervetuloa.")
    editor.save.click()
    qtbot.waitUntil(lambda: _variant(desk_db, "fi")[0].startswith("Hei {{ customer.given_name"), timeout=5000)
    # The job commits, then reads the response back: the window hears of the success after that.
    qtbot.waitUntil(lambda: editor.problem.text() == "", timeout=5000)


@pytest.mark.usefixtures("supervisor")
def test_changing_the_source_marks_translations_stale(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _select(qtbot, window, "greeting.phone")
    window.responses.edit.click()
    editor = window.responses.editor
    qtbot.waitUntil(editor.isVisible, timeout=5000)
    editor.locale_combo.setCurrentIndex(editor.locale_combo.findData("en"))
    editor.body.setPlainText("Thank you for calling {{ brand.name }}. How can I help?")
    editor.save.click()
    qtbot.waitUntil(lambda: editor.stale.isVisibleTo(window), timeout=5000)
    assert "Finnish" in editor.stale.text() and "Spanish" in editor.stale.text()  # named in the UI language
    qtbot.waitUntil(lambda: "(translation out of date" in window.responses.list.currentItem().text(), timeout=5000)
