"""After every runtime switch (Ctrl+Shift+L in either window), no English is left where a translation exists.

The main window with a customer open, a response shown, a note just saved, and the supervisor
window with a review just saved go en → fi → fil → es → en; each step walks every shown text, and
the times, numbers and coded values follow the new language.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from deskapp.core.domain.profile_values import profile_value_label
from deskapp.core.i18n import _, current_locale, language_name, load_catalog, set_locale
from deskapp.core.i18n.formatting import format_datetime, format_time
from deskapp.ui.language import NATIVE_NAMES
from deskapp.ui.supervisor.common import format_figure
from tests.ui.visible_texts import english_left, start_script

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
DECIMAL_COMMA = {"en": False, "fi": True, "fil": False, "es": True}


pytestmark = pytest.mark.usefixtures("english_afterwards")


def _idle(qtbot: QtBot, window: Any) -> None:
    qtbot.waitUntil(lambda: window.runner.wait(100) and not window.runner._live, timeout=20000)
    qtbot.wait(20)


def test_profile_codes_are_translated_and_free_text_is_kept() -> None:
    try:
        set_locale("fi")
        assert profile_value_label("gender", "male") == "Mies"
        assert profile_value_label("gender", " Non-Binary ") == "Muunsukupuolinen"
        assert profile_value_label("income_band", "upper middle") == "Ylemmät keskitulot"
        assert profile_value_label("gender", "prefers not to say") == "prefers not to say"
        assert profile_value_label("occupation", "male nurse") == "male nurse"
        set_locale("fil")
        assert language_name("fi") == "Pinlandes" and language_name("es", "fi") == "Espanja"
        assert language_name("tl") == "Filipino" and language_name("de", "es") == "alemán"
    finally:
        set_locale("en")


def test_a_conflict_names_the_customer_language_in_the_rep_language() -> None:
    from deskapp.ui.customer_edit import _shown

    try:
        set_locale("es")
        assert (_shown("preferred_locale", "fi"), _shown("occupation", "fi"), _shown("lifestyle", "")) == (
            "Finés", "fi", "—")
    finally:
        set_locale("en")


def test_the_walk_finds_english_left_in_a_label_a_header_and_a_menu(qtbot: QtBot) -> None:
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QLabel, QMainWindow, QTableView, QVBoxLayout, QWidget

    window = QMainWindow()
    qtbot.addWidget(window)
    central = QWidget()
    layout = QVBoxLayout(central)
    layout.addWidget(QLabel("Tapaushistoria · Case history"))
    model = QStandardItemModel(1, 1)
    model.setHorizontalHeaderLabels(["Subject"])
    table = QTableView()
    table.setModel(model)
    layout.addWidget(table)
    window.setCentralWidget(central)
    window.menuBar().addMenu("&View")
    window.show()
    assert {"QLabel: 'Case history' in 'Tapaushistoria · Case history'", "QTableView: 'Subject' in 'Subject'",
            "menu: '&View' in '&View'"} <= set(english_left(window, load_catalog("fi")))


def _prepare(qtbot: QtBot, window: Any) -> Any:
    """Mäkinen open with a response shown and a note saved; the supervisor window with a review saved."""
    window.desk.sign_in("sam", "demo-sam")
    window.search.setText("FI-000001")
    qtbot.waitUntil(lambda: window.results_model.rowCount() > 0, timeout=10000)
    window.open_selected()
    qtbot.waitUntil(lambda: window.notes.case_id is not None, timeout=10000)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.responses.search, "phone greeting")
    qtbot.waitUntil(lambda: window.responses._preview is not None, timeout=10000)
    start_script(qtbot, window)
    # A message shown before the switch (as the response panel shows it without a case) follows it.
    window.banner.show_message(lambda: _("Open or create a case to write a note; the response was copied to "
                                         "the clipboard instead."), "info")
    window.panel.new_case.open_form()
    window.panel.edit_button.click()  # the change-details form, with the customer's language
    window.notes.editor.setPlainText("Router restarts every evening.")
    window.notes.save_note()
    qtbot.waitUntil(lambda: window.notes.state == "note_saved", timeout=10000)
    window.menus.show_supervisor_window()
    supervisor = window.menus.supervisor_window
    queue = supervisor.page("queue")
    qtbot.waitUntil(lambda: queue.model.rowCount() > 0 and len(queue.form.criteria) > 0, timeout=20000)
    queue.table.selectRow(0)
    for number, criterion in enumerate(queue.form.criteria):
        queue.form.groups[criterion.key].button((3, 4, 2)[number % 3]).click()
    queue.form.save.click()
    qtbot.waitUntil(lambda: queue.form.case_id is None and bool(queue.form.message.text()), timeout=10000)
    _idle(qtbot, window)  # the queue has reloaded and chosen its next case
    queue.history.set_case(window.notes.case_id)  # the note just saved and its revision, with their times
    qtbot.waitUntil(lambda: queue.history.from_rev.count() > 0, timeout=10000)
    window.notes.side_tabs.setCurrentIndex(window.notes.side_tabs.indexOf(window.notes._past))
    window.notes.notes_list.setCurrentRow(0)  # the saved note's revision history
    qtbot.waitUntil(lambda: window.notes._shown_history is not None, timeout=10000)
    dashboard = supervisor.page("dashboard")
    supervisor.show_page("dashboard")
    qtbot.waitUntil(lambda: dashboard.model.rowCount() > 0, timeout=20000)
    supervisor.show_page("queue")
    _idle(qtbot, window)
    return supervisor


def _check_formats(window: Any, supervisor: Any, code: str) -> list[str]:
    catalog = load_catalog(code)
    problems: list[str] = []
    saved_at = window.notes._state_detail
    expected = catalog.gettext("Note saved {time}").format(time=format_time(saved_at, code))
    if window.notes.status.text() != expected:
        problems.append(f"note status {window.notes.status.text()!r}, expected {expected!r}")
    if catalog.gettext("Male") not in window.panel.details.text():
        problems.append(f"gender not translated: {window.panel.details.text()!r}")
    history = supervisor.page("queue").history
    when = format_datetime(history._note_rows[0].created_at, code)
    if not history.notes.item(0).text().startswith(when) or when not in history.from_rev.itemText(0):
        problems.append(f"note history {history.notes.item(0).text()!r} lacks {when!r}")
    _note, revisions = window.notes._shown_history
    when = format_datetime(revisions[0].created_at, code).replace("\u202f", " ")  # rich text: a plain space
    if when not in window.notes.history.toPlainText():
        problems.append(f"revision history {window.notes.history.toPlainText()!r} lacks {when!r}")
    language = window.results_model.data(window.results_model.index(0, 5))
    if language != language_name("fi", code):
        problems.append(f"results list language {language!r}")
    scripts = window.scripts
    if scripts.run.rep_locale != code or scripts.title.text() != scripts.run.script.title(code):
        problems.append(f"call script step {scripts.title.text()!r} not in {code}")
    responses = window.responses
    if responses.rep_label.isVisibleTo(window) and language_name(code) not in responses.rep_label.text():
        problems.append(f"response label {responses.rep_label.text()!r}")
    form = supervisor.page("queue").form
    if not re.search(re.escape(catalog.gettext("Review saved for {name}: {total} / 100.")).replace(
            r"\{name\}", ".+").replace(r"\{total\}", r"\d+" + ("," if DECIMAL_COMMA[code] else r"\.") + r"\d"),
            form.message.text()):
        problems.append(f"review message {form.message.text()!r}")
    dashboard = supervisor.page("dashboard")
    for row, report in enumerate(dashboard.model.rows()):
        shown = [dashboard.model.index(row, c).data() for c in range(dashboard.model.columnCount())]
        if format_figure(report.average) not in shown:
            problems.append(f"dashboard table {shown!r} lacks {format_figure(report.average)!r}")
    for bar in dashboard.bars.bars:
        figure = dashboard.bars.value_text(bar).split()[0]
        if ("," in figure) != DECIMAL_COMMA[code] or figure != format_figure(bar.value):
            problems.append(f"dashboard bar {figure!r} in {code}")
    return [f"{code}: {problem}" for problem in problems]


def test_every_switch_leaves_no_english_and_reformats_times_and_numbers(qtbot: QtBot, make_window: Any,
                                                                        demo_db: Path) -> None:
    window = make_window(demo_db, user="sam")
    supervisor = _prepare(qtbot, window)
    problems = _check_formats(window, supervisor, "en")
    # Ctrl+Shift+L in the main window twice, then in the supervisor window: en → fi → fil → es → en.
    for code, where in (("fi", window), ("fil", window), ("es", supervisor), ("en", supervisor)):
        qtbot.keyClick(where, Qt.Key.Key_L, CTRL_SHIFT)
        _idle(qtbot, window)
        assert current_locale() == code
        catalog = load_catalog(code)
        for tab in range(window.notes.side_tabs.count()):  # responses, call script, saved notes in front
            window.notes.side_tabs.setCurrentIndex(tab)
            problems += [f"{code} main: {leak}" for leak in english_left(window, catalog, NATIVE_NAMES.values())]
        for page in supervisor.pages:  # every tab in front once
            supervisor.show_page(page)
            _idle(qtbot, window)
            problems += [f"{code} supervisor {page}: {leak}"
                         for leak in english_left(supervisor, catalog, NATIVE_NAMES.values())]
        supervisor.show_page("queue")
        problems += _check_formats(window, supervisor, code)
        assert supervisor.language_actions[code].isChecked() and window.language_actions[code].isChecked()
    window.menus.show_my_reviews()  # a dialog of its own (it takes the keyboard: switched from the menu here)
    for code in ("fi", "fil", "es"):
        window.set_language(code)
        _idle(qtbot, window)
        problems += [f"{code} my reviews: {leak}"
                     for leak in english_left(window.menus.reviews_dialog, load_catalog(code))]
    assert problems == [], "\n".join(problems)
