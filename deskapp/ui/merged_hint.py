"""Under the open customer, for a supervisor: "Merged into this customer: JUKKA MAKINEN (FI-000231) …".

Shown only to someone whose role may ``customer.merge``, and only when other customers were merged
into the one open and not given back. Each line says who was merged, when and by whom, until when
the merge can be undone, and has an "Undo merge…" button while it still can.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QWidget

from deskapp.core.i18n import _
from deskapp.ui.language import translate_ui
from deskapp.ui.models import masked_name
from deskapp.ui.widgets import clear_layout

if TYPE_CHECKING:
    from deskapp.core.services.merge.unmerging import AbsorbedRow


class MergedHint(QFrame):
    """The customers merged into the open one, each with its "Undo merge…" button."""

    undo_requested = Signal(object)  # the AbsorbedRow to undo

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keep_id: int | None = None
        self.rows: list[AbsorbedRow] = []
        self.texts: list[QLabel] = []
        self.buttons: list[QPushButton] = []
        self.privacy = False  # the customer can see the screen: the merged customer's name is masked
        self.setStyleSheet("MergedHint {background:#eef4fb; border:1px solid #b8cde6; border-radius:4px;}")
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(6, 2, 6, 2)
        self.grid.setColumnStretch(0, 1)
        translate_ui(self)
        self.show_rows(None, [])

    def retranslate_ui(self) -> None:
        """Texts in the current UI language."""
        self.setAccessibleName(_("Customers merged into this one"))
        self.show_rows(self.keep_id, self.rows)

    def set_privacy(self, on: bool) -> None:
        """Mask the merged customers' names while the customer can see the screen."""
        self.privacy = on
        self.show_rows(self.keep_id, self.rows)

    def show_rows(self, keep_id: int | None, rows: list[AbsorbedRow]) -> None:
        """Show the customers merged into ``keep_id``, or hide the hint (no rows)."""
        from deskapp.core.i18n.formatting import format_date, format_datetime

        self.keep_id, self.rows = keep_id, list(rows)
        clear_layout(self.grid)
        self.texts, self.buttons = [], []
        self.setVisible(bool(self.rows))
        for index, row in enumerate(self.rows):
            name = row.other_name or row.other_account
            names = {"name": masked_name(name) if self.privacy else name, "account": row.other_account,
                     "when": format_datetime(row.merged_at, width="short"), "agent": row.merged_by}
            if row.merged_by:
                merged = _("Merged into this customer: {name} ({account}) on {when} by {agent}.").format(**names)
            else:
                merged = _("Merged into this customer: {name} ({account}) on {when}.").format(**names)
            if row.can_undo:
                tail = _("The merge can be undone until {date}.").format(date=format_date(row.undo_until))
            else:
                tail = _("That was more than {days} days ago: the merge can no longer be undone.").format(
                    days=(row.undo_until - row.merged_at).days)
            text = QLabel(f"{merged} {tail}")
            text.setWordWrap(True)
            text.setStyleSheet("color:#1f3a5a;")
            text.setAccessibleName(_("Merged customer"))
            self.grid.addWidget(text, index, 0)
            text.show()
            self.texts.append(text)
            button = QPushButton(_("Undo merge…"))
            button.setFlat(True)
            button.setAccessibleName(_("Undo the merge of {account}").format(account=row.other_account))
            button.setToolTip(_("Make {account} a customer of its own again, with what the merge moved").format(
                account=row.other_account))
            button.clicked.connect(lambda _checked=False, chosen=row: self.undo_requested.emit(chosen))
            self.grid.addWidget(button, index, 1)  # a parent first: a visible widget without one is a window
            button.setVisible(row.can_undo)
            self.buttons.append(button)
