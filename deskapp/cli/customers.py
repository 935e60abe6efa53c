"""``deskapp customers``: being written (see the open issues)."""

from __future__ import annotations

from typing import Any


def register(subparsers: Any) -> None:
    """Nothing registered yet."""
