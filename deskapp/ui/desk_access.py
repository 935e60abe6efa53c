"""What the main window's parts share: the job runner, the desk once open, who is signed in, errors.

Each part (search, case flow, connection, modes, menus) gets this one small collaborator in its
constructor, instead of the window: it reaches the database through the runner, and says what
went wrong in the banner, and nothing more. Part of the first frame, so nothing here is heavy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from deskapp.core.services.desk import Desk
    from deskapp.core.services.desk_session import DeskInfo
    from deskapp.ui.jobs import JobRunner
    from deskapp.ui.widgets import Banner


def plain_description(exc: BaseException) -> str:
    """The error's own message: what describes errors until the database layer is loaded."""
    message = getattr(exc, "message", None)
    return str(message or exc)


class DeskAccess(QObject):
    """The desk (once open), who is signed in, the one worker thread, and the banner for errors."""

    def __init__(self, owner: QObject, banner: Callable[[], Banner]) -> None:
        super().__init__(owner)  # the runner's thread ends with the owner
        self.desk: Desk | None = None
        self.info: DeskInfo | None = None
        self.is_ready = False  # someone is signed in and the search answers
        self.describe: Callable[[BaseException], str] = plain_description  # storage-aware once open
        self._runner: JobRunner | None = None
        self._banner = banner

    @property
    def runner(self) -> JobRunner:
        """The one worker thread for database work (started by the first job)."""
        if self._runner is None:
            from deskapp.ui.jobs import JobRunner

            self._runner = JobRunner(self.parent())
        return self._runner

    @property
    def started_runner(self) -> JobRunner | None:
        """The runner if any job has asked for it (``None``: nothing ran yet)."""
        return self._runner

    @property
    def open_desk(self) -> Desk:
        """The desk, for what runs only once the database is open."""
        assert self.desk is not None, "the database is not open yet"
        return self.desk

    @property
    def banner(self) -> Banner:
        """The message strip above the search box."""
        return self._banner()

    def late_desk(self) -> Desk:
        """The desk for a panel built before the database opens: each call goes to the desk open then."""
        # The proxy answers every attribute as the desk it finds at each call does: a Desk to its users.
        return cast("Desk", _DeskProxy(self))

    def describe_error(self, exc: Exception) -> str:
        """A sentence for the rep, in the current UI language."""
        return self.describe(exc)

    def show_error(self, exc: Exception) -> None:
        """Say in the banner what went wrong, written again after a language switch.

        The describer runs again in the new language: its own sentences follow the switch, and a
        DeskappError raised with a callable message (``later()``) writes itself again too.
        """
        self.banner.show_message(lambda: self.describe_error(exc), "error")


class _DeskProxy:
    """Lets a panel call the desk that opens later, without holding a stale reference."""

    def __init__(self, access: DeskAccess) -> None:
        self._access = access

    def __getattr__(self, name: str) -> object:
        return getattr(self._access.desk, name)
