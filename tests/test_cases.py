"""Cases service on a real, migrated SQLite file: profiles, history, status, assignment, feedback."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from deskapp.core.domain.audit import AuditEvent
from deskapp.core.domain.enums import (
    CaseStatus,
    Channel,
    CustomerKind,
    Priority,
)
from deskapp.core.domain.quality import Feedback
from deskapp.core.errors import InvalidInput, PermissionDenied, RecordNotFound
from deskapp.core.i18n import set_locale
from deskapp.core.services.cases import cases
from deskapp.core.services.cases import feedback as case_feedback
from deskapp.core.services.cases.cases import CaseConflict
from deskapp.core.services.customers import profile as customer_profiles
from deskapp.core.services.kernel.actors import console_actor
from deskapp.core.storage.engine import session_factory
from tests.seeding import Seed, new_case


def test_profile_by_account_and_id(session: Session, s: Seed) -> None:
    by_account = customer_profiles.customer_profile(session, console_actor(session), "FI-000001")
    by_id = customer_profiles.customer_profile(session, console_actor(session), s.customer)
    assert by_account == by_id
    assert by_account.display_name == "Jukka Mäkinen"
    assert by_account.brand_name == "Nordic Telecom"
    assert by_account.phones == ("+358401234567",)
    assert by_account.emails == ("jukka.makinen@example.com",)
    assert by_account.alerts == ("hard of hearing",)
    assert by_account.profile == (("birth_year", 1971), ("occupation", "electrician"))
    assert by_account.kind is CustomerKind.EXTERNAL


def test_internal_profile_and_missing_customer(session: Session, s: Seed) -> None:
    internal = customer_profiles.customer_profile(session, console_actor(session), "INT-000001")
    assert internal.kind is CustomerKind.INTERNAL
    assert internal.display_name == "Finance"
    assert internal.profile == ()
    with pytest.raises(RecordNotFound):
        customer_profiles.customer_profile(session, console_actor(session), "XX-999999")


def test_open_case_and_history(session: Session, s: Seed) -> None:
    first = new_case(session, s, "Ensimmäinen")
    second = cases.open_case(session, s.rep, s.customer, "  Toinen\x00  asia ", "before", "planning", "chat",
                             Priority.HIGH)
    assert second.subject == "Toinen asia"
    assert second.status is CaseStatus.OPEN and second.owner_name == "Anna Virtanen"
    assert second.priority is Priority.HIGH and second.channel is Channel.CHAT
    history = cases.case_history(session, console_actor(session), s.customer)
    assert [row.id for row in history] == [second.id, first.id]
    cases.set_status(session, s.rep, first.id, CaseStatus.CLOSED, first.version_id)
    assert [row.id for row in cases.case_history(session, s.rep, s.customer, open_only=True)] == [second.id]


def test_open_case_rejects_bad_subject(session: Session, s: Seed) -> None:
    with pytest.raises(InvalidInput):
        new_case(session, s, "   ")
    with pytest.raises(InvalidInput):
        new_case(session, s, "x" * 201)


def test_closing_sets_closed_at_and_reopening_clears_it(session: Session, s: Seed) -> None:
    case = new_case(session, s)
    closed = cases.set_status(session, s.rep, case.id, "closed", case.version_id)
    assert closed.status is CaseStatus.CLOSED and closed.closed_at is not None
    assert closed.version_id == case.version_id + 1
    reopened = cases.set_status(session, s.rep, case.id, CaseStatus.OPEN, closed.version_id)
    assert reopened.closed_at is None
    same = cases.set_status(session, s.rep, case.id, CaseStatus.OPEN, reopened.version_id)
    assert same.version_id == reopened.version_id  # nothing changed, nothing bumped


def test_stale_version_is_a_conflict_and_nothing_is_overwritten(engine: Engine, s: Seed) -> None:
    make = session_factory(engine)
    with make() as session:
        case = new_case(session, s)
    with make() as session:  # another rep's screen changes it first
        cases.set_status(session, s.other_rep, case.id, CaseStatus.WAITING, case.version_id)
    with make() as session, pytest.raises(CaseConflict) as info:
        cases.set_status(session, s.rep, case.id, CaseStatus.CLOSED, case.version_id)
    assert "Someone else changed this case" in info.value.message
    with make() as session:
        assert cases.get_case(session, console_actor(session), case.id).status is CaseStatus.WAITING
        with pytest.raises(CaseConflict):
            cases.assign(session, s.rep, case.id, s.rep, case.version_id)


def test_conflict_message_is_translated(session: Session, s: Seed) -> None:
    case = new_case(session, s)
    set_locale("fi")
    with pytest.raises(CaseConflict) as info:
        cases.set_status(session, s.rep, case.id, CaseStatus.CLOSED, case.version_id + 5)
    assert info.value.message  # a message in whatever catalog is installed, never empty


def test_assign_rules(session: Session, s: Seed) -> None:
    case = new_case(session, s)
    with pytest.raises(PermissionDenied):
        cases.assign(session, s.rep, case.id, s.other_rep, case.version_id)
    given = cases.assign(session, s.supervisor, case.id, s.other_rep, case.version_id)
    assert given.owner_id == s.other_rep and given.owner_name == "José Ramírez"
    taken = cases.assign(session, s.rep, case.id, s.rep, given.version_id)  # a rep takes it back themselves
    assert taken.owner_id == s.rep
    queued = cases.assign(session, s.supervisor, case.id, None, taken.version_id)
    assert queued.owner_id is None and queued.owner_name is None
    events = session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == case.id)).all()
    assert events.count("case.assign") == 3


def test_disabled_agent_is_denied(session: Session, s: Seed) -> None:
    session.execute(text("UPDATE agent SET active = 0 WHERE id = :id"), {"id": s.other_rep})
    session.commit()
    with pytest.raises(PermissionDenied):
        cases.open_case(session, s.other_rep, s.customer, "x", "after", "other", "email")


@pytest.mark.parametrize("score", [1, 3, 5])
def test_feedback_in_range_is_stored_on_the_case_channel(session: Session, s: Seed, score: int) -> None:
    case = new_case(session, s)
    row = case_feedback.record_feedback(session, s.rep, case.id, score, comment="  Kiitos!  ")
    assert row.score == score and row.comment == "Kiitos!" and row.channel is Channel.PHONE
    stored = session.scalars(select(Feedback)).one()
    assert (stored.score, stored.case_id, stored.agent_id) == (score, case.id, s.rep)


@pytest.mark.parametrize("score", [0, 6, -1, True, 4.5, "5"])
def test_feedback_out_of_range_is_rejected(session: Session, s: Seed, score: object) -> None:
    case = new_case(session, s)
    with pytest.raises(InvalidInput):
        case_feedback.record_feedback(session, s.rep, case.id, score)  # type: ignore[arg-type]
    assert session.scalars(select(Feedback)).all() == []


def test_missing_case(session: Session, s: Seed) -> None:
    with pytest.raises(RecordNotFound):
        cases.set_status(session, s.rep, 999, CaseStatus.CLOSED, 1)
