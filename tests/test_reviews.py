"""QA reviews: the shipped rubric, versioning, weighted totals, coaching, the sampling queue, note diffs."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import CaseStatus, Channel, PurchasePhase, SupportStage
from deskapp.core.domain.models import Case
from deskapp.core.domain.quality import Rubric
from deskapp.core.errors import InvalidInput, PermissionDenied
from deskapp.core.services.notes import notes
from deskapp.core.services.notes.diff import DiffChunk, diff_texts, note_diff
from deskapp.core.services.reviews import reviews, sampling
from tests.seeding import Seed, new_case

FULL = {"greeting": 4, "identity_check": 4, "empathy": 4, "accuracy": 4, "resolution": 4, "closing": 4}
DAY = dt.date(2026, 3, 2)


def closed_case(session: Session, s: Seed, owner: int, *, day: dt.date = DAY, channel: Channel = Channel.PHONE,
                status: CaseStatus = CaseStatus.CLOSED) -> int:
    moment = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    case = Case(customer_id=s.customer, brand_id=1, subject=f"Case of {owner}", purchase_phase=PurchasePhase.AFTER,
                support_stage=SupportStage.TROUBLESHOOTING, channel=channel, owner_id=owner, status=status,
                opened_at=moment - dt.timedelta(hours=1), closed_at=moment, updated_at=moment)
    session.add(case)
    session.commit()
    return case.id


def test_default_rubric_is_loaded_once_in_every_language(session: Session, s: Seed) -> None:
    en = reviews.rubric_criteria(session, s.rep, "en")
    fi = reviews.rubric_criteria(session, s.supervisor, "fi")
    assert session.scalar(select(func.count()).select_from(Rubric)) == 1
    assert (en.title, fi.title, en.version) == ("Call quality", "Puhelun laatu", 1)
    assert [c.key for c in en.criteria] == list(FULL)
    assert sum(c.weight for c in en.criteria) == 100
    assert fi.criteria[0].title == "Tervehdys" and fi.criteria[0].guidance.startswith("Tervehtii")
    assert reviews.rubric_criteria(session, s.rep, "xx").criteria[0].title == "Greeting"  # falls back to English


def test_editing_the_rubric_adds_a_version(session: Session, s: Seed) -> None:
    view = reviews.rubric_criteria(session, s.supervisor, "en")
    changed = [{"key": c.key, "weight": c.weight, "title": {"en": c.title}} for c in view.criteria]
    changed[0]["weight"] = 20
    v2 = reviews.save_rubric(session, s.supervisor, changed)
    assert v2.version == 2 and v2.title == "Call quality"
    assert reviews.save_rubric(session, s.supervisor, changed).version == 2  # unchanged: no new version
    with pytest.raises(InvalidInput):
        reviews.save_rubric(session, s.supervisor, [{"key": "x", "weight": 0, "title": {"en": "X"}}])


def test_weighted_total_and_coaching(session: Session, s: Seed) -> None:
    case_id = closed_case(session, s, s.rep)
    scores = {"greeting": 4, "identity_check": 2, "empathy": 3, "accuracy": 0, "resolution": 4, "closing": 1}
    review = reviews.create_review(session, s.supervisor, case_id, scores, "  Well done on the fix.  ")
    # (10*4 + 15*2 + 20*3 + 20*0 + 25*4 + 10*1) / (100*4) * 100 = 240 / 400 * 100
    assert review.total == 60.0
    assert (review.agent_id, review.agent_name, review.supervisor_name) == (s.rep, "Anna Virtanen", "Sam Taylor")
    assert review.coaching_comment == "Well done on the fix." and review.rubric_version == 1
    # Reviews name the case by the reference people quote, not its database id.
    assert review.case_reference == session.get_one(Case, case_id).reference
    assert reviews.create_review(session, s.supervisor, closed_case(session, s, s.rep), FULL).total == 100.0
    mine = reviews.reviews_for_agent(session, s.rep, s.rep)
    assert [r.total for r in mine] == [100.0, 60.0]
    assert reviews.reviews_for_agent(session, s.other_rep, s.other_rep) == []
    with pytest.raises(PermissionDenied):
        reviews.reviews_for_agent(session, s.other_rep, s.rep)
    with pytest.raises(PermissionDenied):
        reviews.acknowledge_review(session, s.other_rep, review.id)
    acknowledged = reviews.acknowledge_review(session, s.rep, review.id)
    assert acknowledged.acknowledged_at is not None
    assert reviews.acknowledge_review(session, s.rep, review.id).acknowledged_at == acknowledged.acknowledged_at


@pytest.mark.parametrize("scores", [
    {k: v for k, v in FULL.items() if k != "closing"},
    FULL | {"extra": 3},
    FULL | {"closing": 5},
    FULL | {"closing": -1},
    FULL | {"closing": True},
])
def test_bad_scores_are_refused(session: Session, s: Seed, scores: dict[str, int]) -> None:
    with pytest.raises(InvalidInput):
        reviews.create_review(session, s.supervisor, closed_case(session, s, s.rep), scores)


def test_sampling_queue_is_per_rep_repeatable_and_filtered(session: Session, s: Seed) -> None:
    for offset in range(6):
        closed_case(session, s, s.rep, day=DAY + dt.timedelta(days=offset % 3))
    for _ in range(2):
        closed_case(session, s, s.other_rep, channel=Channel.EMAIL)
    closed_case(session, s, s.rep, status=CaseStatus.OPEN)
    closed_case(session, s, s.rep, day=DAY - dt.timedelta(days=1))  # before the period
    first = sampling.sampling_queue(session, s.supervisor, per_rep=3, since=DAY, until=DAY + dt.timedelta(days=6))
    again = sampling.sampling_queue(session, s.supervisor, per_rep=3, since=DAY, until=DAY + dt.timedelta(days=6))
    assert first == again
    assert all(r.case_reference == session.get_one(Case, r.case_id).reference for r in first)
    assert sorted(r.owner_name for r in first) == ["Anna Virtanen"] * 3 + ["José Ramírez"] * 2
    emails = sampling.sampling_queue(session, s.supervisor, per_rep=3, since=DAY, until=DAY, channel="email")
    assert {r.owner_id for r in emails} == {s.other_rep} and len(emails) == 2
    assert sampling.sampling_queue(session, s.supervisor, since=DAY, until=DAY, brand="nordtel", locale="es") == []
    assert len(sampling.sampling_queue(session, s.supervisor, per_rep=9, since=DAY, until=DAY + dt.timedelta(6),
                                      stage="troubleshooting", locale="fi")) == 8
    reviewed = first[0].case_id
    reviews.create_review(session, s.supervisor, reviewed, FULL)
    after = sampling.sampling_queue(session, s.supervisor, per_rep=9, since=DAY, until=DAY + dt.timedelta(days=6))
    assert reviewed not in {r.case_id for r in after} and len(after) == 7


def test_sampling_queue_brand_filter_ignores_the_case_of_the_code(session: Session, s: Seed) -> None:
    from deskapp.core.domain.models import Brand

    closed_case(session, s, s.rep, day=DAY)
    session.execute(update(Brand).where(Brand.code == "nordtel").values(code="NordTel"))
    session.commit()
    for spelling in ("NordTel", "nordtel", "NORDTEL"):  # the window's filter offers codes in lower case
        assert len(sampling.sampling_queue(session, s.supervisor, since=DAY, until=DAY, brand=spelling)) == 1


def test_diff_chunks_rebuild_both_texts() -> None:
    old, new = "Promised a refund of 20 EUR.\nCall back Monday.", "Promised a refund of 25 EUR.\nCall back Tuesday."
    chunks = diff_texts(old, new)
    assert DiffChunk("delete", "20") in chunks and DiffChunk("insert", "25") in chunks
    assert "".join(c.text for c in chunks if c.op != "insert") == old
    assert "".join(c.text for c in chunks if c.op != "delete") == new
    lines = diff_texts(old, new, "line")
    assert lines[0] == DiffChunk("delete", "Promised a refund of 20 EUR.\nCall back Monday.")
    assert diff_texts("same", "same") == (DiffChunk("equal", "same"),)


def test_note_diff_has_revision_metadata(session: Session, s: Seed) -> None:
    case = new_case(session, s)
    note = notes.add_note(session, s.rep, case.id, "Kävin paikan päällä. Reititin vaihdettu.")
    notes.edit_note(session, s.rep, note.id, "Kävin paikan päällä. Reititin ja kaapeli vaihdettu.")
    diff = note_diff(session, s.supervisor, note.id, 1, 2)
    assert (diff.old.number, diff.new.number, diff.new.author_name) == (1, 2, "Anna Virtanen")
    assert diff.new.created_at >= diff.old.created_at
    assert [c for c in diff.chunks if c.op != "equal"] == [DiffChunk("insert", "ja kaapeli ")]
    from deskapp.core.errors import RecordNotFound

    with pytest.raises(RecordNotFound):
        note_diff(session, s.supervisor, note.id, 1, 3)
