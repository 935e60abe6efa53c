"""Date helpers shared by reports and exports."""

from __future__ import annotations

import datetime as dt


def start_of_day(day: dt.date | None) -> dt.datetime | None:
    """Midnight UTC at the start of ``day`` (``None`` stays ``None``)."""
    return None if day is None else dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
