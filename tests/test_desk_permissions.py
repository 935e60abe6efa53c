"""The Desk facade checks who acts: lookup needs ``customer.lookup``, call scripts ``script.run``.

The window calls these through the desk, so a rep's account disabled while they are signed in,
or a role that may not run call scripts, is refused there and nothing is read or written.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from deskapp.core.domain.audit import AuditEvent
from deskapp.core.domain.enums import Channel, PurchasePhase, Role, SupportStage
from deskapp.core.domain.models import Agent, CaseNote
from deskapp.core.errors import PermissionDenied
from deskapp.core.services.auth import auth
from deskapp.core.services.desk import Desk
from deskapp.core.services.kernel.actors import console_actor
from deskapp.core.services.scripts.call_scripts import ScriptRun
from tests.seeding import Seed, seed
from tests.test_call_scripts import walk_phone_script

DISABLED = "does not exist or is disabled"


@pytest.fixture
def world(any_engine: Engine) -> Seed:
    seeded = seed(any_engine)
    with Session(any_engine) as session:
        session.add(Agent(username="admin", display_name="Admin", role=Role.ADMIN))
        session.commit()
    return seeded


@pytest.fixture
def desk(any_db_url: str, world: Seed) -> Iterator[Desk]:
    opened = Desk(any_db_url)
    info = opened.open("anna")  # acts as the rep anna (the starter call scripts load on first open)
    assert info.agent_role == Role.REP
    yield opened
    opened.close()


def _finished_run(desk: Desk, case_id: int, customer_id: int) -> ScriptRun:
    run = desk.start_script("phone_greeting_identity", customer_id, case_id, "en")
    walk_phone_script(run)
    return run


def _count(engine: Engine, model: type[AuditEvent] | type[CaseNote]) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_rep_looks_up_and_runs_scripts(desk: Desk, world: Seed, any_engine: Engine) -> None:
    assert [row.account_number for row in desk.lookup("makinen")] == ["FI-000001"]
    assert "phone_greeting_identity" in {row.key for row in desk.scripts()}
    case = desk.open_case(world.customer, "Router", PurchasePhase.AFTER, SupportStage.TROUBLESHOOTING, Channel.PHONE)
    run = _finished_run(desk, case.id, world.customer)
    result = desk.finish_script(case.id, run)
    assert result.note.case_id == case.id


def test_a_disabled_rep_is_refused_lookup_and_scripts(desk: Desk, world: Seed, any_engine: Engine) -> None:
    case = desk.open_case(world.customer, "Router", PurchasePhase.AFTER, SupportStage.TROUBLESHOOTING, Channel.PHONE)
    run = _finished_run(desk, case.id, world.customer)
    with Session(any_engine) as session:
        auth.disable_user(session, console_actor(session), "anna")  # while anna is still at the window
    events, notes = _count(any_engine, AuditEvent), _count(any_engine, CaseNote)
    for call in (lambda: desk.lookup("makinen"), desk.scripts,
                 lambda: desk.start_script("phone_greeting_identity", world.customer, case.id, "en"),
                 lambda: desk.finish_script(case.id, run)):
        with pytest.raises(PermissionDenied, match=DISABLED):
            call()
    assert (_count(any_engine, AuditEvent), _count(any_engine, CaseNote)) == (events, notes)


def test_an_administrator_looks_up_but_runs_no_scripts(desk: Desk, world: Seed) -> None:
    with Session(desk.engine) as session:
        desk.agent_id = session.scalars(select(Agent.id).where(Agent.username == "admin")).one()
    assert [row.account_number for row in desk.lookup("makinen")] == ["FI-000001"]
    with pytest.raises(PermissionDenied, match="not allowed to run call scripts"):
        desk.scripts()
    with pytest.raises(PermissionDenied, match="not allowed to run call scripts"):
        desk.start_script("phone_greeting_identity", world.customer, None, "en")


def test_a_supervisor_looks_up_and_runs_scripts(desk: Desk, world: Seed) -> None:
    desk.agent_id = world.supervisor
    assert [row.account_number for row in desk.lookup("finance")] == ["INT-000001"]
    assert desk.start_script("phone_greeting_identity", world.customer, None, "en").script.key == \
        "phone_greeting_identity"
