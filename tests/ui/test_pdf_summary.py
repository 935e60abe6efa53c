"""The PDF case summary: a real A4 PDF, labelled in the customer's language, the UI left alone."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from deskapp.core.domain.enums import CaseStatus, Channel, PurchasePhase, SupportStage
from deskapp.core.i18n import current_locale, load_catalog
from deskapp.core.services.cases.summary import CaseSummary, SummaryNote, summary_html
from deskapp.ui.pdf_summary import write_case_summary


@pytest.fixture
def desk(demo_db: Path) -> Iterator[Any]:
    from deskapp.core.services.desk import Desk

    opened = Desk(str(demo_db))
    opened.open("sam")
    opened.sign_in("sam", "demo-sam")
    yield opened
    opened.close()


def _case_of(db: Path, locale: str) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute(
            "SELECT c.id FROM support_case c JOIN customer u ON u.id = c.customer_id "
            "WHERE u.preferred_locale = ? AND c.closed_at IS NOT NULL ORDER BY c.id LIMIT 1", (locale,)).fetchone()[0])


def test_finnish_customer_gets_a_finnish_pdf(qtbot: QtBot, desk: Any, demo_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "summary.pdf"
    summary = write_case_summary(desk, _case_of(demo_db, "fi"), path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1000
    fi = load_catalog("fi").gettext
    assert summary.locale == "fi"
    assert f">{fi('Case')}<" in summary.html
    assert f">{fi('Support stage')}<" in summary.html
    assert fi("Support stage") != "Support stage"  # the catalog really is Finnish
    assert current_locale() == "en"  # the rep's window did not change language


def test_spanish_customer_gets_spanish_labels_and_dates(qtbot: QtBot, desk: Any, demo_db: Path,
                                                        tmp_path: Path) -> None:
    summary = write_case_summary(desk, _case_of(demo_db, "es"), tmp_path / "es.pdf")
    es = load_catalog("es").gettext
    assert f">{es('Status')}<" in summary.html and f">{es('Closed')}<" in summary.html
    assert " de 20" in summary.html  # Babel's long Spanish date: "14 de marzo de 2026"


def test_every_text_is_escaped() -> None:
    import datetime as dt

    moment = dt.datetime(2026, 3, 14, 9, 30, tzinfo=dt.UTC)
    note = SummaryNote(created_at=moment, author_name="Rep", body="line 1\n<b>line 2</b>")
    summary = CaseSummary(case_id=7, reference="C-1042", customer_name="A & B", account_number="X-1",
                          brand_name="<i>", locale="fil",
                          subject="<script>x</script>", purchase_phase=PurchasePhase.AFTER,
                          support_stage=SupportStage.TROUBLESHOOTING, channel=Channel.PHONE,
                          status=CaseStatus.OPEN, opened_at=moment, closed_at=None, notes=(note,))
    html = summary_html(summary, summary.locale)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "A &amp; B" in html and "&lt;b&gt;line 2&lt;/b&gt;" in html and "line 1<br>" in html


def test_menu_action_writes_the_selected_case(qtbot: QtBot, make_window: Any, demo_db: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(demo_db, user="anna")
    window.menus.print_summary.trigger()  # no case open: says what to do
    assert window.banner.isVisible() and window.banner.kind == "info"
    target = tmp_path / "chosen.pdf"
    monkeypatch.setattr("deskapp.ui.window_menus.QFileDialog.getSaveFileName",
                        lambda *args, **kwargs: (str(target), "PDF"))
    window.search.setText("FI-000001")
    qtbot.waitUntil(lambda: window.results_model.rowCount() > 0, timeout=10000)
    window.open_selected()
    qtbot.waitUntil(lambda: window.notes.case_id is not None, timeout=10000)
    window.menus.print_summary.trigger()
    qtbot.waitUntil(lambda: target.exists() and str(target) in window.banner.label.text(), timeout=10000)
    assert target.read_bytes().startswith(b"%PDF")


def test_the_pdf_never_goes_over_the_database(qtbot: QtBot, desk: Any, demo_db: Path) -> None:
    from deskapp.core.errors import OutputFileError

    before = demo_db.read_bytes()[:100]
    with pytest.raises(OutputFileError, match="is the desk's database itself"):
        write_case_summary(desk, _case_of(demo_db, "fi"), demo_db)
    assert demo_db.read_bytes()[:100] == before
    assert not list(demo_db.parent.glob(".*.tmp"))
