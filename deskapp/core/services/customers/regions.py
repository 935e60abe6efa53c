"""The regions national phone numbers are read in, per database, kept for a while once read."""

from __future__ import annotations

import time
import weakref
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

_REGIONS_SQL = "SELECT code, default_region FROM brand"
REGIONS_SECONDS = 30.0
"""How long the brands' regions are kept, per database, once read (see :func:`forget_regions`)."""
# Per connection pool (on PostgreSQL an engine's reader() has its own): when read, and the (code, region) rows.
_BRAND_REGIONS: weakref.WeakKeyDictionary[Any, tuple[float, tuple[tuple[str, str | None], ...]]] = (
    weakref.WeakKeyDictionary())


def brand_regions(bind: Session | Connection, brand_key: str | None) -> tuple[str, ...]:
    """The regions national phone numbers are read in: the brand's, or every brand's.

    Read once per :data:`REGIONS_SECONDS`, not on every keystroke of a phone number: on a team
    server the read was a round trip, a third of a phone lookup. Brands change a few times a
    year; one added in this process is seen at once, one added on another desk within that time.
    """
    connection = bind.connection() if isinstance(bind, Session) else bind
    pool = connection.engine.pool
    now = time.monotonic()
    cached = _BRAND_REGIONS.get(pool)
    if cached is None or now - cached[0] > REGIONS_SECONDS:
        # Plain SQL without parameters: the same text on every backend, and a tenth of the cost
        # of a compiled ORM select.
        rows = tuple((code, region) for code, region in connection.exec_driver_sql(_REGIONS_SQL).all())
        cached = _BRAND_REGIONS[pool] = (now, rows)
    return tuple(sorted({region for code, region in cached[1] if region and brand_key in (None, code)}))


def forget_regions() -> None:
    """Read the brands' regions again at the next phone lookup (after adding or changing a brand)."""
    _BRAND_REGIONS.clear()
