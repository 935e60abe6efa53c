"""Small helpers the supervisor's views share: start-day pickers and numbers in the UI locale."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QPushButton, QWidget


def day_picker(days_back: int) -> QDateEdit:
    """A date field with a calendar, set to ``days_back`` days ago."""
    edit = QDateEdit(QDate.currentDate().addDays(-days_back))
    edit.setCalendarPopup(True)
    localise_day_picker(edit)
    return edit


def localise_day_picker(edit: QDateEdit) -> None:
    """Show the date the way the UI language writes it (call again after a language switch)."""
    from deskapp.ui.widgets import localise_date_edit

    localise_date_edit(edit)


def picked_day(edit: QDateEdit) -> dt.date:
    """The day shown in ``edit``."""
    value = edit.date()
    return dt.date(value.year(), value.month(), value.day())


def format_figure(value: float, digits: int = 2) -> str:
    """``value`` with ``digits`` decimals and the UI locale's decimal sign (4.17, 4,17)."""
    from babel.numbers import format_decimal

    from deskapp.core.i18n import babel_locale

    return str(format_decimal(round(value, digits), format="0." + "0" * digits, locale=babel_locale()))


def fill_choices(combo: QComboBox, choices: Sequence[tuple[str, str]], default: str) -> None:
    """(Re)fill ``combo`` with (key, untranslated text) choices in the UI language, keeping the one chosen."""
    from deskapp.core.i18n import _

    keep = combo.currentData() or default
    combo.clear()
    for key, text in choices:
        combo.addItem(_(text), key)
    combo.setCurrentIndex(max(combo.findData(keep), 0))


def reload_on_change(choice: QComboBox, since: QDateEdit, refresh: QPushButton, load: Callable[[], None]) -> None:
    """Call ``load`` when the choice or the day changes, or Refresh is pressed."""
    choice.activated.connect(lambda _i: load())
    since.dateChanged.connect(lambda _d: load())
    refresh.clicked.connect(load)


def filter_row(label: QWidget, choice: QWidget, since_label: QWidget, since: QWidget,
               refresh: QWidget) -> QHBoxLayout:
    """The bar above a supervisor table or chart: "<label> [choice]   Since [day] [Refresh]"."""
    row = QHBoxLayout()
    row.addWidget(label)
    row.addWidget(choice)
    row.addSpacing(12)
    row.addWidget(since_label)
    row.addWidget(since)
    row.addWidget(refresh)
    return row
