"""Finding the case a phone survey's ``call_id`` belongs to: the one place the call log plugs in.

The call log (``find_call(session, actor_id, call_id)``) is built on another branch. Until it is
merged, :func:`match_call` finds no call, and a survey row that names only a ``call_id`` is
reported as unmatched with :data:`NO_CALL`. Wiring it is this function's body only: look the call
up, and return its case (and the rep who took the call) — nothing else in the import changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from deskapp.core.i18n import N_

NO_CALL = N_("no call log entry with this call_id")


@dataclass(frozen=True, slots=True)
class CallMatch:
    """The case a call was about, and the rep credited with it; or why there is none."""

    case_id: int | None
    agent_id: int | None = None
    reason: str | None = None  # an untranslated msgid when case_id is None


def match_call(session: Session, actor_id: int, call_id: str) -> CallMatch:
    """The case of the call ``call_id`` in the call log; for now always unmatched (see the module docstring).

    The caller (:func:`deskapp.core.services.surveys.phone_import.import_phone_surveys`) has checked
    ``feedback.import`` for ``actor_id``; ``find_call`` checks its own permission.
    """
    del session, actor_id, call_id  # used once the call log is wired in
    return CallMatch(case_id=None, reason=NO_CALL)
