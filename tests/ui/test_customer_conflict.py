"""Two reps change the same customer: the second save shows both versions, nothing is overwritten."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from deskapp.core.services.customers import editing as customers
from deskapp.core.storage.engine import make_engine


def _open(qtbot: QtBot, window: Any) -> None:
    window.search.setText("munoz")
    qtbot.waitUntil(lambda: window.results_model.rowCount() > 0, timeout=5000)
    window.open_selected()
    qtbot.waitUntil(lambda: window.panel.profile is not None, timeout=5000)


def _someone_else_saves(db: Path, customer_id: int, version: int) -> None:
    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        customers.update_customer(session, 1, customer_id, {"occupation": "Nurse"}, version)
    engine.dispose()


def test_a_plain_edit_saves(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open(qtbot, window)
    window.panel.edit_button.click()
    form = window.panel.edit_form
    assert form.isVisible() and form.inputs["given_name"].text() == "Dolores"
    form.inputs["family_name"].setText("Muñoz Vidal")
    qtbot.keyClick(form.inputs["family_name"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Muñoz Vidal" in window.panel.name.text(), timeout=5000)
    assert not form.isVisible()


def test_second_save_shows_both_versions_and_merges(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open(qtbot, window)
    profile = window.panel.profile
    window.panel.edit_button.click()
    form = window.panel.edit_form
    form.inputs["occupation"].setText("Architect")
    form.inputs["given_name"].setText("Lola")
    _someone_else_saves(desk_db, profile.customer_id, profile.version_id)  # while the rep was typing
    form.save.click()
    conflict = window.panel.conflict
    qtbot.waitUntil(conflict.isVisible, timeout=5000)
    assert "Nurse" in " ".join(w.text() for w in conflict.findChildren(type(conflict.explain)))
    with sqlite3.connect(desk_db) as db:  # nothing of mine was written over theirs
        assert db.execute("SELECT occupation, given_name FROM customer WHERE account_number = 'ES-000001'"
                          ).fetchone() == ("Nurse", "Dolores")
    conflict.keep["occupation"].setChecked(False)  # keep their occupation, my new given name
    conflict.save.click()
    qtbot.waitUntil(lambda: "Lola" in window.panel.name.text(), timeout=5000)
    with sqlite3.connect(desk_db) as db:
        assert db.execute("SELECT occupation, given_name FROM customer WHERE account_number = 'ES-000001'"
                          ).fetchone() == ("Nurse", "Lola")


def test_discarding_mine_keeps_theirs(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open(qtbot, window)
    profile = window.panel.profile
    window.panel.edit_button.click()
    window.panel.edit_form.inputs["occupation"].setText("Architect")
    _someone_else_saves(desk_db, profile.customer_id, profile.version_id)
    window.panel.edit_form.save.click()
    qtbot.waitUntil(window.panel.conflict.isVisible, timeout=5000)
    window.panel.conflict.discard.click()
    qtbot.waitUntil(lambda: "Nurse" in window.panel.details.text(), timeout=5000)
