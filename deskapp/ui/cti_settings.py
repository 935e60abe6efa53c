"""The Phone menu's CTI setting: listen for the telephone system on 127.0.0.1 (off by default).

The rep (or whoever sets up the station) picks a port and gets a token; the dialog shows the URL to
give the PBX bridge in place of Zammad's. The port and "on" are window settings (QSettings); the
token is a secret and lives in the system keyring, or for this session only when there is none.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from deskapp.core.i18n import _
from deskapp.ui.models import qt

if TYPE_CHECKING:
    from deskapp.core.security.credentials import CredentialStore

DEFAULT_PORT = 8179
TOKEN_KEY = "cti-listener-token"  # noqa: S105 - the keyring entry's name, not a secret
MIN_TOKEN = 16


def saved_setting() -> tuple[bool, int]:
    """Whether the listener was left on, and its port."""
    settings = QSettings()
    enabled = str(settings.value("cti/enabled", "false")).casefold() == "true"
    port = str(settings.value("cti/port", DEFAULT_PORT))
    return enabled, int(port) if port.isdigit() else DEFAULT_PORT


def save_setting(enabled: bool, port: int) -> None:
    """Remember the listener's state for the next start."""
    settings = QSettings()
    settings.setValue("cti/enabled", "true" if enabled else "false")
    settings.setValue("cti/port", port)


def saved_token(store: CredentialStore) -> str | None:
    """The token from the keyring, if one was kept."""
    return store.get(TOKEN_KEY)


class CtiDialog(QDialog):
    """Port and token for the listener, and the URL for the bridge."""

    def __init__(self, port: int, token: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Telephone system (CTI)"))
        self.port = QSpinBox()
        self.port.setRange(1024, 65535)
        self.port.setValue(port)
        self.port.setAccessibleName(_("Port on 127.0.0.1"))
        self.token = QLineEdit(token or secrets.token_urlsafe(24))
        self.token.setAccessibleName(_("Token the telephone system sends"))
        self.url = QLabel()
        self.url.setWordWrap(True)
        self.url.setTextInteractionFlags(qt().TextInteractionFlag.TextSelectableByMouse)
        self.url.setAccessibleName(_("Address for the telephone system"))
        explanation = QLabel(_("deskapp listens on this computer only (127.0.0.1) for newCall, answer and hangup "
                               "events in Zammad's generic CTI format. Give the PBX bridge this address:"))
        explanation.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        # Qt has no Filipino for its standard buttons: the texts come from deskapp's own catalog.
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("OK"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("&Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(explanation)
        form.addRow(_("&Port:"), self.port)
        form.addRow(_("&Token:"), self.token)
        form.addRow(self.url)
        form.addRow(buttons)
        self.port.valueChanged.connect(self._show_url)
        self.token.textChanged.connect(self._show_url)
        self._ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._show_url()

    def _show_url(self) -> None:
        token = self.token.text().strip()
        self.url.setText(f"http://127.0.0.1:{self.port.value()}/api/v1/cti/{token}")
        self._ok.setEnabled(len(token) >= MIN_TOKEN)
