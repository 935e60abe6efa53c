"""The ``deskapp`` command: no subcommand opens the window; subcommands script the same services.

Only argparse is imported here: SQLAlchemy and Qt load inside the command that needs them, so
``deskapp --version`` is instant and the window can paint before the database layer is imported.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from deskapp import __version__
from deskapp.core.i18n import _, normalise_locale, set_locale

if TYPE_CHECKING:
    # What each command module's register() is given: the main parser's list of subcommands.
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]

# Each module defines register(subparsers); its handler imports what it needs when run.
COMMAND_MODULES = ("demo", "customers", "lookup", "backup", "responses", "scripts", "kb", "migrate", "copy",
                   "users", "report", "cases_export", "verify", "doctor", "layout", "feedback", "privacy",
                   "customer_merge", "calls", "cti", "callbacks")


def _add_window_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", metavar="PATH_OR_URL",
        help=_("database file or URL (default: DESKAPP_DB, else a file in your user data folder)"),
    )
    parser.add_argument("--lang", metavar="LOCALE", help=_("user-interface language: en, fi, fil or es"))
    parser.add_argument(
        "--smoke-test", action="store_true",
        help=_("open the main window headless, wait until the database is ready, then exit"),
    )


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (subcommands registered by their modules)."""
    parser = argparse.ArgumentParser(
        prog="deskapp", description=_("A service-desk assistant for customer-service representatives.")
    )
    parser.add_argument("--version", action="version", version=f"deskapp {__version__}")
    _add_window_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"deskapp.cli.{name}").register(subparsers)
    return parser


def _window_arguments(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The arguments when they only open the window, else ``None`` (the full parser's turn).

    Anything else (a subcommand, ``--help``, ``--version``, a mistake) goes to the full parser,
    which imports and registers every command module: time the window would wait for before its
    first paint (bench/startup.py).
    """
    parser = argparse.ArgumentParser(prog="deskapp", add_help=False, exit_on_error=False)
    _add_window_options(parser)
    try:
        args, rest = parser.parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    if rest:
        return None
    args.command = None
    return args


def _startup_locale(explicit: str | None) -> str:
    for value in (explicit, os.environ.get("LANGUAGE", "").split(":")[0],
                  os.environ.get("LC_ALL"), os.environ.get("LC_MESSAGES"), os.environ.get("LANG")):
        code = normalise_locale(value)
        if code:
            return code
    return "en"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``deskapp`` console script; returns the exit code."""
    # --lang must be known before the parser is built, or --help would stay in the system language.
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang")
    known, _rest = early.parse_known_args(argv)
    set_locale(_startup_locale(known.lang))
    args = _window_arguments(argv) or build_parser().parse_args(argv)
    if args.command is None:
        from deskapp.ui.app import run_app

        return run_app(db=args.db, smoke_test=args.smoke_test, lang=args.lang)
    from deskapp.cli.common import run_command

    return run_command(args.handler, args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
