"""Honest satisfaction figures: how many customers answered, and what they said it was about.

A response rate is the number of customer answers (rating screen and phone surveys; never a
score the rep recorded) per case closed, in one group, over the same days: a supervisor sees
whether a rep's good average rests on many customers or on a few. Groups are the case's brand,
channel and owner, so a rate's two numbers count the same cases' group.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from deskapp.core.domain.models import Agent, Brand, Case
from deskapp.core.domain.quality import Feedback
from deskapp.core.domain.surveys import FeedbackSource
from deskapp.core.errors import InvalidInput
from deskapp.core.i18n import _, later
from deskapp.core.security.permissions import require
from deskapp.core.services.kernel.dates import start_of_day
from deskapp.core.services.surveys.answers import REASONS

RateBy = Literal["brand", "channel", "agent"]
RATE_GROUPS: tuple[RateBy, ...] = ("brand", "channel", "agent")


@dataclass(frozen=True, slots=True)
class ResponseRate:
    """Customer answers per case closed in one group."""

    by: RateBy
    key: str
    name: str | None  # a rep's display name or a brand's name (data); None for channels
    closed: int
    answered: int
    rate: float | None  # answered / closed, 0-1 to four decimals; None when no case was closed


@dataclass(frozen=True, slots=True)
class ReasonCount:
    """How often customers picked one reason, and their average score when they did."""

    code: str
    count: int
    average: float


def response_rates(session: Session, actor_id: int, by: RateBy = "brand",
                   since: dt.date | None = None) -> list[ResponseRate]:
    """Customer answers and cases closed per brand, channel or rep (the case owner), from ``since`` on.

    Raises:
        PermissionDenied: The actor may not see reports (``report.view``).
        InvalidInput: ``by`` is not brand, channel or agent.
    """
    require(session, actor_id, "report.view")
    key_column, name_column = _group(by)
    start = start_of_day(since)
    closed_q = (select(key_column, name_column, func.count(Case.id)).select_from(Case)
                .join(Brand, Brand.id == Case.brand_id).outerjoin(Agent, Agent.id == Case.owner_id)
                .where(Case.closed_at.is_not(None)).group_by(key_column, name_column))
    answered_q = (select(key_column, name_column, func.count(Feedback.id)).select_from(Feedback)
                  .join(Case, Case.id == Feedback.case_id).join(Brand, Brand.id == Case.brand_id)
                  .outerjoin(Agent, Agent.id == Case.owner_id)
                  .where(Feedback.source == FeedbackSource.CUSTOMER.value).group_by(key_column, name_column))
    if start is not None:
        closed_q = closed_q.where(Case.closed_at >= start)
        answered_q = answered_q.where(Feedback.captured_at >= start)
    names: dict[str, str | None] = {}
    closed: dict[str, int] = {}
    answered: dict[str, int] = {}
    for query, counts in ((closed_q, closed), (answered_q, answered)):
        for key, name, count in session.execute(query):
            names[_key(key)] = None if by == "channel" else name
            counts[_key(key)] = int(count)
    rows = []
    for key in sorted(names):
        shut, said = closed.get(key, 0), answered.get(key, 0)
        rows.append(ResponseRate(by=by, key=key, name=names[key], closed=shut, answered=said,
                                 rate=round(said / shut, 4) if shut else None))
    return rows


def reason_counts(session: Session, actor_id: int, since: dt.date | None = None) -> list[ReasonCount]:
    """How often each reason was picked on the rating screen (most picked first), from ``since`` on."""
    require(session, actor_id, "report.view")
    query = select(Feedback.reasons, Feedback.score).where(Feedback.source == FeedbackSource.CUSTOMER.value,
                                                           Feedback.reasons.is_not(None))
    start = start_of_day(since)
    if start is not None:
        query = query.where(Feedback.captured_at >= start)
    counts: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for reasons, score in session.execute(query):
        for code in reasons or ():
            counts[code] += 1
            totals[code] += score
    order = {code: at for at, (code, _label) in enumerate(REASONS)}
    return [ReasonCount(code=code, count=n, average=round(totals[code] / n, 2))
            for code, n in sorted(counts.items(), key=lambda item: (-item[1], order.get(item[0], 99), item[0]))]


def reason_label(code: str) -> str:
    """A reason's words in the current UI language (the code itself for one no longer offered)."""
    return next((_(label) for known, label in REASONS if known == code), code)


def _group(by: str) -> tuple[Any, Any]:
    """The group's key column and its name column (a rep's or a brand's name; channels have none)."""
    columns = {"brand": (Brand.code, Brand.name), "channel": (Case.channel, Case.channel),
               "agent": (Agent.username, Agent.display_name)}
    if by not in columns:
        raise InvalidInput(later("Cannot group response rates by {by}: use brand, channel or agent.", by=by))
    return columns[by]


def _key(value: Any) -> str:
    return "" if value is None else str(getattr(value, "value", value))
