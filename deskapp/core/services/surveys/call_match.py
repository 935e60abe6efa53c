"""Finding the case a phone survey's ``call_id`` belongs to, in the phone station's call log.

The PBX's ``callId`` is the call's public ``call_id`` (``deskapp.core.services.calls``); the
survey answer lands on the case the call became. A call that is not in the log, or that never
became a case, leaves the row unmatched with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.domain.calls import PhoneCall
from deskapp.core.i18n import N_

NO_CALL = N_("no call log entry with this call_id")
NO_CASE = N_("the call with this call_id did not become a case")


@dataclass(frozen=True, slots=True)
class CallMatch:
    """The case a call was about, and the rep credited with it; or why there is none."""

    case_id: int | None
    agent_id: int | None = None
    reason: str | None = None  # an untranslated msgid when case_id is None


def match_call(session: Session, actor_id: int, call_id: str) -> CallMatch:
    """The case of the call ``call_id`` in the call log (the case's owner is credited by the import).

    Internal: the caller (:func:`deskapp.core.services.surveys.phone_import.import_phone_surveys`)
    has checked ``feedback.import`` for ``actor_id``, which an administrator has without the
    desk's ``call.view``; so the log is read here directly, for the case id only.
    """
    del actor_id  # checked by the caller
    found = session.execute(select(PhoneCall.id, PhoneCall.case_id).where(PhoneCall.call_id == call_id)).first()
    if found is None:
        return CallMatch(case_id=None, reason=NO_CALL)
    if found.case_id is None:
        return CallMatch(case_id=None, reason=NO_CASE)
    return CallMatch(case_id=found.case_id)
