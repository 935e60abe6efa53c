"""Case references: the "C-1042" a customer quotes, read back from any way a rep types it.

A case's reference is its number (``Case.reference_number``, unique per desk, given when the case
is first saved) behind a fixed prefix. The prefix is not translated: it is printed on receipts
and read out over the phone in every language, so it must be the same in all of them.
"""

from __future__ import annotations

import re

PREFIX = "C-"
# "C-1042", "c1042", "C 1042": the letter makes it a reference; a bare number is not one (it
# could as well be an account number or the last digits of a phone).
_TYPED = re.compile(r"^\s*[cC]\s*[-\u2010-\u2015\u2212]?\s*0*([0-9]{1,15})\s*$")


def format_case_reference(number: int) -> str:
    """The reference as shown and quoted ("C-1042")."""
    return f"{PREFIX}{number}"


def parse_case_reference(text: str) -> int | None:
    """The case number in what a rep typed ("C-1042", "c1042", "C 1042"), or ``None``."""
    match = _TYPED.match(text)
    return int(match.group(1)) if match else None
