"""Retention: customers with no case activity for a period are erased; brands may keep their own period."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.privacy import CustomerErasure
from deskapp.core.errors import InvalidInput
from deskapp.core.services.customers.store import CustomerRecord, write_customers
from deskapp.core.services.notes import notes
from deskapp.core.services.privacy.retention import cutoff, parse_period, run_retention, set_brand_retention
from tests.seeding import console, new_case, seed


def test_periods_count_by_the_calendar() -> None:
    now = dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC)
    assert cutoff(now, "1m") == dt.datetime(2026, 2, 28, 12, tzinfo=dt.UTC)
    assert cutoff(now, "3Y") == dt.datetime(2023, 3, 31, 12, tzinfo=dt.UTC)
    assert cutoff(now, "18m") == dt.datetime(2024, 9, 30, 12, tzinfo=dt.UTC)
    assert cutoff(now, "400d") == now - dt.timedelta(days=400)
    for bad in ("3", "y", "0d", "3w", "-1y", ""):
        with pytest.raises(InvalidInput):
            parse_period(bad)


def test_only_customers_without_recent_activity_go_and_a_brand_may_keep_its_own(any_engine: Engine) -> None:
    s = seed(any_engine)
    write_customers(any_engine, [CustomerRecord(account_number="FI-900001", brand_code="nordtel",
                                                given_name="Idle", family_name="Person")])
    with Session(any_engine) as session:
        case = new_case(session, s)  # FI-000001 (Jukka) has a case and a note: recent activity
        notes.add_note(session, s.rep, case.id, "note")
    actor = console(any_engine)
    in_two_years = utcnow() + dt.timedelta(days=730)
    with Session(any_engine) as session:
        # Two years on, with a 1y period: both customers are past it (INT-000001 is a department: never).
        result = run_retention(session, actor, "1y", dry_run=True, now=in_two_years)
        assert sorted(result.accounts) == ["FI-000001", "FI-900001"]
        assert run_retention(session, actor, "3y", dry_run=True, now=in_two_years).accounts == ()
        set_brand_retention(session, actor, "nordtel", "5y")
        assert run_retention(session, actor, "1y", dry_run=True, now=in_two_years).accounts == ()
        set_brand_retention(session, actor, "nordtel", "18m")
        result = run_retention(session, actor, "10y", now=in_two_years)
        assert sorted(result.accounts) == ["FI-000001", "FI-900001"] and not result.dry_run
        assert len(list(session.scalars(select(CustomerErasure)))) == 2
        assert run_retention(session, actor, "1d", dry_run=True, now=in_two_years).accounts == ()


def test_cli_dry_run_lists_how_many_and_which(engine: Engine, cli: Any, db_url: str) -> None:
    seed(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE customer SET created_at = '2019-01-01 00:00:00.000000' "
                          "WHERE account_number = 'FI-000001'"))
    code, out, err = cli("--db", db_url, "retention", "run", "--older-than", "3y", "--dry-run")
    assert code == 0, err
    assert out.splitlines() == ["1 customer would be erased.", "FI-000001"]
    code, out, _err = cli("--db", db_url, "retention", "run", "--older-than", "3y", "--json")
    assert json.loads(out) == {"dry_run": False, "count": 1, "accounts": ["FI-000001"]}
    code, _out, err = cli("--db", db_url, "retention", "run", "--older-than", "3 weeks")
    assert code == 1 and "3 weeks" in err
    code, out, _err = cli("--db", db_url, "retention", "brand", "nordtel", "--period", "2Y")
    assert code == 0 and "2y" in out
