"""A desk with two records of one person and everything a merge moves; a snapshot to compare desks by."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import CaseStatus, Channel, PurchasePhase, SupportStage
from deskapp.core.domain.models import Case, Customer
from deskapp.core.services.cases import cases
from deskapp.core.services.cases.feedback import record_feedback
from deskapp.core.services.customers.store import CustomerRecord, write_customers
from deskapp.core.services.notes import notes
from deskapp.core.services.reviews import reviews
from tests.seeding import Seed, seed

FULL = {"greeting": 4, "identity_check": 4, "empathy": 4, "accuracy": 4, "resolution": 4, "closing": 4}
# Tables a merge then unmerge must give back exactly (the audit log and the journal only grow).
COMPARED = ("customer", "customer_email", "customer_phone", "customer_alert", "support_case", "case_note",
            "note_revision", "draft", "feedback", "review")
VOLATILE = {"version_id", "updated_at"}


@dataclass
class TwoRecords:
    """The seeded desk; ``keep`` is FI-000001 Jukka Mäkinen, ``other`` FI-000002 "JUKKA MAKINEN"."""

    s: Seed
    keep: int
    other: int
    other_cases: list[int]
    other_notes: list[int]


def two_records(engine: Engine, *, other_emails: tuple[str, ...] = ("JUKKA.MAKINEN@example.com", "jm@work.example"),
                other_phones: tuple[str, ...] = ("+358401234567", "+358501112222"),
                other_alerts: tuple[str, ...] = ("VIP",), cases_on_other: int = 2) -> TwoRecords:
    """The seeded desk plus a second record of its customer, with cases, notes, a draft, feedback, a review."""
    s = seed(engine)
    write_customers(engine, [CustomerRecord(
        account_number="FI-000002", brand_code="nordtel", given_name="JUKKA", family_name="MAKINEN",
        emails=list(other_emails), phones=list(other_phones), alerts=list(other_alerts), preferred_locale="fi",
        occupation="plumber", lifestyle="outdoors")])
    with Session(engine) as session:
        other = session.scalars(select(Customer.id).where(Customer.account_number == "FI-000002")).one()
        cases.open_case(session, s.rep, s.customer, "Kept customer's own case", PurchasePhase.AFTER,
                        SupportStage.TROUBLESHOOTING, Channel.PHONE)
        case_ids, note_ids = [], []
        for i in range(cases_on_other):
            case = cases.open_case(session, s.rep, other, f"Router {i}", PurchasePhase.AFTER,
                                   SupportStage.TROUBLESHOOTING, Channel.PHONE)
            note = notes.add_note(session, s.rep, case.id, f"first text {i}")
            notes.edit_note(session, s.rep, note.id, f"second text {i}")
            notes.save_draft(session, s.other_rep, case.id, f"typing {i}")
            record_feedback(session, s.rep, case.id, 4)
            case_ids.append(case.id)
            note_ids.append(note.id)
        if case_ids:
            row = session.get(Case, case_ids[0])
            assert row is not None
            row.status = CaseStatus.CLOSED
            session.commit()
            reviews.create_review(session, s.supervisor, case_ids[0], FULL, "Good call.")
    return TwoRecords(s, s.customer, other, case_ids, note_ids)


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of :data:`COMPARED`, without the columns a merge and unmerge may move on (versions, times)."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in COMPARED:
            result = connection.execute(text(f"SELECT * FROM {table} ORDER BY id"))
            keys = [k for k in list(result.keys()) if k not in VOLATILE]
            found[table] = [tuple(row[k] for k in keys) for row in result.mappings()]
    return found
