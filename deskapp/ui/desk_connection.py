"""The main window's link to the database: opening it, becoming ready, outages.

The database opens on the worker thread, so SQLAlchemy is imported off the paint path. A team
server may ask for a password (asked in the banner's button; kept in the keyring only if the rep
says so); someone may then have to sign in; then the window becomes ready for who is signed in.
Notes kept on this computer, from last time or from an outage, are offered or sent again. Every
failure ends in the banner, described in the current UI language.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QStatusBar, QWidget

from deskapp.core.i18n import _, current_locale, later
from deskapp.ui.desk_access import DeskAccess, plain_description
from deskapp.ui.language import switch_language, translate_ui

if TYPE_CHECKING:
    from deskapp.core.domain.enums import Role
    from deskapp.core.services.customers.import_runs import ImportStatus
    from deskapp.core.services.desk import Desk
    from deskapp.core.services.desk_session import DeskInfo
    from deskapp.core.services.notes.spool import FlushResult

__all__ = ["RECONNECT_MS", "DeskConnection", "plain_description"]

RECONNECT_MS = 10_000
IMPORT_POLL_MS = 5_000  # how often the status bar asks whether a customer import is running


class DeskConnection(QObject):
    """Opens the desk in the background and keeps the rep told about it.

    What the window does at each step it learns from the signals: ``sign_in_needed`` once the
    database is open (when someone must sign in), ``signed_in`` when it may offer what the agent's
    role allows, ``became_ready`` when the search answers, ``failed`` when the database cannot be
    opened, and ``open_case_requested`` for a draft kept from last time.
    """

    sign_in_needed = Signal()
    signed_in = Signal(object)  # DeskInfo
    became_ready = Signal()
    failed = Signal(str)
    open_case_requested = Signal(int, int)  # customer id, case id

    def __init__(self, access: DeskAccess, status: QStatusBar, dialog_parent: QWidget, *, db: str | None,
                 sign_in: bool, follow_agent_language: bool) -> None:
        super().__init__(access)  # ends with the window, as the access does
        self._access = access
        self._status = status
        self._dialog_parent = dialog_parent
        self._db = db
        self._sign_in = sign_in  # ask who is at the station once the database is open
        self._follow_agent_language = follow_agent_language
        self.banner_action = self._restore_drafts  # what the banner's button does
        self.act_as_role: Role | None = None  # the layout report: the first active agent of this role
        self._draft_cases: list[int] = []  # cases whose drafts from last time are still on offer
        self._offline_since = 0.0
        self._status_text: tuple[Callable[[], str], int, str] | None = None  # writer, timeout, text shown
        self._import_status: ImportStatus | None = None
        self._reconnect = QTimer(self)
        self._reconnect.setInterval(RECONNECT_MS)
        self._reconnect.timeout.connect(self.try_reconnect)
        self.import_label = QLabel()  # "Customer import running…": reps keep working, but should know
        self.import_label.setObjectName("import_status")
        self.import_label.hide()
        status.addPermanentWidget(self.import_label)
        self._import_poll = QTimer(self)
        self._import_poll.setInterval(IMPORT_POLL_MS)
        self._import_poll.timeout.connect(self.poll_import)
        translate_ui(self)

    def retranslate_ui(self) -> None:
        """The status bar's message (while still shown) and the import line, in the current language."""
        if self._status_text is not None:
            write, timeout, shown = self._status_text
            if self._status.currentMessage() == shown:
                self.show_status(write, timeout)
        if not self.import_label.isHidden():
            self._show_import(self._import_status)

    def show_status(self, write: Callable[[], str], timeout: int = 0) -> None:
        """``write()`` in the status bar, written again after a language switch while it is shown."""
        text = write()
        self._status_text = (write, timeout, text)
        self._status.showMessage(text, timeout)

    # --- opening ------------------------------------------------------------------------------
    def start(self, password: str | None = None, remember: bool = False, *, create: bool = False) -> None:
        """Open the database in the background (imports SQLAlchemy off the paint path).

        ``create``: make a new, empty desk where none exists (the rep said yes to that).
        """
        self.show_status(lambda: _("Opening the database…"))
        db, role = self._db, self.act_as_role

        def open_desk() -> tuple[Desk, DeskInfo, Callable[[BaseException], str]]:
            from deskapp.core.services.desk import Desk
            from deskapp.core.storage.engine import describe_storage_error

            desk = Desk(db)
            try:
                info = desk.open(password=password, remember=remember, create=create, role=role)
                return desk, info, describe_storage_error
            except Exception as exc:
                desk.close()  # a half-open desk (a server that wants a password) keeps no connection
                # The storage-aware describer rides on the exception to the UI thread, which has not
                # imported it yet; an attribute of our own, hence the ignore.
                exc.describe = describe_storage_error  # type: ignore[attr-defined]
                raise

        self._access.runner.submit(open_desk, self._on_ready, self._on_open_failed)

    def _on_ready(self, result: tuple[Desk, DeskInfo, Callable[[BaseException], str]]) -> None:
        access = self._access
        access.desk, access.info, access.describe = result
        if self._sign_in:
            self.sign_in_needed.emit()
        else:
            self.become_ready()

    def become_ready(self) -> None:
        """Act for the signed-in agent, in their language, and start answering the search."""
        access = self._access
        info = access.info
        assert info is not None, "ready comes after the database is open"
        access.is_ready = True
        self.signed_in.emit(info)
        self.try_reconnect()  # drafts kept on this computer during an earlier outage
        if self._follow_agent_language and info.ui_locale and info.ui_locale != current_locale():
            switch_language(info.ui_locale)
        self.show_status(lambda: _("Ready"), 3000)
        self._import_poll.start()
        if info.pending_drafts:
            self._offer_drafts(len(info.pending_drafts))
        self.became_ready.emit()

    def _on_open_failed(self, exc: Exception) -> None:
        describe = getattr(exc, "describe", plain_description)
        message = describe(exc)

        def reason() -> str:  # written again after a language switch, as the banner's texts are
            return str(describe(exc))

        banner = self._access.banner
        if type(exc).__name__ == "NoDatabase" and self._confirm_new_desk(message):
            self.start(create=True)
            return
        if type(exc).__name__ == "AuthenticationFailed":  # a team server that wants a password
            self.banner_action = self._ask_password
            banner.show_message(reason, "warning", lambda: _("Enter password…"))
            self.show_status(lambda: _("Not connected"))
            return
        banner.show_message(later("The database could not be opened: {reason}", reason=reason), "error")
        self.show_status(lambda: _("Not connected"))
        self.failed.emit(message)

    def _confirm_new_desk(self, message: str) -> bool:
        """Ask before an empty desk is made where the rep expected one (a typo, a deleted file)."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Question, _("No database here"), message,
                          QMessageBox.StandardButton.Cancel, self._dialog_parent)
        create = box.addButton(_("Make a new, empty desk"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAccessibleName(_("No database here"))
        box.exec()
        return box.clickedButton() is create

    def _ask_password(self) -> None:
        """The team server's password: asked here, remembered in the keyring only if the rep says so."""
        from PySide6.QtWidgets import QInputDialog, QMessageBox

        parent = self._dialog_parent
        password, ok = QInputDialog.getText(parent, _("Database password"), _("Password for the team database:"),
                                            QLineEdit.EchoMode.Password)
        if not ok or not password:
            return
        remember = QMessageBox.question(parent, _("Database password"),
                                        _("Remember this password on this computer?")) == \
            QMessageBox.StandardButton.Yes
        self._access.banner.hide()
        self.banner_action = self._restore_drafts
        self.start(password=password, remember=remember)

    # --- notes kept on this computer ----------------------------------------------------------
    def _offer_drafts(self, count: int) -> None:
        from deskapp.core.i18n import ngettext

        info = self._access.info
        # Every case with a draft, once each, oldest first: the banner walks through all of them.
        self._draft_cases = list(dict.fromkeys(
            d.case_id for d in (info.pending_drafts if info else ()) if d.case_id is not None))
        cases = len(self._draft_cases)
        self._access.banner.show_message(
            lambda: ngettext("You have {n} unsaved note from last time. Nothing was lost.",
                             "You have {n} unsaved notes from last time. Nothing was lost.", count).format(n=count),
            "warning", lambda: ngettext("Open it", "Open the first", cases))

    def _restore_drafts(self) -> None:
        from deskapp.core.i18n import ngettext

        access = self._access
        queue = self._draft_cases
        if not queue:
            access.banner.hide()
            return
        case_id = queue.pop(0)
        self.banner_action = self._restore_drafts
        if queue:  # the rest stay on offer until each is opened
            left = len(queue)
            access.banner.show_message(lambda: ngettext("{n} more case has an unsaved note from last time.",
                                                        "{n} more cases have unsaved notes from last time.",
                                                        left).format(n=left), "warning", lambda: _("Open the next"))
        else:
            access.banner.hide()
        desk = access.open_desk
        access.runner.submit(lambda: desk.case_customer(case_id),
                             lambda customer_id: self.open_case_requested.emit(customer_id, case_id),
                             access.show_error)

    def offline(self) -> None:
        """The server went away while saving: say so, and try again every ``RECONNECT_MS``."""
        self._offline_since = time.monotonic()
        banner = self._access.banner
        banner.show_message(lambda: _("The database server cannot be reached. Your notes are kept on this "
                                      "computer and sent as soon as it is back."), "warning")
        banner.kind = "offline"
        if not self._reconnect.isActive():
            self._reconnect.start()

    def try_reconnect(self) -> None:
        """Send the drafts kept on this computer; when all are through, the banner goes."""
        access = self._access
        desk, asked = access.open_desk, time.monotonic()
        access.runner.submit(desk.flush_offline_drafts, lambda result: self._flushed(result, asked),
                             lambda _exc: None, key="reconnect")

    def _flushed(self, result: FlushResult, asked: float) -> None:
        # Only a flush asked for after the outage began can tell that the server is back.
        if result.offline or result.remaining or asked < self._offline_since:
            return
        self._reconnect.stop()
        banner = self._access.banner
        if banner.kind == "offline":
            banner.show_message(lambda: _("The database server is back. Your notes were saved."), "info")

    # --- a customer import under way -------------------------------------------------------------
    def poll_import(self) -> None:
        """Ask (in the background) whether a customer import is running, and show it in the status bar."""
        desk = self._access.desk
        if desk is not None:
            self._access.runner.submit(desk.import_status, self._show_import, lambda _exc: None, key="import_status")

    def _show_import(self, status: ImportStatus | None) -> None:
        from deskapp.core.i18n.formatting import format_number, format_time

        label = self.import_label
        self._import_status = status
        if status is None:
            label.hide()
            return
        if status.stalled:
            text = _("A customer import stopped responding; it will be undone when the desk is next opened.")
        elif status.undoing:
            text = _("Undoing an interrupted customer import…")
        else:
            text = _("Customer import running since {time}: {count} customers so far").format(
                time=format_time(status.started_at), count=format_number(status.rows))
        label.setText(text)
        label.setAccessibleName(text)
        label.show()
