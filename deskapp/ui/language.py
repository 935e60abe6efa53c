"""Switch the UI language at runtime: our catalog, Qt's own strings, then one LanguageChange."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from deskapp.core.i18n import UI_LOCALES, set_locale

_qt_translator: QTranslator | None = None


# Each language named in itself. A fixed table: asking Babel loads four locales' data (~100 ms)
# while the window is being built, before its first paint.
NATIVE_NAMES = {"en": "English", "fi": "Suomi", "fil": "Filipino", "es": "Español"}


def language_choices() -> list[tuple[str, str]]:
    """Pairs of (code, name written in that language) for the language menu, e.g. "Suomi"."""
    return [(code, NATIVE_NAMES[code]) for code in UI_LOCALES]


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
    # Installing or removing a Qt translator makes Qt post LanguageChange to every widget itself;
    # between English and Filipino nothing of Qt's changes, so send the one event ourselves.
    # Either way each window retranslates exactly once.
    if qt_changed:
        # Deliver Qt's posted events now, so the window reads in the new language on return.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
    else:
        for widget in QApplication.topLevelWidgets():
            QCoreApplication.sendEvent(widget, QEvent(QEvent.Type.LanguageChange))
    return used
