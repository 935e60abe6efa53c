"""Customer satisfaction (CSAT) recorded on a case."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.enums import Channel
from deskapp.core.domain.quality import Feedback
from deskapp.core.errors import InvalidInput, PermissionDenied
from deskapp.core.i18n import later
from deskapp.core.security.permissions import require
from deskapp.core.services.cases.cases import load_case
from deskapp.core.services.kernel.actors import active_agent
from deskapp.core.services.kernel.audit import audit
from deskapp.core.services.kernel.text import clean_text

COMMENT_MAX = 4000


@dataclass(frozen=True, slots=True)
class FeedbackRow:
    """A customer's satisfaction score for a case."""

    id: int
    case_id: int
    agent_id: int | None
    score: int
    comment: str | None
    channel: Channel
    captured_at: dt.datetime


def record_feedback(session: Session, actor_id: int, case_id: int, score: int, comment: str | None = None, *,
                    credited_agent_id: int | None = None) -> FeedbackRow:
    """Store the customer's satisfaction score (CSAT 1-5) for a case, on the case's channel, and commit.

    See :func:`stage_feedback` for the rules; this commits what it stages.
    """
    row = stage_feedback(session, actor_id, case_id, score, comment, credited_agent_id=credited_agent_id)
    session.commit()
    return row


def stage_feedback(session: Session, actor_id: int, case_id: int, score: int, comment: str | None = None, *,
                   credited_agent_id: int | None = None) -> FeedbackRow:
    """Add (or correct) a case's CSAT in the session without committing, for a caller's larger unit of work.

    A case has one rep-recorded score (the customer's own answers, source ``customer``, are kept
    apart by deskapp.core.services.surveys): the first is recorded with ``feedback.record``; a second one for the same
    case corrects the first and needs ``feedback.correct`` (supervisors), which is audited.

    Args:
        session: An open session.
        actor_id: Who records it.
        case_id: The case the feedback is about.
        score: 1 (very dissatisfied) to 5 (very satisfied).
        comment: The customer's own words, if any.
        credited_agent_id: The rep the feedback is credited to; default the actor. A correction
            keeps the rep first credited unless this names another.

    Returns:
        The stored feedback.

    Raises:
        InvalidInput: The score is not a whole number from 1 to 5, or the comment is too long.
        PermissionDenied: The actor may not record feedback, or the case has a score already and
            the actor may not correct it; the credited rep is unknown or disabled.
    """
    actor = require(session, actor_id, "feedback.record")
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput(later("The satisfaction score must be a whole number from 1 to 5."))
    case = load_case(session, case_id)
    text = clean_text(comment).strip() if comment else ""
    if len(text) > COMMENT_MAX:
        raise InvalidInput(later("The comment is too long: at most {limit} characters.", limit=COMMENT_MAX))
    existing = session.scalars(select(Feedback).where(Feedback.case_id == case.id, Feedback.source == "rep")
                               .order_by(Feedback.captured_at.desc(), Feedback.id.desc()).limit(1)).first()
    if existing is not None:
        try:
            require(session, actor.id, "feedback.correct")
        except PermissionDenied:
            raise PermissionDenied(later("The customer's feedback for this case is already recorded. Ask a supervisor "
                                         "if it needs correcting.")) from None
    credited = credited_agent_id if credited_agent_id is not None else (
        existing.agent_id if existing is not None else actor.id)
    if credited is not None:
        active_agent(session, credited)
    if existing is None:
        feedback = Feedback(case_id=case.id, agent_id=credited, score=score, comment=text or None,
                            channel=case.channel, captured_at=utcnow())
        session.add(feedback)
    else:
        feedback = existing
        audit(session, actor.id, "feedback.correct", "feedback", feedback.id,
              detail={"case": case.id, "from": feedback.score, "to": score})
        feedback.score, feedback.comment, feedback.agent_id = score, text or None, credited
    session.flush()
    return FeedbackRow(id=feedback.id, case_id=case.id, agent_id=credited, score=score,
                       comment=feedback.comment, channel=feedback.channel, captured_at=feedback.captured_at)
