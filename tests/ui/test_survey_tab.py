"""The supervisor's "Customer feedback" tab: customer-given apart from rep-recorded, response rates, reasons."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.domain.models import Case
from deskapp.core.domain.quality import Feedback
from deskapp.core.services.reviews import reports
from deskapp.core.services.surveys import answers, figures
from deskapp.core.storage.engine import make_engine
from deskapp.ui.supervisor.survey_tab import RateModel, ReasonModel


def _ids(db: Path, *usernames: str) -> list[int]:
    with sqlite3.connect(db) as connection:
        return [int(connection.execute("SELECT id FROM agent WHERE username = ?", (name,)).fetchone()[0])
                for name in usernames]


def test_the_tab_shows_customer_and_rep_figures_apart(qtbot: QtBot, qtmodeltester: Any, make_window: Any,
                                                       demo_db: Path) -> None:
    sam, rep = _ids(demo_db, "sam", "anna")
    engine = make_engine(f"sqlite:///{demo_db}")
    with Session(engine) as session:
        demo_answers = sum(r.answered for r in figures.response_rates(session, sam, "brand"))
        demo_reasons = {r.code: r.count for r in figures.reason_counts(session, sam)}
        rated = select(Feedback.case_id).where(Feedback.source == "customer")
        closed = session.scalars(select(Case.id).where(Case.closed_at.is_not(None), Case.id.not_in(rated))
                                 .limit(3)).all()
        for score, case_id in zip((5, 2, 4), closed, strict=True):
            answers.record_customer_answer(session, rep, case_id, score, language="fi",
                                           reasons=["friendliness"] if score > 3 else ["waiting_time"])
    window = make_window(demo_db, user="sam")
    window.menus.show_supervisor_window()
    supervisor = window.menus.supervisor_window
    supervisor.show_page("surveys")
    tab = supervisor.page("surveys")
    qtbot.waitUntil(lambda: tab.rates.rowCount() > 0 and tab.reasons.rowCount() > 0, timeout=20000)
    since = tab.since.date().toPython()
    with Session(engine) as session:
        sources = reports.csat_report(session, sam, "source", since)
        rates = figures.response_rates(session, sam, "brand", since)
        reasons = figures.reason_counts(session, sam, since)
        all_answers = sum(r.answered for r in figures.response_rates(session, sam, "brand"))
        all_reasons = {r.code: r.count for r in figures.reason_counts(session, sam)}
    engine.dispose()
    assert [r.key for r in tab.sources.rows()] == [r.key for r in sources]
    assert "customer" in [r.key for r in sources] and "rep" in [r.key for r in sources]
    assert tab.sources.data(tab.sources.index(0, 0)) == "Customer-given"
    assert [(r.key, r.closed, r.answered) for r in tab.rates.rows()] == [(r.key, r.closed, r.answered)
                                                                         for r in rates]
    assert all_answers == demo_answers + 3
    assert all_reasons.get("friendliness", 0) == demo_reasons.get("friendliness", 0) + 2
    assert [(r.code, r.count, r.average) for r in tab.reasons.rows()] == [(r.code, r.count, r.average)
                                                                          for r in reasons]
    assert tab.reasons.data(tab.reasons.index(0, 0)) == figures.reason_label(reasons[0].code)
    tab.by.setCurrentIndex(tab.by.findData("agent"))
    tab.by.activated.emit(tab.by.currentIndex())
    qtbot.waitUntil(lambda: tab.rates.rows() and tab.rates.row(0).by == "agent", timeout=10000)
    for model in (tab.sources, tab.rates, tab.reasons, RateModel(), ReasonModel()):
        qtmodeltester.check(model, force_py=True)
