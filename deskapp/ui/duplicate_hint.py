"""A quiet line under the open customer: "Possible duplicate: Jose Dela Cruz, PH-004211 — same phone".

Shown only when the desk finds a likely duplicate of the customer. A supervisor (anyone whose role
may ``customer.merge``) also gets a "Merge…" button that opens the merge dialog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from deskapp.core.i18n import _
from deskapp.ui.language import translate_ui

if TYPE_CHECKING:
    from deskapp.core.services.merge.duplicates import DuplicatePair


class DuplicateHint(QFrame):
    """The hint line and, for supervisors, its "Merge…" button."""

    merge_requested = Signal(int, int)  # the open customer's id, the duplicate's id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pair: DuplicatePair | None = None
        self.may_merge = False
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setStyleSheet("color:#5a4a00;")
        self.merge_button = QPushButton()
        self.merge_button.setFlat(True)
        self.merge_button.clicked.connect(self._merge)
        self.setStyleSheet("DuplicateHint {background:#fff8dc; border:1px solid #eadc9a; border-radius:4px;}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.merge_button)
        translate_ui(self)
        self.show_pair(None)

    def retranslate_ui(self) -> None:
        """Texts in the current UI language."""
        self.merge_button.setText(_("Merge…"))
        self.merge_button.setAccessibleName(_("Merge the duplicate customers"))
        self.merge_button.setToolTip(_("Compare both records side by side and merge them into one"))
        self.text.setAccessibleName(_("Possible duplicate"))
        self.show_pair(self.pair)

    def show_pair(self, pair: DuplicatePair | None) -> None:
        """Show the likeliest duplicate of the open customer, or hide the hint."""
        self.pair = pair
        self.setVisible(pair is not None)
        if pair is None:
            self.text.clear()
            return
        self.text.setText(_("Possible duplicate: {name}, {account} — {reasons}").format(
            name=pair.other.display_name, account=pair.other.account_number,
            reasons=", ".join(_(reason) for reason in pair.reasons)))
        self.merge_button.setVisible(self.may_merge)

    def _merge(self) -> None:
        if self.pair is not None:
            self.merge_requested.emit(self.pair.keep.customer_id, self.pair.other.customer_id)
