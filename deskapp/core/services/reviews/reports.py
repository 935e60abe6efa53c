"""Figures for the supervisor's dashboard: satisfaction (CSAT) and case volumes per group.

Groups are the rep credited with the feedback or owning the case (``agent``), the channel, the
brand, the support stage, the customer's preferred language (``locale``), or who gave the score
(``source``: ``customer`` on the rating screen or in a phone survey, ``rep`` when the rep
recorded it). Keys are stable codes (username, channel value, brand code, …); rows carry those
codes and the names that are data (a rep's display name, a brand's name), never translated
words, so a change of UI language needs no new query: whoever shows a row calls
:func:`group_label` at that moment. Days are UTC days.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import Channel, SupportStage
from deskapp.core.domain.models import Agent, Brand, Case, Customer
from deskapp.core.domain.quality import Feedback
from deskapp.core.errors import InvalidInput
from deskapp.core.i18n import N_, _, language_name, later
from deskapp.core.security.permissions import require
from deskapp.core.services.kernel.dates import start_of_day

GroupBy = Literal["agent", "channel", "brand", "stage", "locale", "source"]
GROUPS: tuple[GroupBy, ...] = ("agent", "channel", "brand", "stage", "locale", "source")
# Who gave a score (Feedback.source): the customer themselves, or the rep recording it.
SOURCE_LABELS = {"customer": N_("Customer-given"), "rep": N_("Rep-recorded")}
Bucket = Literal["day", "week", "month"]


@dataclass(frozen=True, slots=True)
class ReportRow:
    """The average satisfaction score of one group."""

    by: GroupBy
    key: str
    name: str | None  # the rep's display name or the brand's name; None for codes and for nobody
    average: float  # 1-5, two decimals
    count: int


@dataclass(frozen=True, slots=True)
class VolumePoint:
    """How many cases one group opened in one period."""

    by: GroupBy
    key: str
    name: str | None  # as in ReportRow
    period_start: dt.date
    count: int


def csat_report(session: Session, actor_id: int, by: GroupBy = "agent",
                since: dt.date | None = None) -> list[ReportRow]:
    """Average CSAT and number of scores per group, feedback captured on or after ``since``.

    Args:
        session: An open session.
        actor_id: Who asks (``report.view``); the console's account for ``deskapp report``.
        by: agent, channel, brand, stage, locale or source.
        since: First day counted; ``None`` counts everything.

    Returns:
        One row per group that has feedback, by key.
    """
    require(session, actor_id, "report.view")
    column = _feedback_group(by)
    query = (select(column, func.avg(Feedback.score), func.count(Feedback.id))
             .select_from(Feedback).join(Case, Case.id == Feedback.case_id)
             .outerjoin(Agent, Agent.id == Feedback.agent_id)
             .join(Brand, Brand.id == Case.brand_id).join(Customer, Customer.id == Case.customer_id)
             .group_by(column))
    start = start_of_day(since)
    if start is not None:
        query = query.where(Feedback.captured_at >= start)
    names = _names(session, by)
    rows = [ReportRow(by=by, key=_key(key), name=names.get(_key(key)), average=round(float(avg), 2),
                      count=int(count))
            for key, avg, count in session.execute(query)]
    return sorted(rows, key=lambda r: r.key)


def volume_series(session: Session, actor_id: int, by: GroupBy = "agent", since: dt.date | None = None,
                  bucket: Bucket = "week") -> list[VolumePoint]:
    """Cases opened per group per day, week (starting Monday) or month, oldest period first.

    Args:
        session: An open session.
        actor_id: Who asks (``report.view``).
        by: agent (the case owner), channel, brand, stage or locale.
        since: First day counted; ``None`` counts everything.
        bucket: day, week or month.

    Returns:
        Points for the periods and groups that have cases (no zero points), by period then key.
    """
    require(session, actor_id, "report.view")
    if bucket not in {"day", "week", "month"}:
        raise InvalidInput(later("Unknown period {bucket}: use day, week or month.", bucket=bucket))
    column = _case_group(by)
    query = (select(column, Case.opened_at).select_from(Case).outerjoin(Agent, Agent.id == Case.owner_id)
             .join(Brand, Brand.id == Case.brand_id).join(Customer, Customer.id == Case.customer_id))
    start = start_of_day(since)
    if start is not None:
        query = query.where(Case.opened_at >= start)
    counts: Counter[tuple[dt.date, str]] = Counter()
    for key, opened in session.execute(query):
        counts[(_period(opened.date(), bucket), _key(key))] += 1
    names = _names(session, by)
    return [VolumePoint(by=by, key=key, name=names.get(key), period_start=period, count=count)
            for (period, key), count in sorted(counts.items())]


def _period(day: dt.date, bucket: Bucket) -> dt.date:
    if bucket == "day":
        return day
    if bucket == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def _key(value: Any) -> str:
    return "" if value is None else str(getattr(value, "value", value))


def _feedback_group(by: str) -> Any:
    columns = {"agent": Agent.username, "channel": Feedback.channel, "brand": Brand.code,
               "stage": Case.support_stage, "locale": Customer.preferred_locale, "source": Feedback.source}
    return _column(columns, by)


def _case_group(by: str) -> Any:
    columns = {"agent": Agent.username, "channel": Case.channel, "brand": Brand.code,
               "stage": Case.support_stage, "locale": Customer.preferred_locale}
    return _column(columns, by)


def _column(columns: dict[str, Any], by: str) -> Any:
    if by not in columns:
        if by == "source":  # cases have no source: only scores do
            raise InvalidInput(later("Case volumes cannot be grouped by source: use agent, channel, brand, stage or "
                                     "locale."))
        raise InvalidInput(later("Cannot group by {by}: use agent, channel, brand, stage, locale or source.", by=by))
    return columns[by]


def _names(session: Session, by: str) -> dict[str, str]:
    """Display names of reps or brands by key (data, not translations); nothing for code groups."""
    if by == "agent":
        return dict(session.execute(select(Agent.username, Agent.display_name)).all())
    if by == "brand":
        return dict(session.execute(select(Brand.code, Brand.name)).all())
    return {}


def group_label(by: GroupBy, key: str, name: str | None = None) -> str:
    """A group's label for people, in the current UI language, from a row's key and name.

    Reads no database: the dashboard and ``deskapp report`` call it whenever they show a row, so
    a language switch relabels the rows they already hold.
    """
    if name is not None:
        return name
    if by == "agent":
        return key if key else _("(nobody)")
    if by == "channel":
        return Channel(key).label
    if by == "stage":
        return SupportStage(key).label
    if by == "locale":
        return language_name(key) if key else key
    if by == "source" and key in SOURCE_LABELS:
        return _(SOURCE_LABELS[key])
    return key
