"""Quality reviews: the rubric, scoring a case, the rep's coaching, and which cases to review next.

Scores are whole numbers from 0 to 4 per criterion (0 not done, 1 poor, 2 fair, 3 good,
4 excellent), so "not done at all" scores nothing. The total is the weighted share of the maximum,
0-100 with one decimal: ``sum(weight * score / 4) / sum(weight) * 100``.

The rubric is versioned: a review keeps the rubric version it was scored with, and changing the
criteria stores version n+1 rather than rewriting what earlier reviews were scored against. The
reviewed rep is the case's owner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.enums import CaseStatus
from deskapp.core.domain.models import Agent, Case
from deskapp.core.domain.quality import Review, Rubric
from deskapp.core.domain.references import format_case_reference
from deskapp.core.errors import InputFileError, InvalidInput, RecordNotFound
from deskapp.core.i18n import later
from deskapp.core.security.permissions import require
from deskapp.core.services.kernel.audit import audit
from deskapp.core.services.kernel.text import clean_text

RUBRIC_FORMAT = "deskapp-rubric/1"
DEFAULT_RUBRIC = "default"
SCORE_MIN, SCORE_MAX = 0, 4
COMMENT_MAX = 4000
REVIEWABLE = (CaseStatus.RESOLVED, CaseStatus.CLOSED)


@dataclass(frozen=True, slots=True)
class CriterionRow:
    """One criterion in the reader's language (English where it has no translation)."""

    key: str
    weight: int
    title: str
    guidance: str


@dataclass(frozen=True, slots=True)
class RubricView:
    """A rubric version as the review form shows it."""

    rubric_id: int
    key: str
    version: int
    title: str
    criteria: tuple[CriterionRow, ...]


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """A stored review, with who was reviewed by whom."""

    id: int
    case_id: int
    case_subject: str
    agent_id: int | None
    agent_name: str | None
    supervisor_id: int
    supervisor_name: str
    rubric_id: int
    rubric_version: int
    scores: Mapping[str, int]
    total: float
    coaching_comment: str
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
    case_reference: str = ""  # "C-1042"


def parse_rubric(text: str) -> dict[str, Any]:
    """Read a ``deskapp-rubric/1`` document into ``{"key", "title", "criteria"}`` (titles per locale).

    Raises:
        InputFileError: Not the format, no criteria, or a criterion without key, weight or English title.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputFileError(later("The rubric file is not valid YAML: {reason}", reason=exc)) from None
    if not isinstance(data, dict) or data.get("format") != RUBRIC_FORMAT or not isinstance(data.get("criteria"), list):
        raise InputFileError(later("This is not a rubric file: it needs “format: {format}” and a “criteria:” "
                                   "list.", format=RUBRIC_FORMAT))
    criteria = [_criterion(raw) for raw in data["criteria"]]
    title = data.get("title")
    return {"key": str(data.get("key") or DEFAULT_RUBRIC), "title": title if isinstance(title, dict) else
            {"en": str(title or "")}, "criteria": criteria}


def _ensure_default_rubric(session: Session) -> int:
    # The rubric shipped with deskapp becomes version 1 when no ``default`` rubric exists yet
    # (idempotent); the services that read or change the rubric call it after their own check.
    latest = _latest(session, DEFAULT_RUBRIC)
    if latest is not None:
        return latest.id
    text = (resources.files("deskapp") / "resources" / "library" / "rubric.yaml").read_text(encoding="utf-8")
    parsed = parse_rubric(text)
    rubric = Rubric(key=DEFAULT_RUBRIC, version=1, title=_title_en(parsed["title"]),
                    criteria=_stored(parsed))
    session.add(rubric)
    session.commit()
    return rubric.id


def save_rubric(session: Session, actor_id: int, criteria: Sequence[Mapping[str, Any]], *,
                key: str = DEFAULT_RUBRIC, title: Mapping[str, str] | None = None) -> RubricView:
    """Store changed criteria as the next version of rubric ``key`` (unchanged criteria store nothing).

    Args:
        session: An open session.
        actor_id: The supervisor (``rubric.edit``).
        criteria: Items with ``key``, ``weight`` and ``title``/``guidance`` per locale.
        key: Which rubric.
        title: The rubric's title per locale; defaults to the current one.

    Returns:
        The newest version in the actor's language.
    """
    require(session, actor_id, "rubric.edit")
    if key == DEFAULT_RUBRIC:
        _ensure_default_rubric(session)
    latest = _latest(session, key)
    titles = dict(title) if title else (latest.criteria[0].get("rubric_title", {}) if latest and latest.criteria
                                        else {"en": key})
    try:
        parsed = {"title": titles, "criteria": [_criterion(dict(item)) for item in criteria]}
    except InputFileError as exc:
        raise InvalidInput(exc.retranslated) from None
    stored = _stored(parsed)
    if latest is not None and latest.criteria == stored:
        return _view(latest, None)
    rubric = Rubric(key=key, version=(latest.version + 1) if latest else 1, title=_title_en(titles), criteria=stored)
    session.add(rubric)
    session.flush()
    audit(session, actor_id, "rubric.edit", "rubric", rubric.id, detail={"key": key, "version": rubric.version})
    view = _view(rubric, None)
    session.commit()
    return view


def rubric_source(session: Session, actor_id: int, key: str = DEFAULT_RUBRIC) -> tuple[int, list[dict[str, Any]]]:
    """The newest version of rubric ``key`` and its criteria in every language, for editing.

    Returns:
        ``(version, criteria)``; each criterion has ``key``, ``weight``, ``title`` and ``guidance``
        (the last two map locale codes to text), ready to change and hand to :func:`save_rubric`.
    """
    require(session, actor_id, "rubric.edit")
    if key == DEFAULT_RUBRIC:
        _ensure_default_rubric(session)
    latest = _latest(session, key)
    if latest is None:
        raise RecordNotFound(later("There is no rubric {key}.", key=key))
    criteria = [{"key": c["key"], "weight": c["weight"], "title": dict(c.get("title", {})),
                 "guidance": dict(c.get("guidance", {}))} for c in latest.criteria]
    return latest.version, criteria


def rubric_criteria(session: Session, actor_id: int, locale: str | None = None, *,
                    key: str = DEFAULT_RUBRIC) -> RubricView:
    """The newest version of rubric ``key`` in ``locale`` (the current UI language by default).

    Needs ``review.view_own``: the reviewed rep reads their scores against it, the supervisor scores with it.
    """
    require(session, actor_id, "review.view_own")
    return _rubric_view(session, locale, key)


def _rubric_view(session: Session, locale: str | None, key: str = DEFAULT_RUBRIC) -> RubricView:
    if key == DEFAULT_RUBRIC:
        _ensure_default_rubric(session)
    latest = _latest(session, key)
    if latest is None:
        raise RecordNotFound(later("There is no rubric {key}.", key=key))
    return _view(latest, locale)


def weighted_total(criteria: Sequence[CriterionRow], scores: Mapping[str, int]) -> float:
    """The 0-100 total of ``scores`` (0-4 per criterion) weighted by the criteria, one decimal."""
    weights = sum(c.weight for c in criteria)
    if not weights:
        return 0.0
    points = sum(c.weight * scores[c.key] for c in criteria)
    return round(points * 100 / (weights * SCORE_MAX), 1)


def create_review(session: Session, actor_id: int, case_id: int, scores: Mapping[str, int],
                  coaching_comment: str = "") -> ReviewRow:
    """Score a case against the newest default rubric and leave coaching for its owner.

    Args:
        session: An open session.
        actor_id: The reviewer (``review.create``).
        case_id: The case reviewed; its owner is the rep being coached.
        scores: Every criterion key of the rubric mapped to a whole number 0-4.
        coaching_comment: Free text for the rep.

    Returns:
        The stored review with its weighted total (0-100).

    Raises:
        InvalidInput: A criterion missing, unknown or out of range; the case has no owner.
        RecordNotFound: No such case.
    """
    require(session, actor_id, "review.create")
    view = _rubric_view(session, None)
    known = {c.key for c in view.criteria}
    unknown = sorted(set(scores) - known)
    missing = [c.title for c in view.criteria if c.key not in scores]
    if unknown:
        raise InvalidInput(later("Unknown criteria: {keys}.", keys=", ".join(unknown)))
    if missing:
        raise InvalidInput(later("Score every criterion. Missing: {titles}.", titles=", ".join(missing)))
    for value in scores.values():
        if isinstance(value, bool) or not isinstance(value, int) or not SCORE_MIN <= value <= SCORE_MAX:
            raise InvalidInput(later("Each score is a whole number from {low} to {high}.",
                                     low=SCORE_MIN, high=SCORE_MAX))
    case = session.get(Case, case_id)
    if case is None:
        raise RecordNotFound(later("The case no longer exists."))
    if case.owner_id is None:
        raise InvalidInput(later("This case has no owner, so there is nobody to coach. Assign it first."))
    comment = clean_text(coaching_comment).strip()
    if len(comment) > COMMENT_MAX:
        raise InvalidInput(later("The comment is too long: at most {limit} characters.", limit=COMMENT_MAX))
    review = Review(case_id=case.id, supervisor_id=actor_id, rubric_id=view.rubric_id,
                    scores={c.key: int(scores[c.key]) for c in view.criteria},
                    total=weighted_total(view.criteria, scores), coaching_comment=comment, created_at=utcnow())
    session.add(review)
    session.flush()
    audit(session, actor_id, "review.create", "review", review.id, detail={"case": case.id})
    row = _review_rows(session, [review.id])[0]
    session.commit()
    return row


def reviews_for_agent(session: Session, actor_id: int, owner_id: int | None = None) -> list[ReviewRow]:
    """The reviews of the cases ``owner_id`` owns, newest first (``None``: every agent's).

    A rep sees their own (``review.view_own``); anyone else's needs ``review.view_all``.
    """
    own = owner_id == actor_id
    require(session, actor_id, "review.view_own" if own else "review.view_all")
    query = select(Review.id).join(Case, Case.id == Review.case_id).order_by(Review.created_at.desc(),
                                                                             Review.id.desc())
    if owner_id is not None:
        query = query.where(Case.owner_id == owner_id)
    return _review_rows(session, list(session.scalars(query)))


def acknowledge_review(session: Session, actor_id: int, review_id: int) -> ReviewRow:
    """The rep confirms they read the coaching (the first time counts; later calls change nothing).

    Raises:
        PermissionDenied: Not the reviewed rep.
    """
    from deskapp.core.errors import PermissionDenied

    require(session, actor_id, "review.view_own")
    review = session.get(Review, review_id)
    if review is None:
        raise RecordNotFound(later("The review no longer exists."))
    owner = session.scalar(select(Case.owner_id).where(Case.id == review.case_id))
    if owner != actor_id:
        raise PermissionDenied(later("Only the representative who was reviewed can acknowledge a review."))
    if review.acknowledged_at is None:
        review.acknowledged_at = utcnow()
        audit(session, actor_id, "review.acknowledge", "review", review.id)
        session.flush()
    row = _review_rows(session, [review.id])[0]
    session.commit()
    return row


def _criterion(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or not raw.get("key"):
        raise InputFileError(later("Every criterion needs a key, a weight and a title."))
    title = raw.get("title")
    weight = raw.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, int) or weight <= 0:
        raise InputFileError(later("The weight of criterion {key} must be a whole number above 0.", key=raw["key"]))
    titles = title if isinstance(title, dict) else {"en": str(title or "")}
    if not titles.get("en"):
        raise InputFileError(later("Criterion {key} needs an English title.", key=raw["key"]))
    guidance = raw.get("guidance")
    return {"key": str(raw["key"]), "weight": weight, "title": {str(k): str(v) for k, v in titles.items()},
            "guidance": {str(k): str(v) for k, v in guidance.items()} if isinstance(guidance, dict) else {}}


def _stored(parsed: Mapping[str, Any]) -> list[dict[str, Any]]:
    # The rubric's own translated title rides on the first criterion (the table has one title column).
    criteria = [dict(c) for c in parsed["criteria"]]
    if criteria:
        criteria[0]["rubric_title"] = dict(parsed["title"])
    return criteria


def _title_en(titles: Mapping[str, str]) -> str:
    return str(titles.get("en") or next(iter(titles.values()), ""))[:200]


def _latest(session: Session, key: str) -> Rubric | None:
    return session.scalars(select(Rubric).where(Rubric.key == key).order_by(Rubric.version.desc()).limit(1)).first()


def _view(rubric: Rubric, locale: str | None) -> RubricView:
    from deskapp.core.i18n import current_locale

    code = locale or current_locale()

    def pick(texts: Mapping[str, str]) -> str:
        return texts.get(code) or texts.get("en") or ""

    titles = rubric.criteria[0].get("rubric_title", {}) if rubric.criteria else {}
    return RubricView(
        rubric_id=rubric.id, key=rubric.key, version=rubric.version, title=pick(titles) or rubric.title,
        criteria=tuple(CriterionRow(key=c["key"], weight=int(c["weight"]), title=pick(c["title"]),
                                    guidance=pick(c.get("guidance", {}))) for c in rubric.criteria))


def _review_rows(session: Session, ids: list[int]) -> list[ReviewRow]:
    if not ids:
        return []
    supervisor, owner = Agent.__table__.alias("supervisor"), Agent.__table__.alias("owner")
    query = (select(Review, Case.subject, Case.owner_id, owner.c.display_name, supervisor.c.display_name,
                    Rubric.version, Case.reference_number)
             .join(Case, Case.id == Review.case_id).join(Rubric, Rubric.id == Review.rubric_id)
             .join(supervisor, supervisor.c.id == Review.supervisor_id)
             .outerjoin(owner, owner.c.id == Case.owner_id).where(Review.id.in_(ids)))
    by_id = {
        review.id: ReviewRow(
            id=review.id, case_id=review.case_id, case_subject=subject, agent_id=owner_id, agent_name=owner_name,
            supervisor_id=review.supervisor_id, supervisor_name=supervisor_name, rubric_id=review.rubric_id,
            rubric_version=version, scores=dict(review.scores), total=review.total,
            coaching_comment=review.coaching_comment, created_at=review.created_at,
            acknowledged_at=review.acknowledged_at, case_reference=format_case_reference(number))
        for review, subject, owner_id, owner_name, supervisor_name, version, number in session.execute(query)
    }
    return [by_id[i] for i in ids if i in by_id]
