"""Customer satisfaction (CSAT) recorded on a case."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.enums import Channel
from deskapp.core.domain.models import Feedback
from deskapp.core.errors import InvalidInput
from deskapp.core.i18n import _
from deskapp.core.security.permissions import require
from deskapp.core.services.cases.cases import load_case
from deskapp.core.services.kernel.actors import active_agent
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


def record_feedback(session: Session, case_id: int, agent_id: int | None, score: int,
                    comment: str | None = None, *, actor_id: int | None = None) -> FeedbackRow:
    """Store the customer's satisfaction score (CSAT 1-5) for a case, on the case's channel.

    Args:
        session: An open session.
        case_id: The case the feedback is about.
        agent_id: The rep the feedback is credited to.
        score: 1 (very dissatisfied) to 5 (very satisfied).
        comment: The customer's own words, if any.
        actor_id: Who records it (checked for ``feedback.record``); defaults to ``agent_id``.

    Returns:
        The stored feedback.

    Raises:
        InvalidInput: The score is not a whole number from 1 to 5.
        PermissionDenied: The recording agent may not record feedback.
    """
    require(session, actor_id if actor_id is not None else agent_id, "feedback.record")
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput(_("The satisfaction score must be a whole number from 1 to 5."))
    case = load_case(session, case_id)
    if agent_id is not None:
        active_agent(session, agent_id)
    text = clean_text(comment).strip() if comment else ""
    if len(text) > COMMENT_MAX:
        raise InvalidInput(_("The comment is too long: at most {limit} characters.").format(limit=COMMENT_MAX))
    feedback = Feedback(case_id=case.id, agent_id=agent_id, score=score, comment=text or None,
                        channel=case.channel, captured_at=utcnow())
    session.add(feedback)
    session.flush()
    row = FeedbackRow(id=feedback.id, case_id=case.id, agent_id=agent_id, score=score,
                      comment=feedback.comment, channel=feedback.channel, captured_at=feedback.captured_at)
    session.commit()
    return row
