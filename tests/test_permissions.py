"""The authorization matrix, walked whole: every role (and a disabled account) tries every service call.

Exactly the calls the matrix allows succeed; the others raise PermissionDenied before anything is
written (the audit log does not grow).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.enums import CaseStatus, Channel, PurchasePhase, Role, SupportStage
from deskapp.core.domain.models import Agent, AuditEvent, CallScript, Case, CaseNote, NoteRevision
from deskapp.core.errors import PermissionDenied
from deskapp.core.i18n import set_locale
from deskapp.core.security import permissions
from deskapp.core.security.permissions import MATRIX, allowed, require
from deskapp.core.services import (
    audit,
    auth,
    call_scripts,
    case_export,
    cases,
    integrity,
    note_diff,
    notes,
    reports,
    reviews,
)
from tests.seeding import seed
from tests.test_catalogs import compiled

ROLES = (Role.REP, Role.SUPERVISOR, Role.ADMIN)
TINY_SCRIPT = {"title": {"en": "Tiny"}, "steps": [{"id": "bye", "say": {"en": "Goodbye."}, "final": True}]}
SCORES = {"greeting": 4, "identity_check": 3, "empathy": 2, "accuracy": 4, "resolution": 1, "closing": 0}


@dataclass
class World:
    """Ids every call needs; cases are made fresh per call so no call disturbs another."""

    engine: Engine
    rep: int
    other_rep: int
    customer: int
    tmp: Path

    def case(self, session: Session, owner: int | None = None, status: CaseStatus = CaseStatus.OPEN) -> Case:
        case = Case(customer_id=self.customer, brand_id=1, subject="Router", purchase_phase=PurchasePhase.AFTER,
                    support_stage=SupportStage.TROUBLESHOOTING, channel=Channel.PHONE,
                    owner_id=owner or self.rep, status=status, closed_at=utcnow())
        session.add(case)
        session.flush()
        return case

    def note(self, session: Session, author: int) -> int:
        case = self.case(session)
        note = CaseNote(case_id=case.id, author_id=author, created_at=utcnow())
        session.add(note)
        session.flush()
        for number, body in ((1, "first"), (2, "second")):
            moment = utcnow()
            session.add(NoteRevision(note_id=note.id, number=number, body=body, author_id=author,
                                     created_at=moment, prev_hash=None,
                                     hash=integrity.revision_hash(integrity.chain_key(session), None, author, moment,
                                                                   body)))
        session.flush()
        return note.id


Call = Callable[[Session, World, int], object]


def _start_script(s: Session, w: World, actor: int) -> object:
    if s.scalars(select(CallScript).where(CallScript.key == "tiny")).first() is None:
        s.add(CallScript(key="tiny", version=1, title="Tiny", definition=TINY_SCRIPT))
        s.flush()
    return call_scripts.start_run(s, "tiny", w.customer, rep_locale="en", agent_id=actor, actor_id=actor)


def _finish_script(s: Session, w: World, actor: int) -> object:
    run = call_scripts.ScriptRun(call_scripts.parse_script({"key": "tiny", **TINY_SCRIPT}))
    return call_scripts.finish_run(s, actor, w.case(s).id, run)


def _assign_other(s: Session, w: World, actor: int) -> object:
    case = w.case(s)
    return cases.assign(s, case.id, w.other_rep, case.version_id, actor_id=actor)


def _assign_self(s: Session, w: World, actor: int) -> object:
    case = w.case(s)
    return cases.assign(s, case.id, actor, case.version_id)


def _set_status(s: Session, w: World, actor: int) -> object:
    case = w.case(s)
    return cases.set_status(s, actor, case.id, CaseStatus.WAITING, case.version_id)


def _review_own(s: Session, w: World, actor: int) -> object:
    return reviews.reviews_for_agent(s, actor, actor)


def _export(s: Session, w: World, actor: int) -> object:
    return case_export.export_cases_csv(s, actor, w.tmp / f"cases-{actor}.csv")


# (action the call needs, call). Every action of the matrix that a core service implements is here.
CALLS: list[tuple[str, str, Call]] = [
    ("customer.view", "customer_profile", lambda s, w, a: cases.customer_profile(s, w.customer, actor_id=a)),
    ("customer.view", "case_history", lambda s, w, a: cases.case_history(s, w.customer, actor_id=a)),
    ("customer.view", "get_case", lambda s, w, a: cases.get_case(s, w.case(s).id, actor_id=a)),
    ("customer.view", "case_notes", lambda s, w, a: notes.case_notes(s, w.case(s).id, actor_id=a)),
    ("case.open", "open_case", lambda s, w, a: cases.open_case(s, a, w.customer, "Subject", "after", "other",
                                                               "phone")),
    ("case.update", "set_status", _set_status),
    ("case.assign_self", "assign_self", _assign_self),
    ("case.assign_other", "assign_other", _assign_other),
    ("feedback.record", "record_feedback", lambda s, w, a: cases.record_feedback(s, w.case(s).id, w.rep, 5,
                                                                                   actor_id=a)),
    ("note.write", "add_note", lambda s, w, a: notes.add_note(s, a, w.case(s).id, "text")),
    ("note.edit_own", "edit_note", lambda s, w, a: notes.edit_note(
        s, a, w.note(s, a if s.get(Agent, a) else w.rep), "changed")),
    ("note.history", "note_history", lambda s, w, a: notes.note_history(s, w.note(s, w.rep), actor_id=a)),
    ("note.history", "note_diff", lambda s, w, a: note_diff.note_diff(s, a, w.note(s, w.rep), 1, 2)),
    ("script.run", "list_scripts", lambda s, w, a: call_scripts.list_scripts(s, actor_id=a)),
    ("script.run", "start_run", _start_script),
    ("script.run", "finish_run", _finish_script),
    ("draft.save", "save_draft", lambda s, w, a: notes.save_draft(s, a, w.case(s).id, "typing")),
    ("draft.save", "discard_draft", lambda s, w, a: notes.discard_draft(s, a, w.case(s).id)),
    ("review.create", "create_review", lambda s, w, a: reviews.create_review(s, a, w.case(s).id, SCORES)),
    ("review.create", "sampling_queue", lambda s, w, a: reviews.sampling_queue(s, a)),
    ("review.view_own", "reviews_for_agent(own)", _review_own),
    ("review.view_all", "reviews_for_agent(other)", lambda s, w, a: reviews.reviews_for_agent(s, a, w.other_rep)),
    ("rubric.edit", "save_rubric", lambda s, w, a: reviews.save_rubric(s, a, [
        {"key": "all", "weight": 1, "title": {"en": "Everything"}}])),
    ("report.view", "csat_report", lambda s, w, a: reports.csat_report(s, a, "channel")),
    ("report.view", "volume_series", lambda s, w, a: reports.volume_series(s, a, "brand")),
    ("audit.view", "audit_events", lambda s, w, a: audit.audit_events(s, a)),
    ("export.cases", "export_cases_csv", _export),
    ("user.manage", "add_user", lambda s, w, a: auth.add_user(s, a, f"new{a}", "long enough")),
    ("user.manage", "list_users", lambda s, w, a: auth.list_users(s, a)),
    ("user.manage", "set_role", lambda s, w, a: auth.set_role(s, a, "jose", "supervisor")),
    ("user.manage", "disable_user", lambda s, w, a: auth.disable_user(s, a, "jose")),
]


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> World:
    s = seed(engine)
    return World(engine=engine, rep=s.rep, other_rep=s.other_rep, customer=s.customer, tmp=tmp_path)


def _agent(engine: Engine, role: Role, *, active: bool = True) -> int:
    with Session(engine) as session:
        agent = Agent(username=f"actor-{role.value}-{active}", display_name="Actor", role=role, active=active)
        session.add(agent)
        session.commit()
        return agent.id


def _audit_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value)
@pytest.mark.parametrize(("action", "call"), [pytest.param(a, c, id=name) for a, name, c in CALLS])
def test_each_role_can_do_exactly_what_the_matrix_allows(world: World, role: Role, action: str, call: Call) -> None:
    actor = _agent(world.engine, role)
    with Session(world.engine) as session:
        before = _audit_count(session)
        if allowed(role, action):
            call(session, world, actor)
            return
        with pytest.raises(PermissionDenied):
            call(session, world, actor)
        session.rollback()
        assert _audit_count(session) == before  # denied before anything was written


@pytest.mark.parametrize(("action", "call"), [pytest.param(a, c, id=name) for a, name, c in CALLS])
def test_a_disabled_or_unknown_account_can_do_nothing(world: World, action: str, call: Call) -> None:
    disabled = _agent(world.engine, Role.SUPERVISOR, active=False)
    with Session(world.engine) as session:
        for actor in (disabled, 999_999):
            with pytest.raises(PermissionDenied, match="does not exist or is disabled"):
                call(session, world, actor)
            session.rollback()


def test_every_service_action_is_in_the_matrix_and_tested() -> None:
    assert {action for action, _name, _call in CALLS} <= set(MATRIX)
    assert set(permissions.ACTION_LABELS) == set(MATRIX)


def test_deny_by_default() -> None:
    assert not any(allowed(role, "case.delete") for role in ROLES)  # not in the matrix: nobody
    assert not allowed("root", "case.open")
    assert not allowed(Role.ADMIN, "case.open")  # separation of duties: admins do not work cases
    assert allowed(Role.ADMIN, "user.manage") and not allowed(Role.SUPERVISOR, "user.manage")


def test_the_message_names_what_is_not_allowed(engine: Engine) -> None:
    rep = _agent(engine, Role.REP)
    with Session(engine) as session:
        with pytest.raises(PermissionDenied, match="not allowed to manage user accounts"):
            require(session, rep, "user.manage")
        set_locale("fi", compiled("fi"))
        with pytest.raises(PermissionDenied) as denied:
            require(session, rep, "backup.run")
        assert "varmuuskopioida tietokantaa" in denied.value.message  # translated, action and all
