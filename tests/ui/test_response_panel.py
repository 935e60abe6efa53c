"""The response panel: find, fill in, insert in the customer's language, the rep's beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot


def _open_customer_case(qtbot: QtBot, window: Any) -> None:
    window.search.setText("maki")
    qtbot.waitUntil(lambda: window.results_model.rowCount() > 0, timeout=5000)
    window.open_selected()
    qtbot.waitUntil(lambda: window.notes.case_id is not None, timeout=5000)


def _select(qtbot: QtBot, window: Any, query: str, key: str) -> None:
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.responses.search.hasFocus()
    qtbot.keyClicks(window.responses.search, query)
    qtbot.waitUntil(lambda: window.responses.selected_key() == key, timeout=5000)
    qtbot.waitUntil(lambda: window.responses._preview is not None and window.responses._preview.detail.key == key,
                    timeout=5000)


def test_enter_inserts_the_customers_language_at_the_cursor(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open_customer_case(qtbot, window)
    window.notes.editor.setPlainText("Called back. ")
    window.notes.editor.moveCursor(window.notes.editor.textCursor().MoveOperation.End)
    _select(qtbot, window, "phone greeting", "greeting.phone")
    # Mäkinen prefers Finnish, the rep works in English: both are shown
    qtbot.waitUntil(lambda: "Finnish" in window.responses.customer_label.text(), timeout=5000)
    assert window.responses.rep_label.isVisible() and "English" in window.responses.rep_label.text()
    assert window.responses.customer_text.text() != window.responses.rep_text.text()
    qtbot.keyClick(window.responses.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.notes.editor.toPlainText() != "Called back. ", timeout=5000)
    text = window.notes.editor.toPlainText()
    assert text.startswith("Called back. ")
    assert text[len("Called back. "):] == window.responses.customer_text.text()
    assert "{{" not in text and window.notes.editor.hasFocus()


def test_fill_ins_are_asked_for_and_used(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open_customer_case(qtbot, window)
    _select(qtbot, window, "refund processed", "billing.refund")
    inputs = window.responses._inputs
    assert set(inputs) == {"refund_amount", "refund_date"}
    qtbot.waitUntil(lambda: "Refund amount" in window.responses.problem.text(), timeout=5000)
    inputs["refund_amount"].setText("12,50")
    inputs["refund_date"].setDate(QDate(2026, 12, 4))
    qtbot.waitUntil(lambda: not window.responses.problem.isVisible(), timeout=5000)
    customer_text = window.responses.customer_text.text()
    assert "12,50" in customer_text and "€" in customer_text and "2026" in customer_text
    window.responses.copy_selected()
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == customer_text, timeout=5000)


def test_without_a_case_the_response_goes_to_the_clipboard(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    QGuiApplication.clipboard().clear()
    _select(qtbot, window, "phone greeting", "greeting.phone")
    window.responses.insert_selected()
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() != "", timeout=5000)
    assert window.banner.isVisible() and "clipboard" in window.banner.label.text()


def test_a_refreshed_list_keeps_what_the_rep_typed_in_the_fill_ins(qtbot: QtBot, open_window: Any,
                                                                    desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open_customer_case(qtbot, window)
    _select(qtbot, window, "refund processed", "billing.refund")
    window.responses._inputs["refund_amount"].setText("12,50")
    with qtbot.waitSignal(window.runner.busy_changed, timeout=5000, check_params_cb=lambda busy: not busy):
        window.responses.refresh_list()  # as after a supervisor's edit or a language switch
    qtbot.waitUntil(lambda: window.responses.list.count() > 0, timeout=5000)
    assert window.responses.selected_key() == "billing.refund"
    assert window.responses._inputs["refund_amount"].text() == "12,50"


def test_a_runaway_template_stops_with_a_message_and_lookups_go_on(qtbot: QtBot, open_window: Any,
                                                                   desk_db: Path) -> None:
    import sqlite3

    window = open_window(str(desk_db))
    hostile = ("{% for a in 'x'*10000 %}{% for b in 'x'*10000 %}{% for c in 'x'*10000 %}x{% endfor %}{% endfor %}"
               "{% endfor %}")  # valid, but 10**12 steps: before the limits it ran out of memory after a minute
    with sqlite3.connect(desk_db) as conn:
        conn.execute("UPDATE response_variant SET body = ? WHERE response_id = "
                     "(SELECT id FROM response WHERE key = 'greeting.phone')", (hostile,))
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.responses.search, "phone greeting")
    qtbot.waitUntil(lambda: window.responses.selected_key() == "greeting.phone", timeout=5000)
    qtbot.waitUntil(lambda: "loops repeat too many times" in window.responses.problem.text(), timeout=10000)
    assert window.responses.problem.isVisible()
    _open_customer_case(qtbot, window)  # the one worker thread is free again: a lookup still answers


def _upgrade_confirmation(qtbot: QtBot, window: Any) -> Any:
    """The response with three fill-ins, selected for the open customer; its panel."""
    _open_customer_case(qtbot, window)
    _select(qtbot, window, "upgrade confirmed", "upgrade.confirmation")
    qtbot.waitUntil(lambda: window.responses._inputs.get("plan_name") is not None, timeout=5000)
    return window.responses


def test_the_preview_shows_labels_until_fill_ins_are_typed_and_tab_reaches_them(qtbot: QtBot, open_window: Any,
                                                                               desk_db: Path) -> None:
    panel = _upgrade_confirmation(qtbot, open_window(str(desk_db)))
    qtbot.waitUntil(lambda: "«" in panel.customer_text.text(), timeout=5000)
    for text in (panel.customer_text.text(), panel.rep_text.text()):
        assert "{{" not in text and "prompt." not in text
    assert "«New monthly price»" in panel.rep_text.text() and "«Uusi kuukausihinta»" in panel.customer_text.text()
    first = panel._inputs["plan_name"]
    qtbot.waitUntil(first.isVisible, timeout=5000)
    panel.search.setFocus()
    qtbot.keyClick(panel.search, Qt.Key.Key_Tab)
    assert first.hasFocus()


def test_next_caller_clears_the_previous_customers_response_text(qtbot: QtBot, open_window: Any,
                                                                 desk_db: Path) -> None:
    window = open_window(str(desk_db))
    panel = _upgrade_confirmation(qtbot, window)
    panel._inputs["plan_name"].setText("Gold Unlimited")
    qtbot.waitUntil(lambda: "Gold Unlimited" in panel.customer_text.text(), timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert panel._inputs["plan_name"].text() == ""
    assert "Gold Unlimited" not in panel.customer_text.text()
    qtbot.waitUntil(lambda: "«" in panel.customer_text.text(), timeout=5000)
    assert "Gold Unlimited" not in panel.customer_text.text() + panel.rep_text.text()


def test_with_no_customer_open_the_greeting_has_no_gap(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _select(qtbot, window, "phone greeting", "greeting.phone")
    text = window.responses.customer_text.text()
    assert "calling , " not in text and "«brand name»" in text and "{{" not in text
