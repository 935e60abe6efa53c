"""Undoing a merge from the window: the kept customer's "Merged into this customer" line, for supervisors."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import Channel, PurchasePhase, Role, SupportStage
from deskapp.core.domain.models import Agent, Customer
from deskapp.core.i18n import UI_LOCALES
from deskapp.core.services.cases import cases
from deskapp.core.services.customers.store import CustomerRecord, write_customers
from deskapp.core.services.merge.merging import merge_customers
from deskapp.core.services.merge.unmerging import absorbed_customers, unmerge_customer
from deskapp.core.storage.engine import make_engine


@pytest.fixture
def merged_desk(desk_db: Path) -> Path:
    """FI-000231 (with a case of its own) merged into FI-000001 by the supervisor Sam."""
    return _duplicates(desk_db, merge=True)


def _duplicates(desk_db: Path, *, merge: bool) -> Path:
    engine = make_engine(f"sqlite:///{desk_db}")
    write_customers(engine, [CustomerRecord(
        account_number="FI-000231", brand_code="nordic", given_name="JUKKA", family_name="MAKINEN",
        phones=["+358401234567"], emails=["jm@work.example"], occupation="Plumber")])
    with Session(engine) as session:
        sam = Agent(username="sam", display_name="Sam Supervisor", role=Role.SUPERVISOR)
        session.add(sam)
        session.commit()
        other = session.scalars(select(Customer.id).where(Customer.account_number == "FI-000231")).one()
        cases.open_case(session, sam.id, other, "Printer jams", PurchasePhase.AFTER, SupportStage.TROUBLESHOOTING,
                        Channel.PHONE)
        if merge:
            merge_customers(session, sam.id, "FI-000001", "FI-000231")
    engine.dispose()
    return desk_db


def _open(qtbot: QtBot, window: Any, query: str, account: str = "FI-000001") -> None:
    window.search.setText(query)
    qtbot.waitUntil(lambda: any(row.account_number == account for row in window.results_model._rows), timeout=5000)
    window.results.selectRow(next(i for i, row in enumerate(window.results_model._rows)
                                  if row.account_number == account))
    window.open_selected()
    qtbot.waitUntil(lambda: getattr(window.panel.profile, "account_number", None) == account, timeout=5000)


def _supervisor_on_kept(qtbot: QtBot, make_window: Any, db: Path) -> tuple[Any, Any]:
    """Sam's window with FI-000001 open and its "Merged into this customer" line shown."""
    window = make_window(db, user="sam")
    _open(qtbot, window, "FI-000001")
    hint = window.panel.merged_hint
    qtbot.waitUntil(hint.isVisible, timeout=5000)
    return window, hint


def _merges(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT id, keep_id, other_id, unmerged_at FROM customer_merge").fetchall()


def _case_owners(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT id, customer_id FROM support_case ORDER BY id").fetchall()


def _answer(monkeypatch: pytest.MonkeyPatch, yes: bool) -> list[str]:
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes if yes else QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_a_supervisor_undoes_a_merge_from_the_kept_customer(qtbot: QtBot, make_window: Any, merged_desk: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    window, hint = _supervisor_on_kept(qtbot, make_window, merged_desk)
    assert [row.other_account for row in hint.rows] == ["FI-000231"]
    text = hint.texts[0].text()
    assert text.startswith("Merged into this customer: JUKKA MAKINEN (FI-000231) on ")
    assert "by Sam Supervisor." in text and "The merge can be undone until " in text
    button = hint.buttons[0]
    assert button.isVisible() and button.accessibleName() == "Undo the merge of FI-000231"
    assert window.panel.cases_model.rowCount() == 2  # its own case and the merged one's
    window.toggle_privacy()  # the customer can see the screen: the merged one's name is masked too
    assert "JUKKA M. (FI-000231)" in hint.texts[0].text()
    window.toggle_privacy()
    assert "JUKKA MAKINEN (FI-000231)" in hint.texts[0].text()
    before = _case_owners(merged_desk)

    asked = _answer(monkeypatch, yes=False)  # "No" changes nothing
    button.click()
    assert "Undo the merge of JUKKA MAKINEN (FI-000231) into FI-000001?" in asked[0]
    window.runner.wait()
    assert _merges(merged_desk)[0][3] is None and _case_owners(merged_desk) == before

    _answer(monkeypatch, yes=True)
    window.search.setText("makinen")  # the results show one Mäkinen until the merge is undone
    qtbot.waitUntil(lambda: window.results_model.rowCount() > 0, timeout=5000)
    assert "FI-000231" not in [row.account_number for row in window.results_model._rows]
    button.click()
    qtbot.waitUntil(lambda: not hint.isVisible(), timeout=5000)
    assert window.banner.kind == "info"
    assert window.banner.label.text() == ("FI-000231 is a customer of its own again; what the merge moved to "
                                          "FI-000001 is back.")
    qtbot.waitUntil(lambda: window.panel.cases_model.rowCount() == 1, timeout=5000)  # the profile refreshed
    assert window.panel.profile.account_number == "FI-000001"
    assert _merges(merged_desk)[0][3] is not None
    # The results were looked up again: both customers are there, and the restored one opens.
    qtbot.waitUntil(lambda: {"FI-000001", "FI-000231"} <= {row.account_number
                                                           for row in window.results_model._rows}, timeout=5000)
    _open(qtbot, window, "FI-000231", "FI-000231")
    qtbot.waitUntil(lambda: window.panel.cases_model.rowCount() == 1, timeout=5000)
    assert not hint.isVisible()


def test_a_merge_done_in_the_window_offers_its_undo_at_once(qtbot: QtBot, make_window: Any, desk_db: Path) -> None:
    from deskapp.ui.merge_dialog import MergeDialog

    window = make_window(_duplicates(desk_db, merge=False), user="sam")
    _open(qtbot, window, "FI-000001")
    qtbot.waitUntil(window.panel.duplicate_hint.isVisible, timeout=5000)
    window.runner.wait()
    assert not window.panel.merged_hint.isVisible()
    window.panel.duplicate_hint.merge_button.click()
    dialog = window.findChild(MergeDialog)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=5000)
    dialog.buttons.accepted.emit()
    hint = window.panel.merged_hint
    qtbot.waitUntil(hint.isVisible, timeout=5000)
    assert "(FI-000231)" in hint.texts[0].text() and "by Sam Supervisor." in hint.texts[0].text()
    assert hint.buttons[0].isVisible()


def test_a_rep_does_not_see_it_and_may_not_undo(qtbot: QtBot, make_window: Any, merged_desk: Path) -> None:
    from deskapp.core.errors import PermissionDenied

    window = make_window(merged_desk, user="anna")
    _open(qtbot, window, "FI-000001")
    qtbot.waitUntil(lambda: window.panel.cases_model.rowCount() == 2, timeout=5000)
    window.runner.wait()
    assert not window.panel.merged_hint.isVisible() and window.panel.merged_hint.buttons == []
    with pytest.raises(PermissionDenied):
        window.desk.as_agent(absorbed_customers, window.panel.profile.customer_id)
    with pytest.raises(PermissionDenied):
        window.desk.as_agent(unmerge_customer, "FI-000231")
    assert _merges(merged_desk)[0][3] is None


def test_too_late_says_so_and_changes_nothing(qtbot: QtBot, make_window: Any, merged_desk: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    window, hint = _supervisor_on_kept(qtbot, make_window, merged_desk)
    before = _case_owners(merged_desk)
    long_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=31)).replace(tzinfo=None)
    with sqlite3.connect(merged_desk) as connection:  # the window stayed open for a month
        connection.execute("UPDATE customer_merge SET merged_at = ?", (long_ago.isoformat(sep=" "),))
    _answer(monkeypatch, yes=True)
    hint.buttons[0].click()
    qtbot.waitUntil(lambda: window.banner.isVisible() and window.banner.kind == "error", timeout=5000)
    assert window.banner.label.text() == ("FI-000231 was merged more than 30 days ago; that can no longer be "
                                          "undone.")
    assert _merges(merged_desk)[0][3] is None and _case_owners(merged_desk) == before
    # The line stays, says why, and offers no button any more.
    qtbot.waitUntil(lambda: bool(hint.texts) and "can no longer be undone" in hint.texts[0].text(), timeout=5000)
    assert hint.isVisible() and not hint.buttons[0].isVisible()


def test_already_undone_says_so(qtbot: QtBot, make_window: Any, merged_desk: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    window, hint = _supervisor_on_kept(qtbot, make_window, merged_desk)
    window.desk.as_agent(unmerge_customer, "FI-000231")  # another supervisor was quicker
    after_first = (_merges(merged_desk), _case_owners(merged_desk))
    _answer(monkeypatch, yes=True)
    hint.buttons[0].click()
    qtbot.waitUntil(lambda: window.banner.isVisible() and window.banner.kind == "error", timeout=5000)
    assert window.banner.label.text() == "FI-000231 is not merged into another customer."
    assert (_merges(merged_desk), _case_owners(merged_desk)) == after_first
    qtbot.waitUntil(lambda: not hint.isVisible(), timeout=5000)


@pytest.mark.parametrize("lang", UI_LOCALES)
def test_the_line_fits_and_is_translated(qtbot: QtBot, make_window: Any, merged_desk: Path, lang: str) -> None:
    from deskapp.ui.language import switch_language
    from deskapp.ui.layout_report import measure_window

    window, hint = _supervisor_on_kept(qtbot, make_window, merged_desk)
    switch_language(lang)
    try:
        report = measure_window(window, window, (1366, 768))
        if lang != "en":
            assert "Merged into this customer" not in hint.texts[0].text()
            assert "Undo merge" not in hint.buttons[0].text()
        texts = (hint.texts[0].text(), hint.buttons[0].text(), hint.buttons[0].accessibleName())
    finally:
        switch_language("en")
    widgets = report["widgets"]
    cut = [(w["class"], w["text"]) for w in widgets if w["visible"] and w["cut"]]
    unnamed = [(w["class"], w["name"]) for w in widgets if w["visible"] and w["interactive"]
               and not w["accessible_name"]]
    assert (cut, unnamed) == ([], []), texts
    assert report["case_rows_visible"] >= 6
    assert hint.buttons[0].isVisible() and all(texts)
