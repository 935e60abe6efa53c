"""``deskapp users add|list|set-role|disable|unlock``: accounts, from the console.

The console acts with the database file in hand, so it needs no sign-in: it acts as the built-in
console account, and every change is audited as made by it. Passwords are read with getpass
(twice) or, for scripts, one line from standard input with ``--password-stdin``; they never
appear on the command line or in any output.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from deskapp.core.i18n import _, later

if TYPE_CHECKING:
    from deskapp.cli import Subcommands
    from deskapp.core.services.auth.auth import UserRow

ROLES = ("rep", "supervisor", "admin")


def register(subparsers: Subcommands) -> None:
    """Add the ``users`` command group."""
    parser = subparsers.add_parser("users", help=_("add, list, change and disable user accounts"))
    commands = parser.add_subparsers(dest="users_what", metavar="ACTION", required=True)

    add = commands.add_parser("add", help=_("create a user account (the password is asked for)"))
    add.add_argument("name", metavar="NAME", help=_("the username (letters, digits, . _ -)"))
    add.add_argument("--role", choices=ROLES, default="rep", help=_("the account's role (default: rep)"))
    add.add_argument("--display-name", metavar="TEXT", help=_("the name colleagues see (default: NAME)"))
    add.add_argument("--password-stdin", action="store_true",
                     help=_("read the password from the first line of standard input"))
    add.set_defaults(handler=run_add)

    listing = commands.add_parser("list", help=_("list the user accounts"))
    listing.add_argument("--json", action="store_true", help=_("print JSON instead of a table"))
    listing.set_defaults(handler=run_list)

    role = commands.add_parser("set-role", help=_("change the role of an account"))
    role.add_argument("name", metavar="NAME")
    role.add_argument("role", metavar="ROLE", choices=ROLES, help=_("rep, supervisor or admin"))
    role.set_defaults(handler=run_set_role)

    disable = commands.add_parser("disable", help=_("disable an account so it can no longer sign in"))
    disable.add_argument("name", metavar="NAME")
    disable.set_defaults(handler=run_disable)

    unlock = commands.add_parser("unlock", help=_("let an account locked out by failed sign-ins sign in again now"))
    unlock.add_argument("name", metavar="NAME")
    unlock.set_defaults(handler=run_unlock)


def read_password(from_stdin: bool) -> str:
    """The new password: one line of stdin, or typed twice at the terminal."""
    from deskapp.core.errors import InputFileError

    not_utf8 = _("The password is not valid UTF-8 text (check the terminal's or the file's encoding). "
                 "Nothing was changed.")
    if from_stdin:
        try:
            password = sys.stdin.readline().rstrip("\r\n")
        except UnicodeDecodeError:  # stdin decoded strictly (PYTHONIOENCODING=utf-8)
            raise InputFileError(not_utf8) from None
    elif not sys.stdin.isatty():
        raise InputFileError(later("No terminal to ask for the password: use --password-stdin."))
    else:
        import getpass

        password = getpass.getpass(_("Password: "))
        if getpass.getpass(_("Password again: ")) != password:
            raise InputFileError(later("The passwords do not match. Nothing was changed."))
    try:
        password.encode("utf-8")  # the POSIX locale turns bytes that are not UTF-8 into lone surrogates
    except UnicodeEncodeError:
        raise InputFileError(not_utf8) from None
    return password


def run_add(args: argparse.Namespace) -> int:
    """Create the account ``args.name``."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.services.auth.auth import add_user

    password = read_password(args.password_stdin)
    engine = open_database(args)
    with Session(engine) as session:
        row = add_user(session, console(engine), args.name, password, role=args.role, display_name=args.display_name)
    print(_("Added {username} ({role}).").format(username=row.username, role=row.role.label))
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Print the accounts as a table or JSON."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.services.auth.auth import list_users

    engine = open_database(args)
    with Session(engine) as session:
        rows = list_users(session, console(engine))
    if args.json:
        print(json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2))
        return 0
    headers = (_("Username"), _("Name"), _("Role"), _("Status"))
    table = [(r.username, r.display_name, r.role.label, _status(r)) for r in rows]
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *table, strict=False)]
    for line in (headers, *table):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
    return 0


def _status(row: UserRow) -> str:
    if not row.active:
        return str(_("disabled"))
    if row.locked_until is not None:
        from deskapp.core.i18n.formatting import format_time  # local time, as the language writes it

        return str(_("locked out until {time}")).format(time=format_time(row.locked_until))
    return str(_("active"))


def run_set_role(args: argparse.Namespace) -> int:
    """Change the role of ``args.name``."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.services.auth.auth import set_role

    engine = open_database(args)
    with Session(engine) as session:
        row = set_role(session, console(engine), args.name, args.role)
    print(_("{username} is now: {role}.").format(username=row.username, role=row.role.label))
    return 0


def run_disable(args: argparse.Namespace) -> int:
    """Disable ``args.name``."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.services.auth.auth import disable_user

    engine = open_database(args)
    with Session(engine) as session:
        row = disable_user(session, console(engine), args.name)
    print(_("{username} is disabled.").format(username=row.username))
    return 0


def run_unlock(args: argparse.Namespace) -> int:
    """Lift the sign-in lockout of ``args.name`` (its failed sign-ins so far stop counting)."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.services.auth.auth import normalise_username, unlock_user

    engine = open_database(args)
    with Session(engine) as session:
        was_locked = unlock_user(session, console(engine), args.name)
    username = normalise_username(args.name)
    if was_locked:
        print(_("{username} is unlocked and can sign in again.").format(username=username))
    else:
        print(_("{username} was not locked out; the failed sign-ins so far no longer count.").format(
            username=username))
    return 0
