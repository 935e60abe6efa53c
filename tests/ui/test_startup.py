"""Start-up: the first frame is painted before the panels, the database layer and Qt's enums; the rest follows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from deskapp.core.i18n import _
from deskapp.ui.jobs import JobRunner

# The real `deskapp --db FILE` path in a fresh process; at the end of the main window's first paint
# pass it prints what had been imported and built by then (as bench/startup.py measures it).
FIRST_FRAME = r"""
import json, os, sys
from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

app = QApplication(sys.argv[:1])

class Hook(QObject):
    def eventFilter(self, window, event):
        if event.type() == QEvent.Type.Paint:
            window.removeEventFilter(self)
            QTimer.singleShot(0, lambda: report(window))
        return False

def report(window):
    print(json.dumps({
        "modules": sorted(sys.modules),
        "qt_namespace": "Qt" in vars(QtCore),
        "search_focused": window.search.hasFocus(),
        "panels_built": window._panel is not None,
        "header": [window.results.model().headerData(i, QtCore.Qt.Orientation.Horizontal)
                   for i in range(window.results.model().columnCount())],
    }), flush=True)
    os._exit(0)

hook = Hook()
show = QWidget.show

def watched_show(self):
    if isinstance(self, QMainWindow):
        self.installEventFilter(hook)
    show(self)

QWidget.show = watched_show
from deskapp.cli import main
main(["--db", sys.argv[1]])
"""

NOT_BEFORE_PAINT = ("sqlalchemy", "alembic", "babel", "phonenumbers", "jinja2", "deskapp.core.services",
                    "deskapp.ui.customer_panel", "deskapp.ui.note_editor", "deskapp.ui.response_panel",
                    "deskapp.ui.script_panel", "deskapp.ui.supervisor", "deskapp.cli.demo", "deskapp.cli.common")


def test_first_frame_is_painted_before_the_heavy_parts(desk_db: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LANG="C.UTF-8")
    env.pop("LANGUAGE", None)
    proc = subprocess.run([sys.executable, "-c", FIRST_FRAME, str(desk_db)], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    frame = json.loads(proc.stdout.splitlines()[-1])
    early = [m for m in frame["modules"] if m.startswith(NOT_BEFORE_PAINT)]
    assert early == []
    assert not frame["qt_namespace"]  # its first use builds ~100 Python enums: after the paint
    assert frame["search_focused"]
    assert not frame["panels_built"]
    assert frame["header"] == ["Name", "Account", "Phone", "Email", "Organisation", "Language", "Brand"]


def test_after_the_first_paint_the_window_is_completed_then_the_database_opens(
        qtbot: QtBot, desk_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from deskapp.ui.app import _after_first_paint
    from deskapp.ui.main_window import MainWindow

    monkeypatch.setattr("getpass.getuser", lambda: "anna")
    window = MainWindow(str(desk_db), follow_agent_language=False)
    qtbot.addWidget(window)
    _after_first_paint(window)
    window.show()
    qtbot.waitUntil(lambda: window.is_ready, timeout=20000)
    assert window.results.model() is window.results_model
    assert window.panel_scroll.widget() is window.panel  # the customer panel scrolls in its pane
    assert window.panel_scroll.parent() is window.right and window.notes.parent() is window.right
    assert window.right.count() == 2  # the first frame's placeholder is gone
    assert [window.menuBar().actions()[i].text() for i in range(4)] == ["&Language", "&View", "&Case", "&Account"]
    assert not QApplication.windowIcon().isNull()
    assert window.search.hasFocus()
    window.search.setText("maki")
    qtbot.waitUntil(lambda: window.results_model.rowCount() > 0, timeout=5000)
    window.runner.wait()


def test_a_part_not_built_yet_is_built_when_first_used(qtbot: QtBot, desk_db: Path) -> None:
    from deskapp.ui.main_window import MainWindow

    window = MainWindow(str(desk_db))
    qtbot.addWidget(window)
    assert window._panel is None and window._banner is None and window._overlay is None
    assert window.notes.side_tabs.count() == 4  # responses, call script, knowledge base, saved notes
    assert window._panel is not None and window.panel.edit_form is not None
    assert window.results.model() is window.results_model
    window.banner.show_message("x", "info")
    assert window.centralWidget().layout().indexOf(window.banner) == 0  # above the search box
    window.actions_by_name["help"].trigger()
    assert window.overlay.isVisibleTo(window)


def test_panels_built_after_a_language_switch_read_the_new_language(qtbot: QtBot, desk_db: Path) -> None:
    from deskapp.ui.language import switch_language
    from deskapp.ui.main_window import MainWindow

    window = MainWindow(str(desk_db), follow_agent_language=False)
    qtbot.addWidget(window)
    try:
        switch_language("fi")
        finnish_name = _("Name")
        assert finnish_name != "Name"
        assert window.results.model().headerData(0, Qt.Orientation.Horizontal) == finnish_name  # the stand-in
        window.build_side_panels()
        assert window.results_model.headerData(0, Qt.Orientation.Horizontal) == finnish_name
        assert window.notes.side_tabs.tabText(0) == _("Responses") != "Responses"
        assert window.menus.case_menu.title() == _("&Case") != "&Case"
        assert window.panel.name.text() == _("No customer open") != "No customer open"
        switch_language("en")
        assert window.notes.side_tabs.tabText(0) == "Responses"
    finally:
        switch_language("en")


def test_call_scripts_load_when_their_tab_is_first_shown(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    window.runner.wait()
    qtbot.wait(20)
    assert window.scripts.picker.count() == 0  # not read at start-up: the tab is not open
    window.notes.side_tabs.setCurrentWidget(window.scripts)
    qtbot.waitUntil(lambda: window.scripts.picker.count() >= 5, timeout=5000)


def test_closing_drops_queued_lookups_but_finishes_saves(qtbot: QtBot) -> None:
    import threading

    runner = JobRunner()
    started = threading.Event()
    release = threading.Event()
    ran: list[str] = []

    def busy() -> None:
        started.set()
        release.wait(5)
        ran.append("busy")

    runner.submit(busy)
    assert started.wait(5)
    runner.submit(lambda: ran.append("lookup"), key="lookup")
    runner.submit(lambda: ran.append("save"))
    release.set()
    assert runner.close()
    runner.submit(lambda: ran.append("after close"))
    runner.wait()
    assert ran == ["busy", "save"]
