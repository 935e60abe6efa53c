"""The parts the eight feature branches added follow a runtime language switch, fit, and keep their Alt keys apart.

The merge dialog, the privacy request, the knowledge-base popup and article editor, the phone tab
with its new-caller form and the telephone-system (CTI) settings, in every UI language after a
switch: no English left where a translation exists, no two ``&`` accelerators on the same key, no
text cut and no control without an accessible name.
(The customer rating screen speaks the customer's language, not the rep's: test_customer_screen.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from deskapp.core.i18n import UI_LOCALES, load_catalog
from deskapp.ui.language import NATIVE_NAMES, switch_language
from deskapp.ui.layout_measure import cut, measure, unnamed
from tests.ui.accelerators import window_clashes
from tests.ui.test_duplicate_hint import with_duplicate  # noqa: F401  (the fixture)
from tests.ui.visible_texts import english_left

SWITCHES = [*(code for code in UI_LOCALES if code != "en"), "en"]  # fi → fil → es → back to en


pytestmark = pytest.mark.usefixtures("english_afterwards")


def _settle(qtbot: QtBot, window: Any) -> None:
    window.runner.wait()
    QApplication.processEvents()
    qtbot.wait(20)


def _problems(qtbot: QtBot, window: Any, parts: dict[str, QWidget]) -> list[str]:
    found: list[str] = []
    for code in SWITCHES:
        switch_language(code)
        _settle(qtbot, window)
        catalog = load_catalog(code)
        for scope, part in parts.items():
            found += [f"{code} {scope}: {leak}" for leak in english_left(part, catalog, NATIVE_NAMES.values())]
            found += [f"{code}: {clash}" for clash in window_clashes(scope, part)]
            found += _fit(code, scope, part)
    return found


def _fit(code: str, scope: str, part: QWidget) -> list[str]:
    """Texts the part cuts and controls without a name for assistive technology (as the layout report sees them)."""
    entries = measure(part)
    return ([f"{code} {scope}: cut {e.cls} {e.text!r} needs {e.needed_width} px, has {e.width}" for e in cut(entries)]
            + [f"{code} {scope}: no accessible name: {e.cls} {e.name}" for e in unnamed(entries)])


def test_merge_dialog_phone_tab_and_knowledge_base_follow_every_switch(
        qtbot: QtBot, make_window: Any, with_duplicate: Path) -> None:  # noqa: F811
    from deskapp.ui.cti_settings import CtiDialog
    from deskapp.ui.merge_dialog import MergeDialog

    window = make_window(with_duplicate, user="sam")  # a supervisor: merges, edits articles
    window.search.setText("FI-000001")
    qtbot.waitUntil(lambda: window.results_model.rowCount() > 0, timeout=10000)
    window.open_selected()
    qtbot.waitUntil(lambda: window.panel.profile is not None, timeout=10000)
    hint = window.panel.duplicate_hint
    qtbot.waitUntil(hint.isVisible, timeout=10000)
    hint.merge_button.click()
    merge = window.findChild(MergeDialog)
    qtbot.waitUntil(lambda: merge.preview is not None, timeout=10000)
    window.phone.tabs.setCurrentWidget(window.phone.panel)  # the call log and callbacks
    window.phone.panel.new_caller.open_for("+358401112233", None, [])
    window.notes.side_tabs.setCurrentWidget(window.knowledge)
    window.knowledge.open_popup()
    popup = window.knowledge.popup
    qtbot.waitUntil(popup.isVisible, timeout=10000)
    qtbot.keyClicks(popup.search, "henkilollisyy tarkist")
    qtbot.waitUntil(lambda: popup.list.count() > 0, timeout=10000)
    window.knowledge.editor.open_for(str(popup.list.item(0).data(Qt.ItemDataRole.UserRole)))  # the article editor
    qtbot.waitUntil(window.knowledge.editor.isVisible, timeout=10000)
    problems = _problems(qtbot, window, {"main window": window, "merge dialog": merge,
                                         "knowledge base popup": popup})
    for code in UI_LOCALES:  # a modal dialog: no switch while it is open; it speaks the language it opens in
        switch_language(code)
        cti = CtiDialog(8765, None, window)
        cti.show()
        problems += [f"{code} telephone system: {leak}" for leak in english_left(cti, load_catalog(code))]
        problems += [f"{code}: {clash}" for clash in window_clashes("telephone system", cti)]
        problems += _fit(code, "telephone system", cti)
        cti.reject()
    merge.reject()
    popup.hide()
    assert problems == [], "\n".join(problems)


def test_privacy_request_follows_every_switch(qtbot: QtBot, make_window: Any, demo_db: Path) -> None:
    window = make_window(demo_db, user="admin")
    window.menus.show_privacy_request()
    dialog = window.menus.privacy_dialog
    dialog.account.setText("FI-000001")
    dialog.find_button.click()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    problems = _problems(qtbot, window, {"privacy request": dialog})
    dialog.hide()
    assert problems == [], "\n".join(problems)
