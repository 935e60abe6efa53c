"""Table models of the supervisor's views: thin :class:`RowsModel` columns over service rows."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from deskapp.core.i18n import N_, _
from deskapp.ui.models import RowsModel
from deskapp.ui.supervisor.audit_labels import action_label, record_label
from deskapp.ui.supervisor.common import format_figure

if TYPE_CHECKING:
    from deskapp.core.services.reviews.audit_log import AuditRow
    from deskapp.core.services.reviews.reports import ReportRow
    from deskapp.core.services.reviews.reviews import ReviewRow
    from deskapp.core.services.reviews.sampling import QueueRow  # noqa: F401 - QueueRow: in a base's string


def _date(value: dt.date | dt.datetime) -> str:
    from deskapp.core.i18n.formatting import format_date

    return format_date(value)  # the medium form: "Nov 23, 2026", never "11/23/26"


def _datetime(value: dt.datetime) -> str:
    from deskapp.core.i18n.formatting import format_datetime

    return format_datetime(value)


def _language(code: str) -> str:
    from deskapp.core.i18n import language_name

    return language_name(code) if code else ""


class QueueModel(RowsModel["QueueRow"]):
    """Cases suggested for review (``sampling.QueueRow``)."""

    columns = (
        (N_("Representative"), lambda r: r.owner_name),
        (N_("Ended"), lambda r: _date(r.ended_at)),
        (N_("Subject"), lambda r: r.subject),
        (N_("Channel"), lambda r: r.channel.label),
        (N_("Support stage"), lambda r: r.support_stage.label),
        (N_("Brand"), lambda r: r.brand_code),
        (N_("Customer language"), lambda r: _language(r.customer_locale)),
    )


class ReportModel(RowsModel["ReportRow"]):
    """Average satisfaction per group (``reports.ReportRow``), labelled from its codes when shown."""

    columns = (
        (N_("Group"), lambda r: _group(r)),
        (N_("Average CSAT"), lambda r: format_figure(r.average)),
        (N_("Scores"), lambda r: str(r.count)),
    )

    def extra_data(self, row: ReportRow, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return (row.key, row.average, row.count)[min(column, 2)]
        return None


def _group(row: ReportRow) -> str:
    from deskapp.core.services.reviews.reports import group_label

    return group_label(row.by, row.key, row.name)


def _who(row: AuditRow) -> str:
    return row.agent_name or _("(console)")


def _entity(row: AuditRow) -> str:
    return record_label(row.entity, row.entity_id)


def _detail(row: AuditRow) -> str:
    return ", ".join(f"{key}={value}" for key, value in sorted(row.detail.items()) if value is not None)


class AuditModel(RowsModel["AuditRow"]):
    """Audit events, newest first (``audit.AuditRow``); times in the UI locale and local time."""

    columns = (
        (N_("Time"), lambda r: _datetime(r.at)),
        (N_("Who"), _who),
        (N_("Action"), lambda r: action_label(r.action)),
        (N_("Record"), _entity),
        (N_("Details"), _detail),
    )


def _total(row: ReviewRow) -> str:
    return format_figure(row.total, 1)


class ReviewsModel(RowsModel["ReviewRow"]):
    """Reviews of a rep's cases (``reviews.ReviewRow``), newest first."""

    columns = (
        (N_("Date"), lambda r: _date(r.created_at)),
        (N_("Case"), lambda r: f"{r.case_reference} {r.case_subject}"),
        (N_("Supervisor"), lambda r: r.supervisor_name),
        (N_("Total"), _total),
        (N_("Acknowledged"), lambda r: _date(r.acknowledged_at) if r.acknowledged_at else "—"),
    )

    def extra_data(self, row: ReviewRow, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.FontRole and row.acknowledged_at is None:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)  # not read yet
            return font
        if role == Qt.ItemDataRole.ForegroundRole and column == 3:
            return QColor("#2e8b57" if row.total >= 75 else "#b07d00" if row.total >= 50 else "#c0392b")
        return None
