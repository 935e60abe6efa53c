"""The open customer and their cases: open, reload, create, edit, change status, assign.

Every change goes to the desk on the worker thread and comes back to the customer panel. A
customer saved by someone else meanwhile shows both versions (the conflict strip); a case changed
meanwhile is reloaded after the error is shown. Scripted responses read the open customer and case
from here, and go into the note of the open case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication

from deskapp.core.i18n import _

if TYPE_CHECKING:
    from deskapp.core.domain.enums import CaseStatus, Channel, Priority, PurchasePhase, SupportStage
    from deskapp.core.services.cases.cases import CaseRow
    from deskapp.core.services.customers.profile import ProfileRow
    from deskapp.ui.customer_panel import CustomerPanel
    from deskapp.ui.main_window import MainWindow
    from deskapp.ui.response_panel import ResponsePanel


class CaseFlow(QObject):
    """What the rep does with the open customer, between the customer panel, the note and the desk."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)  # a child of the window: its slots and timers end with it
        self._window = window
        self.customer_id: int | None = None

    def connect_panels(self, panel: CustomerPanel, responses: ResponsePanel) -> None:
        """Answer the customer panel's requests and the response panel's inserts (once both are built)."""
        panel.case_selected.connect(self._on_case_selected)
        panel.filter_changed.connect(lambda _open: self.load_cases())
        panel.status_requested.connect(self._change_status)
        panel.assign_requested.connect(self._assign)
        panel.new_case.submitted.connect(self._create_case)
        panel.edit_form.submitted.connect(self._save_customer)
        panel.conflict.resolved.connect(self._save_customer)
        panel.conflict.discarded.connect(self._conflict_discarded)
        responses.insert_requested.connect(self._insert_response)

    def _show_error(self, exc: Exception) -> None:
        self._window.connection.show_error(exc)

    # --- the customer -----------------------------------------------------------------------
    def open_customer(self, customer_id: int, select_case: int | None = None) -> None:
        """Load the customer's profile and cases."""
        window = self._window
        window.notes.flush()
        self.customer_id = customer_id
        desk, open_only = window.open_desk, window.panel.open_only
        window.runner.submit(lambda: (desk.profile(customer_id), desk.case_history(customer_id, open_only)),
                             lambda result: self._show_customer(customer_id, select_case, *result),
                             self._show_error, key="customer")

    def _show_customer(self, customer_id: int, select_case: int | None, profile: ProfileRow,
                       cases: list[CaseRow]) -> None:
        if customer_id != self.customer_id:
            return
        window = self._window
        window.panel.show_profile(profile)
        window.panel.show_cases(cases, select_case)
        window.responses.refresh_preview()
        if select_case is not None:
            window.notes.editor.setFocus()
        else:
            window.panel.cases.setFocus()

    def close_customer(self) -> None:
        """Keep the note safe and show no customer (the next caller)."""
        window = self._window
        window.notes.flush()
        window.notes.set_case(None)
        self.customer_id = None
        window.panel.show_profile(None)

    def _save_customer(self, customer_id: int, changes: dict[str, str], version: int) -> None:
        desk = self._window.open_desk
        self._window.runner.submit(lambda: desk.update_customer(customer_id, changes, version),
                                   self._customer_saved, self._customer_conflict)

    def _customer_saved(self, profile: ProfileRow) -> None:
        panel = self._window.panel
        panel.edit_form.hide()
        panel.show_profile(profile)

    def _customer_conflict(self, exc: Exception) -> None:
        from deskapp.core.services.customers.editing import CustomerConflict

        if not isinstance(exc, CustomerConflict):  # an ordinary error: the form stays open with the text
            self._show_error(exc)
            return
        panel = self._window.panel
        panel.edit_form.hide()
        panel.show_profile(exc.theirs)
        panel.conflict.show_conflict(exc.mine, exc.theirs)

    def _conflict_discarded(self) -> None:
        if self.customer_id:  # their version, fresh from the database
            self.open_customer(self.customer_id)

    # --- the customer's cases ---------------------------------------------------------------
    def load_cases(self, select_case: int | None = None) -> None:
        """Reload the open customer's cases, keeping ``select_case`` (or the current case) selected."""
        if self.customer_id is None:
            return
        window = self._window
        customer_id, desk, open_only = self.customer_id, window.open_desk, window.panel.open_only
        current = window.panel.current_case()
        keep = select_case or (current.id if current is not None else None)
        window.runner.submit(lambda: desk.case_history(customer_id, open_only),
                             lambda cases: window.panel.show_cases(cases, keep), self._show_error)

    def _on_case_selected(self, case: CaseRow | None) -> None:
        notes = self._window.notes
        case_id = case.id if case is not None else None
        if case_id != notes.case_id:
            notes.set_case(case_id)
            self._window.responses.refresh_preview()  # the customer and case fill in the placeholders

    def new_case(self) -> None:
        """The inline new-case form for the open customer."""
        if self.customer_id is not None:
            self._window.panel.new_case.open_form()

    def _create_case(self, subject: str, phase: PurchasePhase, stage: SupportStage, channel: Channel,
                     priority: Priority) -> None:
        customer_id = self.customer_id
        if customer_id is None:
            return
        desk = self._window.open_desk
        self._window.runner.submit(lambda: desk.open_case(customer_id, subject, phase, stage, channel, priority),
                                   self._case_created, self._show_error)

    def _case_created(self, case: CaseRow) -> None:
        self.load_cases(case.id)
        self._window.notes.editor.setFocus()

    def _change_status(self, case: CaseRow, status: CaseStatus) -> None:
        desk = self._window.open_desk
        self._window.runner.submit(lambda: desk.set_status(case.id, status, case.version_id),
                                   lambda row: self.load_cases(row.id), self._conflict_or_error)

    def _assign(self, case: CaseRow | None) -> None:
        if case is None:
            return
        desk = self._window.open_desk
        self._window.runner.submit(lambda: desk.assign_to_me(case.id, case.version_id),
                                   lambda row: self.load_cases(row.id), self._conflict_or_error)

    def _conflict_or_error(self, exc: Exception) -> None:
        self._show_error(exc)
        self.load_cases()

    # --- scripted responses -----------------------------------------------------------------
    def response_context(self) -> tuple[int | None, int | None]:
        """The open customer and case, whose details fill in a response's placeholders."""
        return self.customer_id, self._window.notes.case_id

    def _insert_response(self, text: str) -> None:
        window = self._window
        if window.notes.case_id is None:
            QGuiApplication.clipboard().setText(text)
            window.banner.show_message(_("Open or create a case to write a note; the response was copied "
                                         "to the clipboard instead."), "info")
            return
        window.notes.editor.insertPlainText(text)
        window.notes.editor.setFocus()
