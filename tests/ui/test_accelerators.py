"""No two ``&`` accelerators clash in one menu bar, menu, dialog or window, in any UI language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenuBar
from pytestqt.qtbot import QtBot

from deskapp.core.i18n import UI_LOCALES
from deskapp.ui.language import switch_language
from tests.ui.accelerators import clashes, menu_clashes, mnemonic, window_clashes
from tests.ui.visible_texts import start_script

pytestmark = pytest.mark.usefixtures("english_afterwards")


def test_mnemonic_and_clashes_read_qt_accelerators() -> None:
    assert mnemonic("C&hannel") == "h"
    assert mnemonic("Tom && Jerry") is None
    assert mnemonic("R&&D &Käyttäjä") == "k"
    assert mnemonic("Kieli&") is None
    assert clashes("bar", ["&Kieli", "&Käyttäjä", "&Näytä"]) == ["bar: Alt+K: &Kieli / &Käyttäjä"]
    bar = QMenuBar()
    bar.addMenu("&Caso").addAction("&Imprimir")
    bar.addMenu("&Cuenta")
    assert menu_clashes("main", bar) == ["main menu bar: Alt+C: &Caso / &Cuenta"]


def _settle(qtbot: QtBot, window: Any) -> None:
    window.runner.wait()
    QApplication.processEvents()
    qtbot.wait(20)


def test_no_accelerator_clashes_in_any_window_or_dialog_in_any_language(qtbot: QtBot, make_window: Any,
                                                                          demo_db: Path) -> None:
    # A supervisor (every menu), a customer open, the new-case and change-details forms shown.
    window = make_window(demo_db, user="sam")
    window.desk.sign_in("sam", "demo-sam")
    window.search.setText("maki")
    qtbot.waitUntil(lambda: window.results_model.rowCount() > 0, timeout=10000)
    window.open_selected()
    qtbot.waitUntil(lambda: window.panel.profile is not None, timeout=10000)
    window.panel.new_case.open_form()
    window.panel.edit_button.click()
    # The response editor (a supervisor may edit) and a call script's numbered options, shown at once.
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.responses.search, "phone greeting")
    qtbot.waitUntil(lambda: window.responses.selected_key() is not None, timeout=10000)
    window.responses.edit.click()
    qtbot.waitUntil(window.responses.editor.isVisible, timeout=10000)
    start_script(qtbot, window)
    window.menus.show_supervisor_window()
    supervisor = window.menus.supervisor_window
    queue = supervisor.page("queue")
    qtbot.waitUntil(lambda: queue.model.rowCount() > 0, timeout=20000)
    queue.table.selectRow(0)  # the review form shows its scores and comment
    window.menus.show_my_reviews()
    reviews = window.menus.reviews_dialog
    signing_in = make_window(demo_db, sign_in=True)
    qtbot.waitUntil(lambda: signing_in.menus.sign_in_dialog is not None, timeout=20000)
    sign_in = signing_in.menus.sign_in_dialog
    found: list[str] = []
    for code in UI_LOCALES:
        switch_language(code)
        _settle(qtbot, window)
        for scope, shown in (("main window", window), ("supervisor window", supervisor),
                             ("my reviews", reviews), ("sign-in", sign_in)):
            found += [f"{code}: {clash}" for clash in window_clashes(scope, shown)]
            _settle(qtbot, window)
    assert found == [], "\n".join(found)
