"""Running a call script from the window stores a structured note pinned to the script version."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot


def _fill_fields(panel: Any) -> None:
    for widget in panel._fields.values():
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(widget.count() - 1)  # the last choice: "5" for CSAT, "no" for yes/no
        elif isinstance(widget, QLineEdit):
            widget.setText("12" if "number" in widget.accessibleName().lower() else "Test value")
        elif isinstance(widget, QDateEdit):
            pass  # today is a valid date


def _start_phone_script(qtbot: QtBot, window: Any) -> Any:
    """Open Jukka Mäkinen's case and start the phone greeting script on it; the script panel."""
    window.search.setText("maki")
    qtbot.waitUntil(lambda: window.results_model.rowCount() > 0, timeout=5000)
    window.open_selected()
    qtbot.waitUntil(lambda: window.notes.case_id is not None, timeout=5000)
    panel = window.scripts
    window.notes.side_tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.picker.count() >= 5, timeout=5000)
    panel.picker.setCurrentIndex(panel.picker.findData("phone_greeting_identity"))
    panel.start.click()
    qtbot.waitUntil(lambda: panel.run is not None, timeout=5000)
    return panel


def test_walking_a_script_to_the_end_saves_it_on_the_case(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    panel = _start_phone_script(qtbot, window)
    assert panel.say.text() and "{{" not in panel.say.text()
    assert panel.say_rep.isVisibleTo(panel)  # Finnish for the customer, English for the rep beside it
    steps = 0
    while not panel.run.current.final and steps < 20:
        _fill_fields(panel)
        # the first option that leads somewhere new (scripts may loop back, e.g. "something else?")
        options = panel.run.current.options
        index = next((i for i, o in enumerate(options) if o.next not in panel.run.path), 0)
        buttons = [w for w in panel.findChildren(QPushButton) if w.text().startswith(f"&{index + 1} ")]
        buttons[-1].click()  # the current step's button (older ones are only scheduled for deletion)
        steps += 1
    assert panel.run.current.final, panel.message.text()
    assert panel.finish.isVisibleTo(panel)
    panel.finish.click()  # CSAT still empty: refused with a message, nothing saved
    assert panel.message.text() and panel.run is not None
    _fill_fields(panel)
    panel.finish.click()
    qtbot.waitUntil(lambda: panel.run is None, timeout=5000)
    reference = window.panel.current_case().reference
    assert "saved" in panel.message.text().lower() and reference in panel.message.text()  # a confirmation
    with sqlite3.connect(desk_db) as db:
        kind, key, version = db.execute("SELECT kind, script_key, script_version FROM case_note").fetchone()
        body = db.execute("SELECT body FROM note_revision").fetchone()[0]
        score = db.execute("SELECT score FROM feedback").fetchone()[0]
    assert (kind, key, version) == ("script_run", "phone_greeting_identity", 1)
    assert "Test value" in body
    assert score == 5
    qtbot.waitUntil(lambda: window.notes.notes_list.count() == 1, timeout=5000)


def test_a_captured_date_is_shown_again_on_going_back(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    panel = _start_phone_script(qtbot, window)
    steps = 0
    while panel.run.current.id != "follow_up" and steps < 20:  # the step that asks for a date
        _fill_fields(panel)
        options = panel.run.current.options
        index = next((i for i, o in enumerate(options) if o.next == "follow_up"),
                     next((i for i, o in enumerate(options) if o.next not in panel.run.path), 0))
        panel.choose(index)
        steps += 1
    date = panel._fields["follow_up_date"]
    assert isinstance(date, QDateEdit)
    date.setDate(QDate(2026, 5, 17))
    panel.choose(0)
    assert panel.run.current.id != "follow_up", panel.message.text()
    panel.go_back()
    shown = panel._fields["follow_up_date"]
    assert isinstance(shown, QDateEdit) and shown is not date
    assert shown.date() == QDate(2026, 5, 17)


def test_a_missing_field_names_the_field_and_not_the_database(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    panel = _start_phone_script(qtbot, open_window(str(desk_db)))
    panel.choose(0)  # the caller's name is required
    text = panel.message.text()
    assert "Caller's name" in text and "database" not in text.lower()
