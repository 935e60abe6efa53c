"""Callbacks and follow-ups: promises to call a customer back, personal or the team's, never forgotten.

A callback is due at ``due_at`` (UTC). A personal one still open ``team_after_minutes`` after it
fell due (per brand, :class:`~deskapp.core.domain.calls.CallbackPolicy`) becomes the team's: it is
worked out when read, so it happens on time without a job running anywhere, and the supervisor
still sees whose promise it was. A rep can snooze a due callback (a new due time) or mark it done;
done also clears the missed calls of its number (the customer was called back).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.calls import DEFAULT_TEAM_AFTER_MINUTES, Callback, CallbackPolicy, PhoneCall
from deskapp.core.domain.models import Agent, Brand, Case, Customer
from deskapp.core.domain.references import format_case_reference
from deskapp.core.errors import InvalidInput, RecordNotFound
from deskapp.core.i18n import later
from deskapp.core.security.permissions import require
from deskapp.core.services.calls.matching import normalise_number
from deskapp.core.services.kernel.actors import active_agent
from deskapp.core.services.kernel.audit import audit

MAX_NOTE = 2000


@dataclass(frozen=True, slots=True)
class CallbackRow:
    """A callback as the list, the status line and ``deskapp callbacks list`` show it."""

    id: int
    due_at: dt.datetime
    note: str
    number: str | None
    customer_id: int | None
    account_number: str | None
    display_name: str | None
    case_ref: str | None
    call_id: str | None
    owner_id: int | None  # whose promise it was (None: made for the team)
    owner: str | None  # their username
    team: bool  # the team's now: made for it, or handed over when overdue
    handed_over: bool
    snoozes: int
    done: bool

    def overdue_minutes(self, now: dt.datetime) -> int:
        """Whole minutes past due (0 when not yet due)."""
        return max(0, int((now - self.due_at).total_seconds() // 60))


@dataclass(frozen=True, slots=True)
class RepOverdue:
    """One rep's overdue callbacks, for the supervisor's dashboard."""

    agent_id: int
    display_name: str
    overdue: int
    handed_over: int
    oldest_due_at: dt.datetime


def create_callback(session: Session, actor_id: int, due_at: dt.datetime, *, note: str = "", team: bool = False,
                    customer_id: int | None = None, case_id: int | None = None, call_id: str | None = None,
                    number: str | None = None) -> CallbackRow:
    """Promise a callback at ``due_at`` (aware), the actor's own or the team's; needs ``callback.create``.

    The customer and number come from the call or the case when not given.

    Raises:
        InvalidInput: A naive time, an over-long note, or nothing saying whom to call.
        RecordNotFound: The call, case or customer named does not exist.
    """
    require(session, actor_id, "callback.create")
    if due_at.tzinfo is None:
        raise InvalidInput(later("A callback time needs a time zone."))
    if len(note) > MAX_NOTE:
        raise InvalidInput(later("The note of a callback is too long."))
    call = None
    if call_id is not None:
        call = session.scalar(select(PhoneCall).where(PhoneCall.call_id == call_id))
        if call is None:
            raise RecordNotFound(later("No call with this id is in the call log."))
        customer_id = customer_id or call.customer_id
        number = number or call.number
        case_id = case_id or call.case_id
    if case_id is not None:
        case = session.get(Case, case_id)
        if case is None:
            raise RecordNotFound(later("This case no longer exists."))
        customer_id = customer_id or case.customer_id
    brand_id = None
    if customer_id is not None:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise RecordNotFound(later("This customer no longer exists."))
        brand_id = customer.brand_id
    if number:
        number = normalise_number(session, number)
    if customer_id is None and not number:
        raise InvalidInput(later("Say whom to call back: a customer, a case, a call or a number."))
    callback = Callback(due_at=due_at, first_due_at=due_at, note=note.strip(), number=number or None,
                        customer_id=customer_id, brand_id=brand_id, call_id=call.id if call else None,
                        case_id=case_id, created_by=actor_id, created_at=utcnow(),
                        owner_id=None if team else actor_id)
    session.add(callback)
    session.flush()
    audit(session, actor_id, "callback.create", "callback", callback.id, detail={"team": team})
    session.commit()
    return _rows(session, [callback], utcnow())[0]


def list_callbacks(session: Session, actor_id: int, *, due: bool = False, mine: int | None = None,
                   now: dt.datetime | None = None, include_done: bool = False) -> list[CallbackRow]:
    """Open callbacks, soonest first; needs ``callback.view``.

    Args:
        session: An open session.
        actor_id: Who asks.
        due: Only those due by ``now``.
        mine: Only this agent's personal ones not yet handed to the team.
        now: The current moment (tests); default the clock.
        include_done: Also those already done.
    """
    require(session, actor_id, "callback.view")
    now = now or utcnow()
    query = select(Callback).order_by(Callback.due_at, Callback.id)
    if not include_done:
        query = query.where(Callback.done_at.is_(None))
    if due:
        query = query.where(Callback.due_at <= now)
    if mine is not None:
        query = query.where(Callback.owner_id == mine)
    rows = _rows(session, list(session.scalars(query)), now)
    return [row for row in rows if not row.team] if mine is not None else rows


def due_for_me(session: Session, actor_id: int, now: dt.datetime | None = None) -> list[CallbackRow]:
    """What the actor should call now: their own due callbacks and the team's; needs ``callback.view``."""
    rows = list_callbacks(session, actor_id, due=True, now=now)
    return [row for row in rows if row.team or row.owner_id == actor_id]


def snooze_callback(session: Session, actor_id: int, callback_id: int, until: dt.datetime) -> CallbackRow:
    """Defer a callback to ``until`` (aware, in the future); needs ``callback.update``."""
    require(session, actor_id, "callback.update")
    callback = _callback(session, callback_id)
    if until.tzinfo is None or until <= utcnow():
        raise InvalidInput(later("Snooze a callback to a time still to come."))
    callback.due_at = until
    callback.snoozes += 1
    audit(session, actor_id, "callback.snooze", "callback", callback.id)
    session.commit()
    return _rows(session, [callback], utcnow())[0]


def complete_callback(session: Session, actor_id: int, callback_id: int) -> CallbackRow:
    """Mark a callback done; the missed calls of its number are no longer missed; needs ``callback.update``."""
    require(session, actor_id, "callback.update")
    callback = _callback(session, callback_id)
    now = utcnow()
    if callback.done_at is None:
        callback.done_at, callback.done_by = now, actor_id
        if callback.number:
            session.execute(update(PhoneCall).where(PhoneCall.number == callback.number, PhoneCall.missed.is_(True))
                            .values(missed=False, seen_at=now, seen_by=actor_id))
        audit(session, actor_id, "callback.done", "callback", callback.id)
        session.commit()
    return _rows(session, [callback], now)[0]


def overdue_by_rep(session: Session, actor_id: int, now: dt.datetime | None = None) -> list[RepOverdue]:
    """Each rep's personal callbacks past due (handed over or not), most first; needs ``callback.report``."""
    require(session, actor_id, "callback.report")
    now = now or utcnow()
    rows = _rows(session, list(session.scalars(select(Callback).where(
        Callback.done_at.is_(None), Callback.due_at < now, Callback.owner_id.is_not(None)))), now)
    found: dict[int, RepOverdue] = {}
    for row in rows:
        assert row.owner_id is not None
        name = session.scalar(select(Agent.display_name).where(Agent.id == row.owner_id)) or ""
        seen = found.get(row.owner_id)
        found[row.owner_id] = RepOverdue(
            row.owner_id, name, (seen.overdue if seen else 0) + 1,
            (seen.handed_over if seen else 0) + int(row.handed_over),
            min(seen.oldest_due_at, row.due_at) if seen else row.due_at)
    return sorted(found.values(), key=lambda rep: (-rep.overdue, rep.display_name))


def set_team_after(session: Session, actor_id: int, brand_code: str, minutes: int) -> None:
    """After how many minutes overdue a personal callback of the brand becomes the team's; needs ``callback.policy``."""
    require(session, actor_id, "callback.policy")
    if not 0 <= minutes <= 7 * 24 * 60:
        raise InvalidInput(later("Give the hand-over time in minutes, from 0 to a week."))
    brand = session.scalar(select(Brand).where(Brand.code == brand_code))
    if brand is None:
        raise RecordNotFound(later("There is no brand {code}.", code=brand_code))
    policy = session.get(CallbackPolicy, brand.id) or CallbackPolicy(brand_id=brand.id)
    policy.team_after_minutes = minutes
    session.add(policy)
    audit(session, actor_id, "callback.policy", "brand", brand.id, detail={"minutes": minutes})
    session.commit()


def _callback(session: Session, callback_id: int) -> Callback:
    callback = session.get(Callback, callback_id)
    if callback is None:
        raise RecordNotFound(later("This callback no longer exists."))
    return callback


def _rows(session: Session, callbacks: list[Callback], now: dt.datetime) -> list[CallbackRow]:
    policies: dict[int, int] = dict(
        session.execute(select(CallbackPolicy.brand_id, CallbackPolicy.team_after_minutes)).all())
    rows = []
    for cb in callbacks:
        limit = dt.timedelta(minutes=policies.get(cb.brand_id or 0, DEFAULT_TEAM_AFTER_MINUTES))
        handed_over = cb.owner_id is not None and cb.done_at is None and now >= cb.due_at + limit
        customer = session.get(Customer, cb.customer_id) if cb.customer_id else None
        owner = session.get(Agent, cb.owner_id) if cb.owner_id else None
        reference = session.scalar(select(Case.reference_number).where(Case.id == cb.case_id)) if cb.case_id else None
        call_id = session.scalar(select(PhoneCall.call_id).where(PhoneCall.id == cb.call_id)) if cb.call_id else None
        rows.append(CallbackRow(
            id=cb.id, due_at=cb.due_at, note=cb.note, number=cb.number, customer_id=cb.customer_id,
            account_number=customer.account_number if customer else None,
            display_name=customer.display_name if customer else None,
            case_ref=format_case_reference(reference) if reference is not None else None, call_id=call_id,
            owner_id=cb.owner_id, owner=owner.username if owner else None,
            team=cb.owner_id is None or handed_over, handed_over=handed_over, snoozes=cb.snoozes,
            done=cb.done_at is not None))
    return rows


def agent_by_username(session: Session, actor_id: int, username: str) -> int:
    """The id of the active agent ``username`` (``--mine AGENT``); needs ``callback.view``."""
    require(session, actor_id, "callback.view")
    agent_id = session.scalar(select(Agent.id).where(Agent.username == username))
    if agent_id is None:
        raise RecordNotFound(later("There is no user {username}.", username=username))
    active_agent(session, agent_id)
    return agent_id
