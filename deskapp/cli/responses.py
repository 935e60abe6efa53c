"""``deskapp responses``: list, render, export and import the scripted-response library.

JSON keys are a contract. ``list --json``: key, title, category, locales, stale.
``render --json``: key, locale, text. ``list`` and ``render`` load the starter library into a
desk that has no responses and no call scripts yet (first run). Every subcommand acts as the
console's built-in account. ``render`` answers (fills in the representative's name) as the
``--agent`` given, else as the active account named like this computer's user (as the window
answers as whoever signed in); with neither, the representative's name stays empty and a note on
standard error says so.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from deskapp.cli.argtypes import record_id
from deskapp.core.i18n import _, later

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from deskapp.cli import Subcommands


def register(subparsers: Subcommands) -> None:
    """Add the ``responses`` command and its subcommands."""
    parser = subparsers.add_parser("responses", help=_("list, fill in, export or import scripted responses"))
    commands = parser.add_subparsers(dest="responses_command", metavar="SUBCOMMAND", required=True)

    listing = commands.add_parser("list", help=_("list the responses, their languages and stale translations"))
    listing.add_argument("--search", metavar="WORDS", default="", help=_("only responses with these words"))
    listing.add_argument("--category", metavar="CATEGORY", help=_("only this category, e.g. apology"))
    listing.add_argument("--json", action="store_true", help=_("print results as JSON"))
    listing.set_defaults(handler=run_list)

    rendering = commands.add_parser("render", help=_("fill in a response for a customer, in their language"))
    rendering.add_argument("key", metavar="KEY")
    rendering.add_argument("--customer", required=True, metavar="ACCOUNT", help=_("the customer's account number"))
    rendering.add_argument("--locale", metavar="LOCALE", help=_("answer in this language instead: en, fi, fil or es"))
    rendering.add_argument("--prompt", action="append", default=[], metavar="NAME=VALUE",
                           help=_("a fill-in value, e.g. new_date=2025-03-14 (repeat for more)"))
    rendering.add_argument("--agent", metavar="USERNAME",
                           help=_("the representative who answers (default: the account named like this "
                                  "computer's user)"))
    rendering.add_argument("--case", type=record_id, metavar="ID", help=_("the case the answer is about"))
    rendering.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    rendering.set_defaults(handler=run_render)

    export = commands.add_parser("export", help=_("write the whole library to a YAML file"))
    export.add_argument("file", metavar="FILE", help=_("the YAML file to write (- for standard output)"))
    export.set_defaults(handler=run_export)

    importing = commands.add_parser(
        "import", help=_("add or update responses from a YAML file; faulty entries are reported and skipped"))
    importing.add_argument("file", metavar="FILE", help=_("a YAML file in the deskapp-responses/1 format"))
    importing.set_defaults(handler=run_import)


def _utf8() -> bool:
    return (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "") == "utf8"


def run_list(args: argparse.Namespace) -> int:
    """Print the library as a table or as JSON."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.domain.enums import ResponseCategory
    from deskapp.core.errors import DeskappError
    from deskapp.core.i18n import current_locale
    from deskapp.core.services.responses.responses import list_responses
    from deskapp.core.services.starter import ensure_library

    if args.category is not None and args.category not in {c.value for c in ResponseCategory}:
        raise DeskappError(later("Unknown category “{category}”. Use one of: {names}.",
                                 category=args.category, names=", ".join(c.value for c in ResponseCategory)))
    engine = open_database(args)
    actor = console(engine)
    with Session(engine) as session:
        ensure_library(session, actor)
        rows = list_responses(session, actor, args.search, category=args.category)
    if args.json:
        print(json.dumps([{"key": r.key, "title": r.title, "category": r.category.value, "locales": list(r.locales),
                           "stale": list(r.stale)} for r in rows], ensure_ascii=not _utf8(), indent=2))
        return 0
    if not rows:
        print(_("No responses found."))
        return 0
    headers = [_("Key"), _("Category"), _("Title"), _("Languages"), _("Stale")]
    table = [[r.key, r.category.label, r.title_in(current_locale()), " ".join(r.locales), " ".join(r.stale)]
             for r in rows]
    _print_table(headers, table)
    return 0


def run_render(args: argparse.Namespace) -> int:
    """Fill in one response and print it."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.errors import DeskappError
    from deskapp.core.services.responses.responses import get_response, render_response
    from deskapp.core.services.starter import ensure_library
    from deskapp.core.templating.checks import inspect

    prompts: dict[str, str] = {}
    for item in args.prompt:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise DeskappError(later("Write each fill-in as NAME=VALUE, e.g. new_date=2025-03-14 (got “{item}”).",
                                     item=item))
        prompts[name.strip()] = value
    engine = open_database(args)
    actor = console(engine)
    with Session(engine) as session:
        ensure_library(session, actor)
        agent_id, os_user = _answering_agent(session, args.agent)
        result = render_response(session, actor, args.key, args.customer, locale=args.locale,
                                 answering_agent_id=agent_id, case_id=args.case, prompts=prompts)
        variant = get_response(session, actor, args.key).variant(result.locale)
        nameless = agent_id is None and variant is not None and "agent" in inspect(variant.body).variables
    if nameless:
        print(_("Note: no --agent given, and no active user account is named like this computer's user "
                "({user}), so the representative's name is left empty. Add --agent USERNAME to fill it in.")
              .format(user=os_user or "?"), file=sys.stderr)
    if args.json:
        print(json.dumps({"key": result.key, "locale": result.locale, "text": result.text},
                         ensure_ascii=not _utf8(), indent=2))
    else:
        if result.fell_back:
            print(_("(No text in {wanted}; showing {used}.)").format(wanted=result.requested_locale,
                                                                     used=result.locale), file=sys.stderr)
        print(result.text)
    return 0


def _answering_agent(session: Session, username: str | None) -> tuple[int | None, str]:
    """The id of the representative who answers, and this computer's user name (for the note).

    ``--agent`` must name an account; without it, the active account named like the OS user (if any).
    """
    import getpass

    from sqlalchemy import func, select

    from deskapp.core.domain.models import Agent
    from deskapp.core.errors import DeskappError
    from deskapp.core.services.auth.auth import normalise_username

    if username:
        agent_id = session.scalar(select(Agent.id).where(func.lower(Agent.username) == normalise_username(username)))
        if agent_id is None:
            raise DeskappError(later("There is no user “{username}”.", username=username))
        return agent_id, ""
    try:
        os_user = getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment and none in the password database
        return None, ""
    agent_id = session.scalar(select(Agent.id).where(func.lower(Agent.username) == normalise_username(os_user),
                                                     Agent.active))
    return agent_id, os_user


def run_export(args: argparse.Namespace) -> int:
    """Write the library to ``args.file`` (or standard output); never over the desk's database."""
    from deskapp.cli.library_files import export_file
    from deskapp.core.services.responses.library_io import export_responses

    count = export_file(args, export_responses)
    if count is not None:
        print(_("Exported {count} responses to {path}.").format(count=count, path=args.file))
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Import ``args.file``; every rejected entry is one line on stderr, and the exit code is then 1."""
    from deskapp.cli.common import EXIT_FAILED, error
    from deskapp.cli.library_files import import_file
    from deskapp.core.services.responses.library_io import import_responses

    result = import_file(args, import_responses)
    for problem in result.problems:
        error(str(problem))
    print(_("Imported: {created} new, {updated} updated, {unchanged} unchanged, {rejected} rejected.").format(
        created=result.created, updated=result.updated, unchanged=result.unchanged, rejected=len(result.problems)))
    return EXIT_FAILED if result.problems else 0


def _print_table(headers: list[str], table: list[list[str]]) -> None:
    widths = [max(len(cell) for cell in column) for column in zip(headers, *table, strict=True)]
    for line in (headers, *table):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
