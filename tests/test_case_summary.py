"""The case summary's data and HTML: the customer's text escaped, labels in the language asked for."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import Channel, SupportStage
from deskapp.core.errors import RecordNotFound
from deskapp.core.i18n import current_locale, load_catalog, set_locale
from deskapp.core.services.cases.summary import case_summary, summary_html, summary_title
from deskapp.core.services.notes import notes
from tests.seeding import Seed, new_case


def test_summary_reads_the_case_customer_and_latest_notes(session: Session, s: Seed) -> None:
    case = new_case(session, s, subject="Router <b>dies</b> & restarts")
    first = notes.add_note(session, s.rep, case.id, "Asked to restart.\n<script>alert(1)</script>")
    notes.edit_note(session, s.rep, first.id, "Asked to restart twice.\n<script>alert(1)</script>")
    summary = case_summary(session, s.supervisor, case.id)
    assert (summary.case_id, summary.customer_name, summary.account_number, summary.locale) == \
        (case.id, "Jukka Mäkinen", "FI-000001", "fi")
    assert (summary.channel, summary.support_stage) == (Channel.PHONE, SupportStage.TROUBLESHOOTING)
    assert [n.body for n in summary.notes] == ["Asked to restart twice.\n<script>alert(1)</script>"]
    assert summary.notes[0].author_name == "Anna Virtanen"

    page = summary_html(summary, "fi")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Router &lt;b&gt;dies&lt;/b&gt; &amp; restarts" in page
    assert "restart twice.<br>" in page


def test_labels_follow_the_document_language_not_the_ui(session: Session, s: Seed) -> None:
    case = new_case(session, s)
    summary = case_summary(session, s.rep, case.id)
    fi, es = load_catalog("fi").gettext, load_catalog("es").gettext
    set_locale("es")  # the rep works in Spanish; the Finnish customer's copy stays Finnish
    try:
        page = summary_html(summary, "fi")
        assert f">{fi('Support stage')}<" in page and f">{fi('Troubleshooting')}<" in page
        assert f">{es('Support stage')}<" not in page
        assert fi("No notes were written on this case.") in page
        assert summary_title(summary, "fi").startswith(fi("Case summary"))
        spanish = summary_html(summary, "es")
        assert f">{es('Channel')}<" in spanish and f">{es('Phone')}<" in spanish
        assert current_locale() == "es"
    finally:
        set_locale("en")


def test_a_missing_case_is_reported(session: Session, s: Seed) -> None:
    with pytest.raises(RecordNotFound):
        case_summary(session, s.rep, 999_999)
