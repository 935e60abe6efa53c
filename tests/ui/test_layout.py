"""The layout fits: every language at 1366×768 and 1200×760, in the main and the supervisor window.

Measured with the layout report (``deskapp layout-report``): no text cut, at least six case rows in
view, the window within its screen, every control named for assistive technology.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from deskapp.core.i18n import UI_LOCALES

SIZES = ((1366, 768), (1200, 760))
ENTRY_KEYS = ["class", "name", "text", "accessible_name", "x", "y", "width", "height", "needed_width", "cut",
              "interactive", "visible"]


@pytest.fixture(scope="module")
def layout_desk(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the demo desk for the whole module (the report only reads it)."""
    path = tmp_path_factory.mktemp("layout") / "demo.sqlite3"
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture(scope="module")
def report_windows(layout_desk: Path, qapp: Any) -> Iterator[dict[str, Any]]:
    """The main and supervisor windows, each built once with a customer open; measured per test."""
    from deskapp.ui.layout_report import open_for_report

    built: dict[str, Any] = {}

    def get(which: str) -> tuple[Any, Any]:
        if which not in built:
            built[which] = open_for_report(str(layout_desk), SIZES[0], which=which)  # type: ignore[arg-type]
        return built[which]

    yield {"get": get}
    for main, _window in built.values():
        main.close()


@pytest.mark.parametrize("which", ["main", "supervisor"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", UI_LOCALES)
def test_every_language_fits(qtbot: QtBot, report_windows: dict[str, Any], lang: str, size: tuple[int, int],
                             which: str) -> None:
    from deskapp.ui.language import switch_language
    from deskapp.ui.layout_report import measure_window

    main, window = report_windows["get"](which)
    switch_language(lang)
    try:
        report = measure_window(window, main, size)
    finally:
        switch_language("en")
    widgets = report["widgets"]
    cut = [(w["class"], w["name"], w["text"], w["needed_width"], w["width"]) for w in widgets
           if w["visible"] and w["cut"]]
    unnamed = [(w["class"], w["name"]) for w in widgets
               if w["visible"] and w["interactive"] and not w["accessible_name"]]
    assert cut == []
    assert unnamed == []
    assert report["case_rows_visible"] >= 6
    assert report["window"][0] <= report["screen"][0] and report["window"][1] <= report["screen"][1]
    assert report["window"] == list(size)
    assert report["lang"] == lang


def _faults(report: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    widgets = report["widgets"]
    cut = [(w["class"], w["name"], w["text"], w["needed_width"], w["width"]) for w in widgets
           if w["visible"] and w["cut"]]
    unnamed = [(w["class"], w["name"]) for w in widgets
               if w["visible"] and w["interactive"] and not w["accessible_name"]]
    return cut, unnamed


@pytest.mark.parametrize("lang", UI_LOCALES)
def test_the_new_tabs_fit_in_front(qtbot: QtBot, report_windows: dict[str, Any], lang: str) -> None:
    """The phone tab and the knowledge base beside the note, and the supervisor's newer tabs, in front."""
    from deskapp.ui.language import switch_language
    from deskapp.ui.layout_report import measure_window

    main, supervisor = report_windows["get"]("supervisor")
    switch_language(lang)
    try:
        for size in SIZES:
            main.phone.tabs.setCurrentWidget(main.phone.panel)
            main.notes.side_tabs.setCurrentWidget(main.knowledge)
            report = measure_window(main, main, size)
            assert _faults(report) == ([], []), (lang, size)
            assert report["window"] == list(size)  # no pane's minimum pushes the window past its screen
            for name in ("surveys", "usage", "audit"):
                if supervisor.page(name) is None:
                    continue
                supervisor.show_page(name)
                report = measure_window(supervisor, main, size)
                assert _faults(report) == ([], []), (lang, size, name)
                assert report["window"] == list(size)
    finally:
        main.phone.tabs.setCurrentIndex(0)
        main.notes.side_tabs.setCurrentIndex(0)
        supervisor.show_page("queue")
        switch_language("en")


def test_the_report_command_prints_the_contract(layout_desk: Path, tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DESKAPP_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "deskapp", "--db", str(layout_desk), "layout-report", "--lang", "fi", "--size",
         "1366x768", "--open", "FI-000001", "--window", "main", "--json"],
        capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert list(report) == ["lang", "size", "screen", "window", "case_rows_visible", "result_rows_visible",
                            "widgets"]
    assert report["lang"] == "fi" and report["size"] == [1366, 768]
    assert report["screen"] == [1366, 768] and report["window"] == [1366, 768]  # a virtual screen of that size
    assert report["case_rows_visible"] >= 6 and report["result_rows_visible"] >= 1
    assert all(list(w) == ENTRY_KEYS for w in report["widgets"])
    shown = {w["text"] for w in report["widgets"] if w["visible"]}
    assert "Jukka Mäkinen" in shown  # the customer asked for is open
    assert "Tapaushistoria" in shown  # in Finnish
    assert not [w for w in report["widgets"] if w["visible"] and w["cut"]]


def test_the_report_command_explains_a_bad_size_and_an_unknown_account(layout_desk: Path, tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DESKAPP_DATA_DIR": str(tmp_path)}
    base = [sys.executable, "-m", "deskapp", "--db", str(layout_desk), "layout-report"]
    bad = subprocess.run([*base, "--size", "big"], capture_output=True, text=True, env=env, timeout=60, check=False)
    assert bad.returncode == 2 and "1366x768" in bad.stderr
    unknown = subprocess.run([*base, "--open", "XX-999999", "--json"], capture_output=True, text=True, env=env,
                             timeout=120, check=False)
    assert unknown.returncode == 1 and "XX-999999" in unknown.stderr and "Traceback" not in unknown.stderr


def test_new_case_and_change_details_never_make_the_window_grow(qtbot: QtBot, report_windows: dict[str, Any]) -> None:
    from deskapp.ui.layout_report import measure_window

    main, _window = report_windows["get"]("main")
    for size in SIZES:
        measure_window(main, main, size)
        main.new_case()
        assert main.panel.profile is not None
        main.panel.edit_form.open_for(main.panel.profile)
        qtbot.wait(50)
        assert main.panel.new_case.isVisible() and main.panel.edit_form.isVisible()
        assert (main.width(), main.height()) == size  # 760 → 871 → 899 before: the forms scroll instead
        assert main.notes.save_button.isVisible()
        bottom = main.notes.save_button.mapTo(main, main.notes.save_button.rect().bottomLeft()).y()
        assert bottom <= main.height()  # "Save note" stays on the screen
        main.panel.new_case.hide()
        main.panel.edit_form.hide()


def test_a_window_is_never_larger_than_its_screen(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QMainWindow, QPlainTextEdit

    from deskapp.ui.window_layout import keep_on_screen

    window = QMainWindow()
    qtbot.addWidget(window)
    window.setCentralWidget(QPlainTextEdit())
    keep_on_screen(window)
    window.show()
    area = window.screen().availableGeometry()
    assert window.maximumSize() == area.size()  # no window frame offscreen
    window.resize(area.width() + 500, area.height() + 500)
    qtbot.wait(20)
    assert window.width() <= area.width() and window.height() <= area.height()


def test_the_new_case_fields_are_labelled(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QLabel

    from deskapp.ui.customer_panel import NewCaseForm

    form = NewCaseForm()
    qtbot.addWidget(form)
    for field in (form.subject, form.phase, form.stage, form.channel, form.priority):
        label = form.form.labelForField(field)
        assert isinstance(label, QLabel) and label.text()
        assert label.text() == field.accessibleName()
        assert label.buddy() is field


def test_f1_card_is_opaque_and_lists_every_key(qtbot: QtBot, report_windows: dict[str, Any]) -> None:
    from PySide6.QtGui import QColor

    from deskapp.core.i18n import _

    main, _window = report_windows["get"]("main")
    main.overlay.popup()
    qtbot.wait(20)
    text = main.overlay.label.text()
    for keys in ("Ctrl+P", "Alt+1 … Alt+9", "↑ / ↓", "Ctrl+Shift+L", "F1"):
        assert keys in text
    assert _("Choose an answer in the call script") in text
    image = main.grab().toImage()
    middle = main.overlay.geometry().center()
    at = main.overlay.parentWidget().mapTo(main, middle)
    left_edge = main.overlay.parentWidget().mapTo(main, main.overlay.geometry().topLeft()) + type(at)(3, 40)
    for point in (left_edge,):
        assert image.pixelColor(point) == QColor("#141820")  # nothing of the window shows through
    main.overlay.hide()


def test_results_and_cases_keep_whole_columns_and_tell_the_rest_in_a_tooltip(
        qtbot: QtBot, report_windows: dict[str, Any]) -> None:
    from deskapp.ui.layout_report import measure_window

    main, _window = report_windows["get"]("main")
    measure_window(main, main, (1200, 760))
    fit = main.customer_search.column_fit
    results = main.results
    shown = [c for c in range(main.results_model.columnCount()) if not results.isColumnHidden(c)]
    assert shown and sum(results.columnWidth(c) for c in shown) == results.viewport().width()
    assert not results.horizontalScrollBar().isVisible()
    if fit.hidden:
        tip = fit.tooltip(0)
        for column in fit.hidden:
            value = str(main.results_model.data(main.results_model.index(0, column)) or "")
            assert not value or value in tip


def test_a_moved_divider_is_remembered(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    window.build_side_panels()
    window.right.setSizes([400, 300])
    window.right.splitterMoved.emit(400, 1)  # as a drag of the handle does
    again = open_window(str(desk_db))
    again.build_side_panels()
    top, bottom = again.right.sizes()
    assert abs(top / (top + bottom) - 4 / 7) < 0.05


def test_sign_in_keeps_its_fields_when_the_error_appears(qtbot: QtBot) -> None:
    from typing import cast

    from deskapp.ui.jobs import JobRunner
    from deskapp.ui.sign_in import SignInDialog

    runner = JobRunner()
    dialog = SignInDialog(runner, cast(Any, None), str)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.wait(20)
    heights = [field.height() for field in (dialog.username, dialog.password, dialog.language)]
    dialog._show_message("The username or password is wrong, or the account is disabled. Check them and try "
                         "again, or ask an administrator. " * 2)
    qtbot.wait(20)
    assert [field.height() for field in (dialog.username, dialog.password, dialog.language)] == heights
    assert dialog.error.height() >= dialog.error.heightForWidth(dialog.error.width())
    runner.close()


def test_the_report_acts_as_the_first_agent_of_the_role_and_opens_the_busiest_customer(layout_desk: Path) -> None:
    import sqlite3

    from deskapp.core.domain.enums import Role
    from deskapp.core.services.cases.cases import busiest_customer
    from deskapp.core.services.desk import Desk

    desk = Desk(str(layout_desk))
    try:
        assert desk.open(role=Role.SUPERVISOR).agent_role == Role.SUPERVISOR
        assert desk.open(role=Role.REP).agent_role == Role.REP
        account = desk.as_agent(busiest_customer)
    finally:
        desk.close()
    with sqlite3.connect(layout_desk) as db:
        counts = db.execute("SELECT c.account_number, count(*) FROM support_case k JOIN customer c "
                            "ON c.id = k.customer_id GROUP BY c.id ORDER BY count(*) DESC, c.id").fetchall()
    assert account == counts[0][0]


def test_the_review_form_is_whole_in_view_down_to_its_save_button(qtbot: QtBot,
                                                                  report_windows: dict[str, Any]) -> None:
    from deskapp.ui.layout_report import measure_window

    main, window = report_windows["get"]("supervisor")
    measure_window(window, main, (1366, 768))
    queue = window.page("queue")
    qtbot.waitUntil(lambda: queue.form.case_id is not None, timeout=10000)
    qtbot.wait(50)
    save = queue.form.save
    viewport = queue.form_scroll.viewport()
    bottom = save.mapTo(viewport, save.rect().bottomLeft()).y()
    assert 0 <= bottom <= viewport.height()


def test_f1_card_fits_a_compact_window(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    window.toggle_compact()
    window.overlay.popup()
    qtbot.wait(20)
    card = window.overlay.geometry()
    assert card.left() >= 0 and card.right() <= window.overlay.parentWidget().width()
    window.overlay.hide()
    window.toggle_compact()


def test_a_text_a_scroll_area_hides_at_the_side_is_cut_and_the_panel_scroll_never_hides_one(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QHBoxLayout, QPushButton, QScrollArea, QWidget

    from deskapp.ui.layout_measure import cut, measure
    from deskapp.ui.window_layout import scrolling

    def pane(area: QScrollArea) -> tuple[QWidget, QPushButton]:
        window = QWidget()
        qtbot.addWidget(window)
        inner = QWidget()
        row = QHBoxLayout(inner)
        button = QPushButton("Customer rating…")
        row.addWidget(QPushButton("A rather long button before it"))
        row.addWidget(button)
        area.setWidgetResizable(True)
        area.setWidget(inner)
        QHBoxLayout(window).addWidget(area)
        window.resize(200, 120)
        window.show()
        qtbot.wait(20)
        return window, button

    window, button = pane(QScrollArea())  # scrolls sideways: the button is past the pane's edge
    assert button.text() in [e.text for e in cut(measure(window))]
    window, button = pane(scrolling(QWidget()))  # the panel's scroll area: the pane is as wide as needed
    assert cut(measure(window)) == []
    assert window.width() >= button.mapTo(window, button.rect().topRight()).x()
