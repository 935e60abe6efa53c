"""When a callback is due, from what a rep writes: "call back at 14:30", "follow up on Friday", "+45 min".

Read in the rep's time zone and returned in UTC. Words are understood in the four UI languages
(en, fi, fil, es). A time of day already past today means tomorrow; a weekday means its next
occurrence (today only with a time still to come); a day without a time means 09:00.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

DEFAULT_TIME = dt.time(9, 0)
_WEEKDAYS: dict[str, int] = {}
for _index, _names in enumerate((
    # Full names only beside English's short forms: "to", "la", "mar" are common words elsewhere.
    "monday mon maanantai lunes",
    "tuesday tue tiistai martes",
    "wednesday wed keskiviikko miercoles miyerkules",
    "thursday thu torstai jueves huwebes",
    "friday fri perjantai viernes biyernes",
    "saturday sat lauantai sabado",
    "sunday sun sunnuntai domingo linggo",
)):
    for _name in _names.split():
        _WEEKDAYS.setdefault(_name, _index)
_TODAY = {"today", "tanaan", "hoy", "ngayon"}
_TOMORROW = {"tomorrow", "huomenna", "manana", "bukas"}
_CLOCK = re.compile(r"(?<![\d:.])([01]?\d|2[0-3])[:.]([0-5]\d)(?![\d:.])|(?<!\d)(\d{1,2})\s*(am|pm)\b")
_RELATIVE = re.compile(r"\+?\s*(\d{1,4})\s*(min|minutes?|minuuttia?|minutos?|minuto|m|h|hours?|tuntia?|horas?|oras?)\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def parse_due(text: str, now: dt.datetime, tz: dt.tzinfo) -> dt.datetime | None:
    """The moment ``text`` names, in UTC, or ``None`` when it names none.

    Args:
        text: What the rep wrote ("call back at 14:30", "perjantaina 10.15", "+30 min", "2026-12-07 8:00").
        now: The current moment (aware).
        tz: The rep's time zone: "14:30" means 14:30 there.
    """
    words = _fold(text)
    local_now = now.astimezone(tz)
    relative = _RELATIVE.search(words)
    if relative and not _CLOCK.search(words):
        amount, unit = int(relative.group(1)), relative.group(2)
        minutes = amount * 60 if unit[0] in "hto" else amount
        return (now + dt.timedelta(minutes=minutes)).astimezone(dt.UTC)
    clock = _clock(words)
    day = _day(words, local_now, clock)
    if day is None and clock is None:
        return None
    if day is None:
        day = local_now.date()
        if dt.datetime.combine(day, clock or DEFAULT_TIME, tzinfo=tz) <= local_now:
            day += dt.timedelta(days=1)
    return dt.datetime.combine(day, clock or DEFAULT_TIME, tzinfo=tz).astimezone(dt.UTC)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _clock(words: str) -> dt.time | None:
    without_dates = _ISO_DATE.sub(" ", words)
    match = _CLOCK.search(without_dates)
    if match is None:
        return None
    if match.group(1) is not None:
        return dt.time(int(match.group(1)), int(match.group(2)))
    hour, half = int(match.group(3)) % 12, match.group(4)
    return dt.time(hour + (12 if half == "pm" else 0), 0) if hour <= 12 else None


def _day(words: str, local_now: dt.datetime, clock: dt.time | None) -> dt.date | None:
    iso = _ISO_DATE.search(words)
    if iso:
        try:
            return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            return None
    tokens = re.findall(r"[a-z]+", words)
    today = local_now.date()
    for token in tokens:
        if token in _TOMORROW:
            return today + dt.timedelta(days=1)
        if token in _TODAY:
            return today
    for token in tokens:
        weekday = _weekday(token)
        if weekday is None:
            continue
        ahead = (weekday - today.weekday()) % 7
        if ahead == 0 and (clock is None or clock <= local_now.time()):
            ahead = 7
        return today + dt.timedelta(days=ahead)
    return None


def _weekday(token: str) -> int | None:
    if token in _WEEKDAYS:
        return _WEEKDAYS[token]
    # Finnish and Filipino inflect: "perjantaina", "perjantaihin", "sa biyernes" → the stem.
    for name, index in _WEEKDAYS.items():
        if len(name) > 4 and token.startswith(name):
            return index
    return None
