"""What opening a desk needs.

The agent to act as, the starter library, the rep's unsaved drafts, and which file and which desk
it opened (so a file deleted or replaced under the running window is noticed).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from deskapp.core.config import data_dir, default_db_path
from deskapp.core.domain.enums import Role
from deskapp.core.domain.knowledge import Article
from deskapp.core.domain.library import CallScript, Response
from deskapp.core.domain.models import Agent
from deskapp.core.errors import DatabaseGone, NoDatabase, PermissionDenied
from deskapp.core.i18n import later
from deskapp.core.io.safe_write import database_file
from deskapp.core.security.permissions import CONSOLE_USERNAME
from deskapp.core.services.kernel.actors import console_actor
from deskapp.core.services.kernel.integrity import find_key
from deskapp.core.services.notes import notes


def pick_agent(session: Session, username: str, role: Role | None = None) -> Agent:
    """The agent to act as until sign-in arrives: the OS user's agent, else the first rep (never the console's).

    With ``role`` (the layout report), the first active agent of that role, whoever the OS user is.
    """
    person = Agent.username != CONSOLE_USERNAME
    if role is not None:
        chosen = session.scalars(select(Agent).where(Agent.active, person, Agent.role == role)
                                 .order_by(Agent.id)).first()
        if chosen is not None:
            return chosen
    agent = session.scalars(select(Agent).where(Agent.username == username, Agent.active, person)).first()
    if agent is None:
        agent = session.scalars(select(Agent).where(Agent.active, person)
                                .order_by(Agent.role != Role.REP, Agent.id)).first()
    if agent is None:
        agent = Agent(username=username, display_name=username, role=Role.REP)
        session.add(agent)
        session.flush()
    return agent


def ensure_library(session: Session) -> None:
    # The starter library is loaded once, into a desk with no responses and no scripts; the check
    # is two counts here, so the YAML and template modules load only on that first run. The same
    # for the starter knowledge base, into a desk with no article.
    if not session.scalar(select(func.count()).select_from(Article)):
        from deskapp.core.services.knowledge.library import ensure_kb

        ensure_kb(session, console_actor(session))
    if session.scalar(select(func.count()).select_from(Response)) or \
            session.scalar(select(func.count()).select_from(CallScript)):
        return
    from deskapp.core.services import starter

    starter.ensure_library(session, console_actor(session))  # the shipped library, loaded by the system


def pending_drafts(session: Session, agent_id: int) -> tuple[notes.DraftRow, ...]:
    try:
        return tuple(notes.pending_drafts(session, agent_id))
    except PermissionDenied:  # an account that may not write notes (an administrator) has no drafts
        return ()


class OpenedFile(NamedTuple):
    """The SQLite file a desk opened, as the file system identifies it."""

    path: Path
    device: int
    inode: int


def opened_file(engine: Engine) -> OpenedFile | None:
    """The file behind ``engine`` (``None``: a server, or an in-memory database)."""
    path = database_file(engine.url)
    if path is None:
        return None
    status = os.stat(path)
    return OpenedFile(path, status.st_dev, status.st_ino)


def check_still_there(opened: OpenedFile | None) -> None:
    """Refuse to go on when the opened file was deleted or replaced under the running desk.

    SQLite keeps writing to a deleted file's inode, so without this check every save would report
    success into a file nobody will ever open again, and the next start would make a new empty desk.

    Raises:
        DatabaseGone: The path is gone, or another file now stands at it.
    """
    if opened is None:
        return
    try:
        status = os.stat(opened.path)
    except FileNotFoundError:
        status = None
    if status is None or (status.st_dev, status.st_ino) != (opened.device, opened.inode):
        raise DatabaseGone(later("The database file {path} was deleted or replaced while deskapp was open. Nothing "
                                 "more is saved to it; your text is kept on this computer. Ask your administrator "
                                 "to restore the file, then start deskapp again.", path=opened.path))


def desk_id(session: Session) -> str:
    """A stable, public name of this desk (derived from its secret chain key; ``""`` without one)."""
    key = find_key(session)
    return "" if key is None else hmac.new(key, b"deskapp desk id", hashlib.sha256).hexdigest()[:32]


# In the user data folder once a desk was made at the default path: after that, a missing default
# database is news (deleted, moved, a backup disk not mounted), not a first run.
MADE_MARKER = "default-desk-made"


def check_creation(url: str, create: bool) -> bool:
    """Whether ``url`` is the default desk; refuse to make a new SQLite file unless it is wanted.

    A new empty desk is made without asking only on the first run at the default path; anywhere
    else (``--db garbage``, a default database that was deleted) the window must ask first.

    Raises:
        NoDatabase: The file does not exist and ``create`` is false.
    """
    path = database_file(make_url(url))
    if path is None or path.exists() or not path.parent.is_dir():  # a missing folder: the engine says so
        return path == default_db_path()
    first_run = path == default_db_path() and not (data_dir() / MADE_MARKER).exists()
    if not (create or first_run):
        raise NoDatabase(later("There is no deskapp database at {path}. If it was moved or deleted, ask your "
                               "administrator to restore it; or make a new, empty desk there.", path=path),
                         str(path))
    return path == default_db_path()


def remember_default_made() -> None:
    """Note that the default desk exists now (see :func:`check_creation`)."""
    (data_dir() / MADE_MARKER).touch()
