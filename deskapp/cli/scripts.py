"""``deskapp scripts list``: the call scripts (newest version of each).

JSON keys are a contract: key, version, title, locales. Loads the starter library into a desk
that has no responses and no call scripts yet (first run).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from deskapp.core.i18n import _

if TYPE_CHECKING:
    from deskapp.cli import Subcommands


def register(subparsers: Subcommands) -> None:
    """Add the ``scripts`` command and its subcommands."""
    parser = subparsers.add_parser("scripts", help=_("list the call scripts"))
    commands = parser.add_subparsers(dest="scripts_command", metavar="SUBCOMMAND", required=True)
    listing = commands.add_parser("list", help=_("list the call scripts with their version and languages"))
    listing.add_argument("--json", action="store_true", help=_("print results as JSON"))
    listing.set_defaults(handler=run_list)


def run_list(args: argparse.Namespace) -> int:
    """Print the scripts as a table or as JSON."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.services.scripts.call_scripts import list_scripts
    from deskapp.core.services.starter import ensure_library

    engine = open_database(args)
    actor = console(engine)
    with Session(engine) as session:
        ensure_library(session, actor)
        rows = list_scripts(session, actor)
    if args.json:
        ascii_only = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "") != "utf8"
        print(json.dumps([{"key": r.key, "version": r.version, "title": r.titles.get("en", r.title),
                           "locales": list(r.locales)} for r in rows], ensure_ascii=ascii_only, indent=2))
        return 0
    if not rows:
        print(_("No call scripts found."))
        return 0
    headers = [_("Key"), _("Version"), _("Title"), _("Languages")]
    table = [[r.key, str(r.version), r.title, " ".join(r.locales)] for r in rows]
    widths = [max(len(cell) for cell in column) for column in zip(headers, *table, strict=True)]
    for line in (headers, *table):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
    return 0
