"""Small helpers the supervisor's views share: start-day pickers and numbers in the UI locale."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QWidget


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
