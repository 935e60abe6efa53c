"""Translations looked up at call time.

``_()`` reads the catalog that is current *when it is called*, so a language switch takes effect
on the next repaint without re-importing anything. Module-level constants are marked with ``N_()``
and translated where they are shown.
"""

from __future__ import annotations

import functools
import gettext
import struct
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from babel import Locale

DOMAIN = "deskapp"
SOURCE_LOCALE = "en"
UI_LOCALES: tuple[str, ...] = ("en", "fi", "fil", "es")
CUSTOMER_LOCALES: tuple[str, ...] = UI_LOCALES
_ALIASES = {"tl": "fil", "tl_ph": "fil", "fil_ph": "fil", "en_us": "en", "en_gb": "en", "fi_fi": "fi",
            "es_es": "es", "es_mx": "es"}

_current: gettext.NullTranslations = gettext.NullTranslations()
_current_locale = SOURCE_LOCALE


def __getattr__(name: str) -> Any:
    """``resources`` (``importlib.resources``) is imported when first used, not with this module.

    English, the start-up default, needs no catalog file; the import costs the window's first
    paint ~6 ms (bench/startup.py).
    """
    if name == "resources":
        from importlib import resources

        return resources
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def normalise_locale(code: str | None) -> str | None:
    """Map user spellings (``tl``, ``fi-FI``, ``ES``) to one of our locale codes, or ``None``."""
    if not code:
        return None
    key = code.strip().replace("-", "_").lower().split(".")[0]
    key = _ALIASES.get(key, key)
    if key in UI_LOCALES:
        return key
    base = key.split("_")[0]
    base = _ALIASES.get(base, base)
    return base if base in UI_LOCALES else None


@functools.lru_cache(maxsize=16)
def load_catalog(locale: str) -> gettext.NullTranslations:
    """Load the compiled catalog for ``locale``; English (the source text) when there is none.

    Cached: catalogs do not change while deskapp runs, and a language switch should not re-read them.
    """
    if locale == SOURCE_LOCALE:
        return gettext.NullTranslations()
    from importlib import resources  # see __getattr__

    mo = resources.files("deskapp") / "locale" / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    except (OSError, struct.error, UnicodeDecodeError):  # missing or damaged: English, not a crash
        return gettext.NullTranslations()


def set_locale(locale: str, catalog: gettext.NullTranslations | None = None) -> str:
    """Make ``locale`` the current UI language; returns the code actually used."""
    global _current, _current_locale  # noqa: PLW0603 - one process-wide UI language by design
    code = normalise_locale(locale) or SOURCE_LOCALE
    _current = catalog if catalog is not None else load_catalog(code)
    _current_locale = code
    return code


def current_locale() -> str:
    """The current UI locale code."""
    return _current_locale


def _(message: str) -> str:
    """Translate ``message`` with the current catalog."""
    return _current.gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now."""
    return message


def later(message: str, /, **args: object) -> Callable[[], str]:
    """What writes ``_(message).format(**args)`` in the language current at each call.

    For a text kept and shown again after a language switch (an error's message, a banner, the
    status bar). The arguments are taken now; one that is itself a callable (another ``later()``,
    a ``lambda: _(...)``) is asked at each call too, so translated words inside follow the switch.
    """

    def write() -> str:
        return _(message).format(**{name: value() if callable(value) else value for name, value in args.items()})

    return write


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate with the CLDR plural rule of the current catalog."""
    return _current.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate ``message`` in a disambiguating ``context``."""
    return _current.pgettext(context, message)


def babel_locale(code: str | None = None) -> Locale:
    """A Babel ``Locale`` for formatting in ``code`` (default: the UI locale)."""
    from babel import Locale  # imported when first needed: keeps Babel off the start-up path

    return Locale.parse(normalise_locale(code) or _current_locale)


# Our languages' names, translated by the catalogs and written as they stand alone in a list or
# after a colon: Babel's CLDR data leaves them in English for Filipino ("Finnish") and in lower
# case for Finnish and Spanish ("suomi", "finés"). N_ is defined above: these are marked, not looked up.
LANGUAGE_NAMES: dict[str, str] = {"en": N_("English"), "fi": N_("Finnish"), "fil": N_("Filipino"),
                                  "es": N_("Spanish")}


def language_name(code: str, in_locale: str | None = None) -> str:
    """The name of language ``code`` written in ``in_locale`` (default: the UI locale).

    Our four languages come from the catalogs; any other code from Babel's CLDR data.
    """
    ours = normalise_locale(code)  # every code it returns is one of LANGUAGE_NAMES
    if ours is not None:
        target = normalise_locale(in_locale) if in_locale is not None else _current_locale
        catalog = _current if target == _current_locale else load_catalog(target or SOURCE_LOCALE)
        return catalog.gettext(LANGUAGE_NAMES[ours])
    from babel import Locale

    try:
        return Locale.parse(code).get_display_name(babel_locale(in_locale)) or code
    except (ValueError, TypeError):
        return code
