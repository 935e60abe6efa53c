"""The Phone menu's CTI listener inside the window: off by default, 127.0.0.1 only, as the signed-in rep.

The listener's thread hands each event to the window and waits: an incoming ``newCall`` shows the
caller first, then the event is logged, both on the window's one worker thread, so the log's
commit never delays the pop and the two never compete for the database. The PBX gets its answer
once the event is logged (503 if the window has not managed within :data:`CTI_WAIT_S`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow

from deskapp.core.errors import DeskappError
from deskapp.core.i18n import _, later
from deskapp.ui.language import translate_ui

if TYPE_CHECKING:
    from deskapp.core.services.calls.cti import CtiEvent
    from deskapp.core.services.calls.cti_server import CtiListener
    from deskapp.core.services.calls.log import CallerPreview, CallRow
    from deskapp.ui.desk_access import DeskAccess

CTI_WAIT_S = 10.0


class CtiStation(QObject):
    """The Phone menu's switch and the listener it runs."""

    _cti_event = Signal(object, object)  # CtiEvent, _Pending: from the listener's thread to the UI thread

    def __init__(self, access: DeskAccess, window: QMainWindow, *,
                 show_caller: Callable[[CallerPreview, str | None], None], logged: Callable[[], None]) -> None:
        """Add the Phone menu to ``window``; ``show_caller`` pops a caller, ``logged`` follows each logged event."""
        super().__init__(window)
        self._access, self._window, self._show_caller, self._logged = access, window, show_caller, logged
        self.listener: CtiListener | None = None
        self._cti: tuple[int, str] | None = None  # the running listener's port and token
        self._cti_event.connect(self._on_cti_event)
        self.menu = window.menuBar().addMenu("")
        self.cti_action = self.menu.addAction("")
        self.cti_action.setCheckable(True)
        self.cti_action.triggered.connect(self.toggle_cti)
        translate_ui(self)

    def retranslate_ui(self) -> None:
        """The menu in the current UI language."""
        self.menu.setTitle(_("&Phone"))
        self.cti_action.setText(_("&Listen for the telephone system (CTI)…"))

    def resume(self) -> None:
        """Someone signed in: listen as them if the listener runs or was left on."""
        from deskapp.ui.cti_settings import saved_setting

        enabled, port = saved_setting()
        if self.listener is not None and self._cti is not None:
            self._listen(*self._cti)
        elif enabled:
            self._resume_cti(port)

    def stop(self) -> None:
        """Stop the listener, if it runs."""
        self.stop_cti()

    def _resume_cti(self, port: int) -> None:
        from deskapp.core.security.credentials import CredentialStore
        from deskapp.ui.cti_settings import saved_token

        token = saved_token(CredentialStore())
        if token:
            self._listen(port, token)


    def toggle_cti(self, on: bool) -> None:
        """The Phone menu's switch: ask for the port and token, then listen; or stop."""
        from deskapp.core.security.credentials import CredentialStore
        from deskapp.ui.cti_settings import TOKEN_KEY, CtiDialog, save_setting, saved_setting, saved_token

        _enabled, port = saved_setting()
        if not on:
            self.stop_cti()
            save_setting(False, port)
            return
        store = CredentialStore()
        dialog = CtiDialog(port, saved_token(store), self._window)
        if dialog.exec() != CtiDialog.DialogCode.Accepted or not self._listen(dialog.port.value(),
                                                                            dialog.token.text().strip()):
            self.cti_action.setChecked(False)
            return
        store.set(TOKEN_KEY, dialog.token.text().strip())
        save_setting(True, dialog.port.value())


    def _listen(self, port: int, token: str) -> bool:
        try:
            self.start_cti(port, token)
        except OSError as exc:
            self._access.banner.show_message(
                later("The telephone system cannot be heard on port {port}: {reason}. Choose another port in the "
                      "Phone menu.", port=port, reason=exc.strerror or str(exc)), "error")
            self.cti_action.setChecked(False)
            return False
        self.cti_action.setChecked(True)
        return True


    def start_cti(self, port: int, token: str) -> None:
        """Listen for the telephone system on 127.0.0.1:``port`` as the signed-in rep.

        Raises:
            OSError: The port is taken.
        """
        from deskapp.core.services.calls.cti_server import CtiListener

        self.stop_cti()
        desk, info = self._access.open_desk, self._access.info
        assert desk.engine is not None
        assert info is not None
        self.listener = CtiListener(desk.engine, info.agent_id, token, port,
                                    apply=self._apply_cti)
        self.listener.start()
        self._cti = (self.listener.port, token)

    def stop_cti(self) -> None:
        """Stop the CTI listener, if it runs."""
        if self.listener is not None:
            self.listener.close()
            self.listener = None

    def _apply_cti(self, event: CtiEvent) -> CallRow:
        """On the listener's thread: hand the event to the window and wait until it is logged."""
        pending = _Pending()
        self._cti_event.emit(event, pending)
        if not pending.done.wait(CTI_WAIT_S):
            raise TimeoutError
        if pending.error is not None:
            raise pending.error
        assert pending.row is not None
        return pending.row

    def _on_cti_event(self, event: CtiEvent, pending: _Pending) -> None:
        """A CTI event on the UI thread: an incoming ``newCall`` shows the caller, then every event is logged.

        Both run on the window's one worker, in that order, so the log's commit never delays the pop.
        """
        from deskapp.core.services.calls.log import cti_event, find_caller

        desk = self._access.open_desk

        def logged(row: CallRow) -> None:
            pending.row = row
            pending.done.set()
            self._logged()

        def failed(exc: Exception) -> None:
            pending.error = exc if isinstance(exc, DeskappError) else DeskappError(str(exc))
            pending.done.set()

        def log_it(_preview: object = None) -> None:
            self._access.runner.submit(lambda: desk.as_agent(cti_event, event), logged, failed)

        def show(preview: CallerPreview) -> None:
            self._show_caller(preview, event.call_id)
            log_it()

        if event.event == "newCall" and event.direction == "in":
            number = event.from_number
            self._access.runner.submit(lambda: desk.as_agent(find_caller, number), show, log_it)
        else:
            log_it()


class _Pending:
    """A CTI event the window is logging, for the listener's thread that waits for it."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.row: CallRow | None = None
        self.error: DeskappError | None = None
