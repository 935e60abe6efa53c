"""``export cases``: cases with the latest text of their notes, for a spreadsheet or another system.

One row per case, named by the reference the customer quotes ("C-1042"; ``case_id``, last,
is the database's own id, for joining with other exports). The customer is identified by
account number only (no name, email or phone).
Cells a spreadsheet would evaluate are neutralised by :class:`~deskapp.core.io.csv_io.CsvWriter`,
and the file replaces ``path`` only when complete. Every export is audited.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from deskapp.core.domain.models import Agent, Brand, Case, CaseNote, Customer, NoteRevision
from deskapp.core.io.csv_io import write_csv
from deskapp.core.io.safe_write import database_file
from deskapp.core.security.permissions import require
from deskapp.core.services.kernel.audit import audit
from deskapp.core.services.kernel.dates import start_of_day
from deskapp.core.storage.engine import is_read_only

COLUMNS = ("reference", "opened_at", "closed_at", "status", "priority", "brand", "channel", "purchase_phase",
           "support_stage", "owner", "account_number", "subject", "notes", "case_id")
# Between the notes of one case in the ``notes`` cell.
NOTE_SEPARATOR = "\n\n----\n\n"
PAGE = 1000


def export_cases_csv(session: Session, actor_id: int, path: str | os.PathLike[str],
                     since: dt.date | None = None) -> int:
    """Write the cases opened on or after ``since`` (all when ``None``) to the CSV file ``path``.

    Args:
        session: An open session.
        actor_id: Who exports (``export.cases``); the console's account for ``deskapp export cases``.
        path: The file to write (UTF-8, comma-separated, header row).
        since: First day (UTC) of the cases' opening.

    Returns:
        How many cases were written.

    Raises:
        OutputFileError: ``path`` is the desk's database (or one of its working files) or cannot be written.
    """
    require(session, actor_id, "export.cases")
    engine = session.get_bind().engine
    written = write_csv(path, COLUMNS, _rows(session, since), database=database_file(engine.url))
    if not is_read_only(engine):  # a read-only desk cannot record it (see customers.csv_import)
        audit(session, actor_id, "export.cases", "support_case", 0,
              detail={"count": written, "since": since.isoformat() if since else None})
        session.commit()
    return written


def _rows(session: Session, since: dt.date | None) -> Iterator[list[str]]:
    start = start_of_day(since)
    last_id = 0
    while True:
        query = (select(Case, Brand.code, Agent.username, Customer.account_number)
                 .join(Brand, Brand.id == Case.brand_id).join(Customer, Customer.id == Case.customer_id)
                 .outerjoin(Agent, Agent.id == Case.owner_id)
                 .where(Case.id > last_id).order_by(Case.id).limit(PAGE))
        if start is not None:
            query = query.where(Case.opened_at >= start)
        page = session.execute(query).all()
        if not page:
            return
        notes = _latest_notes(session, [case.id for case, *_ in page])
        for case, brand, owner, account in page:
            yield [case.reference, case.opened_at.isoformat(), case.closed_at.isoformat() if case.closed_at else "",
                   case.status.value, case.priority.value, brand, case.channel.value, case.purchase_phase.value,
                   case.support_stage.value, owner or "", account, case.subject,
                   NOTE_SEPARATOR.join(notes.get(case.id, [])), str(case.id)]
        last_id = page[-1][0].id


def _latest_notes(session: Session, case_ids: list[int]) -> dict[int, list[str]]:
    latest = (select(NoteRevision.note_id, func.max(NoteRevision.number).label("number"))
              .group_by(NoteRevision.note_id).subquery())
    query = (select(CaseNote.case_id, NoteRevision.body).join(latest, latest.c.note_id == CaseNote.id)
             .join(NoteRevision, (NoteRevision.note_id == CaseNote.id) & (NoteRevision.number == latest.c.number))
             .where(CaseNote.case_id.in_(case_ids)).order_by(CaseNote.created_at, CaseNote.id))
    by_case: dict[int, list[str]] = {}
    for case_id, body in session.execute(query):
        by_case.setdefault(case_id, []).append(body)
    return by_case
