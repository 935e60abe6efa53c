"""The call log and callbacks on SQLite and PostgreSQL: CTI sequences, missed calls, hand-over to the team."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from deskapp.core.domain.base import utcnow
from deskapp.core.errors import InvalidInput, PermissionDenied
from deskapp.core.services.calls import callbacks, log, new_caller
from deskapp.core.services.calls.cti import CtiEvent
from deskapp.core.services.calls.matching import strip_uri
from deskapp.core.services.customers import lookup
from tests.seeding import Seed, new_case, seed


def _event(event: str, call_id: str = "pbx-1", cause: str | None = None, number: str = "+358401234567") -> CtiEvent:
    return CtiEvent(event=event, call_id=call_id, direction="in", from_number=number, to_number="+35891234",
                    user="Anna" if event == "answer" else None, cause=cause,
                    answering_number="201" if event == "answer" else None)


@pytest.fixture
def desk(any_engine: Engine) -> tuple[Engine, Seed]:
    return any_engine, seed(any_engine)


@pytest.mark.parametrize("text", ["+358 40 123 4567", "040 123 4567", "tel:+358-40-123-4567",
                                  "callto://+358401234567", "tel:+358401234567;phone-context=example.com",
                                  "00358401234567", "tel:%2B358401234567"])
def test_a_number_in_any_written_form_finds_the_caller(desk: tuple[Engine, Seed], text: str) -> None:
    engine, s = desk
    with Session(engine) as session:
        result = log.record_call(session, s.rep, text)
    assert result.call.number == "+358401234567"
    assert [m.account_number for m in result.matches] == ["FI-000001"]
    assert result.call.account_number == "FI-000001"
    assert result.call.answered and not result.call.missed


def test_strip_uri_keeps_only_the_number() -> None:
    assert strip_uri("sip:+358401234567@pbx.example") == "+358401234567"
    assert strip_uri(" TEL:+1-555-0100?x=1 ") == "+1-555-0100"


def test_an_unknown_number_is_logged_with_no_match_and_nonsense_is_refused(desk: tuple[Engine, Seed]) -> None:
    engine, s = desk
    with Session(engine) as session:
        result = log.record_call(session, s.rep, "+358 40 999 9999")
        assert result.matches == () and result.call.account_number is None
        with pytest.raises(InvalidInput):
            log.record_call(session, s.rep, "tel:")


def test_answered_call_sequence(desk: tuple[Engine, Seed]) -> None:
    engine, s = desk
    with Session(engine) as session:
        for event in ("newCall", "answer", "hangup"):
            row = log.cti_event(session, s.rep, _event(event, cause="normalClearing" if event == "hangup" else None))
        assert row.answered and not row.missed and row.cause == "normalClearing"
        assert row.ended_at is not None and row.account_number == "FI-000001"
        assert log.list_calls(session, s.rep, missed=True) == []
        assert log.find_call(session, s.rep, "pbx-1") == row
        assert log.find_call(session, s.rep, "nope") is None


def test_hangup_before_answer_is_missed_until_seen_or_called_back(desk: tuple[Engine, Seed]) -> None:
    engine, s = desk
    with Session(engine) as session:
        log.cti_event(session, s.rep, _event("newCall", "a"))
        log.cti_event(session, s.rep, _event("newCall", "a"))  # a PBX repeating itself changes nothing
        missed = log.cti_event(session, s.rep, _event("hangup", "a", cause="cancel"))
        assert missed.missed and not missed.answered and missed.cause == "cancel"
        log.cti_event(session, s.rep, _event("newCall", "b"))
        log.cti_event(session, s.rep, _event("hangup", "b", cause="noAnswer"))
        assert [row.call_id for row in log.list_calls(session, s.rep, missed=True)] == ["b", "a"]
        assert not log.mark_seen(session, s.rep, "a").missed
        log.record_call(session, s.rep, "+358401234567", direction="out")  # the rep calls back
        assert log.list_calls(session, s.rep, missed=True) == []
        assert len(log.list_calls(session, s.rep, since=utcnow() + dt.timedelta(minutes=1))) == 0


def test_a_call_remembers_the_case_it_became(desk: tuple[Engine, Seed]) -> None:
    engine, s = desk
    with Session(engine) as session:
        call = log.record_call(session, s.rep, "+358401234567").call
        case = new_case(session, s)
        row = log.link_case(session, s.rep, call.call_id, case.id)
        assert row.case_ref == case.reference


def _callback(session: Session, s: Seed, due: dt.datetime, *, team: bool = False, actor: int | None = None,
              number: str | None = None) -> callbacks.CallbackRow:
    return callbacks.create_callback(session, actor or s.rep, due, note="invoice", team=team,
                                     customer_id=None if number else s.customer, number=number)


def test_callbacks_become_due_and_go_to_the_team_when_overdue(desk: tuple[Engine, Seed]) -> None:
    engine, s = desk
    now = utcnow()
    with Session(engine) as session:
        mine = _callback(session, s, now + dt.timedelta(minutes=10))
        teams = _callback(session, s, now - dt.timedelta(minutes=1), team=True, actor=s.other_rep)
        assert [r.id for r in callbacks.due_for_me(session, s.rep, now)] == [teams.id]
        later = now + dt.timedelta(minutes=11)
        assert {r.id for r in callbacks.due_for_me(session, s.rep, later)} == {mine.id, teams.id}
        assert callbacks.due_for_me(session, s.other_rep, later) == [
            r for r in callbacks.due_for_me(session, s.other_rep, later) if r.id == teams.id]
        # 30 minutes overdue (the default): José now sees Anna's callback as the team's.
        handed = now + dt.timedelta(minutes=41)
        row = next(r for r in callbacks.due_for_me(session, s.other_rep, handed) if r.id == mine.id)
        assert row.team and row.handed_over and row.owner == "anna"
        assert callbacks.list_callbacks(session, s.rep, mine=s.rep, now=handed) == []
        assert [r.overdue for r in callbacks.overdue_by_rep(session, s.supervisor, handed)] == [1]
        callbacks.set_team_after(session, s.supervisor, "nordtel", 120)
        assert not callbacks.list_callbacks(session, s.rep, mine=s.rep, now=handed)[0].team


def test_snooze_and_done(desk: tuple[Engine, Seed]) -> None:
    engine, s = desk
    now = utcnow()
    with Session(engine) as session:
        log.cti_event(session, s.rep, _event("newCall", "m"))
        log.cti_event(session, s.rep, _event("hangup", "m", cause="cancel"))
        row = callbacks.create_callback(session, s.rep, now - dt.timedelta(minutes=5), call_id="m")
        assert row.account_number == "FI-000001" and row.number == "+358401234567" and row.call_id == "m"
        snoozed = callbacks.snooze_callback(session, s.rep, row.id, now + dt.timedelta(minutes=15))
        assert snoozed.snoozes == 1 and callbacks.due_for_me(session, s.rep, now) == []
        with pytest.raises(InvalidInput):
            callbacks.snooze_callback(session, s.rep, row.id, now - dt.timedelta(minutes=1))
        assert callbacks.complete_callback(session, s.rep, row.id).done
        assert log.list_calls(session, s.rep, missed=True) == []  # called back
        assert callbacks.list_callbacks(session, s.rep) == []


def test_callback_needs_someone_to_call_and_an_aware_time(desk: tuple[Engine, Seed]) -> None:
    engine, s = desk
    with Session(engine) as session:
        with pytest.raises(InvalidInput):
            callbacks.create_callback(session, s.rep, utcnow())
        with pytest.raises(InvalidInput):
            callbacks.create_callback(session, s.rep, dt.datetime(2026, 1, 1), number="+358401234567")
        with pytest.raises(PermissionDenied):
            callbacks.overdue_by_rep(session, s.rep)


def test_an_unknown_caller_becomes_a_customer_found_by_the_number(desk: tuple[Engine, Seed]) -> None:
    engine, s = desk
    with Session(engine) as session:
        call = log.record_call(session, s.rep, "040 765 4321").call
        customer = new_caller.add_caller(session, s.rep, call.number, given_name=" Uuno ", family_name="Uusi",
                                         brand_code="nordtel", call_id=call.call_id)
        again = log.record_call(session, s.rep, "+358407654321")
        assert [m.customer_id for m in again.matches] == [customer]
        assert again.matches[0].display_name == "Uuno Uusi" and again.matches[0].account_number.startswith("NEW-")
        assert log.find_call(session, s.rep, call.call_id).customer_id == customer  # type: ignore[union-attr]
        assert [r.account_number for r in lookup.find_customers(session, s.rep, "uusi")] == [
            again.matches[0].account_number]
        assert new_caller.brand_choices(session, s.rep, "+358 40 765 4321")[0].code in {"nordtel", "internal"}
        with pytest.raises(InvalidInput):
            new_caller.add_caller(session, s.rep, call.number, given_name="", family_name=" ", brand_code="nordtel")
        with pytest.raises(InvalidInput):
            new_caller.add_caller(session, s.rep, call.number, given_name="A", family_name="B", brand_code="nordtel",
                                  account_number="FI-000001")
