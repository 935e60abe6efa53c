"""The administrator's "Privacy request…" dialog: find, export, erase after a typed confirmation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.domain.privacy import CustomerErasure
from deskapp.core.i18n import _
from deskapp.core.storage.engine import make_engine
from deskapp.ui.language import switch_language


def test_only_an_administrator_sees_the_privacy_request(make_window: Any, demo_db: Path) -> None:
    rep = make_window(demo_db, user="anna")
    assert not rep.menus.admin_menu.menuAction().isVisible()
    rep.menus.show_privacy_request()
    assert rep.menus.privacy_dialog is None


def test_find_export_and_erase_with_a_typed_confirmation(qtbot: QtBot, make_window: Any, demo_db: Path,
                                                         tmp_path: Path) -> None:
    window = make_window(demo_db, user="admin")
    assert window.menus.admin_menu.menuAction().isVisible()
    window.menus.show_privacy_request()
    dialog = window.menus.privacy_dialog
    assert not dialog.export_button.isEnabled() and not dialog.erase_button.isEnabled()
    dialog.account.setText("FI-000001")
    dialog.find_button.click()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    assert "Jukka Mäkinen (FI-000001)" in dialog.summary.text()
    assert f"{dialog.preview.revisions} revision" in dialog.summary.text()
    target = tmp_path / "fi.json"
    dialog.export_to(str(target))
    qtbot.waitUntil(lambda: target.exists(), timeout=10000)
    assert json.loads(target.read_text(encoding="utf-8"))["customer"]["family_name"] == "Mäkinen"
    dialog.reason.setText("request 2026-7")
    assert not dialog.erase_button.isEnabled()
    dialog.confirm.setText("FI-000002")
    assert not dialog.erase_button.isEnabled()
    dialog.confirm.setText("FI-000001")
    assert dialog.erase_button.isEnabled()
    dialog.erase_button.click()
    qtbot.waitUntil(lambda: "erased-" in dialog.message.text(), timeout=20000)
    assert "Backups" in dialog.message.text() and dialog.preview is None
    engine = make_engine(f"sqlite:///{demo_db}")
    with Session(engine) as session:
        assert len(list(session.scalars(select(CustomerErasure)))) == 1
    engine.dispose()
    dialog.account.setText("FI-000001")  # gone: the lookup says so, in words
    dialog.find_button.click()
    qtbot.waitUntil(lambda: "FI-000001" in dialog.message.text(), timeout=10000)


@pytest.mark.parametrize("lang", ["en", "fi", "fil", "es"])
def test_the_dialog_fits_and_every_control_is_named(make_window: Any, demo_db: Path, lang: str) -> None:
    from PySide6.QtWidgets import QLineEdit, QPushButton

    window = make_window(demo_db, user="admin")
    switch_language(lang)
    try:
        window.menus.show_privacy_request()
        dialog = window.menus.privacy_dialog
        assert dialog.windowTitle() == _("Privacy request")
        hint = dialog.sizeHint()
        assert hint.width() <= 1200 and hint.height() <= 700
        for control in dialog.findChildren(QLineEdit) + dialog.findChildren(QPushButton):
            assert control.accessibleName(), control
        texts = [dialog.find_button.text(), dialog.export_button.text(), dialog.erase_button.text(),
                 dialog.close_button.text(), dialog.account_label.text(), dialog.reason_label.text(),
                 dialog.confirm_label.text()]
        keys = [text[text.index("&") + 1].casefold() for text in texts]
        assert len(set(keys)) == len(keys), texts  # no two accelerators alike
    finally:
        switch_language("en")
