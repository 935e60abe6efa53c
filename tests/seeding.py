"""The small desk most service tests start from: two reps, a supervisor, a customer and a department."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import Channel, CustomerKind, PurchasePhase, Role, SupportStage
from deskapp.core.domain.models import Agent, Brand, Customer
from deskapp.core.services.cases import cases
from deskapp.core.services.customers.store import CustomerRecord, write_customers


@dataclass
class Seed:
    rep: int
    other_rep: int
    supervisor: int
    customer: int
    internal: int


def seed(engine: Engine) -> Seed:
    """Two brands, three agents, an external and an internal customer."""
    with Session(engine) as session:
        session.add_all([
            Brand(code="nordtel", name="Nordic Telecom", default_region="FI", default_locale="fi"),
            Brand(code="internal", name="Internal service desk", default_region="FI", default_locale="en"),
        ])
        agents = [Agent(username="anna", display_name="Anna Virtanen", role=Role.REP),
                  Agent(username="jose", display_name="José Ramírez", role=Role.REP),
                  Agent(username="sam", display_name="Sam Taylor", role=Role.SUPERVISOR)]
        session.add_all(agents)
        session.commit()
        ids = [agent.id for agent in agents]
    write_customers(engine, [
        CustomerRecord(account_number="FI-000001", brand_code="nordtel", given_name="Jukka",
                       family_name="Mäkinen", emails=["jukka.makinen@example.com"],
                       phones=["+358401234567"], preferred_locale="fi", birth_year=1971,
                       occupation="electrician", alerts=["hard of hearing"]),
        CustomerRecord(account_number="INT-000001", brand_code="internal", kind=CustomerKind.INTERNAL,
                       organisation="Finance"),
    ])
    with Session(engine) as session:
        customer, internal = (session.scalars(select(Customer.id).where(Customer.account_number == acc)).one()
                              for acc in ("FI-000001", "INT-000001"))
    return Seed(rep=ids[0], other_rep=ids[1], supervisor=ids[2], customer=customer, internal=internal)


def new_case(session: Session, s: Seed, subject: str = "Netti katkeilee") -> cases.CaseRow:
    return cases.open_case(session, s.rep, s.customer, subject, PurchasePhase.AFTER,
                           SupportStage.TROUBLESHOOTING, Channel.PHONE)


def console(engine: Engine) -> int:
    """The console's built-in account (an administrator at the terminal), as ``deskapp`` subcommands act."""
    from deskapp.core.services.kernel.actors import console_actor

    with Session(engine) as session:
        return console_actor(session)
