"""Export cases with their notes to CSV (account numbers only, no names or contact details)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.i18n import _, ngettext
from deskapp.ui.jobs import JobRunner
from deskapp.ui.language import translate_ui
from deskapp.ui.supervisor.common import day_picker, localise_day_picker, picked_day

if TYPE_CHECKING:
    from deskapp.core.services.desk import Desk


class ExportTab(QWidget):
    """Pick a start day (or all cases) and a file; the export runs in the background."""

    def __init__(self, runner: JobRunner, desk: Desk, describe: Callable[[Exception], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._desk, self._describe = runner, desk, describe
        self.busy = False
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.limit = QCheckBox()
        self.limit.setChecked(True)
        self.since = day_picker(90)
        self.export = QPushButton()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("exportMessage")
        row = QHBoxLayout()
        row.addWidget(self.limit)
        row.addWidget(self.since)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addLayout(row)
        layout.addWidget(self.export)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.limit.toggled.connect(self.since.setEnabled)
        self.export.clicked.connect(self.choose_and_export)
        translate_ui(self)

    def retranslate_ui(self) -> None:
        """Texts in the current UI language."""
        self.explain.setText(_("Cases with the latest text of their notes, one row per case, for a spreadsheet "
                               "or another system. Customers appear by account number only. Every export is "
                               "recorded in the audit log."))
        self.limit.setText(_("Only cases opened on or after"))
        self.since.setAccessibleName(_("First day"))
        localise_day_picker(self.since)
        self.export.setText(_("Export cases to CSV…"))

    def since_date(self) -> dt.date | None:
        """The first day exported, or ``None`` for every case."""
        if not self.limit.isChecked():
            return None
        return picked_day(self.since)

    def choose_and_export(self) -> None:
        """Ask where to save, then export there."""
        suggested = str(Path.home() / f"cases-{dt.date.today().isoformat()}.csv")
        path, _filter = QFileDialog.getSaveFileName(self, _("Export cases"), suggested,
                                                    _("CSV files (*.csv)"))
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        """Write the CSV file ``path`` in the background."""
        if self.busy:
            return
        from deskapp.core.services.cases.export import export_cases_csv

        desk, since = self._desk, self.since_date()
        self.busy = True
        self.export.setEnabled(False)
        self.message.setStyleSheet("color:#555;")
        self.message.setText(_("Exporting…"))
        self._runner.submit(lambda: desk.as_agent(export_cases_csv, path, since),
                            lambda count: self._done(path, count), self._failed)

    def _done(self, path: str, count: int) -> None:
        self.busy = False
        self.export.setEnabled(True)
        self.message.setStyleSheet("color:#1d6b35; font-weight:600;")
        self.message.setText(ngettext("{n} case was written to {path}.", "{n} cases were written to {path}.",
                                      count).format(n=count, path=path))

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self.export.setEnabled(True)
        self.message.setStyleSheet("color:#a11; font-weight:600;")
        self.message.setText(self._describe(exc))
