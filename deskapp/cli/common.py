"""What every subcommand shares: opening the database and turning failures into one clear line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from deskapp.core.config import database_url
from deskapp.core.errors import DeskappError
from deskapp.core.i18n import _
from deskapp.core.storage import migrate
from deskapp.core.storage.engine import describe_storage_error, make_engine

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def open_database(args: argparse.Namespace) -> Engine:
    """The engine for ``--db``/``DESKAPP_DB``/default, migrated to the current schema."""
    engine = make_engine(database_url(args.db))
    migrate.upgrade(engine)
    return engine


def error(message: str) -> None:
    """Print one line for the user on stderr."""
    print(_("deskapp: {message}").format(message=message), file=sys.stderr)


def run_command(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a subcommand; failures become one line and a non-zero exit code, never a traceback."""
    try:
        return handler(args)
    except DeskappError as exc:
        error(exc.message)
    except SQLAlchemyError as exc:
        error(describe_storage_error(exc))
    except OSError as exc:
        error(_("{path}: {reason}").format(path=exc.filename or "", reason=exc.strerror or str(exc)))
    except KeyboardInterrupt:
        error(_("Interrupted."))
        return 130
    return EXIT_FAILED
