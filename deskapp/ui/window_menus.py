"""The main window's Case, Account and Supervisor menus, and the sign-in that decides what they offer.

Kept out of ``main_window.py`` so the rep's window only gains a few lines: it calls
:meth:`WindowMenus.ask_sign_in` once the database is open and :meth:`set_role` when someone is
signed in, and hears back through ``signed_in`` and ``switching_user``. Nothing here imports
SQLAlchemy at import time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMainWindow, QWidget

from deskapp.core.i18n import _
from deskapp.ui.language import translate_ui

if TYPE_CHECKING:
    from deskapp.core.domain.enums import Role
    from deskapp.core.services.desk_session import DeskInfo
    from deskapp.ui.desk_access import DeskAccess
    from deskapp.ui.my_reviews import MyReviewsDialog
    from deskapp.ui.pdf_summary import PrintedSummary
    from deskapp.ui.privacy_dialog import PrivacyDialog
    from deskapp.ui.sign_in import SignInDialog
    from deskapp.ui.supervisor.window import SupervisorWindow


def _bring_forward(widget: QWidget) -> None:
    # The headless platform (tests, smoke test) cannot raise windows and warns if asked to.
    if QGuiApplication.platformName() != "offscreen":
        widget.raise_()
        widget.activateWindow()


class WindowMenus(QObject):
    """Menus whose entries depend on who is signed in, on ``window``'s menu bar.

    ``current_case`` tells which case the summary is of; ``signed_in`` carries who signed in,
    ``language_chosen`` a language picked in the supervisor window, and ``switching_user`` asks
    the window to keep the note safe and clear the customer; ``signed_out`` follows once nobody is
    signed in.
    """

    signed_in = Signal(object)  # DeskInfo
    switching_user = Signal()
    language_chosen = Signal(str)  # from the supervisor window's Language menu or Ctrl+Shift+L
    signed_out = Signal()  # the previous user is gone; the next one has not signed in yet

    def __init__(self, access: DeskAccess, window: QMainWindow, current_case: Callable[[], tuple[int | None, str]],
                 sign_in: bool) -> None:
        super().__init__(access)
        self._access = access
        self._window = window  # the menu bar's owner, and the dialogs' parent
        self._current_case = current_case  # the selected case's id and reference ("C-1042")
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
        self.sign_out.setVisible(sign_in)
        self.account_menu.addAction(self.my_reviews)
        self.account_menu.addAction(self.sign_out)
        self.supervisor_menu = bar.addMenu("")
        self.open_supervisor = QAction(window)
        self.open_supervisor.triggered.connect(self.show_supervisor_window)
        self.supervisor_menu.addAction(self.open_supervisor)
        self.privacy_dialog: PrivacyDialog | None = None
        self.admin_menu = bar.addMenu("")
        self.privacy_request = QAction(window)
        self.privacy_request.triggered.connect(self.show_privacy_request)
        self.admin_menu.addAction(self.privacy_request)
        self.set_role(None)
        translate_ui(self)

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
        self.admin_menu.setTitle(_("A&dmin"))
        self.privacy_request.setText(_("Privacy request…"))
        self.privacy_request.setToolTip(_("Export everything about a customer, or erase them at their request"))

    def set_role(self, role: Role | None) -> None:
        """Offer what ``role`` may use (``None``: nobody signed in yet)."""
        from deskapp.core.security.permissions import allowed

        self.role = role
        supervises = role is not None and allowed(role, "report.view")
        self.supervisor_menu.menuAction().setVisible(supervises)
        self.open_supervisor.setEnabled(supervises)
        self.my_reviews.setEnabled(role is not None and allowed(role, "review.view_own"))
        erases = role is not None and allowed(role, "customer.erase")
        self.admin_menu.menuAction().setVisible(erases)
        self.privacy_request.setEnabled(erases)

    # --- sign-in ----------------------------------------------------------------------------
    def ask_sign_in(self, username: str = "") -> None:
        """Show the sign-in dialog over the window; cancelling it closes the application."""
        from deskapp.ui.sign_in import SignInDialog

        access = self._access
        dialog = SignInDialog(access.runner, access.open_desk, access.describe_error, self._window, username)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.succeeded.connect(lambda _signed: self._signed_in(dialog))
        dialog.rejected.connect(self._window.close)
        self.sign_in_dialog = dialog
        dialog.show()
        _bring_forward(dialog)

    def _signed_in(self, dialog: SignInDialog) -> None:
        access = self._access
        desk = access.open_desk
        chosen, code = dialog.language_chosen, dialog.chosen_language()

        def work() -> DeskInfo:
            if chosen:
                desk.set_ui_locale(code)  # picked at sign-in: remembered for next time
            return desk.agent_info()

        access.runner.submit(work, self.signed_in.emit, access.show_error)

    def switch_user(self) -> None:
        """Keep the note safe, close the supervisor's views, and ask who signs in next."""
        access = self._access
        if access.desk is None:
            return
        self.switching_user.emit()
        access.runner.wait()  # their answers are queued before the windows' deletion, not after
        for widget in (self.supervisor_window, self.reviews_dialog, self.privacy_dialog):
            if widget is not None:
                widget.close()
                widget.deleteLater()
        self.supervisor_window = self.reviews_dialog = self.privacy_dialog = None
        access.is_ready = False
        access.info = None  # nobody is signed in until the dialog says who: the status bar names no one
        self.set_role(None)
        self.signed_out.emit()
        self.ask_sign_in()

    # --- what the signed-in person can open --------------------------------------------------
    def show_supervisor_window(self) -> None:
        """Open (or bring forward) the supervisor window."""
        from deskapp.core.security.permissions import allowed

        access = self._access
        if access.desk is None or self.role is None or not allowed(self.role, "report.view"):
            return
        if self.supervisor_window is None:
            from deskapp.ui.supervisor.window import SupervisorWindow

            self.supervisor_window = SupervisorWindow(access.runner, access.desk, access.describe_error, self.role,
                                                      self._window)
            self.supervisor_window.language_chosen.connect(self.language_chosen)
        self.supervisor_window.show()
        _bring_forward(self.supervisor_window)

    def show_privacy_request(self) -> None:
        """An administrator's privacy request: export or erase one customer."""
        from deskapp.core.security.permissions import allowed

        access = self._access
        if access.desk is None or self.role is None or not allowed(self.role, "customer.erase"):
            return
        if self.privacy_dialog is None:
            from deskapp.ui.privacy_dialog import PrivacyDialog

            self.privacy_dialog = PrivacyDialog(access.runner, access.desk, access.describe_error, self._window)
        self.privacy_dialog.show()
        _bring_forward(self.privacy_dialog)

    def show_my_reviews(self) -> None:
        """The signed-in rep's reviews and coaching."""
        access = self._access
        if access.desk is None:
            return
        if self.reviews_dialog is None:
            from deskapp.ui.my_reviews import MyReviewsDialog

            self.reviews_dialog = MyReviewsDialog(access.runner, access.desk, access.describe_error, self._window)
        self.reviews_dialog.load()
        self.reviews_dialog.show()
        _bring_forward(self.reviews_dialog)

    def print_case_summary(self) -> None:
        """Ask where to save the selected case's summary, then write it as PDF."""
        case_id, reference = self._current_case()
        if self._access.desk is None or case_id is None:
            self._access.banner.show_message(lambda: _("Open a case first: the summary is of the selected case."),
                                             "info")
            return
        path, _filter = QFileDialog.getSaveFileName(self._window, _("Save the case summary"), f"case-{reference}.pdf",
                                                    _("PDF files (*.pdf)"))
        if path:
            self.write_summary(case_id, path)

    def write_summary(self, case_id: int, path: str) -> None:
        """Build the summary in the background, then lay it out as PDF here on the UI thread."""
        from deskapp.ui.pdf_summary import build_summary

        access = self._access
        desk = access.open_desk
        access.runner.submit(lambda: build_summary(desk, case_id), lambda summary: self._render(summary, path),
                             access.show_error)

    def _render(self, summary: PrintedSummary, path: str) -> None:
        from deskapp.core.errors import DeskappError
        from deskapp.core.io.safe_write import database_file
        from deskapp.ui.pdf_summary import render_pdf

        banner = self._access.banner
        desk = self._access.desk
        engine = desk.engine if desk is not None else None
        try:
            render_pdf(summary, path, database=database_file(engine.url) if engine is not None else None)
        except DeskappError as exc:  # the database itself, a folder, a full disk
            banner.show_message(exc.retranslated, "error")
            return
        except OSError:
            banner.show_message(lambda: _("The PDF could not be written to {path}. Choose another folder and try "
                                          "again.").format(path=path), "error")
            return
        banner.show_message(lambda: _("The case summary was saved to {path}.").format(path=path), "info")
