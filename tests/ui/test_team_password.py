"""A team server that wants a password: the window asks (a mocked modal dialog) and the keyring remembers."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import URL

from tests import helpers_pg
from tests.test_credentials import CANARY, memory_keyring, password_role  # noqa: F401 - fixtures


@pytest.mark.postgres
def test_window_asks_for_the_password_and_remembers_it(qtbot: QtBot, open_window: Any, password_role: URL,  # noqa: F811
                                                       memory_keyring: Any,  # noqa: F811
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    from deskapp.core.security.credentials import credential_key

    url = helpers_pg.url_string(password_role)
    window = open_window(url, wait_ready=False)
    qtbot.waitUntil(lambda: window.banner.isVisible() and window.banner.action.isVisible(), timeout=15000)
    assert "password" in window.banner.label.text().lower()
    assert CANARY not in window.banner.label.text()
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_a, **_k: (CANARY, True)))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *_a, **_k: QMessageBox.StandardButton.Yes))
    window.banner.action.click()
    # the password was accepted by the real server and remembered in the keyring, never shown
    qtbot.waitUntil(lambda: memory_keyring.items.get(("deskapp", credential_key(url))) == CANARY, timeout=15000)
    window.runner.wait()
    qtbot.wait(50)
    assert CANARY not in window.banner.label.text()
    assert "needs a password" not in window.banner.label.text()
