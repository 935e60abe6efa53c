"""Text helpers every service uses on what people type."""

from __future__ import annotations


def clean_text(text: str) -> str:
    """``text`` without NUL characters, which some databases and drivers refuse."""
    return text.replace("\x00", "")
