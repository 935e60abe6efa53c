"""The supervisor window's "Verify note history": ``deskapp verify``'s check, run in the background.

The outcome goes to the window's banner: informational when everything verifies, an error naming
the broken notes and revisions when not. A supervisor can run it at any time; it only reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from deskapp.core.i18n import _
from deskapp.ui.jobs import JobRunner
from deskapp.ui.language import translate_ui
from deskapp.ui.widgets import Banner

if TYPE_CHECKING:
    from deskapp.core.services.desk import Desk
    from deskapp.core.services.notes.verify import VerifyReport

# Broken revisions named in the banner before the rest are only counted.
LISTED = 10


class HistoryCheck(QObject):
    """The menu action, the background check, and its result in the banner."""

    def __init__(self, runner: JobRunner, desk: Desk, describe: Callable[[Exception], str], banner: Banner,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self._runner, self._desk, self._describe, self._banner = runner, desk, describe, banner
        self.action = QAction(parent)
        self.action.triggered.connect(self.run)
        self.report: VerifyReport | None = None
        self._shown = ""  # the banner text this check put there, to retranslate it in place
        translate_ui(self)

    def retranslate_ui(self) -> None:
        """Texts in the current UI language; a result on show is said again in it."""
        self.action.setText(_("Verify note history"))
        self.action.setToolTip(_("Check that no note revision and no audit event was changed outside deskapp"))
        if self._shown and self._banner.isVisible() and self._banner.label.text() == self._shown:
            if self.report is None:
                self._show_running()
            else:
                self._show_report(self.report)

    def run(self) -> None:
        """Start the check (one at a time)."""
        from deskapp.core.services.notes.verify import verify_history

        desk = self._desk
        self.action.setEnabled(False)
        self.report = None
        self._show_running()
        self._runner.submit(lambda: desk.as_agent(verify_history), self._done, self._failed, key="verify_history")

    def _show_running(self) -> None:
        self._say(_("Checking the history of every note and the audit log…"), "info")

    def _done(self, report: VerifyReport) -> None:
        self.action.setEnabled(True)
        self.report = report
        self._show_report(report)

    def _show_report(self, report: VerifyReport) -> None:
        from deskapp.core.services.notes.verify import describe

        self._say("\n".join(describe(report, LISTED)), "info" if report.ok else "error")

    def _failed(self, exc: Exception) -> None:
        self.action.setEnabled(True)
        self._shown = ""
        self._banner.show_message(lambda: self._describe(exc), "error")

    def _say(self, text: str, kind: str) -> None:
        self._shown = text
        self._banner.show_message(text, kind)
