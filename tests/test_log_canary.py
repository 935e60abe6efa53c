"""A canary customer's name and phone never reach the logs, whatever the log level.

The root logger captures everything at DEBUG while the canary is imported, looked up, written
about in notes and exported, and while agents sign in (SQLAlchemy's echo of statements, parameters
and rows would leak them; ``make_engine`` keeps it off).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import Role
from deskapp.core.domain.models import Agent
from deskapp.core.security.passwords import hash_password
from deskapp.core.services.auth import auth
from deskapp.core.services.auth.auth import SignInFailed
from deskapp.core.services.cases import cases
from deskapp.core.services.cases.export import export_cases_csv
from deskapp.core.services.customers import profile as customer_profiles
from deskapp.core.services.customers.csv_import import import_customers
from deskapp.core.services.customers.lookup import lookup
from deskapp.core.services.notes import notes
from tests.seeding import console

NAME, FAMILY, PHONE = "Zyxwq", "Canarysson", "+358401112233"
CANARIES = (NAME, FAMILY, PHONE, "401112233", "Zyxwq Canarysson", "zyxwq", "canarysson")


def test_canary_never_reaches_the_log(engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    source = tmp_path / "canary.csv"
    source.write_text("account_number,kind,given_name,family_name,organisation,email,phone,preferred_locale,brand\n"
                      f"FI-CANARY,external,{NAME},{FAMILY},,zyxwq@canary.example,{PHONE},fi,nordtel\n",
                      encoding="utf-8")
    with Session(engine) as session:
        session.add(Agent(username="anna", display_name="Anna", role=Role.REP, password_hash=hash_password("pw-anna")))
        session.add(Agent(username="sam", display_name="Sam", role=Role.SUPERVISOR, password_hash=hash_password("x")))
        session.commit()
    caplog.set_level(logging.DEBUG)  # the root logger: every library logs all it would log
    logging.getLogger("deskapp.test").debug("capture check")
    summary = import_customers(engine, console(engine), source, region="FI")
    assert summary.created == 1
    with Session(engine) as session:
        rep = auth.sign_in(session, "anna", "pw-anna").agent_id
        with pytest.raises(SignInFailed):
            auth.sign_in(session, "Zyxwq Canarysson", PHONE)  # a canary typed into the wrong field
        for query in (FAMILY, "Zyxwq Can", PHONE, "2233"):
            assert [hit.account_number for hit in lookup(session, query)] == ["FI-CANARY"], query
        profile = customer_profiles.customer_profile(session, rep, "FI-CANARY")
        case = cases.open_case(session, rep, profile.customer_id, f"Call from {NAME} {FAMILY}", "after",
                               "troubleshooting", "phone")
        notes.save_draft(session, rep, case.id, f"{NAME} {FAMILY} called from {PHONE}")
        note = notes.add_note(session, rep, case.id, f"{NAME} {FAMILY} called from {PHONE}")
        notes.edit_note(session, rep, note.id, f"{NAME} {FAMILY} ({PHONE}) called twice")
        sam = session.query(Agent.id).filter(Agent.username == "sam").scalar()
        export_cases_csv(session, sam, tmp_path / "out.csv")
    assert any(r.getMessage() == "capture check" for r in caplog.records), "the capture is not working"
    captured = "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records)
    leaked = [canary for canary in CANARIES if canary.casefold() in captured.casefold()]
    assert leaked == [], f"customer data in the log: {leaked}"
