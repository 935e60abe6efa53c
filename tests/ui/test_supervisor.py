"""The supervisor window on the demo database: queue, diff, review form, dashboard, audit, export."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from deskapp.core.i18n import _, load_catalog
from deskapp.core.services.notes import notes
from deskapp.core.services.reviews import reports, reviews, sampling
from deskapp.core.storage.engine import make_engine
from deskapp.ui.language import switch_language
from deskapp.ui.supervisor.charts import GOOD
from deskapp.ui.supervisor.models import AuditModel, QueueModel, ReportModel, ReviewsModel
from deskapp.ui.supervisor.note_history import diff_html

pytestmark = pytest.mark.usefixtures("english_afterwards")


@pytest.fixture
def supervisor(qtbot: QtBot, make_window: Any, demo_db: Path) -> Any:
    """The main window acting as the demo supervisor "sam", with the supervisor window open."""
    window = make_window(demo_db, user="sam")
    window.desk.sign_in("sam", "demo-sam")  # as the dialog would (and the audit log has a first event)
    window.menus.show_supervisor_window()
    return window.menus.supervisor_window


def _wait_idle(qtbot: QtBot, window: Any) -> None:
    qtbot.waitUntil(lambda: window._runner.wait(100) and not window._runner._live, timeout=20000)


def _agent_id(db: Path, username: str) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT id FROM agent WHERE username = ?", (username,)).fetchone()[0])


def test_review_form_stores_the_weighted_total_and_the_audit_log_shows_it(qtbot: QtBot, supervisor: Any,
                                                                           demo_db: Path) -> None:
    queue = supervisor.page("queue")
    qtbot.waitUntil(lambda: queue.model.rowCount() > 0, timeout=20000)
    form = queue.form
    qtbot.waitUntil(lambda: len(form.criteria) > 0, timeout=10000)
    queue.table.selectRow(0)
    case = queue.model.row(0)
    assert form.case_id == case.case_id
    assert not form.save.isEnabled()  # nothing scored yet
    chosen = {c.key: (3, 4, 2, 1, 4, 0)[i % 6] for i, c in enumerate(form.criteria)}
    for key, score in chosen.items():
        form.groups[key].button(score).click()  # as the supervisor would
    weights = {c.key: c.weight for c in form.criteria}
    expected = round(sum(weights[k] * s for k, s in chosen.items()) * 100 / (sum(weights.values()) * 4), 1)
    assert form.weighted_total() == expected
    assert f"{expected:.1f}" in form.total.text()
    form.comment.setPlainText("Confirm the identity before <b>account</b> details.")
    assert form.save.isEnabled()
    form.save.click()
    qtbot.waitUntil(lambda: form.case_id is None and bool(form.message.text()), timeout=10000)
    with sqlite3.connect(demo_db) as connection:
        case_id, total, comment = connection.execute("SELECT case_id, total, coaching_comment FROM review").fetchone()
    assert (case_id, total) == (case.case_id, expected)
    assert comment.startswith("Confirm the identity")
    # The reviewed case leaves the queue; the audit log, opened now, has the review.
    qtbot.waitUntil(lambda: case.case_id not in [r.case_id for r in queue.model.rows()], timeout=10000)
    supervisor.show_page("audit")
    audit = supervisor.page("audit")
    qtbot.waitUntil(lambda: any(r.action == "review.create" for r in audit.model.rows()), timeout=10000)
    row = next(r for r in audit.model.rows() if r.action == "review.create")
    assert row.agent_name == "Sam Taylor"
    audit.action.setCurrentIndex(audit.action.findData("auth."))
    audit.action.activated.emit(audit.action.currentIndex())
    qtbot.waitUntil(lambda: all(r.action.startswith("auth.") for r in audit.model.rows()), timeout=10000)


def test_diff_view_marks_inserted_and_deleted_text(qtbot: QtBot, supervisor: Any, demo_db: Path) -> None:
    with sqlite3.connect(demo_db) as connection:
        note_id, case_id, author_id = connection.execute(
            "SELECT n.id, n.case_id, n.author_id FROM case_note n JOIN note_revision r ON r.note_id = n.id "
            "GROUP BY n.id HAVING count(*) > 1 ORDER BY n.id LIMIT 1").fetchone()
        latest = connection.execute("SELECT body FROM note_revision WHERE note_id = ? ORDER BY number DESC",
                                    (note_id,)).fetchone()[0]
    first_word = latest.split()[0]
    engine = make_engine(f"sqlite:///{demo_db}")
    with Session(engine) as session:  # the author edits the note: a new revision
        edited = notes.edit_note(session, author_id, note_id,
                                 latest.replace(first_word, "Rewritten", 1) + "\nCalled back <at> 5pm.")
    engine.dispose()
    history = supervisor.page("queue").history
    history.set_case(case_id)
    qtbot.waitUntil(lambda: history.select_note(note_id), timeout=10000)
    qtbot.waitUntil(lambda: history.note_id == note_id and history.from_rev.count() == edited.revision_count,
                    timeout=10000)
    history.select_revisions(edited.revision_count - 1, edited.revision_count)
    qtbot.waitUntil(lambda: history.last_diff is not None and history.last_diff.new.number == edited.revision_count,
                    timeout=10000)
    chunks = history.last_diff.chunks
    deleted = "".join(c.text for c in chunks if c.op == "delete")
    inserted = "".join(c.text for c in chunks if c.op == "insert")
    assert first_word in deleted and "Rewritten" in inserted and "Called back" in inserted
    shown = history.view.toHtml()
    assert "line-through" in shown and "underline" in shown
    assert "&lt;at&gt;" in shown  # escaped, not markup
    assert "Called back <at> 5pm." in history.view.toPlainText()


def test_diff_html_escapes_and_marks_each_chunk() -> None:
    from deskapp.core.services.notes.diff import diff_texts

    markup = diff_html(diff_texts("Price 10 € <b>", "Price 12 € <b>"))
    assert "<b>" not in markup and "&lt;b&gt;" in markup
    assert "class='del'" in markup and ">10</span>" in markup
    assert "class='ins'" in markup and ">12</span>" in markup


def test_dashboard_paints_the_figures_of_csat_report(qtbot: QtBot, supervisor: Any, demo_db: Path) -> None:
    supervisor.resize(1280, 800)
    supervisor.show_page("dashboard")
    dashboard = supervisor.page("dashboard")
    qtbot.waitUntil(lambda: dashboard.model.rowCount() > 0, timeout=20000)
    engine = make_engine(f"sqlite:///{demo_db}")
    sam = _agent_id(demo_db, "sam")
    with Session(engine) as session:
        expected = reports.csat_report(session, sam, "agent", dashboard.since_date())
        channels = reports.csat_report(session, sam, "channel", dashboard.since_date())
    assert [(r.key, r.average, r.count) for r in dashboard.model.rows()] == [(r.key, r.average, r.count)
                                                                               for r in expected]
    assert {b.label for b in dashboard.bars.bars} == {reports.group_label(r.by, r.key, r.name) for r in expected}
    assert sum(p.count for p in dashboard.volumes) > 0
    image = dashboard.bars.grab().toImage()
    assert _colours(image) > 3 and _has_colour(image, GOOD)
    assert _colours(dashboard.lines.grab().toImage()) > 3
    dashboard.by.setCurrentIndex(dashboard.by.findData("channel"))
    dashboard.by.activated.emit(dashboard.by.currentIndex())
    qtbot.waitUntil(lambda: [r.key for r in dashboard.model.rows()] == [r.key for r in channels], timeout=10000)
    assert [r.average for r in dashboard.model.rows()] == [r.average for r in channels]
    engine.dispose()


def _colours(image: QImage) -> int:
    seen = set()
    for y in range(0, image.height(), 4):
        for x in range(0, image.width(), 4):
            seen.add(image.pixel(x, y))
    return len(seen)


def _has_colour(image: QImage, colour: QColor) -> bool:
    return any(image.pixelColor(x, y) == colour for y in range(0, image.height(), 2)
               for x in range(0, image.width(), 2))


def test_export_writes_the_chosen_csv_file(qtbot: QtBot, supervisor: Any, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "cases.csv"
    monkeypatch.setattr("deskapp.ui.supervisor.export_tab.QFileDialog.getSaveFileName",
                        lambda *args, **kwargs: (str(target), "CSV"))
    supervisor.show_page("export")
    export = supervisor.page("export")
    export.limit.setChecked(False)
    export.export.click()
    qtbot.waitUntil(lambda: not export.busy, timeout=20000)
    assert target.read_text(encoding="utf-8").startswith("reference,opened_at")
    assert str(target) in export.message.text()


def test_supervisor_window_follows_the_language(qtbot: QtBot, supervisor: Any) -> None:
    switch_language("fi")
    fi = load_catalog("fi").gettext
    titles = [supervisor.tabs.tabText(i) for i in range(supervisor.tabs.count())]
    assert titles == [fi("Review queue"), fi("Dashboard"), fi("Customer feedback"), fi("Knowledge and responses"),
                      fi("Audit log"), fi("Export"), fi("Rubric")]
    assert supervisor.page("queue").refresh.text() == fi("Refresh")
    assert supervisor.windowTitle() == fi("deskapp — supervisor")


def test_dashboard_relabels_on_a_language_switch_without_a_query(qtbot: QtBot, make_window: Any,
                                                                 demo_db: Path) -> None:
    from sqlalchemy import event

    # The administrator's supervisor window: the dashboard without the review form, whose rubric
    # (text supervisors wrote in each language, not codes) is still fetched again in the new language.
    window = make_window(demo_db, user="admin")
    window.menus.show_supervisor_window()
    supervisor = window.menus.supervisor_window
    assert supervisor.page("queue") is None
    supervisor.show_page("dashboard")
    dashboard = supervisor.page("dashboard")
    dashboard.by.setCurrentIndex(dashboard.by.findData("channel"))
    dashboard.by.activated.emit(dashboard.by.currentIndex())
    qtbot.waitUntil(lambda: dashboard.model.rowCount() > 0 and dashboard.model.row(0).by == "channel",
                    timeout=20000)
    _wait_idle(qtbot, window)
    queries: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        queries.append(statement)

    event.listen(window.desk.engine, "before_cursor_execute", count)
    try:
        switch_language("fi")
        _wait_idle(qtbot, window)
    finally:
        event.remove(window.desk.engine, "before_cursor_execute", count)
    fi = load_catalog("fi").gettext
    from deskapp.core.domain.enums import Channel

    channels = {fi(Channel(r.key).msgid) for r in dashboard.model.rows()}
    shown = {dashboard.model.index(i, 0).data() for i in range(dashboard.model.rowCount())}
    assert shown == channels and fi("Phone") in shown and fi("Phone") != "Phone"
    assert {b.label for b in dashboard.bars.bars} == channels
    volume_labels = {fi(Channel(p.key).msgid) for p in dashboard.volumes} | {fi("Other groups")}
    assert dashboard.lines.series and {s.label for s in dashboard.lines.series} <= volume_labels
    assert queries == []


def test_a_rep_reads_and_acknowledges_their_review(qtbot: QtBot, make_window: Any, demo_db: Path) -> None:
    engine = make_engine(f"sqlite:///{demo_db}")
    sam, anna = _agent_id(demo_db, "sam"), _agent_id(demo_db, "anna")
    with Session(engine) as session:
        queue = sampling.sampling_queue(session, sam, since=dt.date(2000, 1, 1))
        case_id = next(r.case_id for r in queue if r.owner_id == anna)
        view = reviews.rubric_criteria(session, sam)
        reviews.create_review(session, sam, case_id, {c.key: 3 for c in view.criteria}, "Well handled.")
    engine.dispose()
    window = make_window(demo_db, user="anna")
    assert window.menus.my_reviews.isEnabled()
    window.menus.show_my_reviews()
    dialog = window.menus.reviews_dialog
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10000)
    assert "Well handled." in dialog.detail.toPlainText()
    assert dialog.acknowledge.isEnabled()
    dialog.acknowledge.click()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1 and dialog.model.row(0).acknowledged_at is not None,
                    timeout=10000)
    assert not dialog.acknowledge.isEnabled()
    assert _("I have read this review") == dialog.acknowledge.text()


def test_table_models_pass_the_model_tester(qtbot: QtBot, qtmodeltester: Any, supervisor: Any,
                                            demo_db: Path) -> None:
    queue = supervisor.page("queue")
    qtbot.waitUntil(lambda: queue.model.rowCount() > 0, timeout=20000)
    supervisor.show_page("dashboard")
    qtbot.waitUntil(lambda: supervisor.page("dashboard").model.rowCount() > 0, timeout=20000)
    supervisor.show_page("audit")
    qtbot.waitUntil(lambda: supervisor.page("audit").model.rowCount() > 0, timeout=20000)
    for model in (queue.model, supervisor.page("dashboard").model, supervisor.page("audit").model):
        qtmodeltester.check(model, force_py=True)
    engine = make_engine(f"sqlite:///{demo_db}")
    sam = _agent_id(demo_db, "sam")
    with Session(engine) as session:
        view = reviews.rubric_criteria(session, sam)
        reviews.create_review(session, sam, queue.model.row(0).case_id, {c.key: 2 for c in view.criteria})
        rows = reviews.reviews_for_agent(session, sam)
    engine.dispose()
    model = ReviewsModel()
    model.set_rows(rows)
    qtmodeltester.check(model, force_py=True)
    for empty in (QueueModel(), ReportModel(), AuditModel(), ReviewsModel()):
        qtmodeltester.check(empty, force_py=True)
