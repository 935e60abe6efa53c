"""The dashboard: satisfaction (CSAT) and case volumes by rep, channel, brand, stage or language.

Two painted charts (see :mod:`deskapp.ui.supervisor.charts` for why they are painted) and the exact
figures in a table below them, from ``reports.csat_report`` and ``reports.volume_series``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.i18n import N_, _, ngettext
from deskapp.ui.jobs import JobRunner
from deskapp.ui.language import translate_ui
from deskapp.ui.supervisor.charts import Bar, BarChart, LineChart, Series
from deskapp.ui.supervisor.common import (
    day_picker,
    fill_choices,
    filter_row,
    format_figure,
    localise_day_picker,
    picked_day,
    reload_on_change,
)
from deskapp.ui.supervisor.models import ReportModel
from deskapp.ui.widgets import row_table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from deskapp.core.services.calls.callbacks import RepOverdue
    from deskapp.core.services.desk import Desk
    from deskapp.core.services.reviews.reports import GroupBy, ReportRow, VolumePoint

GROUPINGS: tuple[tuple[GroupBy, str], ...] = (
    ("agent", N_("Representative")), ("channel", N_("Channel")), ("brand", N_("Brand")),
    ("stage", N_("Support stage")), ("locale", N_("Customer language")),
)
DEFAULT_DAYS = 180


def _title_style() -> str:
    return "font-weight:700; font-size:13px;"


class DashboardTab(QWidget):
    """A "by" selector and a "since" date; the charts and the table follow both."""

    def __init__(self, runner: JobRunner, desk: Desk, describe: Callable[[Exception], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._desk, self._describe = runner, desk, describe
        self.report: list[ReportRow] = []
        self.volumes: list[VolumePoint] = []
        self.by_label, self.since_label = QLabel(), QLabel()
        self.by = QComboBox()
        self.since = day_picker(DEFAULT_DAYS)
        self.by_label.setBuddy(self.by)
        self.since_label.setBuddy(self.since)
        self.refresh = QPushButton()
        self.summary = QLabel()
        self.summary.setObjectName("dashboardSummary")
        self.summary.setStyleSheet("font-size:14px;")
        self.csat_title, self.volume_title = QLabel(), QLabel()
        for title in (self.csat_title, self.volume_title):
            title.setStyleSheet(_title_style())
        self.bars = BarChart()
        self.lines = LineChart()
        self.model = ReportModel()
        self.table = row_table(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.message = QLabel()
        self.message.setStyleSheet("color:#a11;")
        self.message.hide()
        # Each rep's callbacks past due (supervisors only: callback.report); hidden when there are none.
        self.callbacks = QLabel()
        self.callbacks.setObjectName("overdueCallbacks")
        self.callbacks.setWordWrap(True)
        self.callbacks.hide()
        self.overdue: list[RepOverdue] = []

        top = filter_row(self.by_label, self.by, self.since_label, self.since, self.refresh)
        top.addSpacing(18)
        top.addWidget(self.summary, 1)
        grid = QGridLayout()
        grid.addWidget(self.csat_title, 0, 0)
        grid.addWidget(self.volume_title, 0, 1)
        grid.addWidget(self.bars, 1, 0)
        grid.addWidget(self.lines, 1, 1)
        grid.addWidget(self.table, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.callbacks)
        layout.addLayout(grid, 1)
        reload_on_change(self.by, self.since, self.refresh, self.load)
        translate_ui(self)

    def retranslate_ui(self) -> None:
        """Texts in the current UI language, the figures held relabelled (no new query)."""
        fill_choices(self.by, GROUPINGS, "agent")
        self.by_label.setText(_("&Group by"))
        self.since_label.setText(_("&Since"))
        localise_day_picker(self.since)
        self.refresh.setText(_("Refresh"))
        self.bars.count_text = lambda n: ngettext("{n} score", "{n} scores", n).format(n=n)
        self.lines.period_text = self._period_text
        self.bars.setAccessibleName(_("Average satisfaction chart"))
        self.lines.setAccessibleName(_("Cases opened per week chart"))
        self.table.setAccessibleName(_("Average satisfaction table"))
        self._titles()
        if self.report or self.volumes:
            self._paint()
        self._show_summary()
        self._show_overdue(self.overdue)

    @staticmethod
    def _period_text(day: dt.date) -> str:
        from babel.dates import format_skeleton

        from deskapp.core.i18n import babel_locale

        return format_skeleton("MMMd", day, locale=babel_locale())

    def _titles(self) -> None:
        by = _(dict(GROUPINGS)[self.grouping()])
        self.csat_title.setText(_("Average satisfaction (CSAT 1–5) by {group}").format(group=by.lower()))
        self.volume_title.setText(_("Cases opened per week by {group}").format(group=by.lower()))

    def grouping(self) -> GroupBy:
        """What the figures are grouped by (by representative until the choices are filled in)."""
        chosen = self.by.currentData()
        return next((key for key, _text in GROUPINGS if key == chosen), "agent")

    def since_date(self) -> dt.date:
        """The first day counted."""
        return picked_day(self.since)

    def load(self) -> None:
        """Fetch the figures for the chosen grouping and start day."""
        from deskapp.core.services.calls.callbacks import overdue_by_rep
        from deskapp.core.services.reviews.reports import csat_report, volume_series

        desk, by, since = self._desk, self.grouping(), self.since_date()

        def work(session: Session, me: int) -> tuple[list[ReportRow], list[VolumePoint]]:
            return csat_report(session, me, by, since), volume_series(session, me, by, since, "week")

        self._titles()
        self._runner.submit(lambda: desk.as_agent(work), self._show, self._failed, key="dashboard")
        self._runner.submit(lambda: desk.as_agent(overdue_by_rep), self._show_overdue,
                            lambda _exc: self.callbacks.hide(), key="dashboard_callbacks")

    def _show_overdue(self, reps: list[RepOverdue]) -> None:
        self.overdue = reps
        parts = [ngettext("{name}: {n} ({team} with the team)", "{name}: {n} ({team} with the team)",
                          rep.overdue).format(name=rep.display_name, n=rep.overdue, team=rep.handed_over)
                 for rep in reps]
        text = _("Overdue callbacks per representative: {reps}").format(reps=" · ".join(parts)) if parts else ""
        self.callbacks.setText(text)
        self.callbacks.setAccessibleName(text)
        self.callbacks.setVisible(bool(text))

    def _show(self, result: tuple[list[ReportRow], list[VolumePoint]]) -> None:
        self.report, self.volumes = result
        self.message.hide()
        self.model.set_rows(self.report)
        self._fit_table()
        self._paint()
        self._show_summary()

    def _paint(self) -> None:
        """The charts of the figures held, labelled in the current UI language."""
        from deskapp.core.services.reviews.reports import group_label

        bars = [Bar(group_label(r.by, r.key, r.name), r.average, r.count) for r in self.report]
        self.bars.set_bars(sorted(bars, key=lambda b: (-b.value, b.label)))
        series: dict[str, Series] = {}
        for point in self.volumes:
            label = group_label(point.by, point.key, point.name)
            series.setdefault(point.key, Series(label, {})).points[point.period_start] = point.count
        self.lines.set_series(list(series.values()), _("Other groups"))

    def _fit_table(self) -> None:
        # As tall as its rows (up to eight), so the charts keep the room.
        rows = min(max(self.model.rowCount(), 1), 8)
        height = self.table.horizontalHeader().height() + rows * self.table.verticalHeader().defaultSectionSize()
        self.table.setFixedHeight(height + 2 * self.table.frameWidth())

    def _show_summary(self) -> None:
        scores = sum(r.count for r in self.report)
        cases = sum(p.count for p in self.volumes)
        if not scores and not cases:
            self.summary.clear()
            return
        average = sum(r.average * r.count for r in self.report) / scores if scores else 0.0
        parts = [ngettext("{n} case opened", "{n} cases opened", cases).format(n=cases)]
        if scores:
            parts.insert(0, ngettext("Average CSAT {average} from {n} score",
                                     "Average CSAT {average} from {n} scores", scores).format(
                average=format_figure(average), n=scores))
        self.summary.setText(" · ".join(parts))

    def _failed(self, exc: Exception) -> None:
        self.message.setText(self._describe(exc))
        self.message.show()
