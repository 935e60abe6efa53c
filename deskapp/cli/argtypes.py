"""Argument types shared by several commands; argparse reports a bad value as a usage error."""

from __future__ import annotations

import argparse
import re

from deskapp.core.i18n import _

# Record ids are SQLite INTEGER / PostgreSQL bigint: a larger number cannot name any record, and
# handing it to the database driver fails with OverflowError.
MAX_ID = 2**63 - 1
_WHOLE = re.compile(r"\s*[+-]?[0-9]{1,30}\s*", re.ASCII)


def record_id(text: str) -> int:
    """A record id: a whole number from 1 to :data:`MAX_ID`."""
    value = whole_number(text)
    if value is None or not 1 <= value <= MAX_ID:
        raise argparse.ArgumentTypeError(
            _("not a record number: expected a whole number from 1 to {max}, got {value!r}").format(
                max=MAX_ID, value=shown(text)))
    return value


def whole_number(text: str) -> int | None:
    """``text`` as an int, or ``None`` when it is not a plain whole number of at most 30 digits."""
    # int() alone would take "1_000" and "١٢" and refuse 4,301 digits with a ValueError of its
    # own; 30 digits are past every range deskapp takes.
    return int(text) if _WHOLE.fullmatch(text) else None


def too_many_digits(text: str) -> bool:
    """Whether ``text`` is a positive whole number too long for :func:`whole_number` to read."""
    digits = text.strip().lstrip("+")
    return len(digits) > 30 and digits.isascii() and digits.isdigit()


def shown(text: str) -> str:
    """``text`` cut to 40 characters for an error message."""
    return text if len(text) <= 40 else text[:39] + "…"
