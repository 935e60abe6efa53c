"""Retention: erase customers with no case activity for longer than a period ("3y", "18m", "400d").

A brand may keep its customers for its own period (:func:`set_brand_retention`); the others use
the period the run is given. A customer's last activity is the latest of their cases' changes and
note revisions, or when the customer was added if they have none; internal customers
(departments) are not people and are never erased by retention. Each customer is erased in its
own transaction (:func:`deskapp.core.services.privacy.erase.erase_customer`), and the database
files are scrubbed once at the end.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.enums import CustomerKind
from deskapp.core.domain.models import Brand, Case, CaseNote, Customer, NoteRevision
from deskapp.core.domain.privacy import BrandRetention, CustomerErasure
from deskapp.core.errors import InvalidInput, RecordNotFound
from deskapp.core.i18n import _, later
from deskapp.core.security.permissions import require
from deskapp.core.services.kernel.audit import audit
from deskapp.core.services.privacy.erase import erase_customer, scrub

_DURATION = re.compile(r"^\s*(\d{1,4})\s*([ymd])\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RetentionResult:
    """The customers a run erased (or, in a dry run, would erase)."""

    accounts: tuple[str, ...]
    dry_run: bool
    scrubbed: bool


def parse_period(text: str) -> str:
    """``text`` as a period deskapp understands ("3y", "18m", "400d"), normalised to lower case.

    Raises:
        InvalidInput: Not a number followed by y (years), m (months) or d (days), or zero.
    """
    match = _DURATION.match(text or "")
    if match is None or int(match.group(1)) == 0:
        raise InvalidInput(later("{period} is not a period: write a number and y, m or d, e.g. 3y, 18m or 400d.",
                                 period=text))
    return f"{int(match.group(1))}{match.group(2).lower()}"


def cutoff(now: dt.datetime, period: str) -> dt.datetime:
    """``now`` minus ``period``, by the calendar (31 March minus 1m is the last day of February)."""
    normal = parse_period(period)
    amount, unit = int(normal[:-1]), normal[-1]
    if unit == "d":
        return now - dt.timedelta(days=amount)
    months = now.year * 12 + now.month - 1 - (amount * 12 if unit == "y" else amount)
    year, month = divmod(months, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


def retention_candidates(session: Session, actor_id: int, period: str, *,
                         now: dt.datetime | None = None) -> list[str]:
    """Account numbers of the customers retention would erase, oldest activity first (``customer.erase``)."""
    require(session, actor_id, "customer.erase")
    moment = now or utcnow()
    default = parse_period(period)
    own = dict(session.execute(select(BrandRetention.brand_id, BrandRetention.period)).all())
    case_activity = (select(Case.customer_id.label("cid"), func.max(Case.updated_at).label("at"))
                     .group_by(Case.customer_id).subquery())
    note_activity = (select(Case.customer_id.label("cid"), func.max(NoteRevision.created_at).label("at"))
                     .join(CaseNote, CaseNote.case_id == Case.id)
                     .join(NoteRevision, NoteRevision.note_id == CaseNote.id)
                     .group_by(Case.customer_id).subquery())
    accounts: list[tuple[dt.datetime, str]] = []
    for brand_id in session.scalars(select(Brand.id).order_by(Brand.id)):
        limit = cutoff(moment, own.get(brand_id, default))
        query = (select(Customer.account_number, Customer.created_at, case_activity.c.at, note_activity.c.at)
                 .outerjoin(case_activity, case_activity.c.cid == Customer.id)
                 .outerjoin(note_activity, note_activity.c.cid == Customer.id)
                 .outerjoin(CustomerErasure, CustomerErasure.customer_id == Customer.id)
                 .where(Customer.brand_id == brand_id, Customer.kind == CustomerKind.EXTERNAL,
                        CustomerErasure.customer_id.is_(None), Customer.created_at < limit,
                        func.coalesce(case_activity.c.at, Customer.created_at) < limit,
                        func.coalesce(note_activity.c.at, Customer.created_at) < limit))
        for account, created, cases_at, notes_at in session.execute(query):
            accounts.append((max(m for m in (created, cases_at, notes_at) if m is not None), account))
    accounts.sort()
    return [account for _at, account in accounts]


def run_retention(session: Session, actor_id: int, period: str, *, dry_run: bool = False,
                  now: dt.datetime | None = None) -> RetentionResult:
    """Erase every customer past retention (``customer.erase``); a dry run only lists them."""
    accounts = retention_candidates(session, actor_id, period, now=now)
    if dry_run:
        return RetentionResult(accounts=tuple(accounts), dry_run=True, scrubbed=False)
    reason = _("retention: no case activity for the brand's period (default {period})").format(
        period=parse_period(period))
    for account in accounts:
        erase_customer(session, actor_id, account, reason, scrub=False)
    scrubbed = scrub(session, actor_id).complete if accounts else True
    return RetentionResult(accounts=tuple(accounts), dry_run=False, scrubbed=scrubbed)


def set_brand_retention(session: Session, actor_id: int, brand_code: str, period: str | None) -> str | None:
    """Give a brand its own retention period, or ``None`` to use the run's (``customer.erase``); audited.

    Raises:
        RecordNotFound: No brand has this code.
        InvalidInput: ``period`` is not a period.
    """
    require(session, actor_id, "customer.erase")
    brand = session.scalars(select(Brand).where(Brand.code == brand_code.strip())).first()
    if brand is None:
        raise RecordNotFound(later("No brand has the code {code}.", code=brand_code))
    normal = parse_period(period) if period is not None else None
    row = session.get(BrandRetention, brand.id)
    if normal is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(BrandRetention(brand_id=brand.id, period=normal))
    else:
        row.period = normal
    audit(session, actor_id, "retention.set", "brand", brand.id, detail={"period": normal})
    session.commit()
    return normal
