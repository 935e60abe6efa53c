"""The sign-in dialog tells a locked-out username how long to wait, in the language picked there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from deskapp.core.i18n import load_catalog
from deskapp.core.services.auth import auth
from deskapp.core.storage.engine import make_engine

pytestmark = pytest.mark.usefixtures("english_afterwards")


def test_a_locked_out_username_is_told_to_wait_even_with_the_right_password(
        qtbot: QtBot, make_window: Any, demo_db: Path) -> None:
    engine = make_engine(f"sqlite:///{demo_db}")
    try:
        with Session(engine) as session:
            for _attempt in range(auth.LOCKOUT_ATTEMPTS):
                with pytest.raises(auth.SignInFailed):
                    auth.sign_in(session, "anna", "a wrong guess")
    finally:
        engine.dispose()
    window = make_window(demo_db, sign_in=True)
    qtbot.waitUntil(lambda: window.menus.sign_in_dialog is not None and window.menus.sign_in_dialog.isVisible(),
                    timeout=20000)
    dialog = window.menus.sign_in_dialog
    dialog.username.setText("anna")
    dialog.password.setText("demo-anna")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10000)
    assert dialog.error.text() == auth.lockout_message(15)
    assert "Wait 15 minutes" in dialog.error.text()
    assert dialog.isVisible() and not window.is_ready
    dialog.language.setCurrentIndex(dialog.language.findData("fi"))
    dialog.language.activated.emit(dialog.language.currentIndex())
    assert dialog.error.text() == load_catalog("fi").ngettext(
        "Too many failed sign-ins with this username. Wait {minutes} minute and try again, or ask an administrator "
        "to unlock the account.",
        "Too many failed sign-ins with this username. Wait {minutes} minutes and try again, or ask an administrator "
        "to unlock the account.", 15).format(minutes=15)
    assert "Odota 15 minuuttia" in dialog.error.text()
