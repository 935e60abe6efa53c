"""CSAT and volume figures on known data, to the second decimal; ``deskapp report csat``."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import Channel, PurchasePhase, SupportStage
from deskapp.core.domain.models import Case
from deskapp.core.domain.quality import Feedback
from deskapp.core.services.reviews import reports
from tests.seeding import Seed, seed

T0 = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)  # a Monday


@pytest.fixture
def s(engine: Engine) -> Seed:
    """Anna: phone 5, 4, 4 (avg 4.33) in week 1; José: email 2, 3 (2.5) in week 2; one old 1 for Anna."""
    s = seed(engine)
    with Session(engine) as session:
        def case(owner: int, channel: Channel, stage: SupportStage, opened: dt.datetime, customer: int) -> int:
            row = Case(customer_id=customer, brand_id=1 if customer == s.customer else 2, subject="x",
                       purchase_phase=PurchasePhase.AFTER, support_stage=stage, channel=channel,
                       owner_id=owner, opened_at=opened)
            session.add(row)
            session.flush()
            return row.id

        for score, days in ((5, 0), (4, 1), (4, 2)):
            cid = case(s.rep, Channel.PHONE, SupportStage.TROUBLESHOOTING, T0 + dt.timedelta(days=days), s.customer)
            session.add(Feedback(case_id=cid, agent_id=s.rep, score=score, channel=Channel.PHONE,
                                 captured_at=T0 + dt.timedelta(days=days, hours=1)))
        for score, days in ((2, 7), (3, 8)):
            cid = case(s.other_rep, Channel.EMAIL, SupportStage.INSTALLATION, T0 + dt.timedelta(days=days),
                       s.internal)
            session.add(Feedback(case_id=cid, agent_id=s.other_rep, score=score, channel=Channel.EMAIL,
                                 captured_at=T0 + dt.timedelta(days=days, hours=1)))
        old = case(s.rep, Channel.PHONE, SupportStage.TROUBLESHOOTING, T0 - dt.timedelta(days=30), s.customer)
        session.add(Feedback(case_id=old, agent_id=s.rep, score=1, channel=Channel.PHONE,
                             captured_at=T0 - dt.timedelta(days=30)))
        session.commit()
    return s


def figures(rows: list[reports.ReportRow]) -> list[tuple[str, float, int]]:
    return [(r.key, r.average, r.count) for r in rows]


def test_csat_by_every_group(engine: Engine, s: Seed) -> None:
    with Session(engine) as session:
        since = T0.date()
        assert figures(reports.csat_report(session, s.supervisor, "agent", since)) == [
            ("anna", 4.33, 3), ("jose", 2.5, 2)]
        assert figures(reports.csat_report(session, s.supervisor, "agent")) == [("anna", 3.5, 4), ("jose", 2.5, 2)]
        assert figures(reports.csat_report(session, s.supervisor, "channel", since)) == [
            ("email", 2.5, 2), ("phone", 4.33, 3)]
        assert figures(reports.csat_report(session, s.supervisor, "brand", since)) == [
            ("internal", 2.5, 2), ("nordtel", 4.33, 3)]
        assert figures(reports.csat_report(session, s.supervisor, "stage", since)) == [
            ("installation", 2.5, 2), ("troubleshooting", 4.33, 3)]
        assert figures(reports.csat_report(session, s.supervisor, "locale", since)) == [
            ("en", 2.5, 2), ("fi", 4.33, 3)]
        labels = {r.key: reports.group_label(r.by, r.key, r.name)
                  for r in reports.csat_report(session, s.supervisor, "agent", since)}
        assert labels == {"anna": "Anna Virtanen", "jose": "José Ramírez"}


def test_volume_series_per_week(engine: Engine, s: Seed) -> None:
    with Session(engine) as session:
        points = reports.volume_series(session, s.supervisor, "agent", T0.date())
        assert [(p.period_start, p.key, p.count) for p in points] == [
            (dt.date(2026, 3, 2), "anna", 3), (dt.date(2026, 3, 9), "jose", 2)]
        days = reports.volume_series(session, s.supervisor, "channel", T0.date(), bucket="day")
        assert len(days) == 5 and all(p.count == 1 for p in days)
        months = reports.volume_series(session, s.supervisor, "stage", bucket="month")
        assert [(p.period_start, p.key, p.count) for p in months] == [
            (dt.date(2026, 1, 1), "troubleshooting", 1), (dt.date(2026, 3, 1), "installation", 2),
            (dt.date(2026, 3, 1), "troubleshooting", 3)]


def test_cli_csat_json_and_table(cli, db_url: str, engine: Engine, s: Seed) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("--db", db_url, "report", "csat", "--json", "--since", "2026-03-02")
    assert (code, err) == (0, "")
    assert [(r["key"], r["average"], r["count"]) for r in json.loads(out)] == [("anna", 4.33, 3), ("jose", 2.5, 2)]
    code, out, _ = cli("--db", db_url, "report", "csat", "--json", "--by", "channel")
    assert [(r["key"], r["average"], r["count"]) for r in json.loads(out)] == [("email", 2.5, 2), ("phone", 3.5, 4)]
    code, out, _ = cli("--db", db_url, "report", "csat", "--by", "brand")
    assert code == 0 and "Nordic Telecom" in out and "3.50" in out
    code, _, err = cli("--db", db_url, "report", "csat", "--since", "yesterday")
    assert code == 2 and "YYYY-MM-DD" in err
