"""Merging duplicate customers on SQLite and PostgreSQL: what moves, the tombstone, refusals, unmerge."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from deskapp.core.domain.audit import AuditEvent
from deskapp.core.domain.merge import CustomerMerge
from deskapp.core.domain.models import Case, CustomerAlert, CustomerEmail, CustomerPhone, NoteRevision
from deskapp.core.errors import InvalidInput, PermissionDenied
from deskapp.core.services.customers import editing, lookup
from deskapp.core.services.customers.profile import customer_profile
from deskapp.core.services.merge import merging
from deskapp.core.services.merge.merging import merge_customers
from deskapp.core.services.merge.preview import MergeConflict, MergeRefused, merge_preview
from deskapp.core.services.merge.unmerging import UNMERGE_WINDOW, unmerge_customer
from deskapp.core.services.notes.verify import verify_history
from tests.merge_helpers import snapshot, two_records


def _count(session: Session, model: type, **where: int) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return session.scalar(query) or 0


def test_a_merge_moves_everything_and_leaves_a_tombstone_that_finds_the_kept_customer(any_engine: Engine) -> None:
    d = two_records(any_engine)
    with Session(any_engine) as session:
        preview = merge_preview(session, d.s.supervisor, "FI-000001", "FI-000002")
        assert dict(preview.moves) == {"cases": 2, "notes": 2, "drafts": 2, "feedback": 2, "reviews": 1,
                                       "alerts": 1, "phones": 2, "emails": 2}
        assert "occupation" in preview.differing
        result = merge_customers(session, d.s.supervisor, "FI-000001", "FI-000002", take=["occupation", "email"],
                                 keep_version=preview.keep.version_id, other_version=preview.other.version_id)
        assert result.fields == {"occupation": "other", "lifestyle": "other", "email": "other"}
    with Session(any_engine) as session:
        assert _count(session, Case, customer_id=d.other) == 0
        assert _count(session, Case, customer_id=d.keep) == 3
        # Phones and e-mails united: the shared phone and the e-mail in capitals are kept once.
        profile = customer_profile(session, d.s.rep, d.keep)
        assert profile.phones == ("+358401234567", "+358501112222")
        assert profile.emails == ("jukka.makinen@example.com", "jm@work.example")
        assert profile.alerts == ("hard of hearing", "VIP")
        assert profile.profile == (("birth_year", 1971), ("lifestyle", "outdoors"), ("occupation", "plumber"))
        assert _count(session, CustomerPhone, customer_id=d.other) == 0
        # The tombstone: its account number, an old reference, its phone and e-mail find the kept customer.
        for query in ("FI-000002", "+358 50 111 2222", "jm@work.example", "JUKKA.MAKINEN@example.com"):
            assert [row.account_number for row in lookup.find_customers(session, d.s.rep, query)] == ["FI-000001"]
        assert customer_profile(session, d.s.rep, d.other).account_number == "FI-000001"
        assert customer_profile(session, d.s.rep, "FI-000002").customer_id == d.keep
        assert [r.account_number for r in lookup.find_customers(session, d.s.rep, "jukka makinen")] == ["FI-000001"]
        # Every revision chain still verifies; one audit event names the choices, no personal data.
        assert verify_history(session, d.s.supervisor).ok
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.merge")).all()
        assert len(events) == 1
        assert events[0].detail["fields"] == {"occupation": "other", "lifestyle": "other", "email": "other"}
        assert events[0].detail["other"] == d.other and events[0].agent_id == d.s.supervisor
        assert "plumber" not in json.dumps(events[0].detail)


def test_merge_refuses_a_changed_side_a_merged_side_and_itself(any_engine: Engine) -> None:
    d = two_records(any_engine)
    with Session(any_engine) as session:
        preview = merge_preview(session, d.s.supervisor, "FI-000001", "FI-000002")
        editing.update_customer(session, d.s.rep, d.other, {"occupation": "welder"}, preview.other.version_id)
        before = snapshot(any_engine)
        with pytest.raises(MergeConflict, match="FI-000002 was changed by someone else"):
            merge_customers(session, d.s.supervisor, d.keep, d.other, keep_version=preview.keep.version_id,
                            other_version=preview.other.version_id)
        assert snapshot(any_engine) == before
        with pytest.raises(MergeRefused, match="into itself"):
            merge_customers(session, d.s.supervisor, d.keep, d.keep)
        with pytest.raises(MergeRefused, match="internal department"):
            merge_customers(session, d.s.supervisor, d.keep, d.s.internal)
        with pytest.raises(InvalidInput, match="cannot be chosen"):
            merge_customers(session, d.s.supervisor, d.keep, d.other, take=["password"])
        with pytest.raises(PermissionDenied):
            merge_customers(session, d.s.rep, d.keep, d.other)
        merge_customers(session, d.s.supervisor, d.keep, d.other)
        with pytest.raises(MergeRefused, match="FI-000002 is already merged into FI-000001"):
            merge_customers(session, d.s.supervisor, d.keep, d.other)
        with pytest.raises(MergeRefused, match="already merged"):
            merge_customers(session, d.s.supervisor, d.other, d.keep)


def test_a_merge_interrupted_halfway_leaves_nothing_half_moved(any_engine: Engine,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    d = two_records(any_engine)
    before = snapshot(any_engine)
    real = merging._move_references

    def dies_after_moving(*args: object) -> object:
        real(*args)  # type: ignore[arg-type]
        raise OSError("the power went out")

    monkeypatch.setattr(merging, "_move_references", dies_after_moving)
    with Session(any_engine) as session, pytest.raises(OSError, match="power"):
        merge_customers(session, d.s.supervisor, d.keep, d.other)
    assert snapshot(any_engine) == before
    with Session(any_engine) as session:
        assert _count(session, CustomerMerge) == 0
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == "customer.merge")) == 0


def test_merging_into_a_customer_another_rep_is_editing(any_engine: Engine) -> None:
    d = two_records(any_engine)
    with Session(any_engine) as session:
        editing_rep = customer_profile(session, d.s.rep, d.keep)  # the rep's screen holds this version
        merge_customers(session, d.s.supervisor, d.keep, d.other)
        with pytest.raises(editing.CustomerConflict) as conflict:
            editing.update_customer(session, d.s.rep, d.keep, {"occupation": "welder"}, editing_rep.version_id)
        assert conflict.value.theirs.emails == ("jukka.makinen@example.com", "jm@work.example")
        # Saving again on top of the merged customer works and keeps what the merge brought.
        saved = editing.update_customer(session, d.s.rep, d.keep, {"occupation": "welder"},
                                        conflict.value.theirs.version_id)
        assert ("occupation", "welder") in saved.profile
        assert len(saved.phones) == 2


def test_unmerge_gives_back_the_same_desk(any_engine: Engine) -> None:
    d = two_records(any_engine)
    before = snapshot(any_engine)
    with Session(any_engine) as session:
        merge_customers(session, d.s.supervisor, d.keep, d.other, take=["email", "phone", "given_name"])
        assert snapshot(any_engine) != before
        result = unmerge_customer(session, d.s.supervisor, "FI-000002")
        assert result.restored["support_case.customer_id"] == 2
        with pytest.raises(MergeRefused, match="not merged"):
            unmerge_customer(session, d.s.supervisor, "FI-000002")
    assert snapshot(any_engine) == before
    with Session(any_engine) as session:
        assert [r.account_number for r in lookup.find_customers(session, d.s.rep, "FI-000002")] == ["FI-000002"]
        assert verify_history(session, d.s.supervisor).ok
        assert session.scalar(select(CustomerMerge.unmerged_by)) == d.s.supervisor


def test_a_case_opened_after_the_merge_stays_and_old_merges_cannot_be_undone(any_engine: Engine) -> None:
    d = two_records(any_engine)
    with Session(any_engine) as session:
        merge_customers(session, d.s.supervisor, d.keep, d.other)
        with pytest.raises(MergeRefused, match="more than 30 days ago"):
            unmerge_customer(session, d.s.supervisor, d.other,
                             now=dt.datetime.now(dt.UTC) + UNMERGE_WINDOW + dt.timedelta(minutes=1))
        unmerge_customer(session, d.s.supervisor, d.other)
        assert _count(session, Case, customer_id=d.other) == 2
        assert _count(session, Case, customer_id=d.keep) == 1
        assert _count(session, CustomerEmail, customer_id=d.other) == 2
        assert _count(session, CustomerAlert, customer_id=d.other) == 1
        assert _count(session, NoteRevision) == 4


def test_merge_and_unmerge_commands(engine: Engine, db_url: str, cli) -> None:  # type: ignore[no-untyped-def]
    two_records(engine)
    code, out, err = cli("--db", db_url, "customers", "merge", "FI-000001", "FI-000002", "--take", "email")
    assert code == 1 and "add --yes" in err  # no terminal to ask at: the preview only
    assert "Moves to FI-000001: cases 2, notes 2, drafts 2, feedback 2, reviews 1, alerts 1, phones 2" in out
    code, out, err = cli("--db", db_url, "customers", "merge", "FI-000001", "FI-000002", "--take", "nope")
    assert code == 2 and "cannot be chosen in a merge: nope" in err
    code, out, err = cli("--db", db_url, "customers", "merge", "FI-000001", "FI-000002", "--take", "email",
                         "occupation", "--yes", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {"merged": True, "keep": "FI-000001", "other": "FI-000002",
                               "fields": {"email": "other", "lifestyle": "other", "occupation": "other"},
                               "moved": {"cases": 2, "notes": 2, "drafts": 2, "feedback": 2, "reviews": 1,
                                         "alerts": 1, "phones": 2, "emails": 2}}
    code, out, err = cli("--db", db_url, "lookup", "--json", "FI-000002")
    assert [row["account_number"] for row in json.loads(out)] == ["FI-000001"]
    code, out, err = cli("--db", db_url, "verify", "--json")
    assert code == 0 and json.loads(out)["ok"] is True
    code, out, err = cli("--db", db_url, "customers", "merge", "FI-000001", "FI-000002", "--yes")
    assert code == 1 and err == "deskapp: FI-000002 is already merged into FI-000001.\n"
    code, out, err = cli("--db", db_url, "customers", "unmerge", "FI-000002", "--json")
    assert code == 0 and json.loads(out)["restored"]["support_case.customer_id"] == 2
    code, out, err = cli("--db", db_url, "--lang", "fi", "customers", "unmerge", "FI-000002")
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err


def test_a_rep_who_still_has_the_merged_record_open_works_on_the_kept_one(any_engine: Engine) -> None:
    from deskapp.core.domain.enums import Channel, PurchasePhase, SupportStage
    from deskapp.core.services.cases import cases

    d = two_records(any_engine)
    with Session(any_engine) as session:
        stale = customer_profile(session, d.s.rep, d.other)  # opened before the merge
        merge_customers(session, d.s.supervisor, d.keep, d.other)
        case = cases.open_case(session, d.s.rep, d.other, "Walk-in", PurchasePhase.BEFORE, SupportStage.PLANNING,
                               Channel.COUNTER)
        assert case.customer_id == d.keep
        with pytest.raises(editing.CustomerConflict) as conflict:
            editing.update_customer(session, d.s.rep, d.other, {"occupation": "welder"}, stale.version_id)
        assert conflict.value.theirs.account_number == "FI-000001"


def test_two_supervisors_merging_at_once_merge_once(any_engine: Engine) -> None:
    import threading

    from sqlalchemy.exc import OperationalError

    d = two_records(any_engine)
    with Session(any_engine) as session:
        preview = merge_preview(session, d.s.supervisor, d.keep, d.other)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def merge(take: list[str]) -> None:
        with Session(any_engine) as session:
            barrier.wait()
            try:
                merge_customers(session, d.s.supervisor, d.keep, d.other, take=take,
                                keep_version=preview.keep.version_id, other_version=preview.other.version_id)
                outcomes.append("merged")
            except (MergeRefused, OperationalError) as exc:  # a conflict, or SQLite's lock
                outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=merge, args=(take,)) for take in ([], ["email"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("merged") == 1, outcomes
    with Session(any_engine) as session:
        assert _count(session, CustomerMerge) == 1
        assert _count(session, Case, customer_id=d.keep) == 3
        assert verify_history(session, d.s.supervisor).ok


def test_export_leaves_tombstones_out(engine: Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from deskapp.core.services.customers.csv_import import export_customers
    from tests.seeding import console

    d = two_records(engine)
    with Session(engine) as session:
        merge_customers(session, d.s.supervisor, d.keep, d.other)
    path = tmp_path / "out.csv"
    assert export_customers(engine, console(engine), path) == 2
    text = path.read_text(encoding="utf-8")
    assert "FI-000001" in text and "FI-000002" not in text and "jm@work.example" in text


def test_unmerge_keeps_a_change_made_to_the_kept_customer_since(any_engine: Engine) -> None:
    d = two_records(any_engine)
    with Session(any_engine) as session:
        merge_customers(session, d.s.supervisor, d.keep, d.other, take=["occupation"])
        merged = customer_profile(session, d.s.rep, d.keep)
        editing.update_customer(session, d.s.rep, d.keep, {"lifestyle": "sailing"}, merged.version_id)
        unmerge_customer(session, d.s.supervisor, d.other)
        kept = customer_profile(session, d.s.rep, d.keep)
        assert dict(kept.profile) == {"birth_year": 1971, "occupation": "electrician", "lifestyle": "sailing"}
