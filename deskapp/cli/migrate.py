"""``deskapp migrate``: bring a database's schema up to date and say from which revision to which.

Also home of what the team-mode commands share: opening a URL whose password may have to come
from the keyring or from the person at the terminal.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from deskapp.core.i18n import _

if TYPE_CHECKING:
    from sqlalchemy import Engine


def register(subparsers: Any) -> None:
    """Add the ``migrate`` command."""
    parser = subparsers.add_parser(
        "migrate", help=_("bring the database schema (--db) up to date; prints the revisions from and to"),
    )
    parser.set_defaults(handler=run)


def ask_in_terminal(prompt: str) -> tuple[str, bool]:
    """Ask for a password without echo, then whether to remember it in the system keyring."""
    import getpass

    password = getpass.getpass(prompt + " ")
    answer = input(_("Remember this password on this computer? [y/N] ")).strip().casefold()
    return password, answer in {"y", "yes", _("y"), _("yes")}


def open_url(db: str | None) -> Engine:
    """An engine for ``db`` (path or URL); asks for a PostgreSQL password only at a terminal.

    The password comes from libpq (``PGPASSWORD``, ``~/.pgpass``), the keyring, or the prompt,
    in that order (:func:`deskapp.core.security.credentials.resolve_database_url`).
    """
    from deskapp.core.config import database_url
    from deskapp.core.security.credentials import CredentialStore, resolve_database_url
    from deskapp.core.storage.engine import make_engine

    store = CredentialStore()
    ask = ask_in_terminal if sys.stdin.isatty() else None
    url = resolve_database_url(database_url(db), ask, store=store)
    if store.notice:
        print(store.notice, file=sys.stderr)
    return make_engine(url.render_as_string(hide_password=False))


def run(args: argparse.Namespace) -> int:
    """Upgrade the schema of ``--db`` and print the revision before and after."""
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
