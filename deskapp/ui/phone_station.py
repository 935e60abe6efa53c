"""The window's phone station: ``deskapp call`` and the CTI listener pop the caller; due callbacks alert.

A call handed over by ``deskapp call`` (local socket, :mod:`deskapp.ui.call_link`) or announced by
the in-window CTI listener (off by default; Phone menu) is logged as the signed-in rep, then the
window comes to the front with the caller open (one match), the candidates in the results (several),
or the number in the search box with the banner offering a new customer (none). Every minute the
station reads the rep's due callbacks: the status line says how many (never a modal dialog) and
Ctrl+Shift+B jumps to the next one in the phone tab.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QLabel, QLineEdit, QMainWindow, QSplitter, QTabWidget

from deskapp.core.i18n import _, later, ngettext
from deskapp.ui.call_link import CallServer, Reply
from deskapp.ui.calls_panel import CallsPanel
from deskapp.ui.cti_station import CtiStation
from deskapp.ui.language import translate_ui

if TYPE_CHECKING:
    from deskapp.core.services.calls.callbacks import CallbackRow
    from deskapp.core.services.calls.log import CallerPreview, CallerResult, CallRow
    from deskapp.ui.desk_access import DeskAccess

log = logging.getLogger(__name__)
DUE_CHECK_MS = 60_000
SNOOZE = dt.timedelta(minutes=15)
HEADLESS = frozenset({"offscreen", "minimal"})


def local_zone() -> dt.tzinfo:
    """This computer's time zone: the one a rep means by "14:30"."""
    zone = dt.datetime.now().astimezone().tzinfo
    return zone or dt.UTC


class PhoneStation(QObject):
    """Owns the call server, the CTI listener, the phone tab and the due-callback line."""

    caller_shown = Signal(object)  # CallerResult, once the window shows the caller (tests, benchmark)

    def __init__(self, access: DeskAccess, window: QMainWindow, split: QSplitter, search: QLineEdit, *,
                 open_customer: Callable[[int], None], context: Callable[[], tuple[int | None, int | None]]) -> None:
        """Put the phone tab beside the search results (``split``'s first pane), the due line in the status bar.

        Typing in ``search`` brings the results back; ``open_customer`` opens a customer, and
        ``context`` is the open (customer, case), which a new callback is for.
        """
        super().__init__(window)
        self._access, self._window, self._search = access, window, search
        self._open_customer, self._context = open_customer, context
        self.panel = CallsPanel()
        self.tabs = self._tabs = QTabWidget()
        self.tabs.setObjectName("leftTabs")
        results = split.replaceWidget(0, self.tabs)
        if results is not None:  # always: the window's first frame put the results there
            self.tabs.addTab(results, "")
        self.tabs.addTab(self.panel, "")
        search.textEdited.connect(lambda _text: self.tabs.setCurrentIndex(0))
        self.status = QLabel()
        self.status.setObjectName("dueCallbacks")
        self.status.setStyleSheet("color:#b3261e; font-weight:600;")
        window.statusBar().addPermanentWidget(self.status)
        self.server = CallServer(self)
        self.server.requested.connect(self.handle_call)
        self.due: list[CallbackRow] = []
        self._timer = QTimer(self)
        self._timer.setInterval(DUE_CHECK_MS)
        self._timer.timeout.connect(self.check_due)
        self.cti = CtiStation(access, window, show_caller=self._show_caller, logged=self.refresh)
        panel = self.panel
        panel.refresh_requested.connect(self.refresh)
        panel.call_back.connect(self.dial)
        panel.mark_seen.connect(lambda call_id: self._do("mark_seen", call_id))
        panel.open_customer.connect(open_customer)
        panel.add_callback.connect(self.add_callback)
        panel.callback_done.connect(lambda cid: self._do("complete_callback", cid))
        panel.callback_snooze.connect(self.snooze)
        panel.new_caller.submitted.connect(self.add_caller)
        translate_ui(self)

    def retranslate_ui(self) -> None:
        """The tab title and the due line in the current UI language."""
        self._tabs.setTabText(0, _("Customers"))
        self._tabs.setAccessibleName(_("Search results and phone"))
        self._tabs.setTabText(self._tabs.indexOf(self.panel), _("Phone"))
        self._tabs.setTabToolTip(self._tabs.indexOf(self.panel), _("Call log and callbacks (Ctrl+Shift+B)"))
        self._show_due()

    # --- start and stop -------------------------------------------------------------------
    def start(self) -> None:
        """The window is ready: answer ``deskapp call``, read the log and the due callbacks."""
        if not self.server.listen():
            log.info("another deskapp window of this user answers deskapp call")
        self._timer.start()
        self.refresh()
        self.cti.resume()

    def close(self) -> None:
        """The window closes: stop listening."""
        self.server.close()
        self.cti.stop()
        self._timer.stop()

    # --- a call comes in --------------------------------------------------------------------
    def handle_call(self, number: str, direction: str, reply: Reply | None = None) -> None:
        """Show the caller, then log the call as the signed-in rep and answer ``deskapp call``."""
        from deskapp.core.services.calls.log import find_caller, new_call_id, record_call

        if not self._access.is_ready:
            if reply is not None:
                reply({"error": _("The deskapp window is not signed in yet. Sign in, then try again.")})
            return
        desk = self._access.open_desk

        def failed(exc: Exception) -> None:
            if reply is not None:
                reply({"error": self._access.describe_error(exc)})
            self._access.show_error(exc)

        def logged(result: CallerResult) -> None:
            if reply is not None:
                reply(caller_answer(result))
            self.refresh()
            self.caller_shown.emit(result)

        def found(preview: CallerPreview) -> None:
            self._show_caller(preview, call_id)  # queues the customer's profile first ...
            self._access.runner.submit(  # ... then the log's write, which waits for the disk
                lambda: desk.as_agent(record_call, number, direction=direction, call_id=call_id), logged, failed)

        call_id = new_call_id()
        self._access.runner.submit(lambda: desk.as_agent(find_caller, number), found, failed)

    def _show_caller(self, preview: CallerPreview, call_id: str | None) -> None:
        self.bring_to_front()
        matches = preview.matches
        if len(matches) == 1:
            self._open_customer(matches[0].customer_id)
        else:
            self._search_for(preview.number)
            if matches:
                self._tabs.setCurrentIndex(0)
            else:
                self.show_new_customer(preview.number, call_id)

    def show_new_customer(self, number: str, call_id: str | None) -> None:
        """The phone tab's new-customer form, ``number`` filled in (a call nobody's number matched)."""
        from deskapp.core.services.calls.new_caller import brand_choices

        self._access.banner.show_message(
            later("No customer has the number {number}. Add them as a new customer, or search by name.",
                  number=number), "info")
        self._tabs.setCurrentWidget(self.panel)
        desk = self._access.open_desk
        self._access.runner.submit(lambda: desk.as_agent(brand_choices, number),
                                   lambda brands: self.panel.new_caller.open_for(number, call_id, brands),
                                   self._access.show_error)

    def add_caller(self, number: str, given: str, family: str, brand: str, account: str) -> None:
        """Create the customer the form describes, then open them."""
        from deskapp.core.services.calls.new_caller import add_caller

        desk, call_id = self._access.open_desk, self.panel.new_caller.call_id
        self._access.runner.submit(
            lambda: desk.as_agent(add_caller, number, given_name=given, family_name=family, brand_code=brand,
                                  account_number=account, call_id=call_id),
            self._caller_added, self._access.show_error)

    def _caller_added(self, customer_id: int) -> None:
        self.panel.new_caller.hide()
        self._access.banner.hide()
        self._open_customer(customer_id)
        self.refresh()

    def set_privacy(self, on: bool) -> None:
        """The window's privacy mask: the phone tab's numbers too."""
        self.panel.calls_model.set_privacy(on)
        self.panel.callbacks_model.set_privacy(on)

    def _search_for(self, number: str) -> None:
        self._search.setText(number)

    def bring_to_front(self) -> None:
        """Raise the window (a minimised one is restored)."""
        window = self._window
        if window.isMinimized():
            window.showNormal()
        window.show()
        if QGuiApplication.platformName() not in HEADLESS:  # which cannot raise, and warn so
            window.raise_()
            window.activateWindow()

    # --- the log and the callbacks --------------------------------------------------------------
    def refresh(self) -> None:
        """Read the call log and open callbacks again."""
        from deskapp.core.services.calls.callbacks import list_callbacks
        from deskapp.core.services.calls.log import list_calls

        if not self._access.is_ready:
            return
        desk = self._access.open_desk
        since = dt.datetime.now(dt.UTC) - dt.timedelta(days=14)
        self._access.runner.submit(
            lambda: (desk.as_agent(list_calls, since=since, limit=500), desk.as_agent(list_callbacks)),
            self._fill, self._access.show_error, key="phone_station")
        self.check_due()

    def _fill(self, rows: tuple[list[CallRow], list[CallbackRow]]) -> None:
        self.panel.calls_model.set_rows(rows[0])
        self.panel.callbacks_model.set_rows(rows[1])

    def check_due(self) -> None:
        """Read the rep's due callbacks (their own and the team's) for the status line."""
        from deskapp.core.services.calls.callbacks import due_for_me

        if not self._access.is_ready:
            return
        desk = self._access.open_desk
        self._access.runner.submit(lambda: desk.as_agent(due_for_me), self._set_due, key="phone_due")

    def _set_due(self, rows: list[CallbackRow]) -> None:
        self.due = rows
        self._show_due()

    def _show_due(self) -> None:
        count = len(self.due)
        text = ngettext("{n} callback due — Ctrl+Shift+B", "{n} callbacks due — Ctrl+Shift+B", count).format(
            n=count) if count else ""
        self.status.setText(text)
        self.status.setAccessibleName(text or _("No callbacks due"))
        self.panel.show_due(text)

    def next_due_callback(self) -> None:
        """Ctrl+Shift+B: the phone tab, with the next due callback selected."""
        self._tabs.setCurrentWidget(self.panel)
        if self.due:
            current = self.panel.selected_callback()
            ids = [row.id for row in self.due]
            after = ids.index(current.id) + 1 if current is not None and current.id in ids else 0
            self.panel.select_callback(ids[after % len(ids)])
        else:
            self.panel.callbacks.setFocus()

    def dial(self, number: str) -> None:
        """Call ``number`` through the system's ``tel:`` handler (the softphone)."""
        if not QDesktopServices.openUrl(QUrl("tel:" + number)):
            self._access.banner.show_message(
                later("No program on this computer dials tel: links. Dial {number} on the phone.", number=number),
                "info")

    def add_callback(self, text: str, team: bool) -> None:
        """A callback at the time ``text`` names, for the selected call or else the open customer."""
        from deskapp.core.services.calls.callbacks import create_callback
        from deskapp.core.services.calls.due import parse_due

        due_at = parse_due(text, dt.datetime.now(dt.UTC), local_zone())
        if due_at is None:
            self._access.banner.show_message(
                lambda: _("Write when to call back, e.g. 14:30, Friday, tomorrow 9:00 or +30 min."), "info")
            return
        call = self.panel.selected_call()
        customer, case = self._context()
        kwargs: dict[str, Any] = {"note": text.strip(), "team": team}
        if call is not None:
            kwargs["call_id"] = call.call_id
        elif customer is not None:
            kwargs["customer_id"], kwargs["case_id"] = customer, case
        else:
            self._access.banner.show_message(lambda: _("Select a call or open a customer first."), "info")
            return
        desk = self._access.open_desk
        self._access.runner.submit(lambda: desk.as_agent(create_callback, due_at, **kwargs),
                                   lambda _row: self._added(), self._access.show_error)

    def _added(self) -> None:
        self.panel.when.clear()
        self.refresh()

    def snooze(self, callback_id: int, text: str) -> None:
        """Snooze 15 minutes (``text`` empty) or defer to the time ``text`` names."""
        from deskapp.core.services.calls.due import parse_due

        now = dt.datetime.now(dt.UTC)
        until = parse_due(text, now, local_zone()) if text.strip() else now + SNOOZE
        if until is None:
            self._access.banner.show_message(
                lambda: _("Write when to call back, e.g. 14:30, Friday, tomorrow 9:00 or +30 min."), "info")
            return
        self._do("snooze_callback", callback_id, until)

    def _do(self, name: str, *args: object) -> None:
        from deskapp.core.services.calls import callbacks, log

        service = getattr(callbacks, name, None) or getattr(log, name)
        desk = self._access.open_desk
        self._access.runner.submit(lambda: desk.as_agent(service, *args), lambda _row: self.refresh(),
                                   self._access.show_error)


def caller_answer(result: CallerResult) -> dict[str, Any]:
    """The ``deskapp call --json`` object for a call the window logged."""
    return {
        "number": result.call.number,
        "matches": [{"account_number": m.account_number, "display_name": m.display_name} for m in result.matches],
        "call_id": result.call.call_id,
    }
