"""A one-page case summary for the customer, as PDF, in the customer's own language.

The core reads the case and writes the HTML (:mod:`deskapp.core.services.cases.summary`) on the
background worker; laying it out on A4 with :class:`QTextDocument` and :class:`QPdfWriter`
happens here on the UI thread, where Qt's font machinery lives.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

if TYPE_CHECKING:
    from deskapp.core.services.desk import Desk


@dataclass(frozen=True, slots=True)
class PrintedSummary:
    """The HTML of a summary, the language it is written in, and its title."""

    html: str
    locale: str
    title: str


def build_summary(desk: Desk, case_id: int) -> PrintedSummary:
    """Read case ``case_id`` and write its summary in the customer's language (runs on the worker)."""
    from deskapp.core.services.cases.summary import case_summary, summary_html, summary_title

    summary = desk.as_agent(case_summary, case_id)
    return PrintedSummary(html=summary_html(summary, summary.locale), locale=summary.locale,
                          title=summary_title(summary, summary.locale))


def render_pdf(summary: PrintedSummary, path: str | os.PathLike[str], *, database: Path | None = None) -> None:
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


def write_case_summary(desk: Desk, case_id: int, path: str | os.PathLike[str]) -> PrintedSummary:
    """Write the PDF summary of case ``case_id`` to ``path`` in the customer's language."""
    from deskapp.core.io.safe_write import database_file

    summary = build_summary(desk, case_id)
    render_pdf(summary, path, database=database_file(desk.engine.url) if desk.engine is not None else None)
    return summary
