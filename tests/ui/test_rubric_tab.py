"""Supervisors edit the QA rubric in the window: a new version, the other languages kept."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from tests.ui.test_supervisor import _wait_idle, supervisor  # noqa: F401 - the supervisor fixture


def _loaded_rubric(qtbot: QtBot, window: Any) -> Any:
    """The supervisor window's rubric tab, shown and loaded."""
    tab = window.page("rubric")
    assert tab is not None
    window.show_page("rubric")
    qtbot.waitUntil(lambda: "empathy" in tab.rows, timeout=10000)
    return tab


def test_changing_a_weight_and_a_title_saves_a_new_version(qtbot: QtBot, supervisor: Any,  # noqa: F811
                                                           demo_db: Path) -> None:
    window = supervisor
    tab = _loaded_rubric(qtbot, window)
    assert tab.total.text().endswith("100")
    weight, title, _guidance = tab.rows["empathy"]
    weight.setValue(30)
    title.setText("Empathy and tone")
    assert tab.total.text().endswith("110")
    before = tab.version
    tab.save.click()
    qtbot.waitUntil(lambda: tab.version == before + 1, timeout=10000)
    _wait_idle(qtbot, window)
    assert str(before + 1) in tab.message.text()
    with sqlite3.connect(window._desk.engine.url.database) as db:
        criteria = json.loads(db.execute("SELECT criteria FROM rubric ORDER BY version DESC LIMIT 1").fetchone()[0])
    empathy = next(c for c in criteria if c["key"] == "empathy")
    assert empathy["weight"] == 30
    assert empathy["title"]["en"] == "Empathy and tone"
    assert empathy["title"]["fi"] and empathy["title"]["fi"] != "Empathy and tone"  # Finnish kept


def test_a_rep_has_no_rubric_tab(qtbot: QtBot, make_window: Any, demo_db: Path) -> None:
    from deskapp.core.domain.enums import Role
    from deskapp.ui.supervisor.window import SupervisorWindow

    window = make_window(demo_db, user="anna")
    rep_view = SupervisorWindow(window.runner, window.desk, window.describe_error, Role.REP)
    qtbot.addWidget(rep_view)
    assert rep_view.page("rubric") is None


def test_guidance_shows_its_start_and_the_whole_line_in_a_tooltip(qtbot: QtBot, supervisor: Any,  # noqa: F811
                                                                  demo_db: Path) -> None:
    tab = _loaded_rubric(qtbot, supervisor)
    for _weight, title, guidance in tab.rows.values():
        for line in (title, guidance):
            assert line.cursorPosition() == 0  # the start shows, not the end
            assert line.toolTip() == line.text()
