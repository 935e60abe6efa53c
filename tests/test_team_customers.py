"""Changing a customer with optimistic locking (SQLite and PostgreSQL): conflicts carry both sides."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from deskapp.core.domain.audit import AuditEvent
from deskapp.core.errors import InvalidInput, PermissionDenied, RecordNotFound
from deskapp.core.services.customers import editing as customers
from deskapp.core.services.customers.editing import CustomerConflict, update_customer
from deskapp.core.services.customers.lookup import lookup
from deskapp.core.services.customers.profile import customer_profile
from deskapp.core.services.kernel.actors import console_actor
from deskapp.core.storage.engine import session_factory
from tests.seeding import Seed, seed


@pytest.fixture
def s(any_engine: Engine) -> Seed:
    return seed(any_engine)


def test_update_saves_and_bumps_the_version(any_engine: Engine, s: Seed) -> None:
    make = session_factory(any_engine)
    with make() as session:
        before = customer_profile(session, console_actor(session), s.customer)
        after = update_customer(session, s.rep, s.customer, {"occupation": " plumber ", "birth_year": 1972},
                                before.version_id)
    assert after.version_id == before.version_id + 1
    assert dict(after.profile) == {"birth_year": 1972, "occupation": "plumber"}
    with make() as session:
        assert customer_profile(session, console_actor(session), s.customer) == after
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.update")).all()
        assert event.detail == {"fields": ["birth_year", "occupation"]}  # names only, no customer data


def test_stale_version_raises_a_conflict_with_mine_and_theirs(any_engine: Engine, s: Seed) -> None:
    make = session_factory(any_engine)
    with make() as session:
        loaded = customer_profile(session, console_actor(session), s.customer)
    with make() as other:  # a colleague saves first
        theirs = update_customer(other, s.other_rep, s.customer, {"family_name": "Mäkinen-Virta"},
                                 loaded.version_id)
    with make() as session, pytest.raises(CustomerConflict) as info:
        update_customer(session, s.rep, s.customer, {"family_name": "Virta"}, loaded.version_id)
    conflict = info.value
    assert conflict.mine == {"family_name": "Virta"}
    assert conflict.theirs == theirs and conflict.theirs.family_name == "Mäkinen-Virta"
    assert "changed this customer" in conflict.message
    with make() as session:  # nothing was overwritten; re-applying on top of theirs works
        assert customer_profile(session, console_actor(session), s.customer).family_name == "Mäkinen-Virta"
        again = update_customer(session, s.rep, s.customer, conflict.mine, conflict.theirs.version_id)
    assert again.family_name == "Virta"


def test_conflict_detected_at_flush_when_the_row_changed_after_loading(any_engine: Engine, s: Seed) -> None:
    make = session_factory(any_engine)
    with make() as session:
        version = customer_profile(session, console_actor(session), s.customer).version_id
    with make() as session:
        from deskapp.core.domain.models import Customer

        session.get(Customer, s.customer)  # loaded at `version` ...
        with make() as other:
            update_customer(other, s.other_rep, s.customer, {"occupation": "teacher"}, version)
        # ... and the version check in the UPDATE itself catches the colleague's save
        with pytest.raises(CustomerConflict) as info:
            update_customer(session, s.rep, s.customer, {"occupation": "pilot"}, version)
    assert dict(info.value.theirs.profile)["occupation"] == "teacher"


def test_renaming_updates_what_the_customer_is_found_by(any_engine: Engine, s: Seed) -> None:
    with session_factory(any_engine)() as session:
        version = customer_profile(session, console_actor(session), s.customer).version_id
        update_customer(session, s.rep, s.customer, {"family_name": "Dela Cruz"}, version)
    assert [r.account_number for r in lookup(any_engine, "dela cruz")] == ["FI-000001"]
    assert [r.account_number for r in lookup(any_engine, "delacruz jukka")] == ["FI-000001"]
    assert [r.name for r in lookup(any_engine, "makinen")] == ["Jukka Dela Cruz"]  # still by the email


def test_unchanged_values_change_nothing(any_engine: Engine, s: Seed) -> None:
    with session_factory(any_engine)() as session:
        before = customer_profile(session, console_actor(session), s.customer)
        after = update_customer(session, s.rep, s.customer, {"given_name": "Jukka"}, before.version_id)
    assert after == before


@pytest.mark.parametrize(
    ("changes", "words"),
    [({"account_number": "X"}, "cannot be changed"), ({"birth_year": "1970"}, "whole number"),
     ({"given_name": "x" * 101}, "too long")],
)
def test_bad_changes_are_refused(any_engine: Engine, s: Seed, changes: dict[str, object], words: str) -> None:
    with session_factory(any_engine)() as session:
        version = customer_profile(session, console_actor(session), s.customer).version_id
        with pytest.raises(InvalidInput, match=words):
            update_customer(session, s.rep, s.customer, changes, version)


def test_unknown_customer_and_agent(any_engine: Engine, s: Seed) -> None:
    with session_factory(any_engine)() as session:
        with pytest.raises(RecordNotFound):
            update_customer(session, s.rep, 999_999, {"occupation": "x"}, 1)
        with pytest.raises(PermissionDenied):
            update_customer(session, 999_999, s.customer, {"occupation": "x"}, 1)
    assert "occupation" in customers.EDITABLE
