"""The main window's link to the database: opening it, becoming ready, errors, outages.

The database opens on the worker thread, so SQLAlchemy is imported off the paint path. A team
server may ask for a password (asked in the banner's button; kept in the keyring only if the rep
says so); someone may then have to sign in; then the window becomes ready for who is signed in.
Notes kept on this computer, from last time or from an outage, are offered or sent again. Every
failure ends in the banner, described in the current UI language.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLineEdit

from deskapp.core.i18n import _, current_locale
from deskapp.ui.language import switch_language

if TYPE_CHECKING:
    from deskapp.core.services.desk import Desk, DeskInfo
    from deskapp.core.services.notes.spool import FlushResult
    from deskapp.ui.main_window import MainWindow

# How long after ready the window waits before loading what searching does not need.
AFTER_READY_MS = 600

RECONNECT_MS = 10_000


def plain_description(exc: BaseException) -> str:
    """The error's own message: what describes errors until the database layer is loaded."""
    message = getattr(exc, "message", None)
    return str(message or exc)


class DeskConnection(QObject):
    """Opens the window's desk in the background and keeps the rep told about it."""

    def __init__(self, window: MainWindow, db: str | None, sign_in: bool, follow_agent_language: bool) -> None:
        super().__init__(window)  # a child of the window: its slots and timers end with it
        self._window = window
        self._db = db
        self._sign_in = sign_in  # ask who is at the station once the database is open
        self._follow_agent_language = follow_agent_language
        self._describe: Callable[[BaseException], str] = plain_description
        self.banner_action = self._restore_drafts  # what the banner's button does
        self._offline_since = 0.0
        self._reconnect = QTimer(window)
        self._reconnect.setInterval(RECONNECT_MS)
        self._reconnect.timeout.connect(self.try_reconnect)

    # --- errors -------------------------------------------------------------------------------
    def describe_error(self, exc: Exception) -> str:
        """A sentence for the rep; the storage-aware describer arrives with the database."""
        return self._describe(exc)

    def show_error(self, exc: Exception) -> None:
        """Say in the banner what went wrong."""
        self._window.banner.show_message(self.describe_error(exc), "error")

    # --- opening ------------------------------------------------------------------------------
    def start(self, password: str | None = None, remember: bool = False) -> None:
        """Open the database in the background (imports SQLAlchemy off the paint path)."""
        window = self._window
        window.statusBar().showMessage(_("Opening the database…"))
        db = self._db

        def open_desk() -> tuple[Desk, DeskInfo, Callable[[BaseException], str]]:
            from deskapp.core.services.desk import Desk
            from deskapp.core.storage.engine import describe_storage_error

            desk = Desk(db)
            try:
                return desk, desk.open(password=password, remember=remember), describe_storage_error
            except Exception as exc:
                desk.close()  # a half-open desk (a server that wants a password) keeps no connection
                # The storage-aware describer rides on the exception to the UI thread, which has not
                # imported it yet; an attribute of our own, hence the ignore.
                exc.describe = describe_storage_error  # type: ignore[attr-defined]
                raise

        window.runner.submit(open_desk, self._on_ready, self._on_open_failed)

    def _on_ready(self, result: tuple[Desk, DeskInfo, Callable[[BaseException], str]]) -> None:
        window = self._window
        window.desk, window.info, self._describe = result
        if self._sign_in:
            window.menus.ask_sign_in()
        else:
            self.become_ready()

    def become_ready(self) -> None:
        """Offer what the signed-in agent may use, in their language, and start answering the search."""
        from deskapp.core.security.permissions import allowed

        window, info = self._window, self._window.info
        assert info is not None, "ready comes after the database is open"
        window.is_ready = True
        window.menus.set_role(info.agent_role)
        window.panel.new_case.station_channel = info.station_channel
        role = info.agent_role
        # An administrator works no cases: no response or script tab to fail in (deny by default).
        can_respond, can_script = allowed(role, "response.use"), allowed(role, "script.run")
        tabs = window.notes.side_tabs
        tabs.setTabVisible(tabs.indexOf(window.responses), can_respond)
        tabs.setTabVisible(tabs.indexOf(window.scripts), can_script)
        window.responses.active = can_respond
        window.responses.set_can_edit(allowed(role, "response.edit"))
        window.scripts.active = can_script
        if can_script:
            window.scripts.refresh_list()
        self.try_reconnect()  # drafts kept on this computer during an earlier outage
        if self._follow_agent_language and info.ui_locale and info.ui_locale != current_locale():
            switch_language(info.ui_locale)
        window.statusBar().showMessage(_("Ready"), 3000)
        window.update_status()
        if info.pending_drafts:
            self._offer_drafts(len(info.pending_drafts))
        if window.search.text().strip():
            window.customer_search.on_text(window.search.text())
        # Modules, mappers, compiled statements and widgets made so far live as long as the window:
        # moved out of the collector's sight, they no longer make its full passes tens of ms long
        # pauses in the middle of someone's typing (bench/typing_latency.py).
        gc.freeze()
        # What is not needed to search waits for a quiet moment after ready, so the rep's first
        # search does not queue behind it on the single worker.
        QTimer.singleShot(AFTER_READY_MS, self._after_ready)
        window.ready.emit()

    def _after_ready(self) -> None:
        """The response list (it loads the template modules, ~0.1 s) and phonenumbers (50-100 ms)."""
        from deskapp.core.search import phones

        window = self._window
        if not window.is_ready:
            return
        if window.responses.active:
            window.responses.refresh_list()
        window.runner.submit(phones.load)

    def _on_open_failed(self, exc: Exception) -> None:
        window = self._window
        describe = getattr(exc, "describe", plain_description)
        message = describe(exc)
        if type(exc).__name__ == "AuthenticationFailed":  # a team server that wants a password
            self.banner_action = self._ask_password
            window.banner.show_message(message, "warning", _("Enter password…"))
            window.statusBar().showMessage(_("Not connected"))
            return
        window.banner.show_message(_("The database could not be opened: {reason}").format(reason=message), "error")
        window.statusBar().showMessage(_("Not connected"))
        window.failed.emit(message)

    def _ask_password(self) -> None:
        """The team server's password: asked here, remembered in the keyring only if the rep says so."""
        from PySide6.QtWidgets import QInputDialog, QMessageBox

        window = self._window
        password, ok = QInputDialog.getText(window, _("Database password"), _("Password for the team database:"),
                                            QLineEdit.EchoMode.Password)
        if not ok or not password:
            return
        remember = QMessageBox.question(window, _("Database password"),
                                        _("Remember this password on this computer?")) == \
            QMessageBox.StandardButton.Yes
        window.banner.hide()
        self.banner_action = self._restore_drafts
        window.start(password=password, remember=remember)

    # --- notes kept on this computer ----------------------------------------------------------
    def _offer_drafts(self, count: int) -> None:
        from deskapp.core.i18n import ngettext

        text = ngettext("You have {n} unsaved note from last time. Nothing was lost.",
                        "You have {n} unsaved notes from last time. Nothing was lost.", count).format(n=count)
        self._window.banner.show_message(text, "warning", _("Open it"))

    def _restore_drafts(self) -> None:
        window = self._window
        case_ids = [d.case_id for d in (window.info.pending_drafts if window.info else ()) if d.case_id is not None]
        if not case_ids:
            window.banner.hide()
            return
        case_id = case_ids[0]
        window.banner.hide()
        desk = window.open_desk
        window.runner.submit(lambda: desk.case_customer(case_id),
                             lambda customer_id: window.open_customer(customer_id, select_case=case_id),
                             self.show_error)

    def offline(self) -> None:
        """The server went away while saving: say so, and try again every ``RECONNECT_MS``."""
        self._offline_since = time.monotonic()
        banner = self._window.banner
        banner.show_message(_("The database server cannot be reached. Your notes are kept on this computer "
                              "and sent as soon as it is back."), "warning")
        banner.kind = "offline"
        if not self._reconnect.isActive():
            self._reconnect.start()

    def try_reconnect(self) -> None:
        """Send the drafts kept on this computer; when all are through, the banner goes."""
        window = self._window
        desk, asked = window.open_desk, time.monotonic()
        window.runner.submit(desk.flush_offline_drafts, lambda result: self._flushed(result, asked),
                             lambda _exc: None, key="reconnect")

    def _flushed(self, result: FlushResult, asked: float) -> None:
        # Only a flush asked for after the outage began can tell that the server is back.
        if result.offline or result.remaining or asked < self._offline_since:
            return
        self._reconnect.stop()
        banner = self._window.banner
        if banner.kind == "offline":
            banner.show_message(_("The database server is back. Your notes were saved."), "info")
