"""The representative's desk: one object the window talks to, every call a short session.

The UI runs these methods on its background worker; each opens its own session and returns plain
rows, so no ORM object crosses threads. Importing this module pulls in SQLAlchemy, which is why
the window imports it only after it has painted.
"""

from __future__ import annotations

import datetime as dt
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
from deskapp.core.domain.base import utcnow
from deskapp.core.domain.enums import CaseStatus, Channel, Priority, PurchasePhase, Role, SupportStage
from deskapp.core.domain.models import Agent
from deskapp.core.i18n import _
from deskapp.core.services import desk_open
from deskapp.core.services.cases import cases
from deskapp.core.services.cases import feedback as case_feedback
from deskapp.core.services.customers import editing as customers
from deskapp.core.services.customers import import_runs, lookup
from deskapp.core.services.customers import profile as customer_profiles
from deskapp.core.services.customers.lookup import LookupPage
from deskapp.core.services.notes import notes, spool
from deskapp.core.storage import connectivity, migrate
from deskapp.core.storage.engine import is_read_only, make_engine, reader, session_factory

if TYPE_CHECKING:
    # Imported where they are used: templates (Jinja2, Babel), YAML and argon2 cost ~0.2 s of the
    # worker's time before the first search, and a rep may never open a script that day.
    from deskapp.core.services.auth import auth
    from deskapp.core.services.responses import responses
    from deskapp.core.services.scripts import call_scripts

T = TypeVar("T")
P = ParamSpec("P")
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SavedDraft:
    """Where an autosaved draft went: the database, or this computer while the server is away."""

    saved_at: dt.datetime
    offline: bool


@dataclass(frozen=True, slots=True)
class ResponsePreview:
    """A response filled in for the customer, and beside it in the rep's language."""

    detail: responses.ResponseDetail
    customer_locale: str
    customer_text: str
    rep_locale: str
    rep_text: str
    problem: str | None  # e.g. a fill-in still missing; the texts are then the templates


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


class Desk:
    """Opens the database and offers the rep's operations."""

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
                raise errors.RecordNotFound(_("This user account does not exist or is disabled. Sign in again."))
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

    # --- lookup and customers -------------------------------------------------------------
    def lookup(self, query: str, limit: int = 50) -> list[lookup.LookupRow]:
        """Customers matching what the rep typed (the acting agent needs ``customer.lookup``).

        Raises:
            PermissionDenied: The account is disabled or unknown, or its role may not look customers up.
        """
        return self._read_as_agent(lookup.find_customers, query, limit=limit)

    def lookup_page(self, query: str, limit: int = 50) -> LookupPage:
        """:meth:`lookup`, and whether more customers match than the page shows."""
        return self._read_as_agent(lookup.find_customer_page, query, limit=limit)

    def profile(self, customer_id: int) -> customer_profiles.ProfileRow:
        """The customer's profile."""
        return self._read_as_agent(customer_profiles.customer_profile, customer_id)

    def update_customer(self, customer_id: int, changes: dict[str, str],
                        expected_version: int) -> customer_profiles.ProfileRow:
        """Save the rep's changes; raises ``CustomerConflict`` (both versions) if someone saved first."""
        return self.as_agent(customers.update_customer, customer_id, dict(changes), expected_version)

    def case_history(self, customer_id: int, open_only: bool = False) -> list[cases.CaseRow]:
        """The customer's cases, newest first."""
        return self._read_as_agent(cases.case_history, customer_id, open_only)

    # --- cases ----------------------------------------------------------------------------
    def case_customer(self, case_id: int) -> int:
        """The customer a case belongs to."""
        return self.as_agent(cases.get_case, case_id).customer_id

    def open_case(self, customer_id: int, subject: str, phase: PurchasePhase, stage: SupportStage,  # noqa: PLR0917
                  channel: Channel, priority: Priority = Priority.NORMAL) -> cases.CaseRow:
        """Open a new case owned by the acting agent."""
        return self.as_agent(cases.open_case, customer_id, subject, phase, stage, channel, priority)

    def set_status(self, case_id: int, status: CaseStatus, expected_version: int) -> cases.CaseRow:
        """Move a case to ``status`` (fails with a conflict if someone changed it meanwhile)."""
        return self.as_agent(cases.set_status, case_id, status, expected_version)

    def assign_to_me(self, case_id: int, expected_version: int) -> cases.CaseRow:
        """Make the acting agent the case's owner."""
        return self.as_agent(cases.assign, case_id, self.agent_id, expected_version)

    def record_feedback(self, case_id: int, score: int) -> case_feedback.FeedbackRow:
        """Store the customer's satisfaction score (1-5); a second one for the case needs a supervisor."""
        return self.as_agent(case_feedback.record_feedback, case_id, score)

    # --- scripted responses ---------------------------------------------------------------
    def find_responses(self, query: str = "") -> list[responses.ResponseRow]:
        """Responses matching ``query`` (title, tags or text, any language)."""
        from deskapp.core.services.responses import responses

        return self.as_agent(responses.list_responses, query)

    def response_preview(self, key: str, customer_id: int | None, case_id: int | None, rep_locale: str,
                         prompts: dict[str, str]) -> ResponsePreview:
        """Both texts the panel shows; with fill-ins missing, the templates and what is missing."""
        from deskapp.core.services.responses import responses
        from deskapp.core.templating.render import MissingPrompt

        me = self.agent_id

        def work(session: Session) -> ResponsePreview:
            detail = responses.get_response(session, me, key)
            pair = responses.side_by_side(session, me, key, self._customer_locale(session, customer_id), rep_locale)
            def preview(problem: str | None, placeholders: bool) -> ResponsePreview:
                texts = [responses.render_response(session, me, key, customer_id, locale=locale, answering_agent_id=me,
                                                   case_id=case_id, prompts=prompts, placeholders=placeholders,
                                                   mark_gaps=True)
                         for locale in (None, pair.rep.locale)]  # the customer's language, then the rep's
                return ResponsePreview(detail, texts[0].locale, texts[0].text, texts[1].locale, texts[1].text, problem)

            try:
                return preview(None, placeholders=False)
            except MissingPrompt as exc:
                # Fill-ins not typed yet show as «their label», never as template code (else the raw templates).
                try:
                    return preview(str(exc), placeholders=True)
                except errors.DeskappError:
                    return ResponsePreview(detail, pair.customer.locale, pair.customer.body, pair.rep.locale,
                                           pair.rep.body, str(exc))

        return self._run(work)

    def response_detail(self, key: str) -> responses.ResponseDetail:
        """A response with every language variant (for editing)."""
        from deskapp.core.services.responses import responses

        return self.as_agent(responses.get_response, key)

    def save_variant(self, key: str, locale: str, title: str, body: str) -> responses.VariantRow:
        """Save one language of a response (supervisors); a broken template raises with line numbers."""
        from deskapp.core.services.responses import responses

        return self.as_agent(responses.save_variant, key, locale, body, title=title)

    def render_response(self, key: str, customer_id: int | None, case_id: int | None,
                        prompts: dict[str, str]) -> responses.RenderedResponse:
        """The response filled in, in the customer's language, ready to insert."""
        from deskapp.core.services.responses import responses

        return self.as_agent(responses.render_response, key, customer_id, answering_agent_id=self.agent_id,
                             case_id=case_id, prompts=prompts, mark_gaps=True)

    def scripts(self) -> list[call_scripts.ScriptRow]:
        """The call scripts (newest version of each); the acting agent needs ``script.run``."""
        from deskapp.core.services.scripts import call_scripts

        return self.as_agent(call_scripts.list_scripts)

    def start_script(self, key: str, customer_id: int | None, case_id: int | None,
                     rep_locale: str) -> call_scripts.ScriptRun:
        """A run of script ``key`` for the customer, in their language (plain object, no session).

        Raises:
            PermissionDenied: The acting agent may not run call scripts.
        """
        from deskapp.core.services.scripts import call_scripts

        return self.as_agent(call_scripts.start_run, key, customer_id, rep_locale=rep_locale, case_id=case_id)

    def finish_script(self, case_id: int, run: call_scripts.ScriptRun) -> call_scripts.ScriptRunResult:
        """Store the run as a structured note on the case, and its satisfaction score (``script.run``)."""
        from deskapp.core.services.scripts import call_scripts

        return self.as_agent(call_scripts.finish_run, case_id, run)

    def _customer_locale(self, session: Session, customer_id: int | None) -> str:
        if customer_id is None:
            return "en"
        return customer_profiles.load_profile(session, customer_id).preferred_locale  # side_by_side checked

    # --- notes ----------------------------------------------------------------------------
    def case_notes(self, case_id: int) -> list[notes.NoteRow]:
        """The notes of a case with their latest text."""
        return self.as_agent(notes.case_notes, case_id)

    def note_history(self, note_id: int) -> list[notes.RevisionRow]:
        """Every revision of a note, oldest first."""
        return self.as_agent(notes.note_history, note_id)

    def save_draft(self, case_id: int, body: str, note_id: int | None = None, *,
                   based_on: dt.datetime | notes.Unchecked | None = notes.UNCHECKED) -> SavedDraft:
        """Autosave the text being typed; with the server unreachable, keep it on this computer.

        ``based_on`` is the time of the draft this window last saved or loaded (see
        :func:`notes.save_draft`). A database file deleted or replaced under the window keeps the
        text on this computer too, and raises :class:`~deskapp.core.errors.DatabaseGone`: it was not saved.
        """
        try:
            row = self.as_agent(notes.save_draft, case_id, body, note_id, based_on=based_on)
        except errors.DatabaseGone:
            self.spool.save(self.agent_id, case_id, body, note_id, desk=self.desk_id)
            raise
        except SQLAlchemyError as exc:
            if not connectivity.is_connection_error(exc):
                raise
            self.spool.save(self.agent_id, case_id, body, note_id, desk=self.desk_id)
            return SavedDraft(utcnow(), offline=True)
        return SavedDraft(row.saved_at, offline=False)

    def offline_drafts(self) -> int:
        """How many drafts wait on this computer for the server."""
        return len(self.spool.pending())

    def flush_offline_drafts(self) -> spool.FlushResult:
        """Hand the drafts kept on this computer to the server (when it is back)."""
        if self._sessions is None:
            raise RuntimeError("Desk.open() was not called")
        return self.spool.flush(self._sessions, self.agent_id, self.desk_id)

    def discard_draft(self, case_id: int, note_id: int | None = None) -> None:
        """Throw away the draft for a case (after the rep chose to)."""
        self.as_agent(notes.discard_draft, case_id, note_id)

    def case_drafts(self, case_id: int) -> list[notes.DraftRow]:
        """Every unsaved draft of the acting agent on a case: a new note's and saved notes' being edited."""
        return [d for d in self.as_agent(notes.pending_drafts) if d.case_id == case_id]

    def save_note(self, case_id: int, body: str, note_id: int | None = None) -> notes.NoteRow:
        """Save the note: a new note, or a new revision of ``note_id``."""
        if note_id is None:
            return self.as_agent(notes.add_note, case_id, body)
        return self.as_agent(notes.edit_note, note_id, body)
