"""Everything the desk holds about one customer, as one JSON document (a GDPR access request).

Keys are plain English words, times ISO 8601 in UTC. The document is built from sections, one
function each (:data:`SECTIONS`); a feature that keeps more about a customer (merges, a call log)
adds its own. The file is written all or nothing and never over the database
(:mod:`deskapp.core.io.safe_write`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from deskapp.core.domain.audit import AuditEvent
from deskapp.core.domain.base import utcnow
from deskapp.core.domain.models import Agent, Case, CaseNote, Customer, Draft, NoteRevision
from deskapp.core.domain.quality import Feedback, Review, Rubric
from deskapp.core.io.safe_write import check_output_path, database_file, write_text_atomically
from deskapp.core.security.permissions import require
from deskapp.core.services.kernel.audit import audit
from deskapp.core.services.privacy.erase import customer_by_account
from deskapp.core.services.privacy.linked import calls_section, merges_section

FORMAT = "deskapp-customer-data/1"
Section = Callable[[Session, Customer, list[int], list[int]], Any]


def export_customer_data(session: Session, actor_id: int, account: str, path: str | Path) -> dict[str, int]:
    """Write everything about the customer ``account`` to ``path`` (``customer.export``); audited.

    Returns:
        How many cases, notes and revisions the file holds.

    Raises:
        RecordNotFound: No customer has this account number.
        RecordErased: The customer was erased (nothing personal is left to export).
        OutputFileError: ``path`` cannot be written, or is the database itself.
    """
    require(session, actor_id, "customer.export")
    bind = session.get_bind()
    database = database_file((bind if isinstance(bind, Engine) else bind.engine).url)
    check_output_path(path, database=database)  # before anything is read
    document = _document(session, account)
    write_text_atomically(path, json.dumps(document, ensure_ascii=False, indent=2) + "\n", database=database)
    counts = {"cases": len(document["cases"]),
              "notes": sum(len(case["notes"]) for case in document["cases"]),
              "revisions": sum(len(note["revisions"]) for case in document["cases"] for note in case["notes"])}
    audit(session, actor_id, "customer.export_data", "customer", document["customer"]["id"], detail=counts)
    session.commit()
    return counts


def _document(session: Session, account: str) -> dict[str, Any]:
    """The export as a JSON-ready dict (internal, no actor: :func:`export_customer_data` checked)."""
    customer = customer_by_account(session, account)
    case_ids = list(session.scalars(select(Case.id).where(Case.customer_id == customer.id).order_by(Case.id)))
    note_ids = list(session.scalars(select(CaseNote.id).where(CaseNote.case_id.in_(case_ids or [-1]))
                                    .order_by(CaseNote.id)))
    document: dict[str, Any] = {"format": FORMAT, "exported_at": iso_time(utcnow())}
    for name, section in SECTIONS.items():
        document[name] = section(session, customer, case_ids, note_ids)
    return document


def _customer_section(session: Session, customer: Customer, _cases: list[int], _notes: list[int]) -> dict[str, Any]:
    return {
        "id": customer.id, "account_number": customer.account_number, "kind": customer.kind.value,
        "brand": customer.brand.name, "given_name": customer.given_name, "family_name": customer.family_name,
        "organisation": customer.organisation, "preferred_language": customer.preferred_locale,
        "created_at": iso_time(customer.created_at), "updated_at": iso_time(customer.updated_at),
        "profile": {"birth_year": customer.birth_year, "age_band": customer.age_band, "gender": customer.gender,
                    "income_band": customer.income_band, "lifestyle": customer.lifestyle,
                    "occupation": customer.occupation},
        "phones": [phone.e164 for phone in customer.phones],
        "emails": [email.address for email in customer.emails],
        "alerts": [alert.text for alert in customer.alerts],
    }


def _cases_section(session: Session, _customer: Customer, case_ids: list[int],
                   note_ids: list[int]) -> list[dict[str, Any]]:
    names = dict(session.execute(select(Agent.id, Agent.display_name)).all())
    revisions: dict[int, list[dict[str, Any]]] = {}
    for rev in session.scalars(select(NoteRevision).where(NoteRevision.note_id.in_(note_ids or [-1]))
                               .order_by(NoteRevision.note_id, NoteRevision.number)):
        revisions.setdefault(rev.note_id, []).append({
            "revision": rev.number, "written_by": names.get(rev.author_id), "written_at": iso_time(rev.created_at),
            "text": rev.body})
    by_case: dict[int, dict[str, list[dict[str, Any]]]] = {
        case_id: {"notes": [], "drafts": [], "feedback": [], "reviews": []} for case_id in case_ids}
    for note in session.scalars(select(CaseNote).where(CaseNote.id.in_(note_ids or [-1])).order_by(CaseNote.id)):
        by_case[note.case_id]["notes"].append({
            "note": note.id, "kind": note.kind.value, "script": note.script_key,
            "written_by": names.get(note.author_id),
            "created_at": iso_time(note.created_at), "revisions": revisions.get(note.id, [])})
    for draft in session.scalars(select(Draft).where(Draft.case_id.in_(case_ids or [-1])).order_by(Draft.id)):
        if draft.case_id is not None:
            by_case[draft.case_id]["drafts"].append({
                "note": draft.note_id, "typed_by": names.get(draft.agent_id), "saved_at": iso_time(draft.saved_at),
                "text": draft.body})
    for feedback in session.scalars(select(Feedback).where(Feedback.case_id.in_(case_ids or [-1]))
                                    .order_by(Feedback.id)):
        by_case[feedback.case_id]["feedback"].append({
            "score": feedback.score, "comment": feedback.comment, "channel": feedback.channel.value,
            "rep": names.get(feedback.agent_id) if feedback.agent_id else None,
            "captured_at": iso_time(feedback.captured_at)})
    rubrics = dict(session.execute(select(Rubric.id, Rubric.title)).all())
    for review in session.scalars(select(Review).where(Review.case_id.in_(case_ids or [-1])).order_by(Review.id)):
        by_case[review.case_id]["reviews"].append({
            "reviewed_by": names.get(review.supervisor_id), "rubric": rubrics.get(review.rubric_id),
            "scores": review.scores, "total": review.total, "coaching_comment": review.coaching_comment,
            "created_at": iso_time(review.created_at), "acknowledged_at": iso_time(review.acknowledged_at)})
    cases = []
    for case in session.scalars(select(Case).where(Case.id.in_(case_ids or [-1])).order_by(Case.id)):
        cases.append({
            "reference": case.reference, "subject": case.subject, "brand": case.brand.name,
            "purchase_phase": case.purchase_phase.value, "support_stage": case.support_stage.value,
            "channel": case.channel.value, "priority": case.priority.value, "status": case.status.value,
            "owner": names.get(case.owner_id) if case.owner_id else None, "opened_at": iso_time(case.opened_at),
            "closed_at": iso_time(case.closed_at), "updated_at": iso_time(case.updated_at), **by_case[case.id]})
    return cases


def _audit_section(session: Session, customer: Customer, case_ids: list[int],
                   note_ids: list[int]) -> list[dict[str, Any]]:
    names = dict(session.execute(select(Agent.id, Agent.display_name)).all())
    feedback_ids = list(session.scalars(select(Feedback.id).where(Feedback.case_id.in_(case_ids or [-1]))))
    review_ids = list(session.scalars(select(Review.id).where(Review.case_id.in_(case_ids or [-1]))))
    about = ((AuditEvent.entity == "customer") & (AuditEvent.entity_id == customer.id)
             | (AuditEvent.entity == "support_case") & AuditEvent.entity_id.in_(case_ids or [-1])
             | (AuditEvent.entity == "case_note") & AuditEvent.entity_id.in_(note_ids or [-1])
             | (AuditEvent.entity == "feedback") & AuditEvent.entity_id.in_(feedback_ids or [-1])
             | (AuditEvent.entity == "review") & AuditEvent.entity_id.in_(review_ids or [-1]))
    return [{"at": iso_time(event.at), "by": names.get(event.agent_id) if event.agent_id else None,
             "action": event.action, "record": event.entity, "record_id": event.entity_id, "detail": event.detail}
            for event in session.scalars(select(AuditEvent).where(about).order_by(AuditEvent.id))]


# section name -> its builder, in document order.
SECTIONS: dict[str, Section] = {
    "customer": _customer_section,
    "cases": _cases_section,
    "merges": merges_section,
    "phone": calls_section,
    "audit_events": _audit_section,
}


def iso_time(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    aware = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    return aware.isoformat(timespec="seconds")
