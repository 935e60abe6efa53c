"""The new-customer form a call with an unknown number opens, the number already filled in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from deskapp.core.i18n import _
from deskapp.ui.language import translate_ui

if TYPE_CHECKING:
    from deskapp.core.services.calls.new_caller import BrandChoice


class NewCallerForm(QGroupBox):
    """Name, brand and (optionally) account number for a caller nobody knows yet."""

    submitted = Signal(str, str, str, str, str)  # number, given name, family name, brand code, account number

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.call_id: str | None = None
        self.number, self.given, self.family, self.account = QLineEdit(), QLineEdit(), QLineEdit(), QLineEdit()
        self.brand = QComboBox()
        self.save, self.cancel = QPushButton(), QPushButton()
        self.labels = [QLabel() for _field in range(5)]
        form = QFormLayout(self)
        for label, field in zip(self.labels, (self.number, self.given, self.family, self.brand, self.account),
                                strict=True):
            label.setBuddy(field)
            form.addRow(label, field)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.save)
        form.addRow(buttons)
        self.save.clicked.connect(self._submit)
        self.cancel.clicked.connect(self.hide)
        for field in (self.given, self.family, self.account):
            field.returnPressed.connect(self._submit)
        self.hide()
        translate_ui(self)

    def retranslate_ui(self) -> None:
        """Texts in the current UI language."""
        self.setTitle(_("New customer"))
        texts = (_("&Number"), _("&Given name"), _("&Family name"), _("&Brand"), _("Acc&ount number"))
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        names = (_("Phone number of the new customer"), _("Given name of the new customer"),
                 _("Family name of the new customer"), _("Brand of the new customer"),
                 _("Account number of the new customer (empty: one is made)"))
        for field, name in zip((self.number, self.given, self.family, self.brand, self.account), names, strict=True):
            field.setAccessibleName(name)
        self.account.setPlaceholderText(_("empty: one is made"))
        buttons = ((self.save, _("Create customer"), _("Create the new customer")),
                   (self.cancel, _("Cancel"), _("Close the new-customer form")))
        for button, text, accessible in buttons:
            button.setText(text)
            button.setAccessibleName(accessible)

    def open_for(self, number: str, call_id: str | None, brands: list[BrandChoice]) -> None:
        """Show the form with ``number`` filled in and the cursor in the given name."""
        self.call_id = call_id
        self.brand.clear()
        for brand in brands:
            self.brand.addItem(brand.name, brand.code)
        self.number.setText(number)
        for field in (self.given, self.family, self.account):
            field.clear()
        self.show()
        self.given.setFocus()

    def _submit(self) -> None:
        if self.given.text().strip() or self.family.text().strip():
            self.submitted.emit(self.number.text(), self.given.text(), self.family.text(),
                                str(self.brand.currentData() or ""), self.account.text())
