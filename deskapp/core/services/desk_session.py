"""The desk's connection: opening the database, who acts, and the short session every call runs in.

:class:`~deskapp.core.services.desk.Desk` builds on it; the UI runs its methods on its
background worker, each in its own session, so no ORM object crosses threads.
"""

from __future__ import annotations

import getpass
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from deskapp.core import errors
from deskapp.core.config import database_url
from deskapp.core.domain.enums import Channel, Role
from deskapp.core.domain.models import Agent
from deskapp.core.i18n import later
from deskapp.core.services import desk_open
from deskapp.core.services.customers import import_runs
from deskapp.core.services.notes import notes, spool
from deskapp.core.storage import migrate
from deskapp.core.storage.engine import is_read_only, make_engine, reader, session_factory

if TYPE_CHECKING:
    # Imported where it is used: argon2 costs time before the first search.
    from deskapp.core.services.auth import auth

T = TypeVar("T")
P = ParamSpec("P")
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DeskInfo:
    """What the window needs to know once the database is open."""

    database: str
    agent_id: int
    agent_name: str
    agent_role: Role
    ui_locale: str  # "" until the agent picks a language; then the UI follows it
    station_channel: Channel
    pending_drafts: tuple[notes.DraftRow, ...]


class DeskSession:
    """Opens the database, says who acts, and runs each call in a short session."""

    def __init__(self, db: str | None = None) -> None:
        """Remember which database to open (``--db``, ``DESKAPP_DB`` or the default)."""
        self.url = database_url(db)
        self.engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._read_sessions: sessionmaker[Session] | None = None
        self.agent_id = 0
        self.spool = spool.LocalDraftSpool()
        self.desk_id = ""  # names this desk in the local draft spool
        self._opened: desk_open.OpenedFile | None = None

    def open(self, username: str | None = None, password: str | None = None, remember: bool = False, *,
             create: bool = False, role: Role | None = None) -> DeskInfo:
        """Open and migrate the database and choose the acting agent.

        A team server's password comes from libpq (PGPASSWORD, ~/.pgpass), the keyring, or
        ``password`` (the window asked the rep; ``remember`` keeps it in the keyring). A SQLite
        file that does not exist is made only on the first run at the default path, or with
        ``create`` (the rep said yes); otherwise :class:`~deskapp.core.errors.NoDatabase`.
        ``role`` acts as the first active agent of that role (the layout report).
        """
        is_default = desk_open.check_creation(self.url, create)
        from deskapp.core.security.credentials import CredentialStore, resolve_database_url

        def given(_prompt: str) -> tuple[str, bool]:
            return password or "", remember

        self.credentials = CredentialStore()
        url = resolve_database_url(self.url, given if password else None, store=self.credentials)
        self.engine = make_engine(url.render_as_string(hide_password=False))
        migrate.upgrade(self.engine)
        if is_default:  # from now on a missing default desk is news, not a first run
            desk_open.remember_default_made()
        self._opened = desk_open.opened_file(self.engine)
        self._take_back_dead_imports()
        self._sessions = session_factory(self.engine)
        self._read_sessions = session_factory(reader(self.engine))
        with self._sessions() as session:
            try:  # the starter responses and call scripts, on first run
                desk_open.ensure_library(session)
            except SQLAlchemyError:
                # A read-only or busy database still opens for lookups; the library loads next time.
                session.rollback()
                log.warning("starter library not loaded", exc_info=True)
            agent = desk_open.pick_agent(session, username or getpass.getuser(), role)
            session.commit()
            self.desk_id = desk_open.desk_id(session)
            self.agent_id = agent.id
            return self._info(session, agent)

    def _info(self, session: Session, agent: Agent) -> DeskInfo:
        assert self.engine is not None
        channel = Channel(agent.preferences.get("station_channel", Channel.PHONE.value))
        return DeskInfo(
            database=self.engine.url.render_as_string(hide_password=True),
            agent_id=agent.id, agent_name=agent.display_name, agent_role=agent.role,
            ui_locale=agent.ui_locale if agent.preferences.get("ui_locale_chosen") else "",
            station_channel=channel,
            pending_drafts=desk_open.pending_drafts(session, agent.id),
        )

    def _take_back_dead_imports(self) -> None:
        assert self.engine is not None
        if is_read_only(self.engine):
            return
        try:  # an import killed halfway: its committed slices come out again (a slice at a time)
            import_runs.recover(self.engine)
        except (SQLAlchemyError, sqlite3.Error):
            log.warning("an unfinished import could not be taken back yet", exc_info=True)

    def import_status(self) -> import_runs.ImportStatus | None:
        """The customer import under way in this database, if any: the window polls it every few seconds."""
        return self._run(import_runs.import_in_progress)

    def close(self) -> None:
        """Release the database connections."""
        if self.engine is not None:
            self.engine.dispose()

    def _run(self, work: Callable[[Session], T]) -> T:
        if self._sessions is None:
            raise RuntimeError("Desk.open() was not called")
        desk_open.check_still_there(self._opened)
        with self._sessions() as session:
            return work(session)

    # --- sign-in: who the desk acts as ----------------------------------------------------
    def sign_in(self, username: str, password: str) -> auth.SignedIn:
        """Check the password and act as that agent from now on.

        Raises:
            SignInFailed: Wrong username or password, or a disabled account (the acting agent stays);
                ``SignInLocked``, its subclass, when the username is locked out after too many failures.
        """
        from deskapp.core.services.auth import auth

        signed = self._run(lambda s: auth.sign_in(s, username, password))
        self.agent_id = signed.agent_id
        return signed

    def agent_info(self) -> DeskInfo:
        """What the window needs to know about the acting agent (after a sign-in)."""
        def work(session: Session) -> DeskInfo:
            agent = session.get(Agent, self.agent_id)
            if agent is None:
                raise errors.RecordNotFound(later("This user account does not exist or is disabled. Sign in again."))
            return self._info(session, agent)

        return self._run(work)

    def _read_as_agent(self, service: Callable[Concatenate[Session, int, P], T],
                       *args: P.args, **kwargs: P.kwargs) -> T:
        """:meth:`as_agent` for a service that only reads: no transaction around it on a team server.

        Lookups (every keystroke) and opening a customer then cost one round trip per statement,
        without a BEGIN before and a ROLLBACK after (see :func:`~deskapp.core.storage.engine.reader`).
        """
        if self._read_sessions is None:
            raise RuntimeError("Desk.open() was not called")
        desk_open.check_still_there(self._opened)
        agent_id = self.agent_id
        with self._read_sessions() as session:
            return service(session, agent_id, *args, **kwargs)

    def as_agent(self, service: Callable[Concatenate[Session, int, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``service(session, acting_agent_id, *args, **kwargs)`` in a short session.

        Any service fits (they all take the acting agent second); the services check the
        permissions, the desk only says who acts.
        """
        agent_id = self.agent_id
        return self._run(lambda s: service(s, agent_id, *args, **kwargs))

    def set_ui_locale(self, code: str) -> None:
        """Remember the acting agent's UI language."""
        def work(session: Session) -> None:
            agent = session.get(Agent, self.agent_id)
            if agent is not None:
                agent.ui_locale = code
                agent.preferences = {**agent.preferences, "ui_locale_chosen": True}
                session.commit()

        self._run(work)
