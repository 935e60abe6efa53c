"""Runtime language switching and the pseudo-locale check: no visible text escapes translation."""

from __future__ import annotations

import gettext
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QGroupBox, QLabel, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from deskapp.core.i18n import current_locale, load_catalog, set_locale
from deskapp.core.i18n.formatting import format_date
from deskapp.ui.language import announce_language_change, switch_language, translate_ui

MARK = "Ŧ"


class PseudoTranslations(gettext.NullTranslations):
    """Every string wrapped in [Ŧ…]: anything shown without the marker was never translated."""

    def gettext(self, message: str) -> str:
        return f"[{MARK}{message}]"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"[{MARK}{singular if n == 1 else plural}]"

    def pgettext(self, context: str, message: str) -> str:
        return f"[{MARK}{message}]"


def _open(qtbot: QtBot, window: Any) -> None:
    window.search.setText("maki")
    qtbot.waitUntil(lambda: window.results_model.rowCount() > 0, timeout=5000)
    window.open_selected()
    qtbot.waitUntil(lambda: window.panel.profile is not None and window.panel.cases_model.rowCount() > 0,
                    timeout=5000)


def _visible_texts(window: Any) -> list[tuple[str, str]]:
    data_labels = {window.panel.name, window.panel.summary, window.panel.details, window.panel.alerts,
                   window.status_agent, window.notes.status, window.responses.customer_text,
                   window.responses.rep_text, window.responses.problem}
    texts: list[tuple[str, str]] = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget in data_labels:
            continue
        if isinstance(widget, QLabel) and widget.text() and widget is not window.overlay.label:
            texts.append(("label", widget.text()))
        elif isinstance(widget, QAbstractButton) and widget.text() and widget.text() != "×":
            texts.append(("button", widget.text()))
        elif isinstance(widget, QLineEdit | QPlainTextEdit) and widget.placeholderText():
            texts.append(("placeholder", widget.placeholderText()))
        elif isinstance(widget, QGroupBox) and widget.title():
            texts.append(("group", widget.title()))
        elif isinstance(widget, QComboBox):
            texts.extend(("combo", widget.itemText(i)) for i in range(widget.count()))
        if widget.accessibleName():
            texts.append(("accessible", widget.accessibleName()))
    for model in (window.results_model, window.panel.cases_model):
        texts.extend(("header", model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount()))
    texts.extend(("menu", m.title()) for m in (window.language_menu, window.view_menu))
    texts.extend(("action", a.text()) for a in window.actions_by_name.values())
    return texts


def test_pseudo_locale_leaves_no_visible_text_untranslated(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open(qtbot, window)
    window.panel.new_case.open_form()
    set_locale("fi", catalog=PseudoTranslations())
    announce_language_change()  # what switch_language does once the catalog is in place
    texts = _visible_texts(window)
    assert len(texts) > 40
    untranslated = [(kind, text) for kind, text in texts if MARK not in text]
    assert untranslated == []
    window.overlay.popup()
    assert MARK in window.overlay.label.text()


def _catalog(code: str) -> gettext.NullTranslations:
    from deskapp.core.i18n import load_catalog

    return load_catalog(code)


def test_switching_fi_es_en_changes_texts_headers_and_dates(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    from deskapp.ui.language import switch_language

    window = open_window(str(desk_db))
    _open(qtbot, window)
    opened = window.panel.cases_model.row(0).opened_at
    for code in ("fi", "es", "en"):
        switch_language(code)
        assert current_locale() == code
        catalog = _catalog(code)
        assert window.panel.cases_title.text() == catalog.gettext("Case history")
        assert window.results_model.headerData(0, Qt.Orientation.Horizontal) == catalog.gettext("Name")
        assert window.actions_by_name["save_note"].text() == catalog.gettext("Save the note")
        assert window.panel.cases_model.data(window.panel.cases_model.index(0, 1)) == format_date(
            opened, code)
        assert window.language_actions[code].isChecked()
    if _catalog("fi").gettext("Case history") != "Case history":  # the compiled catalog is installed
        switch_language("fi")
        assert window.panel.cases_title.text() != "Case history"
        switch_language("en")


def test_ctrl_shift_l_cycles_and_remembers_the_agent_language(qtbot: QtBot, open_window: Any,
                                                              desk_db: Path) -> None:
    import sqlite3

    window = open_window(str(desk_db))
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert current_locale() == "fi"
    window.runner.wait()
    qtbot.wait(50)
    with sqlite3.connect(desk_db) as db:
        assert db.execute("SELECT ui_locale FROM agent WHERE username = 'anna'").fetchone() == ("fi",)
    window.close()
    set_locale("en")
    again = open_window(str(desk_db))
    assert current_locale() == "fi"  # the agent's choice wins over the system language
    assert again.language_actions["fi"].isChecked()
    from deskapp.ui.language import switch_language

    switch_language("en")


def test_each_switch_retranslates_the_window_once(qtbot: QtBot, open_window: Any, desk_db: Path,
                                                  monkeypatch: Any) -> None:
    from deskapp.ui.language import switch_language

    window = open_window(str(desk_db))
    calls: list[str] = []
    original = window.retranslate_ui
    monkeypatch.setattr(window, "retranslate_ui", lambda: (calls.append(current_locale()), original()))
    for code in ("fi", "fil", "es", "en", "es", "fi"):  # with and without Qt translators changing
        switch_language(code)
    qtbot.wait(20)
    assert calls == ["fi", "fil", "es", "en", "es", "fi"]
    switch_language("en")


def test_a_widget_made_later_translates_itself_on_a_switch_until_destroyed(qtbot: QtBot) -> None:
    from deskapp.core.i18n import _

    class Later(QLabel):
        def __init__(self, seen: list[str]) -> None:
            super().__init__()
            self.seen = seen
            translate_ui(self)

        def retranslate_ui(self) -> None:
            self.setText(_("Refresh"))
            self.seen.append(current_locale())

    kept_calls: list[str] = []
    gone_calls: list[str] = []
    kept, gone = Later(kept_calls), Later(gone_calls)  # no parent calls either of them
    qtbot.addWidget(kept)
    assert kept_calls == gone_calls == ["en"]  # translated at once
    gone.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    try:
        switch_language("fi")
        assert kept_calls == ["en", "fi"]
        assert kept.text() == load_catalog("fi").gettext("Refresh") != "Refresh"
        assert gone_calls == ["en"]  # destroyed: dropped, not called
    finally:
        switch_language("en")
    assert kept_calls == ["en", "fi", "en"]
