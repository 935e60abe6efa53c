"""Customer surveys: the rating screen's answers, phone survey import, figures keeping customers and reps apart."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.enums import CaseStatus, Channel, PurchasePhase, SupportStage
from deskapp.core.domain.models import Case
from deskapp.core.domain.quality import Feedback
from deskapp.core.errors import InputFileError, InvalidInput, PermissionDenied
from deskapp.core.services.cases import feedback as case_feedback
from deskapp.core.services.reviews import reports
from deskapp.core.services.surveys import answers, figures
from deskapp.core.services.surveys.phone_import import import_phone_surveys
from tests.seeding import Seed, console, seed

NOON = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)


def _case(session: Session, s: Seed, *, owner: int | None = None, channel: Channel = Channel.COUNTER,
          customer: int | None = None, closed: bool = True) -> Case:
    case = Case(customer_id=customer or s.customer, brand_id=1 if (customer or s.customer) == s.customer else 2,
                subject="Router", purchase_phase=PurchasePhase.AFTER, support_stage=SupportStage.TROUBLESHOOTING,
                channel=channel, owner_id=owner or s.rep, status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
                closed_at=NOON if closed else None)
    session.add(case)
    session.commit()
    return case


def test_a_customer_answer_is_kept_apart_from_the_reps_score(any_engine: Engine) -> None:
    s = seed(any_engine)
    with Session(any_engine) as session:
        case = _case(session, s)
        case_feedback.record_feedback(session, s.rep, case.id, 5)  # the rep grades their own call
        setup = answers.screen_setup(session, s.rep, case.id, now=NOON)
        assert (setup.brand_name, setup.language) == ("Nordic Telecom", "fi")  # the customer's language
        assert not {"Jukka", "Mäkinen", "FI-000001"} & {str(v) for v in vars_of(setup)}
        answer = answers.record_customer_answer(session, s.rep, case.id, 2, language="fi",
                                                reasons=["waiting_time", "waiting_time"], now=NOON)
        assert answer.reasons == ("waiting_time",)
        rows = session.execute(select(Feedback.source, Feedback.score, Feedback.language, Feedback.reasons)
                               .order_by(Feedback.id)).all()
        assert [tuple(r) for r in rows] == [("rep", 5, None, None), ("customer", 2, "fi", ["waiting_time"])]
        # One customer answer per visit: the same day is the same visit; the next day is another.
        with pytest.raises(InvalidInput, match="already rated"):
            answers.record_customer_answer(session, s.rep, case.id, 4, language="fi",
                                           now=NOON + dt.timedelta(hours=2))
        with pytest.raises(InvalidInput, match="already rated"):
            answers.screen_setup(session, s.rep, case.id, now=NOON)
        answers.record_customer_answer(session, s.rep, case.id, 4, language="es",
                                       now=NOON + dt.timedelta(days=1))
        # The rep's score can still be corrected by a supervisor, never by the customer's answers.
        fixed = case_feedback.record_feedback(session, s.supervisor, case.id, 3)
        assert session.get(Feedback, fixed.id).source == "rep"  # type: ignore[union-attr]
        by_source = reports.csat_report(session, s.supervisor, "source")
        assert [(r.key, r.average, r.count) for r in by_source] == [("customer", 3.0, 2), ("rep", 3.0, 1)]
        assert [reports.group_label(r.by, r.key, r.name) for r in by_source] == ["Customer-given", "Rep-recorded"]


def vars_of(setup: answers.ScreenSetup) -> list[object]:
    return [getattr(setup, name) for name in setup.__slots__]


def test_bad_answers_are_refused(engine: Engine) -> None:
    s = seed(engine)
    with Session(engine) as session:
        case = _case(session, s)
        for score, language, reasons in ((0, "fi", ()), (6, "fi", ()), (True, "fi", ()), (3, "xx", ()),
                                         (3, "fi", ("bribery",))):
            with pytest.raises(InvalidInput):
                answers.record_customer_answer(session, s.rep, case.id, score, language=language,
                                               reasons=reasons)
        with pytest.raises(PermissionDenied):
            answers.record_customer_answer(session, console(engine), case.id, 3, language="fi")


def test_screen_look_per_brand(engine: Engine) -> None:
    s = seed(engine)
    with Session(engine) as session:
        case = _case(session, s)
        assert answers.screen_setup(session, s.rep, case.id).timeout_seconds == 45
        look = answers.set_screen_look(session, s.supervisor, "nordtel", background="#003366", timeout_seconds=20)
        assert (look.background, look.foreground, look.timeout_seconds) == ("#003366", "#ffffff", 20)
        assert answers.screen_setup(session, s.rep, case.id).timeout_seconds == 20
        for bad in ({"background": "red"}, {"timeout_seconds": 2}):
            with pytest.raises(InvalidInput):
                answers.set_screen_look(session, s.supervisor, "nordtel", **bad)  # type: ignore[arg-type]
        with pytest.raises(PermissionDenied):
            answers.set_screen_look(session, s.rep, "nordtel", timeout_seconds=30)


def test_response_rates_and_reasons(any_engine: Engine) -> None:
    s = seed(any_engine)
    with Session(any_engine) as session:
        first, second = _case(session, s), _case(session, s)
        _case(session, s, owner=s.other_rep, channel=Channel.PHONE)
        _case(session, s, closed=False)  # an open case is not in the rate's denominator
        answers.record_customer_answer(session, s.rep, first.id, 5, language="fi",
                                       reasons=["friendliness", "solved_problem"], now=NOON)
        answers.record_customer_answer(session, s.rep, second.id, 3, language="en", reasons=["friendliness"],
                                       now=NOON)
        case_feedback.record_feedback(session, s.other_rep, first.id, 5)  # a rep's score is no survey answer
        by_agent = figures.response_rates(session, s.supervisor, "agent")
        assert [(r.key, r.name, r.closed, r.answered, r.rate) for r in by_agent] == [
            ("anna", "Anna Virtanen", 2, 2, 1.0), ("jose", "José Ramírez", 1, 0, 0.0)]
        by_channel = figures.response_rates(session, s.supervisor, "channel")
        assert [(r.key, r.name, r.rate) for r in by_channel] == [("counter", None, 1.0), ("phone", None, 0.0)]
        by_brand = figures.response_rates(session, s.supervisor, "brand", since=NOON.date())
        assert [(r.key, r.closed, r.answered) for r in by_brand] == [("nordtel", 3, 2)]
        reasons = figures.reason_counts(session, s.supervisor)
        assert [(r.code, r.count, r.average) for r in reasons] == [("friendliness", 2, 4.0),
                                                                   ("solved_problem", 1, 5.0)]
        assert figures.reason_label("solved_problem") == "Solved my problem"
        with pytest.raises(InvalidInput):
            figures.response_rates(session, s.supervisor, "stage")  # type: ignore[arg-type]
        with pytest.raises(PermissionDenied):
            figures.reason_counts(session, s.rep)
        with pytest.raises(InvalidInput):
            reports.volume_series(session, s.supervisor, "source")


SURVEY = """call_id,case_ref,score,comment,answered_at
,C-{ref},5,Great help,2026-12-01T15:00:00Z
,c {ref},4,,2026-12-01 16:00:00
,C-{ref},9,,2026-12-01T17:00:00Z
,C-99999,3,,2026-12-01T17:00:00Z
IVR-1,,2,,2026-12-01T18:00:00+02:00
,,3,,2026-12-01T18:00:00Z
,C-{ref},3,,yesterday
,C-{ref},3,,2099-01-01T00:00:00Z
,C-{ref},5,Great help,2026-12-01T15:00:00Z
"""


def test_phone_surveys_are_imported_once_and_problems_reported(any_engine: Engine, tmp_path: Path) -> None:
    s = seed(any_engine)
    with Session(any_engine) as session:
        case = _case(session, s, channel=Channel.PHONE)
        path = tmp_path / "ivr.csv"
        path.write_text(SURVEY.format(ref=case.reference_number), encoding="utf-8")
        summary = import_phone_surveys(session, console(any_engine), path, now=NOON)
        assert (summary.rows, summary.imported, summary.already) == (9, 2, 1)  # line 10 repeats line 2
        assert [(r.line, r.column) for r in summary.bad] == [(4, "score"), (7, "case_ref"), (8, "answered_at"),
                                                             (9, "answered_at")]
        assert [(r.line, r.reason) for r in summary.unmatched] == [
            (5, "no case with the reference C-99999"), (6, "no call log entry with this call_id")]
        stored = session.execute(select(Feedback.score, Feedback.comment, Feedback.source, Feedback.agent_id,
                                        Feedback.captured_at).order_by(Feedback.captured_at)).all()
        assert [tuple(r) for r in stored] == [
            (5, "Great help", "customer", s.rep, dt.datetime(2026, 12, 1, 15, tzinfo=dt.UTC)),
            (4, None, "customer", s.rep, dt.datetime(2026, 12, 1, 16, tzinfo=dt.UTC))]
        again = import_phone_surveys(session, console(any_engine), path, now=NOON)
        assert (again.imported, again.already) == (0, 3)
        with pytest.raises(PermissionDenied):
            import_phone_surveys(session, s.rep, path)


def test_a_file_without_the_needed_columns_is_refused_whole(engine: Engine, tmp_path: Path) -> None:
    seed(engine)
    path = tmp_path / "ivr.csv"
    path.write_text("score,answered_at\n5,2026-12-01T15:00:00Z\n", encoding="utf-8")
    with Session(engine) as session, pytest.raises(InputFileError, match="call_id / case_ref"):
        import_phone_surveys(session, console(engine), path)


def test_cli_feedback_import_and_csat_by_source(cli, db_url: str, engine: Engine,  # type: ignore[no-untyped-def]
                                                tmp_path: Path) -> None:
    s = seed(engine)
    with Session(engine) as session:
        case = _case(session, s, channel=Channel.PHONE)
        case_feedback.record_feedback(session, s.rep, case.id, 5)
        ref = case.reference_number
    path = tmp_path / "ivr.csv"
    path.write_text(f"case_ref;score;answered_at;extra\nC-{ref};2;2026-12-01T15:00:00Z;x\nC-{ref};x;2026-12-01\n"
                    f"C-424242;1;2026-12-01\n", encoding="utf-8")
    code, out, err = cli("--db", db_url, "feedback", "import", str(path))
    assert code == 1
    assert err.splitlines() == [
        "Ignored columns deskapp does not know: extra",
        f"{path}, line 3, column score: must be a whole number from 1 to 5, not x",
        f"{path}, line 4: not matched: no case with the reference C-424242"]
    assert out.strip() == "1 survey answer imported, 0 already imported, 1 bad row, 1 unmatched."
    code, out, err = cli("--db", db_url, "report", "csat", "--json", "--by", "source")
    assert (code, err) == (0, "")
    assert json.loads(out) == [{"key": "customer", "label": "Customer-given", "average": 2.0, "count": 1},
                               {"key": "rep", "label": "Rep-recorded", "average": 5.0, "count": 1}]
    code, out, _ = cli("--db", db_url, "feedback", "screen", "nordtel", "--timeout", "30", "--background", "#102030")
    assert code == 0 and "30" in out and "#102030" in out
    code, _, err = cli("--db", db_url, "feedback", "screen", "nordtel", "--timeout", "1")
    assert code == 1 and "Traceback" not in err and err.count("\n") == 1
    code, _, err = cli("--db", db_url, "feedback", "import", str(tmp_path / "missing.csv"))
    assert code == 1 and err.count("\n") == 1


def test_customer_answer_time_defaults_to_now(engine: Engine) -> None:
    s = seed(engine)
    with Session(engine) as session:
        case = _case(session, s)
        before = utcnow()
        answer = answers.record_customer_answer(session, s.rep, case.id, 4, language="fil")
        assert answer.captured_at >= before and answer.language == "fil"
