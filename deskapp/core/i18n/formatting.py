"""Dates, times and numbers for people, through Babel in a given (default: the UI) locale."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel import dates, numbers

from deskapp.core.i18n import babel_locale


def local(value: dt.datetime) -> dt.datetime:
    """``value`` in the computer's time zone (a naive value is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone()


def format_datetime(value: dt.datetime, locale: str | None = None, width: str = "medium") -> str:
    """Date and time in local time, e.g. "Nov 23, 2026, 2:03 PM" or "23.11.2026 14.03".

    The date is in the ``width`` form ("medium" unless asked otherwise: the short form's
    "11/23/26" is ambiguous to half the desk), the time always short (no seconds).
    """
    moment = local(value)
    babel = babel_locale(locale)
    joined = str(babel.datetime_formats.get(width) or "{1} {0}")
    return joined.format(
        dates.format_time(moment, format="short", locale=babel),
        dates.format_date(moment.date(), format=width, locale=babel),
    )


def format_date(value: dt.date | dt.datetime, locale: str | None = None, width: str = "medium") -> str:
    """A date, e.g. "23 Nov 2026" or "23.11.2026"."""
    if isinstance(value, dt.datetime):
        value = local(value).date()
    return dates.format_date(value, format=width, locale=babel_locale(locale))


def format_time(value: dt.datetime | dt.time, locale: str | None = None, width: str = "short") -> str:
    """A time of day, e.g. "14:03" or "2:03 PM"."""
    if isinstance(value, dt.datetime):
        value = local(value)
    return dates.format_time(value, format=width, locale=babel_locale(locale))


def format_number(value: float | int | Decimal, locale: str | None = None) -> str:
    """A number with the locale's separators."""
    return numbers.format_decimal(value, locale=babel_locale(locale))


def format_money(value: float | int | Decimal, currency: str, locale: str | None = None) -> str:
    """An amount of money in ``currency`` (ISO 4217)."""
    return numbers.format_currency(value, currency, locale=babel_locale(locale))
