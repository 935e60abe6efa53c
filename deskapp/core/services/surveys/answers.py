"""The customer's own answer from the counter's rating screen, and what the screen may show.

The screen shows the brand's name and colours and one question in the customer's language; it
never gets the customer's name or anything else about them (:class:`ScreenSetup` has no such
field). The answer is stored as feedback with source ``customer``, beside (not instead of) any
score the rep recorded, and a case takes one customer answer per visit: here, a visit is the
case on one UTC day at the counter.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.models import Brand, Case
from deskapp.core.domain.quality import Feedback
from deskapp.core.domain.surveys import (
    DEFAULT_BACKGROUND,
    DEFAULT_FOREGROUND,
    DEFAULT_TIMEOUT_SECONDS,
    FeedbackSource,
    SurveyScreen,
)
from deskapp.core.errors import InvalidInput, RecordNotFound
from deskapp.core.i18n import N_, later, normalise_locale
from deskapp.core.security.permissions import require
from deskapp.core.services.kernel.audit import audit

# The reasons a customer may tick after the faces, in the order shown; codes are stored.
REASONS: tuple[tuple[str, str], ...] = (
    ("waiting_time", N_("Waiting time")),
    ("friendliness", N_("Friendliness")),
    ("solved_problem", N_("Solved my problem")),
    ("clear_information", N_("Clear information")),
    ("expertise", N_("Knowledge of the staff")),
)
REASON_CODES = frozenset(code for code, _label in REASONS)
TIMEOUT_RANGE = (5, 600)
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True, slots=True)
class ScreenSetup:
    """All the customer screen gets for one answer: no name, no account, nothing about anyone."""

    case_id: int
    brand_name: str
    background: str
    foreground: str
    timeout_seconds: int
    language: str  # the customer's language (one of the UI locales)


@dataclass(frozen=True, slots=True)
class CustomerAnswer:
    """A stored customer answer."""

    feedback_id: int
    case_id: int
    score: int
    language: str
    reasons: tuple[str, ...]
    captured_at: dt.datetime


def counter_visit(at: dt.datetime) -> str:
    """The visit key of an answer given at the counter at ``at``: one answer per case per UTC day."""
    return f"counter:{at.astimezone(dt.UTC).date().isoformat()}"


def screen_setup(session: Session, actor_id: int, case_id: int, *, now: dt.datetime | None = None) -> ScreenSetup:
    """What the customer screen shows for ``case_id``, once the case may still take an answer today.

    Raises:
        PermissionDenied: The actor may not record feedback.
        RecordNotFound: No such case.
        InvalidInput: The customer has already answered for this visit.
    """
    require(session, actor_id, "feedback.record")
    case = _case(session, case_id)
    _check_unanswered(session, case.id, counter_visit(now or utcnow()))
    screen = session.get(SurveyScreen, case.brand_id)
    language = (normalise_locale(case.customer.preferred_locale) or normalise_locale(case.brand.default_locale)
                or "en")
    return ScreenSetup(case_id=case.id, brand_name=case.brand.name,
                       background=screen.background if screen else DEFAULT_BACKGROUND,
                       foreground=screen.foreground if screen else DEFAULT_FOREGROUND,
                       timeout_seconds=screen.timeout_seconds if screen else DEFAULT_TIMEOUT_SECONDS,
                       language=language)


def _check_unanswered(session: Session, case_id: int, visit: str) -> None:
    taken = session.scalar(select(Feedback.id).where(Feedback.case_id == case_id, Feedback.visit_key == visit))
    if taken is not None:
        raise InvalidInput(later("The customer has already rated this visit. One answer per visit is kept."))


def record_customer_answer(session: Session, actor_id: int, case_id: int, score: int, *, language: str,
                           reasons: Sequence[str] = (), now: dt.datetime | None = None) -> CustomerAnswer:
    """Store the customer's own rating from the counter screen as feedback with source ``customer``.

    The rep at whose desk the screen stands sends it (``feedback.record``) and is credited with it;
    the rep's own score for the case, if any, stays as it is.

    Args:
        session: An open session.
        actor_id: The rep whose station shows the screen.
        case_id: The case the customer rated.
        score: 1 (very dissatisfied) to 5 (very satisfied).
        language: The language the question was asked in.
        reasons: Codes from :data:`REASONS` the customer ticked.
        now: When it was answered (default now, UTC).

    Raises:
        InvalidInput: A score outside 1-5, an unknown reason or language, or a second answer for this visit.
    """
    actor = require(session, actor_id, "feedback.record")
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput(later("The satisfaction score must be a whole number from 1 to 5."))
    code = normalise_locale(language)
    if code is None:
        raise InvalidInput(later("Unknown language {code}.", code=language))
    picked = tuple(dict.fromkeys(reasons))
    unknown = [r for r in picked if r not in REASON_CODES]
    if unknown:
        raise InvalidInput(later("Unknown reason {code}.", code=unknown[0]))
    case = _case(session, case_id)
    at = now or utcnow()
    visit = counter_visit(at)
    _check_unanswered(session, case.id, visit)
    feedback = Feedback(case_id=case.id, agent_id=actor.id, score=score, comment=None, channel=case.channel,
                        captured_at=at, source=FeedbackSource.CUSTOMER.value, language=code,
                        reasons=list(picked), visit_key=visit)
    session.add(feedback)
    session.commit()
    return CustomerAnswer(feedback_id=feedback.id, case_id=case.id, score=score, language=code, reasons=picked,
                          captured_at=at)


def set_screen_look(session: Session, actor_id: int, brand_code: str, *, background: str | None = None,
                    foreground: str | None = None, timeout_seconds: int | None = None) -> ScreenSetup:
    """Set a brand's rating screen colours (``#rrggbb``) and timeout in seconds (``survey.configure``, audited).

    Returns the brand's screen as it now is (``case_id`` 0, ``language`` the brand's default).
    """
    actor = require(session, actor_id, "survey.configure")
    brand = session.scalar(select(Brand).where(Brand.code == brand_code))
    if brand is None:
        raise RecordNotFound(later("There is no brand {code}.", code=brand_code))
    for colour in (background, foreground):
        if colour is not None and not _COLOUR.match(colour):
            raise InvalidInput(later("A colour is written #rrggbb, for example #1f4e79: {value}", value=colour))
    low, high = TIMEOUT_RANGE
    if timeout_seconds is not None and not low <= timeout_seconds <= high:
        raise InvalidInput(later("The timeout must be from {low} to {high} seconds.", low=low, high=high))
    screen = session.get(SurveyScreen, brand.id)
    if screen is None:
        screen = SurveyScreen(brand_id=brand.id, background=DEFAULT_BACKGROUND, foreground=DEFAULT_FOREGROUND,
                              timeout_seconds=DEFAULT_TIMEOUT_SECONDS)
        session.add(screen)
    screen.background = background or screen.background
    screen.foreground = foreground or screen.foreground
    screen.timeout_seconds = timeout_seconds or screen.timeout_seconds
    audit(session, actor.id, "survey.configure", "brand", brand.id,
          detail={"background": screen.background, "foreground": screen.foreground,
                  "timeout": screen.timeout_seconds})
    session.commit()
    return ScreenSetup(case_id=0, brand_name=brand.name, background=screen.background, foreground=screen.foreground,
                       timeout_seconds=screen.timeout_seconds, language=normalise_locale(brand.default_locale) or "en")



def _case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise RecordNotFound(later("The case no longer exists."))
    return case
