"""A one-page case summary for the customer, as PDF, in the customer's own language.

Every label comes from the catalog of the customer's preferred language, loaded for this document
only (the rep's window stays in the rep's language), and dates are formatted by Babel in that
locale. Building the HTML reads the database, so it runs on the background worker; rendering it
onto A4 with :class:`QTextDocument` and :class:`QPdfWriter` happens on the UI thread, where Qt's
font machinery lives.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from deskapp.core.i18n import N_

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from deskapp.core.domain.enums import LabelledEnum
    from deskapp.core.services.cases.cases import CaseRow
    from deskapp.core.services.customers.profile import ProfileRow
    from deskapp.core.services.desk import Desk
    from deskapp.core.services.notes.notes import NoteRow

# The labels, marked for extraction; translated with the customer's catalog, never the UI's.
TITLE = N_("Case summary")
CASE = N_("Case")
CUSTOMER = N_("Customer")
ACCOUNT = N_("Account number")
BRAND = N_("Brand")
SUBJECT = N_("Subject")
PHASE = N_("Purchase phase")
STAGE = N_("Support stage")
CHANNEL = N_("Channel")
STATUS = N_("Status")
OPENED = N_("Opened")
CLOSED = N_("Closed")
NOTES = N_("Notes")
NO_NOTES = N_("No notes were written on this case.")
PRINTED = N_("Printed {date}")


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """The HTML of a summary and the language it is written in."""

    html: str
    locale: str
    title: str


def case_summary(desk: Desk, case_id: int) -> CaseSummary:
    """Read the case, its customer and notes, and write the summary HTML (runs on the worker)."""
    from deskapp.core.services.cases import cases
    from deskapp.core.services.customers import profile as customer_profiles
    from deskapp.core.services.notes import notes

    def gather(session: Session, agent_id: int) -> tuple[CaseRow, ProfileRow, list[NoteRow]]:
        case = cases.get_case(session, agent_id, case_id)
        return (case, customer_profiles.customer_profile(session, agent_id, case.customer_id),
                notes.case_notes(session, agent_id, case_id))

    case, profile, case_notes = desk.as_agent(gather)
    return summary_html(case, profile, case_notes)


def summary_html(case: CaseRow, profile: ProfileRow, case_notes: list[NoteRow]) -> CaseSummary:
    """The summary of ``case`` as HTML in ``profile.preferred_locale``; every text is escaped."""
    from deskapp.core.domain.base import utcnow
    from deskapp.core.domain.enums import _LABELS as ENUM_LABELS
    from deskapp.core.i18n import load_catalog, normalise_locale
    from deskapp.core.i18n.formatting import format_date, format_datetime

    locale = normalise_locale(profile.preferred_locale) or "en"
    t = load_catalog(locale).gettext

    def label(member: LabelledEnum) -> str:
        return t(ENUM_LABELS.get(member.value, member.value))

    def esc(text: object) -> str:
        return html.escape(str(text))

    customer = profile.display_name or profile.organisation or ""
    rows = [
        (CASE, f"C-{case.id}"),
        (CUSTOMER, customer),
        (ACCOUNT, profile.account_number),
        (BRAND, profile.brand_name),
        (SUBJECT, case.subject),
        (PHASE, label(case.purchase_phase)),
        (STAGE, label(case.support_stage)),
        (CHANNEL, label(case.channel)),
        (STATUS, label(case.status)),
        (OPENED, format_date(case.opened_at, locale=locale, width="long")),
    ]
    if case.closed_at is not None:
        rows.append((CLOSED, format_date(case.closed_at, locale=locale, width="long")))
    table = "".join(
        f"<tr><th align='left' style='padding:3px 14px 3px 0; color:#555'>{esc(t(name))}</th>"
        f"<td style='padding:3px 0'>{esc(value)}</td></tr>" for name, value in rows)
    if case_notes:
        notes_html = "".join(
            f"<p style='margin:10px 0 2px 0; color:#555'>{esc(format_datetime(note.created_at, locale=locale))}"
            f" · {esc(note.author_name)}</p>"
            f"<p style='margin:0'>{esc(note.body).replace(chr(10), '<br>')}</p>" for note in case_notes)
    else:
        notes_html = f"<p>{esc(t(NO_NOTES))}</p>"
    title = f"{t(TITLE)} C-{case.id}"
    printed = t(PRINTED).format(date=format_date(utcnow(), locale=locale, width="long"))
    document = (
        f"<html lang='{esc(locale)}'><head><meta charset='utf-8'><title>{esc(title)}</title></head>"
        f"<body style='font-family:sans-serif; font-size:10pt'>"
        f"<h1 style='font-size:16pt'>{esc(title)}</h1><p style='color:#555'>{esc(profile.brand_name)}</p>"
        f"<table cellspacing='0'>{table}</table>"
        f"<h2 style='font-size:13pt; margin-top:18px'>{esc(t(NOTES))}</h2>{notes_html}"
        f"<p style='margin-top:24px; color:#777; font-size:8pt'>{esc(printed)}</p></body></html>"
    )
    return CaseSummary(html=document, locale=locale, title=title)


def render_pdf(summary: CaseSummary, path: str | os.PathLike[str], *, database: Path | None = None) -> None:
    """Lay the summary out on A4 and write it to ``path`` (UI thread), never over ``database``.

    Qt writes into a temporary file beside ``path`` that takes its place only once complete.

    Raises:
        OutputFileError: ``path`` is the desk's database or one of its working files, or cannot be written.
        OSError: Qt could not write the file.
    """
    from deskapp.core.io.safe_write import check_output_path, install, temporary_beside

    target = check_output_path(path, database=database)
    fd, temp = temporary_beside(target, path)
    os.close(fd)
    try:
        writer = QPdfWriter(os.fspath(temp))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setPageMargins(QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter)
        writer.setTitle(summary.title)
        writer.setCreator("deskapp")
        document = QTextDocument()
        document.setHtml(summary.html)
        document.print_(writer)
        del writer  # the file is complete once the writer is gone
        if os.path.getsize(temp) == 0:
            raise OSError(f"could not write {path}")
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    install(temp, target, path)


def write_case_summary(desk: Desk, case_id: int, path: str | os.PathLike[str]) -> CaseSummary:
    """Write the PDF summary of case ``case_id`` to ``path`` in the customer's language."""
    from deskapp.core.io.safe_write import database_file

    summary = case_summary(desk, case_id)
    render_pdf(summary, path, database=database_file(desk.engine.url) if desk.engine is not None else None)
    return summary
