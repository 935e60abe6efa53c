"""Database passwords: remembered in the system keyring, never in a file of ours.

A PostgreSQL URL normally has no password in it. :func:`resolve_database_url` finds one in this
order, trying each against the server:

1. none at all: libpq's own ``PGPASSWORD`` and ``~/.pgpass`` (psycopg reads them), or a server
   that does not ask (peer, trust, certificates). Only an *authentication* failure goes on;
2. the password this computer's keyring remembers for ``user@host:port/dbname``;
3. the person: ``ask(prompt)`` returns the password and whether to remember it.

Where no keyring backend exists (a headless Linux box, a locked-down desktop), nothing is written
anywhere: the password stays in this process's memory for the session and the caller is told so
(:attr:`CredentialStore.notice`). There is no plain-text fallback, by design.

The password is never logged, printed or put into an exception message. The returned
:class:`~sqlalchemy.engine.URL` hides it when turned into text; only
:meth:`URL.render_as_string(hide_password=False)` reveals it, and only the engine needs that.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import URL, make_url

from deskapp.core.errors import DeskappError
from deskapp.core.i18n import _, later

SERVICE = "deskapp"
DEFAULT_PORT = 5432
MAX_ATTEMPTS = 3

log = logging.getLogger(__name__)

Ask = Callable[[str], tuple[str, bool]]
"""A prompt: given the text to show, returns (password, remember on this computer)."""


class CredentialError(DeskappError):
    """The password could not be remembered or forgotten on this computer (no usable keyring)."""


class AuthenticationFailed(DeskappError):
    """The database server refused every password tried."""


@dataclass(frozen=True, slots=True)
class RememberResult:
    """What :meth:`CredentialStore.set` managed: kept in the keyring, or only for this session."""

    remembered: bool
    message: str | None = None


def credential_key(url: URL | str) -> str:
    """The keyring entry name for a database: ``user@host:port/dbname``.

    A Unix-socket URL (``?host=/run/postgresql``) uses the socket folder as the host.
    """
    parsed = make_url(url) if isinstance(url, str) else url
    host = parsed.host or _query_value(parsed, "host") or "localhost"
    port = parsed.port or _query_value(parsed, "port") or DEFAULT_PORT
    return f"{parsed.username or ''}@{host}:{port}/{parsed.database or ''}"


def _query_value(url: URL, name: str) -> str | None:
    value = url.query.get(name)
    if isinstance(value, tuple):
        value = value[0] if value else None
    return value or None


def _not_remembered() -> str:
    return _("The password is not remembered on this computer: no password store (keyring) is "
             "available. It is kept only until deskapp closes, and you will be asked again next time.")


class CredentialStore:
    """Passwords by :func:`credential_key`, in the system keyring (service ``"deskapp"``).

    Every keyring failure (``keyring.errors.KeyringError``, including ``NoKeyringError``) is
    turned into "not remembered on this computer": :meth:`get` answers from the session memory,
    :meth:`set` keeps the password for the session and says so, :meth:`delete` raises
    :class:`CredentialError`.
    """

    def __init__(self, service: str = SERVICE) -> None:
        """Use the keyring backend the ``keyring`` package selects for this computer."""
        self.service = service
        self._session: dict[str, str] = {}
        self.notice: str | None = None  # set once a keyring failure made a password session-only

    def get(self, key: str) -> str | None:
        """The remembered password for ``key``, or ``None``."""
        if key in self._session:
            return self._session[key]
        try:
            value = _keyring().get_password(self.service, key)
        except _keyring_errors() as exc:
            self._failed("get", exc)
            return None
        return value if isinstance(value, str) else None

    def set(self, key: str, password: str, *, remember: bool = True) -> RememberResult:
        """Keep ``password`` for ``key``: in the keyring when ``remember``, else for this session.

        Returns:
            Whether the keyring holds it now; ``message`` explains when it does not.
        """
        self._session[key] = password
        if not remember:
            return RememberResult(remembered=False)
        try:
            _keyring().set_password(self.service, key, password)
        except _keyring_errors() as exc:
            self._failed("set", exc)
            return RememberResult(remembered=False, message=self.notice)
        return RememberResult(remembered=True)

    def delete(self, key: str) -> None:
        """Forget the password for ``key`` here and in the keyring (nothing to forget is fine).

        Raises:
            CredentialError: The keyring could not be reached to forget it.
        """
        self._session.pop(key, None)
        keyring = _keyring()
        try:
            keyring.delete_password(self.service, key)
        except _password_delete_error():
            return
        except _keyring_errors() as exc:
            self._failed("delete", exc)
            raise CredentialError(later("The password could not be forgotten: no password store (keyring) "
                                        "is available on this computer.")) from None

    def forget_session(self, key: str) -> None:
        """Drop a session-only password (after the server refused it)."""
        self._session.pop(key, None)

    def _failed(self, action: str, exc: BaseException) -> None:
        # The exception type only: a backend's message could echo what it was given.
        log.warning("keyring %s failed: %s", action, type(exc).__name__)
        self.notice = _not_remembered()


def _keyring() -> Any:
    import keyring

    return keyring


def _keyring_errors() -> type[Exception]:
    from keyring.errors import KeyringError

    return KeyringError


def _password_delete_error() -> type[Exception]:
    from keyring.errors import PasswordDeleteError

    return PasswordDeleteError


# --------------------------------------------------------------------------- connecting
def is_authentication_error(exc: BaseException) -> bool:
    """Whether ``exc`` means the server wants a (different) password."""
    original = getattr(exc, "orig", None) or exc
    if getattr(original, "sqlstate", None) in {"28P01", "28000"}:
        return True
    text = str(original).lower()
    return ("password authentication failed" in text or "no password supplied" in text
            or "authentication failed" in text)


def try_connect(url: URL) -> None:
    """Open and close one connection to ``url``; raises what the driver raised."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect():
            pass
    finally:
        engine.dispose()


def resolve_database_url(
    url: str | URL,
    ask: Ask | None,
    *,
    store: CredentialStore | None = None,
    connect: Callable[[URL], None] = try_connect,
) -> URL:
    """``url`` with whatever password the server needs, found as the module docstring says.

    Args:
        url: A database URL; anything but a PostgreSQL URL without a password is returned as is.
        ask: Asks the person for the password (the UI's dialog; the CLI's ``getpass`` when stdin
            is a terminal); ``None`` where nobody can be asked.
        store: Where passwords are remembered (default: the system keyring).
        connect: Tries a URL (tests replace it).

    Returns:
        A URL that connected. Its text form hides the password.

    Raises:
        StorageError: deskapp cannot use ``url`` (:func:`deskapp.core.storage.engine.check_database_url`).
        AuthenticationFailed: The server refused the password (or no password could be found).
        sqlalchemy.exc.OperationalError: The server cannot be reached (see
            :func:`deskapp.core.storage.connectivity.is_connection_error`).
    """
    from deskapp.core.storage.engine import check_database_url

    parsed = check_database_url(url)  # a missing driver is one clear sentence, not ModuleNotFoundError
    if parsed.get_backend_name() != "postgresql" or parsed.password is not None:
        return parsed
    try:
        connect(parsed)  # PGPASSWORD, ~/.pgpass, peer or trust
        return parsed
    except Exception as exc:
        if not is_authentication_error(exc):
            raise
    store = store if store is not None else CredentialStore()
    key = credential_key(parsed)
    remembered = store.get(key)
    if remembered is not None:
        candidate = parsed.set(password=remembered)
        if _accepted(candidate, connect):
            return candidate
        store.forget_session(key)
    if ask is None:
        raise AuthenticationFailed(later("The database server {server} needs a password and none is remembered "
                                         "on this computer. Start deskapp where it can ask you for it.",
                                         server=_server(parsed)))
    prompt = _("Password for {user} on {server}:").format(user=parsed.username or "", server=_server(parsed))
    for _attempt in range(MAX_ATTEMPTS):
        password, remember = ask(prompt)
        candidate = parsed.set(password=password)
        if _accepted(candidate, connect):
            store.set(key, password, remember=remember)
            return candidate
        prompt = _("The password was not accepted. Password for {user} on {server}:").format(
            user=parsed.username or "", server=_server(parsed))
    raise AuthenticationFailed(later("The database server {server} did not accept the password. Check it with "
                                     "your administrator.", server=_server(parsed)))


def _accepted(url: URL, connect: Callable[[URL], None]) -> bool:
    try:
        connect(url)
    except Exception as exc:
        if is_authentication_error(exc):
            return False
        raise
    return True


def _server(url: URL) -> str:
    key = credential_key(url)
    return key.split("@", 1)[1]
