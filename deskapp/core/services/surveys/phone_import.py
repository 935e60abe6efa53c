"""``deskapp feedback import``: post-call survey answers from the phone system (IVR), as customer feedback.

Each row names the call (``call_id``) or the case (``case_ref``, "C-1042"), a ``score`` 1-5, an
optional ``comment`` and ``answered_at``. Rows are matched to the call log (see
:mod:`.call_match`) or the case; a bad row or one that matches nothing is reported with its line
and reason, and the rest are imported. The same answer is never imported twice: its key is the
case and the moment it was answered (``visit_key`` ``phone:<UTC time>``, unique per case), so
importing a file again, or a later export that overlaps it, adds only what is new.

The file is read as the customer import reads it (:mod:`deskapp.core.io.csv_io`: UTF-8 check,
delimiter, line numbers, over-long lines and cells) and reports problems the same way.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, insert, select
from sqlalchemy.orm import Session

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.enums import Channel
from deskapp.core.domain.models import Case
from deskapp.core.domain.quality import Feedback
from deskapp.core.domain.references import format_case_reference, parse_case_reference
from deskapp.core.domain.surveys import FeedbackSource
from deskapp.core.errors import InputFileError
from deskapp.core.i18n import _, later
from deskapp.core.io.csv_io import open_csv, unneutralise
from deskapp.core.security.permissions import require
from deskapp.core.services.cases.feedback import COMMENT_MAX
from deskapp.core.services.customers.csv_rows import Rejection, canonical_column
from deskapp.core.services.kernel.audit import audit
from deskapp.core.services.kernel.text import clean_text
from deskapp.core.services.surveys.call_match import match_call

COLUMNS = ("call_id", "case_ref", "score", "comment", "answered_at")
REQUIRED = ("score", "answered_at")
COMMIT_EVERY = 500
# A survey answered more than this far in the future is a clock or file error, not an answer.
FUTURE_SLACK = dt.timedelta(days=1)
_SHOWN = 40


@dataclass(slots=True)
class SurveyImport:
    """What an import did: answers added, answers it already had, and the rows it could not take."""

    rows: int = 0
    imported: int = 0
    already: int = 0
    bad: list[Rejection] = field(default_factory=list)
    unmatched: list[Rejection] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[Rejection]:
        """Bad and unmatched rows together, in file order."""
        return sorted(self.bad + self.unmatched, key=lambda r: r.line)


@dataclass(frozen=True, slots=True)
class _Answer:
    call_id: str
    case_number: int | None
    score: int
    comment: str | None
    answered_at: dt.datetime


class _Bad(Exception):
    def __init__(self, column: str | None, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


def phone_visit(answered_at: dt.datetime) -> str:
    """The idempotency key of a phone survey answer on its case."""
    return "phone:" + answered_at.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def import_phone_surveys(session: Session, actor_id: int, path: str | os.PathLike[str], *,
                         now: dt.datetime | None = None, progress: Callable[[int], None] | None = None
                         ) -> SurveyImport:
    """Import the survey answers in the CSV file ``path`` as customer feedback (``feedback.import``, audited).

    Raises:
        InputFileError: The file cannot be read, or the header lacks ``score``, ``answered_at`` or
            both ``call_id`` and ``case_ref``; nothing was imported.
        PermissionDenied: The actor may not import feedback.
    """
    actor = require(session, actor_id, "feedback.import")
    summary = SurveyImport()
    latest = (now or utcnow()) + FUTURE_SLACK
    cases = _Cases(session, actor.id)
    batch: list[dict[str, object]] = []
    with open_csv(path) as source:
        index = _header(source.header, source.path, summary)
        for row in source.rows():
            if not row.error and not any(cell.strip() for cell in row.cells):
                continue  # blank lines are not answers
            summary.rows += 1
            if progress is not None and summary.rows % 10_000 == 0:
                progress(summary.rows)
            try:
                if row.error:
                    raise _Bad(None, row.error)
                answer = _read(row.cells, index, latest)
            except _Bad as bad:
                summary.bad.append(Rejection(row.line, bad.column, bad.reason, row.cells))
                continue
            target, reason = cases.match(answer)
            if target is None:
                summary.unmatched.append(Rejection(row.line, None, reason, row.cells))
                continue
            visit = phone_visit(answer.answered_at)
            taken = cases.taken(target.case_id)
            if visit in taken:
                summary.already += 1
                continue
            taken.add(visit)  # a later row of the file with the same key is "already imported" too
            batch.append({"case_id": target.case_id, "agent_id": target.agent_id, "score": answer.score,
                          "comment": answer.comment, "channel": target.channel, "captured_at": answer.answered_at,
                          "source": FeedbackSource.CUSTOMER.value, "language": None, "reasons": None,
                          "visit_key": visit})
            summary.imported += 1
            if len(batch) >= COMMIT_EVERY:
                _write(session, batch)
        _write(session, batch)
    audit(session, actor.id, "feedback.import", "feedback", 0,
          detail={"imported": summary.imported, "already": summary.already, "bad": len(summary.bad),
                  "unmatched": len(summary.unmatched)})
    session.commit()
    return summary


def _header(header: list[str], path: object, summary: SurveyImport) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, cell in enumerate(header):
        name = canonical_column(unneutralise(cell.strip()))
        if not name or name in {"line", "reason"}:
            continue
        if name not in COLUMNS:
            summary.unknown_columns.append(cell.strip())
        elif name in index:
            raise InputFileError(
                later("{path}: the column {column} appears twice in the header row.", path=path, column=name))
        else:
            index[name] = position
    missing = [name for name in REQUIRED if name not in index]
    if not ("call_id" in index or "case_ref" in index):
        missing.insert(0, "call_id / case_ref")
    if missing:
        raise InputFileError(
            later("{path}: the header row lacks the column(s) {columns}. Required columns: {required}.",
                  path=path, columns=", ".join(missing), required="call_id / case_ref, score, answered_at"))
    return index


def _cell(cells: list[str], index: dict[str, int], name: str) -> str:
    at = index.get(name)
    return unneutralise(cells[at]).strip() if at is not None and at < len(cells) else ""


def _shown(value: str) -> str:
    return value if len(value) <= _SHOWN else value[: _SHOWN - 1] + "…"


def _read(cells: list[str], index: dict[str, int], latest: dt.datetime) -> _Answer:
    call_id, ref = _cell(cells, index, "call_id"), _cell(cells, index, "case_ref")
    if not call_id and not ref:
        raise _Bad("case_ref", _("give a call_id or a case_ref"))
    number = None
    if ref:
        number = parse_case_reference(ref)
        if number is None:
            raise _Bad("case_ref", _("not a case reference such as C-1042: {value}").format(value=_shown(ref)))
    if len(call_id) > 120:
        raise _Bad("call_id", _("longer than {limit} characters").format(limit=120))
    text = _cell(cells, index, "score")
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 5):
        raise _Bad("score", _("must be a whole number from 1 to 5, not {value}").format(value=_shown(text) or '""'))
    comment = clean_text(_cell(cells, index, "comment"))
    if len(comment) > COMMENT_MAX:
        raise _Bad("comment", _("longer than {limit} characters").format(limit=COMMENT_MAX))
    return _Answer(call_id, number, int(text), comment or None, _when(_cell(cells, index, "answered_at"), latest))


def _when(text: str, latest: dt.datetime) -> dt.datetime:
    if not text:
        raise _Bad("answered_at", _("is empty; give the date and time the customer answered"))
    try:
        value = dt.datetime.fromisoformat(text)
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)  # the phone system's export is in UTC unless it says otherwise
        value = value.astimezone(dt.UTC)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved across midnight to UTC
        raise _Bad("answered_at", _("not a date and time such as 2026-12-05T14:30:00Z: {value}").format(
            value=_shown(text))) from None
    if value > latest:
        raise _Bad("answered_at", _("is in the future: {value}").format(value=_shown(text)))
    if value.year < 2000:
        raise _Bad("answered_at", _("is before the year 2000: {value}").format(value=_shown(text)))
    return value


def _write(session: Session, batch: list[dict[str, object]]) -> None:
    if batch:
        session.execute(insert(Feedback), batch)
        session.commit()
        batch.clear()


@dataclass(frozen=True, slots=True)
class _Target:
    case_id: int
    agent_id: int | None  # the rep credited: who took the call, else the case's owner
    channel: Channel


class _Cases:
    """The cases a file names, and the phone answers each has, each read once for the whole file."""

    def __init__(self, session: Session, actor_id: int) -> None:
        self._session, self._actor_id = session, actor_id
        self._by_number: dict[int, _Target | None] = {}
        self._taken: dict[int, set[str]] = {}

    def match(self, answer: _Answer) -> tuple[_Target | None, str]:
        """The case (and the rep credited) of a row, or the reason it matches nothing."""
        reason = ""
        if answer.call_id:
            call = match_call(self._session, self._actor_id, answer.call_id)
            if call.case_id is not None:
                found = self._load(Case.id == call.case_id)
                if found is not None:
                    agent = call.agent_id if call.agent_id is not None else found.agent_id
                    return _Target(found.case_id, agent, found.channel), ""
            reason = _(call.reason) if call.reason else ""
        number = answer.case_number
        if number is not None:
            if number not in self._by_number:
                self._by_number[number] = self._load(Case.reference_number == number)
            found = self._by_number[number]
            if found is not None:
                return found, ""
            reason = _("no case with the reference {ref}").format(ref=format_case_reference(number))
        return None, reason

    def taken(self, case_id: int) -> set[str]:
        """The visit keys of the phone answers the case already has (this file's included, as it goes)."""
        if case_id not in self._taken:
            self._taken[case_id] = set(self._session.scalars(
                select(Feedback.visit_key).where(Feedback.case_id == case_id, Feedback.visit_key.like("phone:%"))))
        return self._taken[case_id]

    def _load(self, where: ColumnElement[bool]) -> _Target | None:
        row = self._session.execute(select(Case.id, Case.owner_id, Case.channel).where(where)).first()
        return _Target(row[0], row[1], row[2]) if row is not None else None
