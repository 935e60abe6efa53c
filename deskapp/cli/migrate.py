"""``deskapp migrate``: bring a database's schema up to date and say from which revision to which.

Also home of what the team-mode commands share: opening a URL whose password may have to come
from the keyring or from the person at the terminal.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from deskapp.core.i18n import _

if TYPE_CHECKING:
    from deskapp.cli import Subcommands


def register(subparsers: Subcommands) -> None:
    """Add the ``migrate`` command."""
    parser = subparsers.add_parser(
        "migrate", help=_("bring the database schema (--db) up to date; prints the revisions from and to"),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Upgrade the schema of ``--db`` and print the revision before and after."""
    from deskapp.cli.common import open_url
    from deskapp.core.storage import migrate

    engine = open_url(args.db)
    try:
        before = migrate.current_revision(engine)
        migrate.upgrade(engine)
        after = migrate.current_revision(engine)
    finally:
        engine.dispose()
    none = _("(empty)")
    if before == after:
        print(_("The database schema is up to date (revision {revision}).").format(revision=after or none))
    else:
        print(_("Database schema upgraded from revision {before} to {after}.").format(
            before=before or none, after=after or none))
    return 0
