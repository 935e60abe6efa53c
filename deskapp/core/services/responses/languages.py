"""Texts in several languages: which one to answer in, and which translations are stale.

Shared by the response library and the knowledge base (a response variant and an article text
alike are :class:`Localised`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from deskapp.core.i18n import CUSTOMER_LOCALES, SOURCE_LOCALE, normalise_locale


class Localised(Protocol):
    """A text in one language that may be older than its source (a response variant, an article text)."""

    @property
    def locale(self) -> str: ...

    @property
    def revision(self) -> int: ...

    @property
    def translated_from_revision(self) -> int | None: ...


TextT = TypeVar("TextT", bound=Localised)


@dataclass(frozen=True, slots=True)
class SideBySide(Generic[TextT]):
    """The variant for the customer and the one the rep reads for understanding (responses and articles)."""

    key: str
    customer: TextT
    rep: TextT

    @property
    def same_language(self) -> bool:
        """Whether both sides are the same variant (nothing to show beside it)."""
        return self.customer.locale == self.rep.locale


def pick_locale(available: Iterable[str], preferred: str | None, brand_default: str | None = None,
                source: str = SOURCE_LOCALE) -> str | None:
    """The language to answer in: preferred, else the brand's default, else English, else ``source``.

    Returns:
        One of ``available``, or ``None`` when it is empty.
    """
    have = list(available)
    for candidate in (normalise_locale(preferred), normalise_locale(brand_default), SOURCE_LOCALE, source):
        if candidate in have:
            return candidate
    return have[0] if have else None


def is_stale(variant: Localised, source: Localised | None) -> bool:
    """Whether a translation predates the current revision of its source (response variants, article texts)."""
    if source is None or variant is source or variant.locale == source.locale:
        return False
    return variant.translated_from_revision is None or source.revision > variant.translated_from_revision


def locale_order(locale: str) -> tuple[int, str]:
    """Sort key of a language: the desk's customer languages in their order, then any other by code."""
    return (CUSTOMER_LOCALES.index(locale) if locale in CUSTOMER_LOCALES else len(CUSTOMER_LOCALES), locale)
