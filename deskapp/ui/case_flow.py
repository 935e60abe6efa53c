"""The open customer and their cases: open, reload, create, edit, change status, assign.

Every change goes to the desk on the worker thread and comes back to the customer panel. A
customer saved by someone else meanwhile shows both versions (the conflict strip); a case changed
meanwhile is reloaded after the error is shown. Scripted responses read the open customer and case
from here, and go into the note of the open case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication

from deskapp.core.i18n import _

if TYPE_CHECKING:
    from deskapp.core.domain.enums import CaseStatus, Channel, Priority, PurchasePhase, SupportStage
    from deskapp.core.services.cases.cases import CaseRow
    from deskapp.core.services.customers.profile import ProfileRow
    from deskapp.core.services.merge.duplicates import DuplicatePair
    from deskapp.core.services.merge.unmerging import AbsorbedRow, UnmergeResult
    from deskapp.ui.customer_panel import CustomerPanel
    from deskapp.ui.desk_access import DeskAccess
    from deskapp.ui.note_editor import NoteEditor
    from deskapp.ui.response_panel import ResponsePanel


class CaseFlow(QObject):
    """What the rep does with the open customer, between the customer panel, the note and the desk."""

    customers_changed = Signal()  # a merge was undone: a customer is back, so search results change

    def __init__(self, access: DeskAccess) -> None:
        super().__init__(access)  # ends with the window, as the access does
        self._access = access
        self.customer_id: int | None = None
        self._panels: tuple[CustomerPanel, NoteEditor, ResponsePanel] | None = None

    def attach(self, panel: CustomerPanel, notes: NoteEditor, responses: ResponsePanel) -> None:
        """Work with the customer panel, the note and the responses, and answer their requests (once built)."""
        self._panels = (panel, notes, responses)
        panel.case_selected.connect(self._on_case_selected)
        panel.filter_changed.connect(lambda _open: self.load_cases())
        panel.status_requested.connect(self._change_status)
        panel.assign_requested.connect(self._assign)
        panel.new_case.submitted.connect(self._create_case)
        panel.edit_form.submitted.connect(self._save_customer)
        panel.conflict.resolved.connect(self._save_customer)
        panel.conflict.discarded.connect(self._conflict_discarded)
        panel.duplicate_hint.merge_requested.connect(self._open_merge)
        panel.merged_hint.undo_requested.connect(self._confirm_unmerge)
        responses.insert_requested.connect(self.insert_into_note)

    @property
    def _panel(self) -> CustomerPanel:
        assert self._panels is not None, "the panels are attached before any customer is opened"
        return self._panels[0]

    @property
    def _notes(self) -> NoteEditor:
        assert self._panels is not None, "the panels are attached before any customer is opened"
        return self._panels[1]

    @property
    def _responses(self) -> ResponsePanel:
        assert self._panels is not None, "the panels are attached before any customer is opened"
        return self._panels[2]

    def _show_error(self, exc: Exception) -> None:
        self._access.show_error(exc)

    # --- the customer -----------------------------------------------------------------------
    def open_customer(self, customer_id: int, select_case: int | None = None) -> None:
        """Load the customer's profile and cases."""
        self._notes.flush()
        self.customer_id = customer_id
        desk, open_only = self._access.open_desk, self._panel.open_only
        self._access.runner.submit(lambda: (desk.profile(customer_id), desk.case_history(customer_id, open_only)),
                             lambda result: self._show_customer(customer_id, select_case, *result),
                             self._show_error, key="customer")

    def _show_customer(self, customer_id: int, select_case: int | None, profile: ProfileRow,
                       cases: list[CaseRow]) -> None:
        if customer_id != self.customer_id:
            return
        self._panel.show_profile(profile)
        self._panel.show_cases(cases, select_case)
        self._check_duplicates(profile.customer_id)
        self._check_merged(profile.customer_id)
        self._responses.refresh_preview()
        if select_case is not None:
            self._notes.editor.setFocus()
        else:
            self._panel.cases.setFocus()

    def _check_duplicates(self, customer_id: int) -> None:
        from deskapp.core.security.permissions import allowed
        from deskapp.core.services.merge.duplicates import likely_duplicates

        desk, info, hint = self._access.open_desk, self._access.info, self._panel.duplicate_hint
        hint.may_merge = info is not None and allowed(info.agent_role, "customer.merge")

        def show(pairs: list[DuplicatePair]) -> None:
            if customer_id == getattr(self._panel.profile, "customer_id", None):
                hint.show_pair(pairs[0] if pairs else None)

        # A hint that cannot be worked out is simply not shown: it must never get in the rep's way.
        self._access.runner.submit(lambda: desk.as_agent(likely_duplicates, customer_id), show,
                                   lambda _exc: hint.show_pair(None), key="duplicates")

    def _open_merge(self, keep_id: int, other_id: int) -> None:
        from deskapp.ui.merge_dialog import MergeDialog

        dialog = MergeDialog(self._access, keep_id, other_id, self._panel.window())
        dialog.merged.connect(self._merged)
        dialog.open()

    def _merged(self, kept_id: int) -> None:
        self._panel.duplicate_hint.show_pair(None)
        self.open_customer(kept_id)

    # --- undoing a merge (supervisors) -----------------------------------------------------
    def _check_merged(self, customer_id: int) -> None:
        from deskapp.core.security.permissions import allowed
        from deskapp.core.services.merge.unmerging import absorbed_customers

        info, hint = self._access.info, self._panel.merged_hint
        if info is None or not allowed(info.agent_role, "customer.merge"):
            hint.show_rows(None, [])
            return
        desk = self._access.open_desk

        def show(rows: list[AbsorbedRow]) -> None:
            if customer_id == getattr(self._panel.profile, "customer_id", None):
                hint.show_rows(customer_id, rows)

        self._access.runner.submit(lambda: desk.as_agent(absorbed_customers, customer_id), show,
                                   lambda _exc: hint.show_rows(None, []), key="absorbed")

    def _confirm_unmerge(self, row: AbsorbedRow) -> None:
        from PySide6.QtWidgets import QMessageBox

        profile = self._panel.profile
        keep = profile.account_number if profile is not None else ""
        answer = QMessageBox.question(
            self._panel.window(), _("Undo merge"),
            _("Undo the merge of {name} ({account}) into {keep}?\n\n{account} becomes a customer of its own "
              "again, and the cases, notes, phones, e-mails and alerts the merge moved go back to it. Cases "
              "opened on {keep} since the merge stay with {keep}.").format(
                name=row.other_name or row.other_account, account=row.other_account, keep=keep),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        from deskapp.core.services.merge.unmerging import unmerge_customer

        desk, other_id = self._access.open_desk, row.other_id
        self._access.runner.submit(lambda: desk.as_agent(unmerge_customer, other_id), self._unmerged,
                                   self._unmerge_failed)

    def _unmerged(self, result: UnmergeResult) -> None:
        other, keep = result.other_account, result.keep_account
        self._access.banner.show_message(lambda: _("{other} is a customer of its own again; what the merge moved "
                                                   "to {keep} is back.").format(other=other, keep=keep), "info")
        self.customers_changed.emit()
        if self.customer_id == result.keep_id:
            self.open_customer(result.keep_id)

    def _unmerge_failed(self, exc: Exception) -> None:
        self._show_error(exc)  # too late, already undone, or no longer allowed: nothing was changed
        if self.customer_id is not None:  # what the hint offers now
            self._check_merged(self.customer_id)

    def close_customer(self) -> None:
        """Keep the note safe and show no customer (the next caller)."""
        self._notes.flush()
        self._notes.set_case(None)
        self.customer_id = None
        self._panel.show_profile(None)
        self._responses.clear_for_next_caller()  # no previous customer's name or amounts left

    def _save_customer(self, customer_id: int, changes: dict[str, str], version: int) -> None:
        desk = self._access.open_desk
        self._access.runner.submit(lambda: desk.update_customer(customer_id, changes, version),
                                   self._customer_saved, self._customer_conflict)

    def _customer_saved(self, profile: ProfileRow) -> None:
        panel = self._panel
        panel.edit_form.hide()
        panel.show_profile(profile)

    def _customer_conflict(self, exc: Exception) -> None:
        from deskapp.core.services.customers.editing import CustomerConflict

        if not isinstance(exc, CustomerConflict):  # an ordinary error: the form stays open with the text
            self._show_error(exc)
            return
        panel = self._panel
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
        panel = self._panel
        customer_id, desk, open_only = self.customer_id, self._access.open_desk, panel.open_only
        current = panel.current_case()
        keep = select_case or (current.id if current is not None else None)
        self._access.runner.submit(lambda: desk.case_history(customer_id, open_only),
                                   lambda cases: panel.show_cases(cases, keep), self._show_error)

    def _on_case_selected(self, case: CaseRow | None) -> None:
        notes = self._notes
        case_id = case.id if case is not None else None
        if case_id != notes.case_id:
            notes.set_case(case_id, case.reference if case is not None else "")
            self._responses.refresh_preview()  # the customer and case fill in the placeholders

    def new_case(self) -> None:
        """The inline new-case form for the open customer."""
        if self.customer_id is not None:
            self._panel.new_case.open_form()

    def _create_case(self, subject: str, phase: PurchasePhase, stage: SupportStage, channel: Channel,
                     priority: Priority) -> None:
        customer_id = self.customer_id
        if customer_id is None:
            return
        desk = self._access.open_desk
        self._access.runner.submit(lambda: desk.open_case(customer_id, subject, phase, stage, channel, priority),
                                   self._case_created, self._show_error)

    def _case_created(self, case: CaseRow) -> None:
        self.load_cases(case.id)
        self._notes.editor.setFocus()

    def _change_status(self, case: CaseRow, status: CaseStatus) -> None:
        desk = self._access.open_desk
        self._access.runner.submit(lambda: desk.set_status(case.id, status, case.version_id),
                                   lambda row: self.load_cases(row.id), self._conflict_or_error)

    def _assign(self, case: CaseRow | None) -> None:
        if case is None:
            return
        desk = self._access.open_desk
        self._access.runner.submit(lambda: desk.assign_to_me(case.id, case.version_id),
                                   lambda row: self.load_cases(row.id), self._conflict_or_error)

    def _conflict_or_error(self, exc: Exception) -> None:
        self._show_error(exc)
        self.load_cases()

    # --- scripted responses -----------------------------------------------------------------
    def response_context(self) -> tuple[int | None, int | None]:
        """The open customer and case, whose details fill in a response's placeholders."""
        return self.customer_id, self._notes.case_id if self._panels is not None else None

    def insert_into_note(self, text: str) -> None:
        """Put a response's or an article's text at the cursor in the note (no case open: on the clipboard)."""
        notes = self._notes
        if notes.case_id is None:
            QGuiApplication.clipboard().setText(text)
            self._access.banner.show_message(lambda: _("Open or create a case to write a note; the response was "
                                                       "copied to the clipboard instead."), "info")
            return
        notes.editor.insertPlainText(text)
        notes.editor.setFocus()
