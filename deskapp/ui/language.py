"""Switch the UI language at runtime: our catalog, Qt's own strings, then one language-changed signal.

Whatever shows texts registers itself once with :func:`translate_ui` (Frescobaldi's
``app.translateUI``): it is translated at once and again after every switch, until it is destroyed.
No parent passes the change on to its children, so a panel built later is never missed.
"""

from __future__ import annotations

import contextlib
import weakref
from typing import Protocol, cast

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QObject, QTranslator, Signal

from deskapp.core.i18n import UI_LOCALES, set_locale

_qt_translator: QTranslator | None = None


class _Translatable(Protocol):
    def retranslate_ui(self) -> None: ...


class _LanguageHub(QObject):
    """Holds the one signal every registered object listens to."""

    changed = Signal()


_hub: _LanguageHub | None = None


def _language_hub() -> _LanguageHub:
    global _hub  # noqa: PLW0603 - one hub per process, made when first needed
    if _hub is None:
        _hub = _LanguageHub()
    return _hub


def translate_ui(obj: QObject) -> None:
    """Call ``obj.retranslate_ui()`` now and after every language switch, until ``obj`` is destroyed.

    The hub holds ``obj`` only weakly, and the method is looked up at each call, so the object
    stays free to go and to change how it translates itself.
    """
    cast("_Translatable", obj).retranslate_ui()
    ref = weakref.ref(obj)

    def retranslate() -> None:
        alive = ref()
        if alive is not None:
            cast("_Translatable", alive).retranslate_ui()

    hub = _language_hub()
    hub.changed.connect(retranslate)

    def drop() -> None:
        with contextlib.suppress(RuntimeError, TypeError):  # the hub is gone: the application is ending
            hub.changed.disconnect(retranslate)

    obj.destroyed.connect(drop)


def announce_language_change() -> None:
    """Have every registered object translate itself into the current UI language (once)."""
    _language_hub().changed.emit()


# Each language named in itself. A fixed table: asking Babel loads four locales' data (~100 ms)
# while the window is being built, before its first paint.
NATIVE_NAMES = {"en": "English", "fi": "Suomi", "fil": "Filipino", "es": "Español"}


def language_choices() -> list[tuple[str, str]]:
    """Pairs of (code, name written in that language) for the language menu, e.g. "Suomi"."""
    return [(code, NATIVE_NAMES[code]) for code in UI_LOCALES]


def next_language_code() -> str:
    """The language after the current one in the menu (Ctrl+Shift+L), round to the first."""
    from deskapp.core.i18n import current_locale

    codes = [code for code, _name in language_choices()]
    current = current_locale()
    return codes[(codes.index(current) + 1) % len(codes)] if current in codes else codes[0]


def switch_language(code: str) -> str:
    """Make ``code`` the UI language everywhere; returns the code used.

    Qt's own dialogs follow through the qtbase translations shipped with PySide6 where they exist
    (fi, es); Filipino has none, so Qt's few built-in strings stay in English there.
    """
    global _qt_translator  # noqa: PLW0603 - one installed Qt translator per process
    used = set_locale(code)
    app = QCoreApplication.instance()
    if app is None:
        return used
    qt_changed = _qt_translator is not None
    if _qt_translator is not None:
        app.removeTranslator(_qt_translator)
        _qt_translator = None
    QLocale.setDefault(QLocale(used))
    translator = QTranslator(app)
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if used != "en" and translator.load(f"qtbase_{used}", path):
        app.installTranslator(translator)
        _qt_translator = translator
        qt_changed = True
    # Installing or removing a Qt translator makes Qt post LanguageChange to every widget, for
    # Qt's own texts: delivered now, so Qt's dialogs read in the new language on return. Ours
    # follow the one signal, so each registered object retranslates exactly once.
    if qt_changed:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
    announce_language_change()
    return used
