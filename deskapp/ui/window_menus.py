"""The main window's Case, Account and Supervisor menus, and the sign-in that decides what they offer.

Kept out of ``main_window.py`` so the rep's window only gains a few lines: it calls
:meth:`WindowMenus.ask_sign_in` once the database is open, :meth:`set_role` when someone is signed
in, and :meth:`retranslate_ui` with its own texts. Nothing here imports SQLAlchemy at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from deskapp.core.i18n import _

if TYPE_CHECKING:
    from deskapp.core.domain.enums import Role
    from deskapp.core.services.desk import DeskInfo
    from deskapp.ui.main_window import MainWindow
    from deskapp.ui.my_reviews import MyReviewsDialog
    from deskapp.ui.pdf_summary import PrintedSummary
    from deskapp.ui.sign_in import SignInDialog
    from deskapp.ui.supervisor.window import SupervisorWindow


def _bring_forward(widget: QWidget) -> None:
    # The headless platform (tests, smoke test) cannot raise windows and warns if asked to.
    if QGuiApplication.platformName() != "offscreen":
        widget.raise_()
        widget.activateWindow()


class WindowMenus(QObject):
    """Menus whose entries depend on who is signed in."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.role: Role | None = None
        self.sign_in_dialog: SignInDialog | None = None
        self.supervisor_window: SupervisorWindow | None = None
        self.reviews_dialog: MyReviewsDialog | None = None
        bar = window.menuBar()
        self.case_menu = bar.addMenu("")
        self.print_summary = QAction(window)
        self.print_summary.setShortcut("Ctrl+P")
        self.print_summary.triggered.connect(self.print_case_summary)
        self.case_menu.addAction(self.print_summary)
        self.account_menu = bar.addMenu("")
        self.my_reviews = QAction(window)
        self.my_reviews.triggered.connect(self.show_my_reviews)
        self.sign_out = QAction(window)
        self.sign_out.triggered.connect(self.switch_user)
        self.sign_out.setVisible(bool(getattr(window, "_sign_in", False)))
        self.account_menu.addAction(self.my_reviews)
        self.account_menu.addAction(self.sign_out)
        self.supervisor_menu = bar.addMenu("")
        self.open_supervisor = QAction(window)
        self.open_supervisor.triggered.connect(self.show_supervisor_window)
        self.supervisor_menu.addAction(self.open_supervisor)
        self.set_role(None)

    def retranslate_ui(self) -> None:
        """Menu texts in the current UI language."""
        self.case_menu.setTitle(_("&Case"))
        self.print_summary.setText(_("Print case summary (PDF)…"))
        self.print_summary.setToolTip(_("A summary of the selected case in the customer's language, as PDF"))
        self.account_menu.setTitle(_("&Account"))
        self.my_reviews.setText(_("My reviews…"))
        self.sign_out.setText(_("Sign out or switch user…"))
        self.supervisor_menu.setTitle(_("&Supervisor"))
        self.open_supervisor.setText(_("Open the supervisor window…"))

    def set_role(self, role: Role | None) -> None:
        """Offer what ``role`` may use (``None``: nobody signed in yet)."""
        from deskapp.core.security.permissions import allowed

        self.role = role
        supervises = role is not None and allowed(role, "report.view")
        self.supervisor_menu.menuAction().setVisible(supervises)
        self.open_supervisor.setEnabled(supervises)
        self.my_reviews.setEnabled(role is not None and allowed(role, "review.view_own"))

    # --- sign-in ----------------------------------------------------------------------------
    def ask_sign_in(self, username: str = "") -> None:
        """Show the sign-in dialog over the window; cancelling it closes the application."""
        from deskapp.ui.sign_in import SignInDialog

        window = self._window
        dialog = SignInDialog(window.runner, window.open_desk, window.describe_error, window, username)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.succeeded.connect(lambda _signed: self._signed_in(dialog))
        dialog.rejected.connect(window.close)
        self.sign_in_dialog = dialog
        dialog.show()
        _bring_forward(dialog)

    def _signed_in(self, dialog: SignInDialog) -> None:
        window, desk = self._window, self._window.open_desk
        chosen, code = dialog.language_chosen, dialog.chosen_language()

        def work() -> DeskInfo:
            if chosen:
                desk.set_ui_locale(code)  # picked at sign-in: remembered for next time
            return desk.agent_info()

        window.runner.submit(work, window.signed_in, window._show_error)

    def switch_user(self) -> None:
        """Keep the note safe, close the supervisor's views, and ask who signs in next."""
        window = self._window
        if window.desk is None:
            return
        window.next_caller()
        window.runner.wait()  # their answers are queued before the windows' deletion, not after
        for widget in (self.supervisor_window, self.reviews_dialog):
            if widget is not None:
                widget.close()
                widget.deleteLater()
        self.supervisor_window = self.reviews_dialog = None
        window.is_ready = False
        self.set_role(None)
        self.ask_sign_in()

    # --- what the signed-in person can open --------------------------------------------------
    def show_supervisor_window(self) -> None:
        """Open (or bring forward) the supervisor window."""
        from deskapp.core.security.permissions import allowed

        window = self._window
        if window.desk is None or self.role is None or not allowed(self.role, "report.view"):
            return
        if self.supervisor_window is None:
            from deskapp.ui.supervisor.window import SupervisorWindow

            self.supervisor_window = SupervisorWindow(window.runner, window.desk, window.describe_error, self.role,
                                                      window)
        self.supervisor_window.show()
        _bring_forward(self.supervisor_window)

    def show_my_reviews(self) -> None:
        """The signed-in rep's reviews and coaching."""
        window = self._window
        if window.desk is None:
            return
        if self.reviews_dialog is None:
            from deskapp.ui.my_reviews import MyReviewsDialog

            self.reviews_dialog = MyReviewsDialog(window.runner, window.desk, window.describe_error, window)
        self.reviews_dialog.load()
        self.reviews_dialog.show()
        _bring_forward(self.reviews_dialog)

    def print_case_summary(self) -> None:
        """Ask where to save the selected case's summary, then write it as PDF."""
        window = self._window
        case_id = window.notes.case_id
        if window.desk is None or case_id is None:
            window.banner.show_message(_("Open a case first: the summary is of the selected case."), "info")
            return
        path, _filter = QFileDialog.getSaveFileName(window, _("Save the case summary"), f"case-C-{case_id}.pdf",
                                                    _("PDF files (*.pdf)"))
        if path:
            self.write_summary(case_id, path)

    def write_summary(self, case_id: int, path: str) -> None:
        """Build the summary in the background, then lay it out as PDF here on the UI thread."""
        from deskapp.ui.pdf_summary import build_summary

        window, desk = self._window, self._window.open_desk
        window.runner.submit(lambda: build_summary(desk, case_id), lambda summary: self._render(summary, path),
                             window._show_error)

    def _render(self, summary: PrintedSummary, path: str) -> None:
        from deskapp.ui.pdf_summary import render_pdf

        window = self._window
        try:
            render_pdf(summary, path)
        except OSError:
            window.banner.show_message(_("The PDF could not be written to {path}. Choose another folder and try "
                                         "again.").format(path=path), "error")
            return
        window.banner.show_message(_("The case summary was saved to {path}.").format(path=path), "info")
