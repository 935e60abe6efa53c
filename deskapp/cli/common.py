"""What every subcommand shares: opening the database and turning failures into one clear line."""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import sys
from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from deskapp.core.config import database_url
from deskapp.core.errors import DeskappError
from deskapp.core.i18n import _
from deskapp.core.io.safe_write import DISK_FULL_ERRNOS
from deskapp.core.storage import migrate
from deskapp.core.storage.engine import describe_storage_error, make_engine

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def ask_in_terminal(prompt: str) -> tuple[str, bool]:
    """Ask for a password without echo, then whether to remember it in the system keyring."""
    import getpass

    password = getpass.getpass(prompt + " ")
    return password, said_yes(input(_("Remember this password on this computer? [y/N] ")))


def said_yes(answer: str) -> bool:
    """Whether an answer typed at the terminal is yes ("y" or "yes", in English or the user's language)."""
    return answer.strip().casefold() in {"y", "yes", _("y"), _("yes")}


def confirmed(yes: bool, refused: str, ask: Callable[[], bool], *,
              unasked: Callable[[], None] | None = None) -> bool:
    """Whether a command that cannot simply be taken back goes ahead: ``--yes``, or the answer at the terminal.

    Without a terminal (a script) nothing is asked: ``unasked`` runs (to show what would have been
    done), ``refused`` is the error, and the answer is no. At a terminal ``ask`` asks, and says
    itself why nothing was done when the answer is no.
    """
    if yes:
        return True
    if not sys.stdin.isatty():
        if unasked is not None:
            unasked()
        error(refused)
        return False
    return ask()


def open_url(db: str | None) -> Engine:
    """An engine for ``db`` (path or URL); asks for a PostgreSQL password only at a terminal.

    The password comes from libpq (``PGPASSWORD``, ``~/.pgpass``), the keyring, or the prompt,
    in that order (:func:`deskapp.core.security.credentials.resolve_database_url`).
    """
    from deskapp.core.security.credentials import CredentialStore, resolve_database_url

    store = CredentialStore()
    ask = ask_in_terminal if sys.stdin.isatty() else None
    url = resolve_database_url(database_url(db), ask, store=store)
    if store.notice:
        print(store.notice, file=sys.stderr)
    return make_engine(url.render_as_string(hide_password=False))


def open_database(args: argparse.Namespace) -> Engine:
    """The engine for ``--db``/``DESKAPP_DB``/default (password as :func:`open_url`), migrated.

    A customer import that died halfway (killed, a full disk) is taken back first, as the window
    does when it opens, so no command reads or exports its half-written rows.
    """
    from deskapp.core.services.customers import import_runs
    from deskapp.core.storage.engine import is_read_only

    engine = open_url(args.db)
    migrate.upgrade(engine)
    if not is_read_only(engine):
        import_runs.recover(engine)
    return engine


def console(engine: Engine) -> int:
    """The id of the console's built-in account, which every subcommand acts as (created on first use)."""
    from sqlalchemy.orm import Session

    from deskapp.core.services.kernel.actors import console_actor

    with Session(engine) as session:
        return console_actor(session)


def error(message: str) -> None:
    """Print one line for the user on stderr."""
    print(_("deskapp: {message}").format(message=message), file=sys.stderr)


def run_command(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a subcommand; failures become one line and a non-zero exit code, never a traceback."""
    try:
        return handler(args)
    except DeskappError as exc:
        error(exc.message)
    except (SQLAlchemyError, sqlite3.Error) as exc:
        # sqlite3.Error: the bulk import and the backup talk to the driver directly.
        error(describe_storage_error(exc))
    except BrokenPipeError:
        # The reader went away (`deskapp lookup … | head`): stop quietly, as other tools do. Point
        # stdout at devnull so the interpreter's final flush does not complain (Python docs' recipe).
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        return EXIT_OK
    except OSError as exc:
        if exc.errno in DISK_FULL_ERRNOS:
            reason = _("the disk is full (or the file would be larger than this system allows); free some space, "
                       "then try again")
        else:
            reason = exc.strerror or str(exc)
        error(_("{path}: {reason}").format(path=exc.filename, reason=reason) if exc.filename else reason)
    except KeyboardInterrupt:
        error(_("Interrupted."))
        return 130
    return EXIT_FAILED
