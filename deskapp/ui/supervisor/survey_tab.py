"""The supervisor's "Customer feedback" tab: what customers said themselves, apart from what reps recorded.

Three tables from one query each: average satisfaction by source (customer-given beside
rep-recorded), response rates (customer answers per case closed) by brand, channel or rep, and
the reasons customers chose on the rating screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from deskapp.core.i18n import N_, _
from deskapp.ui.jobs import JobRunner
from deskapp.ui.language import translate_ui
from deskapp.ui.models import RowsModel
from deskapp.ui.supervisor import common
from deskapp.ui.supervisor.models import ReportModel
from deskapp.ui.widgets import row_table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from deskapp.core.services.desk import Desk
    from deskapp.core.services.reviews.reports import ReportRow
    from deskapp.core.services.surveys.figures import RateBy, ReasonCount, ResponseRate

RATE_GROUPINGS: tuple[tuple[RateBy, str], ...] = (
    ("brand", N_("Brand")), ("channel", N_("Channel")), ("agent", N_("Representative")))
DEFAULT_DAYS = 180
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _rate_group(row: ResponseRate) -> str:
    from deskapp.core.services.reviews.reports import group_label

    return group_label(row.by, row.key, row.name)


def _percent(rate: float | None) -> str:
    if rate is None:
        return "—"
    from babel.numbers import format_percent

    from deskapp.core.i18n import babel_locale

    return str(format_percent(rate, format="#,##0.0%", locale=babel_locale()))


def _reason(row: ReasonCount) -> str:
    from deskapp.core.services.surveys.figures import reason_label

    return reason_label(row.code)


class RateModel(RowsModel["ResponseRate"]):
    """Customer answers per case closed, per group."""

    columns = (
        (N_("Group"), _rate_group),
        (N_("Cases closed"), lambda r: str(r.closed)),
        (N_("Customer answers"), lambda r: str(r.answered)),
        (N_("Response rate"), lambda r: _percent(r.rate)),
    )

    def extra_data(self, row: ResponseRate, column: int, role: int) -> object:
        return _RIGHT if role == Qt.ItemDataRole.TextAlignmentRole and column > 0 else None


class ReasonModel(RowsModel["ReasonCount"]):
    """How often customers chose each reason, and their average score when they did."""

    columns = (
        (N_("Reason"), _reason),
        (N_("Times chosen"), lambda r: str(r.count)),
        (N_("Average CSAT"), lambda r: common.format_figure(r.average)),
    )

    def extra_data(self, row: ReasonCount, column: int, role: int) -> object:
        return _RIGHT if role == Qt.ItemDataRole.TextAlignmentRole and column > 0 else None


Figures = tuple["list[ReportRow]", "list[ResponseRate]", "list[ReasonCount]"]


class SurveyTab(QWidget):
    """Customer-given and rep-recorded satisfaction apart, response rates, and reasons."""

    def __init__(self, runner: JobRunner, desk: Desk, describe: Callable[[Exception], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._desk, self._describe = runner, desk, describe
        self.by_label, self.since_label = QLabel(), QLabel()
        self.by = QComboBox()
        self.since = common.day_picker(DEFAULT_DAYS)
        self.by_label.setBuddy(self.by)
        self.since_label.setBuddy(self.since)
        self.refresh = QPushButton()
        self.sources_title, self.reasons_title, self.rates_title = QLabel(), QLabel(), QLabel()
        for title in (self.sources_title, self.reasons_title, self.rates_title):
            title.setStyleSheet("font-weight:700; font-size:13px;")
            title.setWordWrap(True)
        self.sources = ReportModel()
        self.rates = RateModel()
        self.reasons = ReasonModel()
        self.sources_table, self.rates_table, self.reasons_table = (
            row_table(model) for model in (self.sources, self.rates, self.reasons))
        for table in (self.sources_table, self.rates_table, self.reasons_table):
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.message = QLabel()
        self.message.setStyleSheet("color:#a11;")
        self.message.hide()
        grid = QGridLayout()
        grid.addWidget(self.sources_title, 0, 0)
        grid.addWidget(self.reasons_title, 0, 1)
        grid.addWidget(self.sources_table, 1, 0)
        grid.addWidget(self.reasons_table, 1, 1)
        grid.addWidget(self.rates_title, 2, 0, 1, 2)
        grid.addWidget(self.rates_table, 3, 0, 1, 2)
        grid.setRowStretch(1, 1)
        grid.setRowStretch(3, 2)
        layout = QVBoxLayout(self)
        top = common.filter_row(self.by_label, self.by, self.since_label, self.since, self.refresh)
        top.addStretch(1)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addLayout(grid, 1)
        common.reload_on_change(self.by, self.since, self.refresh, self.load)
        translate_ui(self)

    def retranslate_ui(self) -> None:
        """Texts in the current UI language (the rows held are relabelled by their models)."""
        common.fill_choices(self.by, RATE_GROUPINGS, "brand")
        self.by_label.setText(_("Response rates &by"))
        self.since_label.setText(_("S&ince"))
        common.localise_day_picker(self.since)
        self.refresh.setText(_("Refresh"))
        self.sources_title.setText(_("Satisfaction: customer-given and rep-recorded"))
        self.reasons_title.setText(_("Reasons customers chose"))
        self.rates_title.setText(_("Response rates: customer answers per case closed"))
        self.sources_table.setAccessibleName(_("Satisfaction by who gave the score"))
        self.reasons_table.setAccessibleName(_("Reasons customers chose"))
        self.rates_table.setAccessibleName(_("Response rates"))
        self.by.setAccessibleName(_("Response rates by"))
        self.since.setAccessibleName(_("Since"))

    def grouping(self) -> RateBy:
        """What the response rates are grouped by."""
        chosen = self.by.currentData()
        return next((key for key, _text in RATE_GROUPINGS if key == chosen), "brand")

    def load(self) -> None:
        """Fetch the three tables for the chosen grouping and start day."""
        from deskapp.core.services.reviews.reports import csat_report
        from deskapp.core.services.surveys.figures import reason_counts, response_rates

        desk, by, since = self._desk, self.grouping(), common.picked_day(self.since)

        def work(session: Session, me: int) -> Figures:
            return (csat_report(session, me, "source", since), response_rates(session, me, by, since),
                    reason_counts(session, me, since))

        self._runner.submit(lambda: desk.as_agent(work), self._show, self._failed, key="survey-figures")

    def _show(self, figures: Figures) -> None:
        sources, rates, reasons = figures
        self.message.hide()
        self.sources.set_rows(sources)
        self.rates.set_rows(rates)
        self.reasons.set_rows(reasons)

    def _failed(self, exc: Exception) -> None:
        self.message.setText(self._describe(exc))
        self.message.show()
