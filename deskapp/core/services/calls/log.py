"""The call log: every call with its number, direction, times, hang-up cause, caller and the case it became.

A call comes from ``deskapp call`` (a softphone, a ``tel:`` link, the window's local socket) or from
the CTI listener (``newCall``/``answer``/``hangup``). An incoming call that hangs up before anyone
answered is *missed*; it stays marked until someone calls the number back or marks it seen.
Rows leave as frozen :class:`CallRow` values; no ORM object crosses threads.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.calls import PhoneCall
from deskapp.core.domain.models import Case, Customer
from deskapp.core.domain.references import format_case_reference
from deskapp.core.errors import InvalidInput, RecordNotFound
from deskapp.core.i18n import later
from deskapp.core.security.permissions import require
from deskapp.core.services.calls.cti import CtiEvent
from deskapp.core.services.calls.matching import CallerMatch, match_customers, normalise_number
from deskapp.core.services.kernel.audit import audit

DIRECTIONS = ("in", "out")
MAX_LIST = 5000


@dataclass(frozen=True, slots=True)
class CallRow:
    """One call of the log, as the window and ``deskapp calls list`` show it."""

    call_id: str
    number: str
    direction: str
    started_at: dt.datetime
    answered_at: dt.datetime | None
    ended_at: dt.datetime | None
    cause: str | None
    customer_id: int | None
    account_number: str | None
    display_name: str | None
    matches: int
    case_id: int | None
    case_ref: str | None
    missed: bool
    source: str

    @property
    def answered(self) -> bool:
        """Whether someone took the call."""
        return self.answered_at is not None


@dataclass(frozen=True, slots=True)
class CallerPreview:
    """Who is calling, found before the call is written down (the window shows them first)."""

    number: str
    matches: tuple[CallerMatch, ...]


@dataclass(frozen=True, slots=True)
class CallerResult:
    """A logged call and every customer with its number (the window opens one, or lists several)."""

    call: CallRow
    matches: tuple[CallerMatch, ...]


def find_caller(session: Session, actor_id: int, number: str) -> CallerPreview:
    """The number as E.164 and the customers who have it, reading only; needs ``call.view``.

    The window shows the caller from this, then logs the call (:func:`record_call`): the log's
    commit waits for the disk, the rep need not.

    Raises:
        InvalidInput: No number.
    """
    require(session, actor_id, "call.view")
    e164 = _checked_number(session, number)
    return CallerPreview(e164, tuple(match_customers(session, e164)))


def record_call(session: Session, actor_id: int, number: str, *, direction: str = "in",
                call_id: str | None = None) -> CallerResult:
    """Log a call the rep is taking (or making) now and find the caller; needs ``call.log``.

    Args:
        session: An open session (committed here).
        actor_id: Who acts.
        number: The number in any written form, or a ``tel:``/``callto:`` link.
        direction: ``"in"`` or ``"out"``. An outgoing call to a number clears its missed calls.
        call_id: The PBX's id of the call, if known; else one is made.

    Raises:
        InvalidInput: No number, or an unknown direction.
    """
    require(session, actor_id, "call.log")
    e164 = _checked_number(session, number)
    if direction not in DIRECTIONS:
        raise InvalidInput(later("The direction of a call is in or out."))
    now = utcnow()
    matches = match_customers(session, e164)
    call = PhoneCall(call_id=call_id or new_call_id(), number=e164, direction=direction, started_at=now,
                     answered_at=now, source="command", matches=len(matches),
                     customer_id=matches[0].customer_id if len(matches) == 1 else None)
    session.add(call)
    if direction == "out":
        _clear_missed(session, actor_id, e164, now)
    session.flush()
    audit(session, actor_id, "call.log", "phone_call", call.id, detail={"direction": direction})
    session.commit()
    return CallerResult(_row(session, call), tuple(matches))


def cti_event(session: Session, actor_id: int, event: CtiEvent) -> CallRow:
    """Apply one CTI event (``newCall``, ``answer``, ``hangup``) to the log; needs ``call.log``.

    Events of a call the log has not seen (the listener started mid-call) start its row. A second
    ``newCall`` with the same ``callId`` changes nothing, as a PBX may repeat itself.
    """
    require(session, actor_id, "call.log")
    call = session.scalar(select(PhoneCall).where(PhoneCall.call_id == event.call_id))
    now = utcnow()
    if call is None:
        customer_number = event.to_number if event.direction == "out" else event.from_number
        e164 = normalise_number(session, customer_number)
        matches = match_customers(session, e164)
        call = PhoneCall(call_id=event.call_id, number=e164, direction=event.direction, started_at=now,
                         source="cti", pbx_user=event.user, matches=len(matches),
                         customer_id=matches[0].customer_id if len(matches) == 1 else None)
        session.add(call)
        try:
            session.flush()
        except IntegrityError:  # the same newCall on another thread, a moment earlier
            session.rollback()
            call = session.scalars(select(PhoneCall).where(PhoneCall.call_id == event.call_id)).one()
    if event.event == "answer" and call.answered_at is None:
        call.answered_at = now
        call.answering_number = event.answering_number
        call.pbx_user = event.user or call.pbx_user
    elif event.event == "hangup" and call.ended_at is None:
        call.ended_at = now
        call.cause = event.cause
        call.missed = call.direction == "in" and call.answered_at is None
    session.flush()
    audit(session, actor_id, f"call.{event.event}", "phone_call", call.id)
    session.commit()
    return _row(session, call)


def list_calls(session: Session, actor_id: int, *, missed: bool = False, since: dt.datetime | None = None,
               limit: int = MAX_LIST) -> list[CallRow]:
    """The log, newest first; ``missed``: only calls still marked missed; needs ``call.view``."""
    require(session, actor_id, "call.view")
    # One statement for the whole page: the window reads the log after every call.
    query = (select(PhoneCall, Customer.account_number, Customer.given_name, Customer.family_name,
                    Customer.organisation, Case.reference_number)
             .outerjoin(Customer, Customer.id == PhoneCall.customer_id)
             .outerjoin(Case, Case.id == PhoneCall.case_id)
             .order_by(PhoneCall.started_at.desc(), PhoneCall.id.desc()).limit(limit))
    if missed:
        query = query.where(PhoneCall.missed.is_(True))
    if since is not None:
        query = query.where(PhoneCall.started_at >= since)
    rows = []
    for call, account, given, family, organisation, reference in session.execute(query).all():
        name = None if account is None else (" ".join(p for p in (given, family) if p) or organisation or "")
        rows.append(_plain(call, account, name, None if reference is None else format_case_reference(reference)))
    return rows


def find_call(session: Session, actor_id: int, call_id: str) -> CallRow | None:
    """The call with this public ``call_id`` (the PBX's ``callId``), or ``None``; needs ``call.view``."""
    require(session, actor_id, "call.view")
    call = session.scalar(select(PhoneCall).where(PhoneCall.call_id == call_id))
    return None if call is None else _row(session, call)


def mark_seen(session: Session, actor_id: int, call_id: str) -> CallRow:
    """Take the missed mark off a call (someone has dealt with it); needs ``call.log``."""
    require(session, actor_id, "call.log")
    call = _call(session, call_id)
    if call.missed:
        call.missed = False
        call.seen_at, call.seen_by = utcnow(), actor_id
        audit(session, actor_id, "call.seen", "phone_call", call.id)
        session.commit()
    return _row(session, call)


def link_case(session: Session, actor_id: int, call_id: str, case_id: int) -> CallRow:
    """Record the case a call became; needs ``call.log``."""
    require(session, actor_id, "call.log")
    call = _call(session, call_id)
    case = session.get(Case, case_id)
    if case is None:
        raise RecordNotFound(later("This case no longer exists."))
    call.case_id, call.customer_id = case.id, case.customer_id
    audit(session, actor_id, "call.case", "phone_call", call.id, detail={"case_id": case.id})
    session.commit()
    return _row(session, call)


def new_call_id() -> str:
    """A fresh public id for a call the PBX gave none."""
    return "dk-" + uuid.uuid4().hex


def _checked_number(session: Session, number: str) -> str:
    e164 = normalise_number(session, number)
    if not e164 or not any(ch.isdigit() for ch in e164):
        raise InvalidInput(later("Give the phone number to look up, e.g. +358 40 123 4567 or tel:+358401234567."))
    return e164


def _clear_missed(session: Session, actor_id: int, e164: str, now: dt.datetime) -> None:
    session.execute(update(PhoneCall).where(PhoneCall.number == e164, PhoneCall.missed.is_(True))
                    .values(missed=False, seen_at=now, seen_by=actor_id))


def _call(session: Session, call_id: str) -> PhoneCall:
    call = session.scalar(select(PhoneCall).where(PhoneCall.call_id == call_id))
    if call is None:
        raise RecordNotFound(later("No call with this id is in the call log."))
    return call


def _row(session: Session, call: PhoneCall) -> CallRow:
    account = name = case_ref = None
    if call.customer_id is not None:
        customer = session.get(Customer, call.customer_id)
        if customer is not None:
            account, name = customer.account_number, customer.display_name
    if call.case_id is not None:
        number = session.scalar(select(Case.reference_number).where(Case.id == call.case_id))
        case_ref = format_case_reference(number) if number is not None else None
    return _plain(call, account, name, case_ref)


def _plain(call: PhoneCall, account: str | None, name: str | None, case_ref: str | None) -> CallRow:
    return CallRow(call_id=call.call_id, number=call.number, direction=call.direction, started_at=call.started_at,
                   answered_at=call.answered_at, ended_at=call.ended_at, cause=call.cause,
                   customer_id=call.customer_id, account_number=account, display_name=name, matches=call.matches,
                   case_id=call.case_id, case_ref=case_ref, missed=call.missed, source=call.source)
