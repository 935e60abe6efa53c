"""An administrator's privacy request: find a customer, export everything about them, or erase them.

Erasing shows what goes (cases, notes, revisions) and waits until the account number is typed
again and a reason is given; the services check ``customer.export`` and ``customer.erase``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.i18n import _, ngettext
from deskapp.ui.jobs import JobRunner
from deskapp.ui.language import translate_ui

if TYPE_CHECKING:
    from deskapp.core.services.desk import Desk
    from deskapp.core.services.privacy.erase import ErasePreview, EraseResult


class PrivacyDialog(QDialog):
    """Find a customer by account number; export their data, or erase it after a typed confirmation."""

    def __init__(self, runner: JobRunner, desk: Desk, describe: Callable[[Exception], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("privacyRequest")
        self._runner, self._desk, self._describe = runner, desk, describe
        self.preview: ErasePreview | None = None
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.account = QLineEdit()
        self.account_label = QLabel()
        self.account_label.setBuddy(self.account)
        self.find_button = QPushButton()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.export_button = QPushButton()
        self.erase_box = QGroupBox()
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setMaxLength(500)
        self.reason_label = QLabel()
        self.reason_label.setBuddy(self.reason)
        self.confirm = QLineEdit()
        self.confirm_label = QLabel()
        self.confirm_label.setWordWrap(True)
        self.confirm_label.setBuddy(self.confirm)
        self.erase_button = QPushButton()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.close_button = QPushButton()
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)

        find_row = QHBoxLayout()
        find_row.addWidget(self.account_label)
        find_row.addWidget(self.account, 1)
        find_row.addWidget(self.find_button)
        form = QFormLayout(self.erase_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.warning)
        form.addRow(self.reason_label, self.reason)
        form.addRow(self.confirm_label, self.confirm)
        form.addRow(self.erase_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(find_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.export_button)
        layout.addWidget(self.erase_box)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.find_button.clicked.connect(self.look_up)
        self.account.returnPressed.connect(self.look_up)
        self.account.textEdited.connect(lambda _text: self._show(None))
        self.export_button.clicked.connect(self.ask_export)
        self.erase_button.clicked.connect(self.erase_customer)
        self.reason.textChanged.connect(lambda _text: self._update_buttons())
        self.confirm.textChanged.connect(lambda _text: self._update_buttons())
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(560)
        self.resize(640, 460)
        self._show(None)
        translate_ui(self)

    def retranslate_ui(self) -> None:
        """Texts in the current UI language."""
        self.setWindowTitle(_("Privacy request"))
        self.intro.setText(_("A customer may ask for everything the desk holds about them, or to be erased. "
                             "Find them by account number."))
        self.account_label.setText(_("Account &number:"))
        self.account.setAccessibleName(_("Account number"))
        self.find_button.setText(_("&Find"))
        self.find_button.setAccessibleName(_("Find the customer"))
        self.export_button.setText(_("&Export their data…"))
        self.export_button.setAccessibleName(_("Export everything about the customer to a JSON file"))
        self.erase_box.setTitle(_("Erase"))
        self.warning.setText(_("Erasing removes the name, contacts, profile, note texts, drafts and feedback "
                               "comments for good; cases stay, anonymous, for the statistics. Backups made "
                               "earlier still hold the data."))
        self.reason_label.setText(_("&Reason:"))
        self.reason.setAccessibleName(_("Reason for the erasure"))
        self.reason.setPlaceholderText(_("e.g. the reference of the request; never the customer's name"))
        self.confirm_label.setText(_("&Type the account number to confirm:"))
        self.confirm.setAccessibleName(_("Account number again, to confirm"))
        self.erase_button.setText(_("Er&ase for good"))
        self.erase_button.setAccessibleName(_("Erase the customer's personal data"))
        self.close_button.setText(_("&Close"))
        self.close_button.setAccessibleName(_("Close"))
        self._refresh()

    def look_up(self) -> None:
        """Find the customer with the typed account number and count what erasing would remove."""
        from deskapp.core.services.privacy.erase import find_customer

        account = self.account.text().strip()
        if not account:
            return
        desk = self._desk
        self.message.setText("")
        self._runner.submit(lambda: desk.as_agent(find_customer, account), self._show, self._failed)

    def ask_export(self) -> None:
        """Ask where to save the export, then write it."""
        if self.preview is None:
            return
        path, _filter = QFileDialog.getSaveFileName(self, _("Save the customer's data"),
                                                    f"{self.preview.account_number}.json", _("JSON files (*.json)"))
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        """Write everything about the found customer to ``path``."""
        from deskapp.core.services.privacy.export import export_customer_data

        if self.preview is None:
            return
        desk, account = self._desk, self.preview.account_number
        self._runner.submit(lambda: desk.as_agent(export_customer_data, account, path),
                            lambda _counts: self.message.setText(
                                _("The customer's data was saved to {path}.").format(path=path)), self._failed)

    def erase_customer(self) -> None:
        """Erase the found customer, once the confirmation matches."""
        from deskapp.core.services.privacy.erase import erase_customer

        if self.preview is None or not self._confirmed():
            return
        desk, account, reason = self._desk, self.preview.account_number, self.reason.text()
        self.erase_button.setEnabled(False)
        self.message.setText(_("Erasing… On a large desk this takes a while: the database file is rewritten so "
                               "that nothing of the customer is left in it."))
        self._runner.submit(lambda: desk.as_agent(erase_customer, account, reason), self._erased, self._failed)

    def _erased(self, result: EraseResult) -> None:
        self._show(None)
        self.account.clear()
        self.message.setText(_("Erased. The desk now knows the customer only as {pseudonym}. Backups made before "
                               "now still hold their data: erasing cannot reach them.").format(
                                   pseudonym=result.pseudonym))

    def _failed(self, exc: Exception) -> None:
        self.message.setText(self._describe(exc))
        self._update_buttons()

    def _show(self, preview: ErasePreview | None) -> None:
        self.preview = preview
        self.confirm.clear()
        self._refresh()

    def _refresh(self) -> None:
        preview = self.preview
        if preview is None:
            self.summary.setText(_("No customer chosen yet."))
        else:
            counts = [ngettext("{n} case", "{n} cases", preview.cases).format(n=preview.cases),
                      ngettext("{n} note", "{n} notes", preview.notes).format(n=preview.notes),
                      ngettext("{n} revision", "{n} revisions", preview.revisions).format(n=preview.revisions)]
            self.summary.setText(_("{name} ({account}): {cases}, {notes}, {revisions}.").format(
                name=preview.name, account=preview.account_number, cases=counts[0], notes=counts[1],
                revisions=counts[2]))
        self._update_buttons()

    def _confirmed(self) -> bool:
        return (self.preview is not None and bool(self.reason.text().strip())
                and self.confirm.text().strip() == self.preview.account_number)

    def _update_buttons(self) -> None:
        self.export_button.setEnabled(self.preview is not None)
        self.erase_box.setEnabled(self.preview is not None)
        self.erase_button.setEnabled(self._confirmed())
