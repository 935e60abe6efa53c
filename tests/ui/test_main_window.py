"""The representative's window, driven as a rep would: keyboard first."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from deskapp.ui.models import MASK


def _type_search(qtbot: QtBot, window: Any, text: str) -> None:
    window.search.clear()
    if text.isascii():
        qtbot.keyClicks(window.search, text)
    else:  # QTest can only synthesise ASCII key presses; insert() emits the same textChanged
        window.search.insert(text)


def _names(window: Any) -> list[str]:
    model = window.results_model
    return [model.data(model.index(r, 0)) for r in range(model.rowCount())]


def _open(qtbot: QtBot, window: Any, query: str, name: str) -> None:
    _type_search(qtbot, window, query)
    qtbot.waitUntil(lambda: any(name in n for n in _names(window)), timeout=5000)
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: name in window.panel.name.text(), timeout=5000)


def test_search_box_has_focus_at_start(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    qtbot.waitUntil(window.search.hasFocus)


def test_typing_finds_a_customer_without_accents(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _type_search(qtbot, window, "maki")
    qtbot.waitUntil(lambda: _names(window) == ["⚠ Jukka Mäkinen"], timeout=5000)
    assert "1 customer found" in window.results_hint.text()


def test_no_match_says_so(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _type_search(qtbot, window, "zzzqqq")
    qtbot.waitUntil(lambda: "No customer matches" in window.results_hint.text(), timeout=5000)
    assert window.results_model.rowCount() == 0


def test_enter_opens_customer_with_alerts_and_cases(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open(qtbot, window, "mäkinen", "Jukka Mäkinen")
    assert window.panel.alerts.isVisibleTo(window) and "Hard of hearing" in window.panel.alerts.text()
    assert "Finnish" in window.panel.summary.text()  # the customer's language beside the rep's
    qtbot.waitUntil(lambda: window.panel.cases_model.rowCount() == 1)
    assert window.panel.cases_model.row(0).subject == "Router keeps restarting"


def test_internal_customer_found_by_department(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open(qtbot, window, "finance", "Finance")
    assert "Internal" in window.panel.summary.text()


def test_phone_in_any_format_and_clipboard_search(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    QGuiApplication.clipboard().setText("+34 612 34 56 78\n")
    qtbot.keyClick(window, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.search.text() == "+34 612 34 56 78"
    qtbot.waitUntil(lambda: _names(window) == ["Dolores Muñoz"], timeout=5000)


def test_ctrl_l_returns_to_search_with_text_selected(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open(qtbot, window, "munoz", "Dolores Muñoz")
    window.notes.editor.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus() and window.search.selectedText() == "munoz"
    qtbot.keyClick(window, Qt.Key.Key_F3)
    assert window.search.hasFocus()


def test_stale_results_never_replace_newer_ones(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    for prefix in ("m", "mu", "mun", "muno", "munoz"):
        window.search.setText(prefix)
    qtbot.waitUntil(lambda: _names(window) == ["Dolores Muñoz"], timeout=5000)
    window.runner.wait()
    qtbot.wait(50)
    assert _names(window) == ["Dolores Muñoz"]


def test_new_case_defaults_to_the_station_channel(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open(qtbot, window, "munoz", "Dolores Muñoz")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = window.panel.new_case
    assert form.isVisible() and form.subject.hasFocus()
    assert form.channel.currentData() == "phone"
    qtbot.keyClicks(form.subject, "Invoice twice")
    qtbot.keyClick(form.subject, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.panel.cases_model.rowCount() == 1, timeout=5000)
    assert window.panel.cases_model.row(0).subject == "Invoice twice"
    qtbot.waitUntil(lambda: window.notes.case_id == window.panel.cases_model.row(0).id)


def test_note_autosaves_and_is_offered_back_after_restart(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open(qtbot, window, "maki", "Jukka Mäkinen")
    qtbot.waitUntil(window.notes.editing.isEnabled)
    qtbot.keyClicks(window.notes.editor, "Customer restarted the router twice")
    qtbot.waitUntil(lambda: window.notes.status.text().startswith("Draft kept"), timeout=5000)
    with sqlite3.connect(desk_db) as db:
        assert db.execute("SELECT body FROM draft").fetchall() == [("Customer restarted the router twice",)]
    window.close()

    again = open_window(str(desk_db))
    assert again.banner.isVisible() and "1 unsaved note" in again.banner.label.text()
    again.banner.action.click()
    qtbot.waitUntil(lambda: again.notes.editor.toPlainText() == "Customer restarted the router twice", timeout=5000)
    assert "Jukka Mäkinen" in again.panel.name.text()


def test_saving_writes_revisions_with_history(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open(qtbot, window, "maki", "Jukka Mäkinen")
    qtbot.waitUntil(window.notes.editing.isEnabled)
    qtbot.keyClicks(window.notes.editor, "First version")
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.notes.notes_list.count() == 1, timeout=5000)
    assert window.notes.editor.toPlainText() == ""
    window.notes.notes_list.setCurrentRow(0)
    assert window.notes.editor.toPlainText() == "First version"
    window.notes.editor.setPlainText("Second version")
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "2 revisions" in window.notes.notes_list.item(0).text(), timeout=5000)
    window.notes.notes_list.setCurrentRow(0)
    qtbot.waitUntil(lambda: "Revision 2" in window.notes.history.toPlainText(), timeout=5000)
    assert "First version" in window.notes.history.toPlainText()
    with sqlite3.connect(desk_db) as db:
        assert db.execute("SELECT number, body FROM note_revision ORDER BY number").fetchall() == [
            (1, "First version"), (2, "Second version")]
        assert db.execute("SELECT count(*) FROM draft").fetchone() == (0,)


def test_long_note_and_pasted_rich_text_are_kept_as_plain_text(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open(qtbot, window, "maki", "Jukka Mäkinen")
    qtbot.waitUntil(window.notes.editing.isEnabled)
    from PySide6.QtCore import QMimeData

    mime = QMimeData()
    mime.setHtml("<b>Bold</b> <i>text</i>")
    mime.setText("Bold text")
    window.notes.editor.insertFromMimeData(mime)
    window.notes.editor.insertPlainText(" " + "x" * 10_000)
    window.notes.save_note()
    qtbot.waitUntil(lambda: window.notes.notes_list.count() == 1, timeout=5000)
    with sqlite3.connect(desk_db) as db:
        body = db.execute("SELECT body FROM note_revision").fetchone()[0]
    assert body.startswith("Bold text ") and len(body) == 10_010 and "<b>" not in body


def test_read_only_database_shows_banner_and_keeps_text(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(f"sqlite:///file:{desk_db}?mode=ro&uri=true")
    _open(qtbot, window, "maki", "Jukka Mäkinen")
    qtbot.waitUntil(window.notes.editing.isEnabled)
    qtbot.keyClicks(window.notes.editor, "Important callback number 040 555")
    window.notes.flush()
    qtbot.waitUntil(lambda: window.notes.status.text().startswith("Not saved"), timeout=5000)
    assert "read-only" in window.notes.status.text() and "your text is kept" in window.notes.status.text()
    assert window.banner.isVisible() and "read-only" in window.banner.label.text()
    assert window.notes.editor.toPlainText() == "Important callback number 040 555"


def test_missing_database_folder_shows_banner(qtbot: QtBot, open_window: Any, tmp_path: Path) -> None:
    window = open_window(str(tmp_path / "missing" / "desk.sqlite3"), wait_ready=False)
    qtbot.waitUntil(window.banner.isVisible, timeout=5000)
    assert "does not exist" in window.banner.label.text()
    assert not window.is_ready


def test_privacy_mask_hides_contact_and_private_profile(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open(qtbot, window, "maki", "Jukka Mäkinen")
    assert "+358 40 1234567" in window.panel.details.text() and "1971" in window.panel.details.text()
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    details = window.panel.details.text()
    assert "1234567" not in details and "1971" not in details and "40-60k" not in details
    assert "jukka.makinen" not in details and "Teacher" in details
    model = window.results_model
    assert model.data(model.index(0, 2)) == MASK and model.data(model.index(0, 3)) == MASK
    assert "Privacy mask on" in window.status_agent.text()


def test_whole_flow_without_a_mouse(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    qtbot.keyClicks(window.search, "dolores")
    qtbot.waitUntil(lambda: window.results_model.rowCount() == 1, timeout=5000)
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Muñoz" in window.panel.name.text(), timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.panel.new_case.subject, "Address change")
    qtbot.keyClick(window.panel.new_case.subject, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.notes.case_id is not None, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert window.notes.editor.hasFocus()
    qtbot.keyClicks(window.notes.editor, "New address confirmed")
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.notes.notes_list.count() == 1, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.search.hasFocus() and window.search.text() == ""
    assert window.panel.profile is None


def test_f1_lists_every_shortcut(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    from deskapp.ui.main_window import SHORTCUTS

    window = open_window(str(desk_db))
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert window.overlay.isVisible()
    text = window.overlay.label.text()
    assert all(keys[0] in text for _name, keys, _desc in SHORTCUTS)
    qtbot.keyClick(window.overlay, Qt.Key.Key_Escape)
    assert not window.overlay.isVisible()


def test_compact_mode_is_small_and_on_top(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open(qtbot, window, "maki", "Jukka Mäkinen")
    window.toggle_compact()
    assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert not window.panel.history.isVisible() and window.notes.editor.isVisible()
    assert window.search.isVisible()
    window.toggle_compact()
    assert not window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert window.panel.history.isVisible()


def test_open_case_filter(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open(qtbot, window, "maki", "Jukka Mäkinen")
    qtbot.waitUntil(lambda: window.panel.cases_model.rowCount() == 1)
    window.panel.status.setCurrentIndex(window.panel.status.findText("Closed"))
    window.panel.status.activated.emit(window.panel.status.currentIndex())
    qtbot.waitUntil(lambda: window.panel.cases_model.rowCount() == 1
                    and window.panel.cases_model.row(0).status.value == "closed", timeout=5000)
    window.panel.filter.setCurrentIndex(1)  # open cases only
    qtbot.waitUntil(lambda: window.panel.cases_model.rowCount() == 0, timeout=5000)


@pytest.mark.parametrize("model_name", ["results_model", "cases_model"])
def test_models_pass_qtmodeltester(qtbot: QtBot, qtmodeltester: Any, open_window: Any, desk_db: Path,
                                   model_name: str) -> None:
    window = open_window(str(desk_db))
    _open(qtbot, window, "maki", "Jukka Mäkinen")
    qtbot.waitUntil(lambda: window.panel.cases_model.rowCount() == 1)
    model = window.results_model if model_name == "results_model" else window.panel.cases_model
    qtmodeltester.check(model, force_py=True)


def test_a_database_deleted_under_the_window_stops_it_claiming_saved(qtbot: QtBot, open_window: Any,
                                                                      desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open(qtbot, window, "maki", "Jukka Mäkinen")
    qtbot.waitUntil(window.notes.editing.isEnabled)
    qtbot.keyClicks(window.notes.editor, "Saved while the file was there.")
    qtbot.waitUntil(lambda: window.notes.status.text().startswith("Draft kept"), timeout=5000)
    for leftover in desk_db.parent.glob(desk_db.name + "*"):
        leftover.unlink()  # someone deleted the desk (or a sync tool replaced it)
    qtbot.keyClicks(window.notes.editor, " Typed after it was gone.")
    qtbot.waitUntil(lambda: window.notes.status.text().startswith("Not saved"), timeout=5000)
    assert "deleted or replaced" in window.notes.status.text() and "your text is kept" in window.notes.status.text()
    assert window.notes.editor.toPlainText() == "Saved while the file was there. Typed after it was gone."
    window.notes.save_note()  # Ctrl+S does not pretend either
    qtbot.waitUntil(lambda: window.notes.status.text().startswith("Not saved"), timeout=5000)
    assert not desk_db.exists()  # and nothing made a new, empty desk in its place


@pytest.mark.parametrize("answer", ["cancel", "create"])
def test_a_path_with_no_database_asks_before_making_one(qtbot: QtBot, open_window: Any, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch, answer: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []

    def exec_(box: QMessageBox) -> int:
        asked.append(box.text())
        if answer == "create":
            next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    typo = tmp_path / "garbage"
    window = open_window(str(typo), wait_ready=answer == "create")
    if answer == "cancel":
        qtbot.waitUntil(window.banner.isVisible, timeout=5000)
        assert "no deskapp database" in window.banner.label.text()
        assert not typo.exists() and not window.is_ready
    else:
        assert typo.is_file() and window.is_ready
    assert len(asked) == 1 and str(typo) in asked[0]


def test_the_status_bar_says_when_a_customer_import_is_running(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    import datetime as dt
    import os

    from deskapp.core.domain.imports import ImportRun
    from deskapp.core.storage.engine import make_engine

    window = open_window(str(desk_db))
    label = window.connection.import_label
    assert not label.isVisible()
    engine = make_engine(f"sqlite:///{desk_db}")
    now = dt.datetime.now(dt.UTC)
    with Session(engine) as session:  # as `deskapp import customers` in another process records itself
        session.add(ImportRun(state="running", started_at=now, heartbeat_at=now, rows_written=12_000,
                              host=os.uname().nodename, pid=os.getpid()))
        session.commit()
    engine.dispose()
    window.connection.poll_import()
    qtbot.waitUntil(label.isVisible, timeout=5000)
    assert "Customer import running since" in label.text() and "12,000" in label.text()
    assert label.accessibleName() == label.text()
