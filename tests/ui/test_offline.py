"""When the database server is unreachable, typed notes stay on this computer and are sent later.

The outage is real, not mocked: the desk is pointed at a PostgreSQL socket that does not exist.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine

from deskapp.core.storage.engine import session_factory

UNREACHABLE = "postgresql+psycopg://nobody@/deskapp?host=/nonexistent-deskapp-socket&connect_timeout=1"


def test_notes_typed_offline_are_kept_and_sent_when_the_server_is_back(qtbot: QtBot, open_window: Any,
                                                                         desk_db: Path) -> None:
    window = open_window(str(desk_db))
    window.search.setText("maki")
    qtbot.waitUntil(lambda: window.results_model.rowCount() > 0, timeout=5000)
    window.open_selected()
    qtbot.waitUntil(lambda: window.notes.case_id is not None, timeout=5000)
    server = window.desk._sessions
    outage = create_engine(UNREACHABLE)
    window.desk._sessions = session_factory(outage)
    try:
        qtbot.keyClicks(window.notes.editor, "Typed during the outage")
        window.notes.flush()
        qtbot.waitUntil(lambda: window.notes.status.text().startswith("Kept on this computer"), timeout=10000)
        assert window.banner.isVisible() and "cannot be reached" in window.banner.label.text()
        assert window.notes.editor.toPlainText() == "Typed during the outage"
        assert window.desk.offline_drafts() == 1
        window.try_reconnect()  # still down: nothing lost, nothing sent
        window.runner.wait()
        assert window.desk.offline_drafts() == 1
    finally:
        window.desk._sessions = server
        outage.dispose()
    window.try_reconnect()
    qtbot.waitUntil(lambda: "server is back" in window.banner.label.text(), timeout=10000)
    assert window.desk.offline_drafts() == 0
    with sqlite3.connect(desk_db) as db:
        assert db.execute("SELECT body FROM draft").fetchall() == [("Typed during the outage",)]
