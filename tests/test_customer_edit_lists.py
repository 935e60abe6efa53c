"""Changing a customer's phones, emails and alerts: checked as an import checks them, found by the new ones."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from deskapp.core.errors import InvalidInput
from deskapp.core.services.customers.editing import CustomerConflict, update_customer
from deskapp.core.services.customers.lookup import lookup
from deskapp.core.services.customers.profile import load_profile
from tests.seeding import seed


def test_phones_emails_and_alerts_are_changed_checked_and_searchable(any_engine: Engine) -> None:
    s = seed(any_engine)
    with Session(any_engine) as session:
        before = load_profile(session, s.customer)
        after = update_customer(session, s.rep, s.customer, {
            "phones": "040 765 4321; +46 70 123 45 67",  # national numbers in the brand's region (FI)
            "emails": "New.Address@example.com",
            "alerts": "Hard of hearing; Prefers email, never calls",
        }, before.version_id)
    assert after.phones == ("+358407654321", "+46701234567")
    assert after.emails == ("New.Address@example.com",)
    assert after.alerts == ("Hard of hearing", "Prefers email, never calls")
    assert after.version_id != before.version_id  # only child rows changed, yet another window sees a conflict
    assert [r.customer_id for r in lookup(any_engine, "7654321")] == [s.customer]
    assert [r.customer_id for r in lookup(any_engine, "new.address@example.com")] == [s.customer]
    with Session(any_engine) as session, pytest.raises(CustomerConflict):
        update_customer(session, s.rep, s.customer, {"alerts": ""}, before.version_id)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("phones", "12", r"^Phone: \"12\" is not a valid phone number"),
    ("emails", "jukka(at)example.com", r"^Email: \"jukka\(at\)example.com\" is not a valid email address"),
    ("alerts", "x" * 201, r"^Alerts: an alert is longer than 200 characters"),
])
def test_a_value_the_import_refuses_is_refused_with_its_field(any_engine: Engine, field: str, value: str,
                                                             message: str) -> None:
    s = seed(any_engine)
    with Session(any_engine) as session:
        version = load_profile(session, s.customer).version_id
        with pytest.raises(InvalidInput, match=message):
            update_customer(session, s.rep, s.customer, {field: value}, version)


def test_a_too_long_value_is_named_by_its_label(any_engine: Engine) -> None:
    s = seed(any_engine)
    with Session(any_engine) as session:
        version = load_profile(session, s.customer).version_id
        with pytest.raises(InvalidInput, match=r"^Occupation is too long: at most 100 characters\."):
            update_customer(session, s.rep, s.customer, {"occupation": "x" * 101}, version)
