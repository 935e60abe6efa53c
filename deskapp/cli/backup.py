"""``deskapp backup FILE``: an online, consistent copy of the database.

A backup is an operation of the local console, like ``deskapp users``: whoever runs it already
holds the database file, so there is no sign-in; it acts as the console's built-in account
(``backup.run``) and is audited. The window does not offer it.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from deskapp.core.i18n import _

if TYPE_CHECKING:
    from deskapp.cli import Subcommands


def register(subparsers: Subcommands) -> None:
    """Add the ``backup`` command."""
    parser = subparsers.add_parser("backup", help=_("copy the database to FILE while it is in use"))
    parser.add_argument("file", metavar="FILE")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Copy the open database to ``args.file`` and report where it went."""
    from deskapp.cli.common import console, open_database
    from deskapp.core.services.backup import back_up

    engine = open_database(args)
    result = back_up(engine, console(engine), args.file)
    print(_("Backed up {pages} pages to {path}.").format(pages=result.pages, path=result.path))
    return 0
