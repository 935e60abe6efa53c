"""Sign-in: who is at this station, and in which language they want the window.

The dialog checks the password on the background worker (argon2id takes a noticeable moment), so
it stays responsive; on failure it says so in the chosen language, keeps the username and clears
the password; a username locked out after too many failures is told how many minutes to wait.
Picking a language switches the whole UI at once, the dialog included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.i18n import _, current_locale
from deskapp.ui.jobs import JobRunner
from deskapp.ui.language import language_choices, switch_language, translate_ui

if TYPE_CHECKING:
    from deskapp.core.services.auth.auth import SignedIn
    from deskapp.core.services.desk import Desk


class SignInDialog(QDialog):
    """Username, password and language; accepted once ``desk.sign_in`` succeeded.

    After acceptance, :attr:`signed_in` holds the ``SignedIn`` answer and :attr:`language_chosen`
    says whether the person picked a language here (which then wins over their stored one).
    """

    succeeded = Signal(object)

    def __init__(self, runner: JobRunner, desk: Desk, describe: Callable[[Exception], str],
                 parent: QWidget | None = None, username: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self._runner, self._desk, self._describe = runner, desk, describe
        self.signed_in: SignedIn | None = None
        self.language_chosen = False
        self.busy = False
        self._last_error: Exception | None = None
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size:16px; font-weight:700;")
        self.username = QLineEdit(username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.language = QComboBox()
        for code, name in language_choices():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(current_locale()), 0))
        self.error = QLabel()
        self.error.setObjectName("signInError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#a11; font-weight:600;")
        self.error.hide()
        # Own buttons, not standard ones: Qt re-labels standard buttons on every language change,
        # and has no Filipino for them.
        self.buttons = QDialogButtonBox()
        self.ok_button = QPushButton()
        self.cancel_button = QPushButton()
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)  # Enter in either field signs in
        self.labels = (QLabel(), QLabel(), QLabel())
        self.form = QFormLayout()
        for label, field in zip(self.labels, (self.username, self.password, self.language), strict=True):
            label.setBuddy(field)
            self.form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.language.activated.connect(self._language_picked)
        self.setMinimumWidth(380)
        translate_ui(self)
        (self.password if username else self.username).setFocus()

    def retranslate_ui(self) -> None:
        """Texts in the current UI language."""
        self.setWindowTitle(_("Sign in to deskapp"))
        self.heading.setText(_("Sign in"))
        for label, text in zip(self.labels, (_("&Username"), _("&Password"), _("&Language")), strict=True):
            label.setText(text)
        self.username.setAccessibleName(_("Username"))
        self.password.setAccessibleName(_("Password"))
        self.language.setAccessibleName(_("Language"))
        self.ok_button.setText(_("Sign in"))
        self.cancel_button.setText(_("Cancel"))
        if self._last_error is not None:
            self._show_error(self._last_error)

    def _language_picked(self, index: int) -> None:
        code = self.language.itemData(index)
        self.language_chosen = True
        if code and code != current_locale():
            switch_language(code)

    def submit(self) -> None:
        """Check the username and password in the background."""
        if self.busy:
            return
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self._show_message(_("Type your username and password."))
            (self.username if not username else self.password).setFocus()
            return
        self._set_busy(True)
        desk = self._desk
        self._runner.submit(lambda: desk.sign_in(username, password), self._done, self._failed, key="sign_in")

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.ok_button.setEnabled(not busy)
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    def _done(self, signed: SignedIn) -> None:
        self._set_busy(False)
        self.signed_in = signed
        self.password.clear()
        self.succeeded.emit(signed)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self._set_busy(False)
        self._last_error = exc
        self._show_error(exc)
        self.password.clear()
        self.password.setFocus()

    def _show_error(self, exc: Exception) -> None:
        from deskapp.core.services.auth.auth import SignInFailed, SignInLocked, lockout_message

        if isinstance(exc, SignInLocked):
            text = lockout_message(exc.minutes)
        elif isinstance(exc, SignInFailed):
            # Re-worded here rather than taken from the exception, so it follows a language switch.
            text = _("The username or password is wrong, or the account is disabled. Check them and "
                     "try again, or ask an administrator.")
        else:
            text = self._describe(exc)
        self._show_message(text)

    def _show_message(self, text: str) -> None:
        self.error.setText(text)
        self.error.setAccessibleDescription(text)
        self.error.show()
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow to fit the wrapped message: a dialog that kept its height squashed its fields."""
        layout = self.layout()
        if layout is None:  # never: the constructor sets one
            return
        layout.activate()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else self.sizeHint().height()
        needed = max(needed, layout.totalMinimumSize().height())
        self.setMinimumHeight(needed)
        if self.height() < needed:
            self.resize(self.width(), needed)

    def chosen_language(self) -> str:
        """The language picked in the dialog."""
        return str(self.language.currentData() or current_locale())
