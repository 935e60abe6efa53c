"""The knowledge base in the window: ?? or Ctrl+K, words without accents, Enter inserts the short answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.domain.knowledge import LibraryUse
from deskapp.core.storage.engine import make_engine


def _open_customer_case(qtbot: QtBot, window: Any) -> None:
    window.search.setText("maki")
    qtbot.waitUntil(lambda: window.results_model.rowCount() > 0, timeout=5000)
    window.open_selected()
    qtbot.waitUntil(lambda: window.notes.case_id is not None, timeout=5000)


def test_keyboard_only_question_marks_search_and_enter_insert(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open_customer_case(qtbot, window)
    editor = window.notes.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "Asiakas soitti. ??")
    popup = window.knowledge.popup
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    assert editor.toPlainText() == "Asiakas soitti. "  # the two marks are taken out again
    qtbot.keyClicks(popup.search, "henkilollisyy tarkist")  # "henkilöllisyyden", typed without ö
    qtbot.waitUntil(lambda: popup.list.count() > 0, timeout=5000)
    assert popup.list.currentItem().data(Qt.ItemDataRole.UserRole) == "desk.verify-identity"
    qtbot.keyClick(popup.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "(KB desk.verify-identity)" in editor.toPlainText(), timeout=5000)
    text = editor.toPlainText()
    assert text.startswith("Asiakas soitti. ") and "kysy kahta asiaa" in text.lower()  # Mäkinen's language: Finnish
    assert not popup.isVisible()
    qtbot.waitUntil(lambda: window.knowledge._pair is not None, timeout=5000)
    pair = window.knowledge._pair
    assert (pair.customer.locale, pair.rep.locale) == ("fi", "en")
    assert window.knowledge.rep_text.isVisible() and "Suomi" in window.knowledge.customer_label.text()
    engine = make_engine(f"sqlite:///{desk_db}")
    with Session(engine) as session:
        use = session.scalars(select(LibraryUse)).one()
    engine.dispose()
    assert (use.case_id, use.locale) == (window.notes.case_id, "fi")


def test_ctrl_k_opens_the_search_and_escape_closes_it(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    popup = window.knowledge.popup
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    qtbot.waitUntil(popup.search.hasFocus, timeout=5000)
    qtbot.keyClicks(popup.search, "sofa")
    qtbot.waitUntil(lambda: popup.list.count() >= 2, timeout=5000)
    qtbot.keyClick(popup.search, Qt.Key.Key_Down)
    assert popup.list.currentRow() == 1
    qtbot.keyClick(popup.search, Qt.Key.Key_Escape)
    assert not popup.isVisible()
    assert popup.search.accessibleName() and popup.list.accessibleName()
