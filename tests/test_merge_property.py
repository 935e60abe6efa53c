"""Property: merging any two records of a person and then unmerging gives back the same desk."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import Channel, PurchasePhase, SupportStage
from deskapp.core.domain.models import Agent, Customer
from deskapp.core.services.cases import cases
from deskapp.core.services.customers.store import CustomerRecord, write_customers
from deskapp.core.services.merge.merging import merge_customers
from deskapp.core.services.merge.preview import FIELDS
from deskapp.core.services.merge.unmerging import unmerge_customer
from deskapp.core.services.notes import notes
from deskapp.core.services.notes.verify import verify_history
from tests.merge_helpers import snapshot
from tests.seeding import seed

EMAILS = ("a@example.com", "B@example.com", "b@example.com", "c@example.com")
PHONES = ("+358401111111", "+358402222222", "+358403333333")
ALERTS = ("VIP", "hard of hearing", "fraud watch")
SIDE = st.fixed_dictionaries({
    "emails": st.lists(st.sampled_from(EMAILS), max_size=3, unique_by=str.casefold),
    "phones": st.lists(st.sampled_from(PHONES), max_size=3, unique=True),
    "alerts": st.lists(st.sampled_from(ALERTS), max_size=2, unique=True),
    "given": st.sampled_from(("Aino", "AINO", "")),
    "occupation": st.sampled_from((None, "nurse", "pilot")),
    "birth_year": st.sampled_from((None, 1980, 1981)),
    "cases": st.integers(0, 2),
})
_serial = itertools.count(1)


def _customer(engine: Engine, rep: int, side: dict[str, object]) -> int:
    account = f"HY-{next(_serial):06d}"
    write_customers(engine, [CustomerRecord(
        account_number=account, brand_code="nordtel", given_name=str(side["given"]), family_name="Aalto",
        emails=list(side["emails"]), phones=list(side["phones"]), alerts=list(side["alerts"]),  # type: ignore[call-overload]
        occupation=side["occupation"], birth_year=side["birth_year"])])  # type: ignore[arg-type]
    with Session(engine) as session:
        customer = session.scalars(select(Customer.id).where(Customer.account_number == account)).one()
        for i in range(int(side["cases"])):  # type: ignore[call-overload]
            case = cases.open_case(session, rep, customer, f"case {i}", PurchasePhase.AFTER,
                                   SupportStage.OTHER, Channel.COUNTER)
            notes.add_note(session, rep, case.id, "note")
    return customer


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keep=SIDE, other=SIDE, take=st.lists(st.sampled_from(FIELDS), unique=True, max_size=4))
def test_merge_then_unmerge_gives_back_the_same_desk(any_engine: Engine, keep: dict[str, object],
                                                      other: dict[str, object], take: list[str]) -> None:
    with Session(any_engine) as session:
        if session.scalar(select(Agent.id).where(Agent.username == "anna")) is None:
            seed(any_engine)  # once per database: the examples share it
        rep = session.scalars(select(Agent.id).where(Agent.username == "anna")).one()
        supervisor = session.scalars(select(Agent.id).where(Agent.username == "sam")).one()
    keep_id, other_id = _customer(any_engine, rep, keep), _customer(any_engine, rep, other)
    before = snapshot(any_engine)
    with Session(any_engine) as session:
        merge_customers(session, supervisor, keep_id, other_id, take=take)
        unmerge_customer(session, supervisor, other_id)
    assert snapshot(any_engine) == before
    with Session(any_engine) as session:
        assert verify_history(session, supervisor).ok
