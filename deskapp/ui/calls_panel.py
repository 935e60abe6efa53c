"""The phone tab beside the note: the call log (missed first) and the callbacks list.

"Call back" dials through a ``tel:`` link (the system's softphone); "Mark seen" takes a missed call
off the list. A callback is written as a rep says it ("call back at 14:30", "follow up on Friday")
for the selected call or the open customer, personal or for the team; due ones can be done,
snoozed 15 minutes, or deferred to another time. The panel only shows and asks: the station
(:mod:`deskapp.ui.phone_station`) does the work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.i18n import N_, _
from deskapp.ui.column_fit import ColumnFit
from deskapp.ui.language import translate_ui
from deskapp.ui.models import MASK, R, RowsModel, qt
from deskapp.ui.new_caller_form import NewCallerForm
from deskapp.ui.widgets import row_table

if TYPE_CHECKING:
    from deskapp.core.services.calls.callbacks import CallbackRow
    from deskapp.core.services.calls.log import CallRow


def _when(value: dt.datetime) -> str:
    """The time alone for today, else the short date and time (the column stays narrow)."""
    from deskapp.core.i18n.formatting import format_datetime, format_time, local

    if local(value).date() == local(dt.datetime.now(dt.UTC)).date():
        return format_time(value, width="short")
    return format_datetime(value, width="short")


def _state(row: CallRow) -> str:
    if row.missed:
        return _("Missed")
    if row.answered:
        return _("Answered")
    return _("Ringing") if row.ended_at is None else _("Not answered")


def _direction(row: CallRow) -> str:
    return _("In") if row.direction == "in" else _("Out")


def _who(row: CallRow | CallbackRow) -> str:
    if row.account_number:
        return f"{row.display_name} ({row.account_number})"
    return ""


class _MaskingModel(RowsModel[R]):
    """With privacy on (the window's mask, Ctrl+Shift+P), phone numbers show as ••••."""

    privacy = False

    def number(self, text: str | None) -> str:
        """``text``, or the mask while privacy is on."""
        return MASK if self.privacy and text else (text or "")

    def set_privacy(self, on: bool) -> None:
        """Mask or unmask the numbers."""
        self.privacy = on
        self.refresh_cells()


class CallsModel(_MaskingModel["CallRow"]):
    """The call log, missed calls first."""

    def __init__(self) -> None:
        super().__init__()
        self.columns = (
            (N_("Time"), lambda r: _when(r.started_at)),
            (N_("State"), _state),
            (N_("Customer"), lambda r: _who(r) or self.number(r.number)),
            (N_("Direction"), _direction),
            (N_("Number"), lambda r: self.number(r.number)),
            (N_("Case"), lambda r: r.case_ref or ""),
        )

    def set_rows(self, rows: Sequence[CallRow]) -> None:
        """Missed calls first, then the rest; newest first within each."""
        super().set_rows(sorted(rows, key=lambda r: (not r.missed, -r.started_at.timestamp())))

    def extra_data(self, row: CallRow, column: int, role: int) -> object:
        """Missed calls in red."""
        if role == qt().ItemDataRole.ForegroundRole and row.missed:
            return QColor("#b3261e")
        return None


def _whose(row: CallbackRow) -> str:
    if row.handed_over:
        return _("Team (was {user})").format(user=row.owner or "")
    return _("Team") if row.team else (row.owner or "")


class CallbacksModel(_MaskingModel["CallbackRow"]):
    """Open callbacks, soonest first."""

    def __init__(self) -> None:
        super().__init__()
        self.columns = (
            (N_("Due"), lambda r: _when(r.due_at)),
            (N_("Customer"), lambda r: _who(r) or self.number(r.number)),
            (N_("Whose"), _whose),
            (N_("Note"), lambda r: r.note),
        )


class CallsPanel(QWidget):
    """The call log above the callbacks; signals say what the rep asked for."""

    refresh_requested = Signal()
    call_back = Signal(str)  # number
    mark_seen = Signal(str)  # call_id
    open_customer = Signal(int)
    add_callback = Signal(str, bool)  # what the rep wrote, for the team
    callback_done = Signal(int)
    callback_snooze = Signal(int, str)  # id, when ("" = 15 minutes)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calls_model, self.callbacks_model = CallsModel(), CallbacksModel()
        self.calls, self.callbacks = row_table(self.calls_model), row_table(self.callbacks_model)
        # Whole columns in the narrow pane, no sideways scrolling; what does not fit is in the row's tooltip.
        self.call_columns = ColumnFit(self.calls, priority=(0, 2, 1, 5, 3, 4), stretch=2)
        self.callback_columns = ColumnFit(self.callbacks, priority=(0, 1, 3, 2), stretch=3)
        for table in (self.calls, self.callbacks):
            table.setWordWrap(False)
            table.doubleClicked.connect(lambda index, t=table: self._open(t, index.row()))
        self.calls_title, self.callbacks_title, self.due_label = QLabel(), QLabel(), QLabel()
        self.due_label.setStyleSheet("color:#b3261e; font-weight:600;")
        self.due_label.hide()
        self.refresh, self.dial, self.seen = QPushButton(), QPushButton(), QPushButton()
        self.when, self.team, self.add = QLineEdit(), QCheckBox(), QPushButton()
        self.done, self.snooze, self.defer = QPushButton(), QPushButton(), QPushButton()
        self.refresh.clicked.connect(self.refresh_requested)
        self.dial.clicked.connect(self._dial)
        self.seen.clicked.connect(self._seen)
        self.add.clicked.connect(self._add)
        self.when.returnPressed.connect(self._add)
        self.done.clicked.connect(lambda: self._on_callback(self.callback_done.emit))
        self.snooze.clicked.connect(lambda: self._on_callback(lambda i: self.callback_snooze.emit(i, "")))
        self.defer.clicked.connect(lambda: self._on_callback(lambda i: self.callback_snooze.emit(i, self.when.text())))

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        heading = QHBoxLayout()
        heading.addWidget(self.calls_title, 1)
        heading.addWidget(self.refresh)
        top_layout.addLayout(heading)
        top_layout.addWidget(self.calls, 1)
        call_buttons = QHBoxLayout()
        call_buttons.addWidget(self.dial)
        call_buttons.addWidget(self.seen)
        call_buttons.addStretch(1)
        top_layout.addLayout(call_buttons)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.callbacks_title)
        bottom_layout.addWidget(self.due_label)
        bottom_layout.addWidget(self.callbacks, 1)
        form = QGridLayout()
        form.addWidget(self.when, 0, 0, 1, 3)
        form.addWidget(self.team, 1, 0)
        form.addWidget(self.add, 1, 1, 1, 2)
        form.addWidget(self.done, 2, 0)
        form.addWidget(self.snooze, 2, 1)
        form.addWidget(self.defer, 2, 2)
        bottom_layout.addLayout(form)
        split = QSplitter(qt().Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.new_caller = NewCallerForm()
        layout.addWidget(self.new_caller)
        layout.addWidget(split, 1)
        translate_ui(self)

    def retranslate_ui(self) -> None:
        """Texts in the current UI language."""
        self.calls_title.setText(_("Call log (missed calls first)"))
        self.callbacks_title.setText(_("Callbacks and follow-ups"))
        texts = (
            (self.refresh, _("Refresh"), _("Refresh the call log and callbacks")),
            (self.dial, _("Call back"), _("Call the selected number back through the softphone")),
            (self.seen, _("Mark seen"), _("Take the selected missed call off the list")),
            (self.add, _("Add callback"), _("Add a callback for the selected call or the open customer")),
            (self.done, _("Done"), _("Mark the selected callback done")),
            (self.snooze, _("Snooze 15 min"), _("Remind again in 15 minutes")),
            (self.defer, _("Defer to…"), _("Move the selected callback to the time written above")),
        )
        for button, text, name in texts:
            button.setText(text)
            button.setAccessibleName(name)
            button.setToolTip(name)
        self.team.setText(_("For the team"))
        self.when.setPlaceholderText(_("When: call back at 14:30, follow up on Friday, +30 min"))
        named = ((self.team, _("The callback is for the whole team")), (self.when, _("When to call back")),
                 (self.calls, _("Call log")), (self.callbacks, _("Callbacks")))
        for widget, accessible in named:
            widget.setAccessibleName(accessible)
        # The models relabel their cells on the same language change: fit the columns after them.
        QTimer.singleShot(0, self._fit_columns)

    def _fit_columns(self) -> None:
        for table in (self.calls, self.callbacks):
            table.resizeColumnsToContents()

    def show_due(self, text: str) -> None:
        """The due-callback line above the list ("" hides it)."""
        self.due_label.setText(text)
        self.due_label.setVisible(bool(text))

    def selected_call(self) -> CallRow | None:
        """The call selected in the log, if any."""
        rows = self.calls.selectionModel().selectedRows()
        return self.calls_model.row(rows[0].row()) if rows else None

    def selected_callback(self) -> CallbackRow | None:
        """The callback selected in the list, if any."""
        rows = self.callbacks.selectionModel().selectedRows()
        return self.callbacks_model.row(rows[0].row()) if rows else None

    def select_callback(self, callback_id: int) -> None:
        """Select (and scroll to) the callback ``callback_id``, and put the focus on the list."""
        for number, row in enumerate(self.callbacks_model.rows()):
            if row.id == callback_id:
                self.callbacks.selectRow(number)
                self.callbacks.scrollTo(self.callbacks_model.index(number, 0))
                self.callbacks.setFocus()
                return

    def _dial(self) -> None:
        call = self.selected_call()
        if call is not None:
            self.call_back.emit(call.number)

    def _seen(self) -> None:
        call = self.selected_call()
        if call is not None and call.missed:
            self.mark_seen.emit(call.call_id)

    def _add(self) -> None:
        if self.when.text().strip():
            self.add_callback.emit(self.when.text(), self.team.isChecked())

    def _on_callback(self, act: object) -> None:
        callback = self.selected_callback()
        if callback is not None and callable(act):
            act(callback.id)

    def _open(self, table: object, number: int) -> None:
        model = self.calls_model if table is self.calls else self.callbacks_model
        customer = model.row(number).customer_id
        if customer is not None:
            self.open_customer.emit(customer)
