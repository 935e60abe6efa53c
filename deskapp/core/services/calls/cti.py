"""Zammad's generic CTI payload, read unchanged, so an existing PBX bridge needs only a new URL.

A bridge (3CX, Asterisk, Sipgate …) POSTs form fields or JSON to ``/api/v1/cti/<token>``:
``event`` (newCall | answer | hangup), ``from``, ``to``, ``direction`` (in | out), ``callId``,
``user`` (a name, or several as ``user[]``), ``cause`` (on hangup: normalClearing, cancel, busy,
noAnswer, …) and ``answeringNumber``. This module only reads and checks the fields; nothing
here knows HTTP or the database.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from typing import Any

EVENTS = ("newCall", "answer", "hangup")
MAX_FIELD = 200


class CtiPayloadError(ValueError):
    """The payload is not a CTI event; the message names the field, never its value (it may be a number)."""


@dataclass(frozen=True, slots=True)
class CtiEvent:
    """One event of a call as the PBX announced it."""

    event: str
    call_id: str
    direction: str
    from_number: str
    to_number: str
    user: str | None
    cause: str | None
    answering_number: str | None


def parse_payload(body: bytes, content_type: str) -> CtiEvent:
    """The event in a request body, form-encoded or JSON.

    Raises:
        CtiPayloadError: Not decodable, or a required field is missing or wrong.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CtiPayloadError("body is not UTF-8") from exc
    fields: dict[str, Any]
    if "json" in content_type.casefold():
        try:
            loaded = json.loads(text) if text.strip() else {}
        except json.JSONDecodeError as exc:
            raise CtiPayloadError("body is not valid JSON") from exc
        if not isinstance(loaded, dict):
            raise CtiPayloadError("JSON body is not an object")
        fields = loaded
    else:
        fields = {}
        for key, value in urllib.parse.parse_qsl(text, keep_blank_values=True):
            fields.setdefault(key.removesuffix("[]"), value)
    return event_from_fields(fields)


def event_from_fields(fields: dict[str, Any]) -> CtiEvent:
    """The event in decoded fields (see the module docstring for their names)."""
    event = _text(fields, "event")
    if event not in EVENTS:
        raise CtiPayloadError("event must be newCall, answer or hangup")
    call_id = _text(fields, "callId")
    if not call_id:
        raise CtiPayloadError("callId is missing")
    direction = _text(fields, "direction") or "in"
    if direction not in {"in", "out"}:
        raise CtiPayloadError("direction must be in or out")
    from_number, to_number = _text(fields, "from"), _text(fields, "to")
    if event == "newCall" and not (from_number if direction == "in" else to_number):
        raise CtiPayloadError("from (incoming) or to (outgoing) is missing")
    return CtiEvent(event=event, call_id=call_id, direction=direction, from_number=from_number,
                    to_number=to_number, user=_text(fields, "user") or None, cause=_text(fields, "cause") or None,
                    answering_number=_text(fields, "answeringNumber") or None)


def _text(fields: dict[str, Any], name: str) -> str:
    value = fields.get(name, fields.get(name + "[]"))
    if isinstance(value, list):  # "user": ["Alice", "Bob"] in JSON
        value = ", ".join(str(item) for item in value)
    if value is None:
        return ""
    if not isinstance(value, (str, int)):
        raise CtiPayloadError(f"{name} is not text")
    text = str(value).strip()
    if len(text) > MAX_FIELD:
        raise CtiPayloadError(f"{name} is too long")
    return text
