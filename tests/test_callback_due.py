"""Callback times as reps write them, in their time zone, across midnight and the week."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from deskapp.core.services.calls.due import parse_due

HELSINKI, MANILA, MADRID = ZoneInfo("Europe/Helsinki"), ZoneInfo("Asia/Manila"), ZoneInfo("Europe/Madrid")


def _utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


# Friday 2026-12-04 21:50 UTC is 23:50 in Helsinki (UTC+2), already Saturday 05:50 in Manila (UTC+8).
NOW = _utc(2026, 12, 4, 21, 50)


@pytest.mark.parametrize(("text", "tz", "expected"), [
    ("call back at 14:30", HELSINKI, _utc(2026, 12, 5, 12, 30)),  # 14:30 has passed in Helsinki: tomorrow
    ("00:15", HELSINKI, _utc(2026, 12, 4, 22, 15)),  # across midnight: 25 minutes from now
    ("23:55", HELSINKI, _utc(2026, 12, 4, 21, 55)),  # still today
    ("14:30", MANILA, _utc(2026, 12, 5, 6, 30)),  # Saturday 14:30 in Manila is later today there
    ("follow up on Friday", HELSINKI, _utc(2026, 12, 11, 7, 0)),  # today is Friday there: next week, 09:00
    ("follow up on Friday", MANILA, _utc(2026, 12, 11, 1, 0)),  # Saturday in Manila: six days ahead
    ("perjantaina 10.15", HELSINKI, _utc(2026, 12, 11, 8, 15)),
    ("el lunes a las 9:30", MADRID, _utc(2026, 12, 7, 8, 30)),
    ("bukas 2 pm", MANILA, _utc(2026, 12, 6, 6, 0)),  # tomorrow is Sunday there
    ("tomorrow", HELSINKI, _utc(2026, 12, 5, 7, 0)),
    ("+30 min", HELSINKI, _utc(2026, 12, 4, 22, 20)),
    ("in 2 h", MADRID, _utc(2026, 12, 4, 23, 50)),
    ("2026-12-07 8:00", MADRID, _utc(2026, 12, 7, 7, 0)),
])
def test_due_times(text: str, tz: ZoneInfo, expected: dt.datetime) -> None:
    assert parse_due(text, NOW, tz) == expected


def test_a_time_over_the_daylight_saving_change_keeps_the_wall_clock() -> None:
    # Saturday 2027-03-27 in Helsinki; clocks go forward that night (UTC+2 -> UTC+3).
    now = _utc(2027, 3, 27, 20, 0)
    assert parse_due("tomorrow 9:00", now, HELSINKI) == _utc(2027, 3, 28, 6, 0)


@pytest.mark.parametrize("text", ["", "call her back", "soon", "25:99"])
def test_no_time_named(text: str) -> None:
    assert parse_due(text, NOW, HELSINKI) is None
