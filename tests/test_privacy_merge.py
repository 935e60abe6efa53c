"""A privacy request about a customer who was merged: the tombstones and the merge journal go too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from deskapp.core.domain.merge import CustomerMerge
from deskapp.core.domain.models import Customer
from deskapp.core.domain.privacy import CustomerErasure
from deskapp.core.services.customers import lookup
from deskapp.core.services.merge.merging import merge_customers
from deskapp.core.services.merge.preview import MergeRefused
from deskapp.core.services.notes.verify import verify_history
from deskapp.core.services.privacy import erase
from deskapp.core.services.privacy.export import export_customer_data
from tests.merge_helpers import two_records
from tests.seeding import console


def test_erasing_a_kept_customer_empties_their_tombstone_and_the_journal(any_engine: Engine, tmp_path: Path) -> None:
    d = two_records(any_engine)
    with Session(any_engine) as session:
        merge_customers(session, d.s.supervisor, "FI-000001", "FI-000002", take=["occupation"])
        admin = console(any_engine)
        out = tmp_path / "export.json"
        export_customer_data(session, admin, "FI-000001", out)
        merges = json.loads(out.read_text(encoding="utf-8"))["merges"]
        assert merges == [{"kept_account": "FI-000001", "merged_account": "FI-000002",
                           "merged_at": merges[0]["merged_at"], "unmerged_at": None}]
        # The request names the old account number: it is about the person, who is now FI-000001.
        result = erase.erase_customer(session, admin, "FI-000002", "request 2026-301", scrub=False)
    assert result.counts["merge_tombstones"] == 1
    assert result.counts["merge_journal"] == 1
    with Session(any_engine) as session:
        assert session.scalars(select(CustomerMerge)).all() == []
        tombstone = session.get(Customer, d.other)
        assert tombstone is not None
        assert (tombstone.given_name, tombstone.family_name, tombstone.occupation) == ("", "", None)
        assert tombstone.account_number.startswith(result.pseudonym)
        assert session.get(CustomerErasure, d.other) is not None
        for query in ("FI-000002", "FI-000001", "jukka makinen", "+358 50 111 2222", "jm@work.example"):
            found = {row.customer_id for row in lookup.find_customers(session, d.s.rep, query)}
            assert not found & {d.keep, d.other}, query
        assert verify_history(session, d.s.supervisor).ok
        with pytest.raises(MergeRefused, match="erased"):
            merge_customers(session, d.s.supervisor, d.s.internal, d.keep)


def test_erasing_a_caller_blanks_their_calls_and_callbacks(any_engine: Engine, tmp_path: Path) -> None:
    import datetime as dt

    from deskapp.core.domain.calls import Callback, PhoneCall
    from deskapp.core.services.calls.callbacks import create_callback
    from deskapp.core.services.calls.log import link_case, record_call
    from tests.seeding import new_case

    d = two_records(any_engine)
    with Session(any_engine) as session:
        case = new_case(session, d.s)
        taken = record_call(session, d.s.rep, "+358 40 123 4567", call_id="pbx-1")  # the kept customer's phone
        link_case(session, d.s.rep, taken.call.call_id, case.id)
        record_call(session, d.s.rep, "+358 40 999 8888", call_id="pbx-2")  # somebody else
        create_callback(session, d.s.rep, dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC),
                        note="Call Jukka about the router refund", customer_id=d.keep)
        admin = console(any_engine)
        out = tmp_path / "export.json"
        export_customer_data(session, admin, "FI-000001", out)
        phone = json.loads(out.read_text(encoding="utf-8"))["phone"]
        assert [c["call_id"] for c in phone["calls"]] == ["pbx-1"]
        assert phone["callbacks"][0]["note"] == "Call Jukka about the router refund"
        result = erase.erase_customer(session, admin, "FI-000001", "request 2026-302", scrub=False)
    assert (result.counts["call_log"], result.counts["callbacks"]) == (1, 1)
    with Session(any_engine) as session:
        numbers = {row.call_id: row.number for row in session.execute(select(PhoneCall.call_id, PhoneCall.number))}
        assert numbers == {"pbx-1": "", "pbx-2": "+358409998888"}
        assert session.scalars(select(Callback.note)).all() == ["[erased]"]
