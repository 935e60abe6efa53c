"""The supervisor's "Knowledge and responses" tab: uses, never used, CSAT, and the open flags."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.domain.models import Agent, Case
from deskapp.core.services.knowledge import usage
from deskapp.core.storage.engine import make_engine


@pytest.fixture
def used_demo(demo_db: Path) -> Path:
    """The demo desk after anna used and flagged the router article on one of her cases."""
    engine = make_engine(f"sqlite:///{demo_db}")
    with Session(engine) as session:
        anna = session.scalars(select(Agent.id).where(Agent.username == "anna")).one()
        case = session.scalars(select(Case.id).where(Case.owner_id == anna).limit(1)).one()
        usage.use_article(session, anna, "nordtel.router-restart", case_id=case, locale="fi")
        usage.flag_article(session, anna, "nordtel.router-restart", "Uusi reititinmalli: valot ovat eri", "fi")
    engine.dispose()
    return demo_db


def test_uses_and_flags_are_shown_and_a_flag_is_resolved(qtbot: QtBot, make_window: Any, used_demo: Path) -> None:
    window = make_window(used_demo, user="sam")
    window.desk.sign_in("sam", "demo-sam")
    window.menus.show_supervisor_window()
    supervisor = window.menus.supervisor_window
    tab = supervisor.page("usage")
    assert tab is not None
    supervisor.show_page("usage")
    qtbot.waitUntil(lambda: tab.table.rowCount() > 30, timeout=10000)
    keys = [tab.table.item(row, 1).text() for row in range(tab.table.rowCount())]
    router = keys.index("nordtel.router-restart")
    assert int(tab.table.item(router, 4).text()) >= 1 and "Suomi" in tab.table.item(router, 5).text()
    uses = [int(tab.table.item(row, 4).text()) for row in range(tab.table.rowCount())]
    assert uses == sorted(uses, reverse=True)  # most used first
    assert "Never used" in tab.summary.text()
    texts = [tab.flag_list.item(row).text() for row in range(tab.flag_list.count())]
    mine = next(row for row, text in enumerate(texts) if "valot ovat eri" in text)
    tab.flag_list.setCurrentRow(mine)
    tab.resolve_selected()
    qtbot.waitUntil(lambda: tab.flag_list.count() == len(texts) - 1, timeout=10000)
    assert tab.table.accessibleName() and tab.flag_list.accessibleName()
