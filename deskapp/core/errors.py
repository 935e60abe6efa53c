"""Errors that carry a message a person can act on, in the current UI language."""

from __future__ import annotations


class DeskappError(Exception):
    """A failure with a message meant for the user (already translated)."""

    def __init__(self, message: str) -> None:
        """Keep the user-facing message."""
        super().__init__(message)
        self.message = message


class StorageError(DeskappError):
    """The database could not be opened, read or written."""


class DatabaseGone(StorageError):
    """The database file the desk opened was deleted or replaced while it was open."""


class NoDatabase(StorageError):
    """No database exists at the path the window was asked to open; making one needs a yes."""

    def __init__(self, message: str, path: str) -> None:
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
