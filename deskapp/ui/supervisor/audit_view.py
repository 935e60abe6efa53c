"""The audit log: who did what, when, to which record, newest first, with a filter by kind of action."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.i18n import N_, _, ngettext
from deskapp.ui.jobs import JobRunner
from deskapp.ui.language import translate_ui
from deskapp.ui.supervisor.common import day_picker, filter_row, localise_day_picker, picked_day
from deskapp.ui.supervisor.models import AuditModel
from deskapp.ui.widgets import row_table

if TYPE_CHECKING:
    from deskapp.core.services.desk import Desk
    from deskapp.core.services.reviews.audit_log import AuditRow

# (filter passed to audit_events: an action or a prefix ending in a dot, label)
ACTION_FILTERS = (
    ("", N_("All actions")),
    ("auth.", N_("Sign-ins")),
    ("auth.sign_in_failed", N_("Failed sign-ins")),
    ("review.", N_("Reviews")),
    ("case.", N_("Cases")),
    ("note.", N_("Notes")),
    ("customer.", N_("Customers")),
    ("export.", N_("Exports")),
    ("user.", N_("User accounts")),
    ("response.", N_("Response library")),
    ("rubric.", N_("Rubric")),
)
LIMIT = 1000
DEFAULT_DAYS = 30


class AuditTab(QWidget):
    """A kind-of-action filter, a start day, and the events."""

    def __init__(self, runner: JobRunner, desk: Desk, describe: Callable[[Exception], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._desk, self._describe = runner, desk, describe
        self.action_label, self.since_label = QLabel(), QLabel()
        self.action = QComboBox()
        self.since = day_picker(DEFAULT_DAYS)
        self.action_label.setBuddy(self.action)
        self.since_label.setBuddy(self.since)
        self.refresh = QPushButton()
        self.model = AuditModel()
        self.table = row_table(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.count = QLabel()
        self.count.setStyleSheet("color:#555;")
        top = filter_row(self.action_label, self.action, self.since_label, self.since, self.refresh)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self.action.activated.connect(lambda _i: self.load())
        self.since.dateChanged.connect(lambda _d: self.load())
        self.refresh.clicked.connect(self.load)
        translate_ui(self)

    def retranslate_ui(self) -> None:
        """Texts in the current UI language (times follow its date format)."""
        keep = self.action.currentData() if self.action.count() else ""
        self.action.clear()
        for code, text in ACTION_FILTERS:
            self.action.addItem(_(text), code)
        self.action.setCurrentIndex(max(self.action.findData(keep), 0))
        self.action_label.setText(_("S&how"))
        self.since_label.setText(_("&Since"))
        localise_day_picker(self.since)
        self.refresh.setText(_("Refresh"))
        self.table.setAccessibleName(_("Audit events"))
        self._fit_columns()
        self._update_count()

    def since_date(self) -> dt.date:
        """The first day shown."""
        return picked_day(self.since)

    def load(self) -> None:
        """Fetch the events for the filter."""
        from deskapp.core.services.reviews.audit_log import audit_events

        desk, since, action = self._desk, self.since_date(), self.action.currentData() or None
        self._runner.submit(lambda: desk.as_agent(audit_events, since, action, LIMIT), self._show, self._failed,
                            key="audit")

    def _show(self, rows: list[AuditRow]) -> None:
        self.model.set_rows(rows)
        self._fit_columns()
        self._update_count()

    def _fit_columns(self) -> None:
        """Time, who, action and record as wide as their texts in this language; the details take the rest."""
        for column in range(min(4, self.model.columnCount())):
            self.table.resizeColumnToContents(column)

    def _update_count(self) -> None:
        n = self.model.rowCount()
        text = ngettext("{n} event", "{n} events", n).format(n=n)
        if n >= LIMIT:
            text = _("The newest {n} events; choose a later start day to see fewer.").format(n=n)
        self.count.setText(text)

    def _failed(self, exc: Exception) -> None:
        self.count.setText(self._describe(exc))
