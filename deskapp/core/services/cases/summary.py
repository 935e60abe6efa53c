"""A one-page case summary for the customer, in the customer's own language.

:func:`case_summary` reads the case, its customer and notes as plain data; :func:`summary_html`
writes them as HTML with every label from the catalog of the language asked for, loaded for this
document only (the rep's UI language stays as it is), and dates formatted by Babel in that locale.
Laying the HTML out as PDF is the UI's business.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from deskapp.core.domain.enums import CaseStatus, Channel, NoteKind, PurchasePhase, SupportStage
from deskapp.core.domain.library import CallScript
from deskapp.core.domain.models import Agent, Brand, Case, CaseNote, Customer, NoteRevision
from deskapp.core.errors import RecordNotFound
from deskapp.core.i18n import N_, later, load_catalog, normalise_locale
from deskapp.core.security.permissions import require

# The labels, marked for extraction; translated with the document's catalog, never the UI's.
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
SCRIPT_FOLLOWED = N_("We went through “{title}” with you.")


@dataclass(frozen=True, slots=True)
class SummaryNote:
    """One note of the case with its latest text."""

    created_at: dt.datetime
    author_name: str
    body: str
    # A call script's run: its title in every language. The note's own text is in the rep's
    # language and written for the desk; the customer's copy says which script was followed.
    script_titles: Mapping[str, str] | None = field(default=None)


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """What the summary says about a case: codes and data, no translated words."""

    case_id: int
    reference: str  # "C-1042", what the customer quotes
    customer_name: str
    account_number: str
    brand_name: str
    locale: str  # the customer's preferred language, one of ours
    subject: str
    purchase_phase: PurchasePhase
    support_stage: SupportStage
    channel: Channel
    status: CaseStatus
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    notes: tuple[SummaryNote, ...]


def case_summary(session: Session, actor_id: int, case_id: int) -> CaseSummary:
    """Read case ``case_id``, its customer and its notes for a summary.

    Args:
        session: An open session.
        actor_id: Who asks (``customer.view``: the case view shows the same).
        case_id: The case.

    Returns:
        The summary's data, notes oldest first.

    Raises:
        RecordNotFound: No such case.
    """
    require(session, actor_id, "customer.view")
    found = session.execute(select(Case, Customer, Brand.name).join(Customer, Customer.id == Case.customer_id)
                            .join(Brand, Brand.id == Case.brand_id).where(Case.id == case_id)).one_or_none()
    if found is None:
        raise RecordNotFound(later("The case no longer exists."))
    case, customer, brand_name = found
    latest = (select(NoteRevision.note_id, func.max(NoteRevision.number).label("number"))
              .group_by(NoteRevision.note_id).subquery())
    author = aliased(Agent)
    notes = session.execute(
        select(CaseNote.created_at, author.display_name, NoteRevision.body, CaseNote.kind, CallScript.title,
               CallScript.definition)
        .join(latest, latest.c.note_id == CaseNote.id)
        .join(NoteRevision, (NoteRevision.note_id == CaseNote.id) & (NoteRevision.number == latest.c.number))
        .join(author, author.id == CaseNote.author_id)
        .outerjoin(CallScript, (CallScript.key == CaseNote.script_key)
                   & (CallScript.version == CaseNote.script_version))
        .where(CaseNote.case_id == case_id).order_by(CaseNote.created_at, CaseNote.id))
    return CaseSummary(
        case_id=case.id, reference=case.reference, customer_name=customer.display_name,
        account_number=customer.account_number,
        brand_name=brand_name, locale=normalise_locale(customer.preferred_locale) or "en", subject=case.subject,
        purchase_phase=case.purchase_phase, support_stage=case.support_stage, channel=case.channel,
        status=case.status, opened_at=case.opened_at, closed_at=case.closed_at,
        notes=tuple(SummaryNote(created_at=created, author_name=name, body=body,
                                script_titles=_script_titles(kind, title, definition))
                    for created, name, body, kind, title, definition in notes))


def _script_titles(kind: NoteKind, title: str | None, definition: object) -> Mapping[str, str] | None:
    """A script-run note's script title per language (``None`` for an ordinary note)."""
    if kind != NoteKind.SCRIPT_RUN:
        return None
    titles = definition.get("title") if isinstance(definition, dict) else None
    if isinstance(titles, dict):
        return {str(code): str(text) for code, text in titles.items()}
    return {"en": title or (titles if isinstance(titles, str) else "")}


def summary_title(summary: CaseSummary, locale: str) -> str:
    """The document's title in ``locale``, e.g. "Tapauksen yhteenveto C-1042"."""
    return f"{load_catalog(_known(locale)).gettext(TITLE)} {summary.reference}"


def summary_html(summary: CaseSummary, locale: str) -> str:
    """The summary as an HTML document labelled in ``locale``; every text from the database is escaped.

    Args:
        summary: What :func:`case_summary` read.
        locale: The document's language (the customer's, ``summary.locale``, for the customer's copy).

    Returns:
        A complete HTML document for Qt's rich-text engine.
    """
    from deskapp.core.domain.base import utcnow
    from deskapp.core.i18n.formatting import format_date, format_datetime

    locale = _known(locale)
    t = load_catalog(locale).gettext

    def esc(text: object) -> str:
        return html.escape(str(text))

    rows = [
        (CASE, summary.reference),
        (CUSTOMER, summary.customer_name),
        (ACCOUNT, summary.account_number),
        (BRAND, summary.brand_name),
        (SUBJECT, summary.subject),
        (PHASE, t(summary.purchase_phase.msgid)),
        (STAGE, t(summary.support_stage.msgid)),
        (CHANNEL, t(summary.channel.msgid)),
        (STATUS, t(summary.status.msgid)),
        (OPENED, format_date(summary.opened_at, locale=locale, width="long")),
    ]
    if summary.closed_at is not None:
        rows.append((CLOSED, format_date(summary.closed_at, locale=locale, width="long")))
    table = "".join(
        f"<tr><th align='left' style='padding:3px 14px 3px 0; color:#555'>{esc(t(name))}</th>"
        f"<td style='padding:3px 0'>{esc(value)}</td></tr>" for name, value in rows)
    def note_text(note: SummaryNote) -> str:
        if note.script_titles is None:
            return esc(note.body).replace(chr(10), "<br>")
        # A script run's note is the desk's record, in the rep's language: the customer's copy says
        # in the document's language which script was followed, with its title in that language.
        title = note.script_titles.get(locale) or note.script_titles.get("en") or next(
            iter(note.script_titles.values()), "")
        return esc(t(SCRIPT_FOLLOWED).format(title=title))

    if summary.notes:
        notes_html = "".join(
            f"<p style='margin:10px 0 2px 0; color:#555'>{esc(format_datetime(note.created_at, locale=locale))}"
            f" · {esc(note.author_name)}</p>"
            f"<p style='margin:0'>{note_text(note)}</p>" for note in summary.notes)
    else:
        notes_html = f"<p>{esc(t(NO_NOTES))}</p>"
    title = summary_title(summary, locale)
    printed = t(PRINTED).format(date=format_date(utcnow(), locale=locale, width="long"))
    return (
        f"<html lang='{esc(locale)}'><head><meta charset='utf-8'><title>{esc(title)}</title></head>"
        f"<body style='font-family:sans-serif; font-size:10pt'>"
        f"<h1 style='font-size:16pt'>{esc(title)}</h1><p style='color:#555'>{esc(summary.brand_name)}</p>"
        f"<table cellspacing='0'>{table}</table>"
        f"<h2 style='font-size:13pt; margin-top:18px'>{esc(t(NOTES))}</h2>{notes_html}"
        f"<p style='margin-top:24px; color:#777; font-size:8pt'>{esc(printed)}</p></body></html>"
    )


def _known(locale: str) -> str:
    return normalise_locale(locale) or "en"
