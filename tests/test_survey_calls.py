"""Phone surveys matched through the call log: the IVR's call_id finds the case the call became."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from deskapp.core.domain.quality import Feedback
from deskapp.core.services.calls.log import link_case, record_call
from deskapp.core.services.surveys.phone_import import import_phone_surveys
from tests.seeding import console, new_case, seed
from tests.test_surveys import NOON


def test_a_survey_row_with_only_a_call_id_lands_on_the_case_the_call_became(any_engine: Engine,
                                                                             tmp_path: Path) -> None:
    s = seed(any_engine)
    with Session(any_engine) as session:
        case = new_case(session, s)
        taken = record_call(session, s.rep, "+358 40 123 4567", call_id="pbx-77")
        link_case(session, s.rep, taken.call.call_id, case.id)
        record_call(session, s.rep, "+358 40 765 4321", call_id="pbx-78")  # never became a case
        path = tmp_path / "ivr.csv"
        path.write_text("call_id,score,answered_at\npbx-77,5,2026-12-01T09:00:00Z\n"
                        "pbx-78,2,2026-12-01T09:05:00Z\npbx-79,1,2026-12-01T09:06:00Z\n", encoding="utf-8")
        summary = import_phone_surveys(session, console(any_engine), path, now=NOON)
        assert summary.imported == 1
        assert [(r.line, r.reason) for r in summary.unmatched] == [
            (3, "the call with this call_id did not become a case"), (4, "no call log entry with this call_id")]
        stored = session.execute(select(Feedback.case_id, Feedback.score, Feedback.source)).all()
        assert [tuple(r) for r in stored] == [(case.id, 5, "customer")]
