"""Errors that carry a message a person can act on, in the current UI language."""

from __future__ import annotations

from collections.abc import Callable

Message = str | Callable[[], str]  # a finished text, or what writes it in the current UI language


class DeskappError(Exception):
    """A failure with a message meant for the user.

    The message is a finished text, or a callable that writes it (``later()`` from
    deskapp.core.i18n, or a ``lambda: _(...)``): then :attr:`message` is written again in the
    language current when it is read, so a banner showing the error follows a language switch.
    """

    def __init__(self, message: Message) -> None:
        """Keep the user-facing message (written once now, for ``args`` and tracebacks)."""
        self._write = message if callable(message) else None
        text = message() if callable(message) else message
        super().__init__(text)
        self._text = text

    @property
    def message(self) -> str:
        """The message in the current UI language (as raised when it was a finished text)."""
        return self._write() if self._write is not None else self._text

    def retranslated(self) -> str:
        """:attr:`message` as a method: ``exc.retranslated`` is what a banner asks again after a switch."""
        return self.message

    def __str__(self) -> str:
        return self.message


class StorageError(DeskappError):
    """The database could not be opened, read or written."""


class DatabaseGone(StorageError):
    """The database file the desk opened was deleted or replaced while it was open."""


class NoDatabase(StorageError):
    """No database exists at the path the window was asked to open; making one needs a yes."""

    def __init__(self, message: Message, path: str) -> None:
        """Keep the message and the path that has no database."""
        super().__init__(message)
        self.path = path


class InputFileError(DeskappError):
    """A file given by the user cannot be read or has the wrong shape."""


class OutputFileError(DeskappError):
    """A file the user asked deskapp to write cannot or must not be written."""


class PermissionDenied(DeskappError):
    """The acting agent may not do this."""


class RecordNotFound(DeskappError):
    """The customer, case, note or agent asked for does not exist (any more)."""


class InvalidInput(DeskappError):
    """A value the rep entered cannot be stored as it is."""


class RecordErased(RecordNotFound):
    """The customer's personal data was erased at their request: nothing more is written about them."""
