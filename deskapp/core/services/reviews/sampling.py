"""Which cases to review next: a repeatable random sample per rep."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.enums import CaseStatus, Channel, SupportStage
from deskapp.core.domain.models import Agent, Brand, Case, Customer
from deskapp.core.domain.quality import Review
from deskapp.core.security.permissions import require
from deskapp.core.services.reviews.reviews import REVIEWABLE


@dataclass(frozen=True, slots=True)
class QueueRow:
    """A case suggested for review."""

    case_id: int
    subject: str
    owner_id: int
    owner_name: str
    status: CaseStatus
    channel: Channel
    support_stage: SupportStage
    brand_code: str
    customer_locale: str
    opened_at: dt.datetime
    ended_at: dt.datetime
    case_reference: str = ""  # "C-1042"


def sampling_queue(
    session: Session, actor_id: int, *, per_rep: int = 3, since: dt.date | None = None,
    until: dt.date | None = None, channel: Channel | str | None = None, brand: str | None = None,
    stage: SupportStage | str | None = None, locale: str | None = None,
) -> list[QueueRow]:
    """Up to ``per_rep`` unreviewed resolved or closed cases per rep, picked at random but repeatably.

    The sample is seeded by the period, so the same period gives the same queue however often it
    is opened (and the rep cannot predict it from anything they do).

    Args:
        session: An open session.
        actor_id: The reviewer (``review.create``).
        per_rep: How many cases per rep.
        since: First day (UTC) the case ended; default 7 days before ``until``.
        until: Last day (UTC, inclusive); default today.
        channel: Only this channel.
        brand: Only this brand (its code).
        stage: Only this support stage.
        locale: Only customers who prefer this language.

    Returns:
        The queue, by rep name, then by when the case ended.
    """
    require(session, actor_id, "review.create")
    last = until or utcnow().date()
    first = since or last - dt.timedelta(days=6)
    start = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    ended = func.coalesce(Case.closed_at, Case.updated_at)
    reviewed = select(Review.id).where(Review.case_id == Case.id).exists()
    query = (select(Case, Agent.display_name, Brand.code, Customer.preferred_locale, ended)
             .join(Agent, Agent.id == Case.owner_id).join(Brand, Brand.id == Case.brand_id)
             .join(Customer, Customer.id == Case.customer_id)
             .where(Case.status.in_(REVIEWABLE), ended >= start, ended < end, ~reviewed)
             .order_by(Case.owner_id, Case.id))
    if channel is not None:
        query = query.where(Case.channel == Channel(channel))
    if brand is not None:
        query = query.where(func.lower(Brand.code) == brand.strip().casefold())  # the filter offers lower case
    if stage is not None:
        query = query.where(Case.support_stage == SupportStage(stage))
    if locale is not None:
        query = query.where(Customer.preferred_locale == locale)
    by_rep: dict[int, list[QueueRow]] = {}
    for case, owner_name, brand_code, customer_locale, ended_at in session.execute(query):
        owner_id = int(case.owner_id or 0)  # never 0: the join with agent dropped unowned cases
        by_rep.setdefault(owner_id, []).append(QueueRow(
            case_id=case.id, subject=case.subject, owner_id=owner_id, owner_name=owner_name,
            status=case.status, channel=case.channel, support_stage=case.support_stage, brand_code=brand_code,
            customer_locale=customer_locale, opened_at=case.opened_at, ended_at=_aware(ended_at),
            case_reference=case.reference))
    queue: list[QueueRow] = []
    for owner_id, candidates in by_rep.items():
        rng = random.Random(f"{first.isoformat()}/{last.isoformat()}/{owner_id}")  # not for security
        queue.extend(rng.sample(candidates, min(per_rep, len(candidates))))
    return sorted(queue, key=lambda r: (r.owner_name, r.ended_at, r.case_id))


def _aware(moment: dt.datetime) -> dt.datetime:
    # func.coalesce bypasses the column type on SQLite, so its result can come back naive (UTC).
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
