"""``deskapp export cases FILE.csv``: cases with the latest text of their notes (see ``case_export``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from deskapp.core.i18n import _, ngettext

if TYPE_CHECKING:
    from deskapp.cli import Subcommands


def register(subparsers: Subcommands) -> None:
    """Add ``export cases`` to the ``export`` group that ``customers`` created."""
    from deskapp.cli.customers import command_group
    from deskapp.cli.report import parse_day

    exports = command_group(subparsers, "export", _("export data to a file"))
    parser = exports.add_parser("cases", help=_("write cases and the latest text of their notes to a CSV file"))
    parser.add_argument("file", metavar="FILE.csv", help=_("the file to write (UTF-8, comma-separated)"))
    parser.add_argument("--since", type=parse_day, metavar="DATE",
                        help=_("only cases opened on or after this day (YYYY-MM-DD, UTC)"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Export the cases to ``args.file``."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.services.cases.export import export_cases_csv

    engine = open_database(args)
    with Session(engine) as session:
        count = export_cases_csv(session, console(engine), args.file, since=args.since)
    print(ngettext("Exported {n} case to {path}.", "Exported {n} cases to {path}.", count).format(
        n=count, path=args.file))
    return 0
