"""The quiet "possible duplicate" hint in the customer panel, and a supervisor's merge dialog."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import Role
from deskapp.core.domain.models import Agent
from deskapp.core.i18n import set_locale
from deskapp.core.services.customers.store import CustomerRecord, write_customers
from deskapp.core.storage.engine import make_engine
from tests.test_catalogs import compiled


@pytest.fixture
def with_duplicate(desk_db: Path) -> Path:
    engine = make_engine(f"sqlite:///{desk_db}")
    write_customers(engine, [CustomerRecord(
        account_number="FI-000231", brand_code="nordic", given_name="JUKKA", family_name="MAKINEN",
        phones=["+358401234567"], emails=["jm@work.example"], occupation="Plumber")])
    with Session(engine) as session:
        session.add(Agent(username="sam", display_name="Sam Supervisor", role=Role.SUPERVISOR))
        session.commit()
    engine.dispose()
    return desk_db


def _open(qtbot: QtBot, window: Any, query: str, account: str = "FI-000001") -> None:
    window.search.setText(query)
    qtbot.waitUntil(lambda: window.results_model.rowCount() > 0 and window.results_model._rows[0].account_number
                    == account, timeout=5000)
    window.open_selected()
    qtbot.waitUntil(lambda: getattr(window.panel.profile, "account_number", None) == account, timeout=5000)


def test_a_rep_sees_a_quiet_hint_without_a_merge_button(qtbot: QtBot, make_window: Any, with_duplicate: Path) -> None:
    window = make_window(with_duplicate, user="anna")
    _open(qtbot, window, "FI-000001")
    hint = window.panel.duplicate_hint
    qtbot.waitUntil(hint.isVisible, timeout=5000)
    assert hint.text.text() == "Possible duplicate: JUKKA MAKINEN, FI-000231 — same phone, same name"
    assert not hint.merge_button.isVisible()
    _open(qtbot, window, "dolores", "ES-000001")
    qtbot.waitUntil(lambda: not hint.isVisible(), timeout=5000)


def test_a_supervisor_merges_from_the_hint(qtbot: QtBot, make_window: Any, with_duplicate: Path) -> None:
    from deskapp.ui.merge_dialog import MergeDialog

    window = make_window(with_duplicate, user="sam")
    _open(qtbot, window, "FI-000001")
    hint = window.panel.duplicate_hint
    qtbot.waitUntil(hint.isVisible, timeout=5000)
    assert hint.merge_button.isVisible() and hint.merge_button.accessibleName()
    hint.merge_button.click()
    dialog = window.findChild(MergeDialog)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=5000)
    assert "Moves to FI-000001: cases 0" in dialog.moves.text()
    assert list(dialog.choices) == ["given_name", "family_name", "preferred_locale", "occupation", "email"]
    assert dialog.taken() == []  # the record that stays keeps its own values unless told otherwise
    dialog.choices["occupation"].button(2).setChecked(True)
    for button in dialog.findChildren(type(dialog.swap)):
        assert button.accessibleName()
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: "Plumber" in window.panel.details.text(), timeout=5000)
    assert not hint.isVisible()
    with sqlite3.connect(with_duplicate) as db:
        assert db.execute("SELECT count(*) FROM customer_merge").fetchone() == (1,)


@pytest.mark.parametrize("lang", ["en", "fi", "fil", "es"])
def test_the_merge_dialog_fits_a_small_screen(qtbot: QtBot, make_window: Any, with_duplicate: Path,
                                              lang: str) -> None:
    from deskapp.ui.merge_dialog import MergeDialog

    window = make_window(with_duplicate, user="sam")
    if lang != "en":
        set_locale(lang, compiled(lang))
    _open(qtbot, window, "FI-000001")
    qtbot.waitUntil(window.panel.duplicate_hint.isVisible, timeout=5000)
    window.panel.duplicate_hint.merge_button.click()
    dialog = window.findChild(MergeDialog)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=5000)
    hint = dialog.sizeHint()
    assert hint.width() <= 1200 and hint.height() <= 700
    buttons = [dialog.swap, *dialog.buttons.buttons()]
    keys = [b.text()[b.text().index("&") + 1].casefold() for b in buttons]
    assert len(set(keys)) == len(keys) == 3, keys  # accelerators do not clash
    assert all(b.accessibleName() for b in buttons)
    if lang != "en":
        assert "Possible duplicate" not in window.panel.duplicate_hint.text.text()
    dialog.reject()
