"""``deskapp feedback import FILE.csv`` (phone survey answers) and ``deskapp feedback screen BRAND``.

Both act as the console's built-in account, like ``deskapp import customers``: whoever runs them
holds the database already. Rows the import cannot take are listed as the customer import lists
them (``FILE, line N, column C: reason``); the exit code is 1 when any row was bad or unmatched.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from deskapp.core.i18n import _, ngettext

if TYPE_CHECKING:
    from deskapp.cli import Subcommands

SHOWN_PROBLEMS = 20


def register(subparsers: Subcommands) -> None:
    """Add ``feedback import`` and ``feedback screen``."""
    parser = subparsers.add_parser("feedback", help=_("customer feedback: phone surveys and the rating screen"))
    commands = parser.add_subparsers(dest="feedback_what", metavar="WHAT", required=True)
    imports = commands.add_parser(
        "import", help=_("import post-call survey answers from the phone system (CSV)"),
        description=_("Import post-call survey answers as customer-given feedback. Rows are matched to the call "
                      "log or the case; bad and unmatched rows are listed with their line and reason and the rest "
                      "are imported. An answer already imported is never imported again. The exit code is 1 when "
                      "any row was bad or unmatched."))
    imports.add_argument("file", metavar="FILE.csv", help=_(
        "UTF-8 CSV with a header row: call_id or case_ref (e.g. C-1042), score (1-5), answered_at "
        "(e.g. 2026-12-05T14:30:00Z; UTC when no zone is given), optional comment"))
    imports.set_defaults(handler=run_import)
    screen = commands.add_parser("screen", help=_("set a brand's customer rating screen colours and timeout"))
    screen.add_argument("brand", metavar="BRAND", help=_("the brand's code"))
    screen.add_argument("--background", metavar="#RRGGBB", help=_("background colour"))
    screen.add_argument("--foreground", metavar="#RRGGBB", help=_("text colour"))
    screen.add_argument("--timeout", type=int, metavar="SECONDS",
                        help=_("seconds without an answer before the screen goes back to idle"))
    screen.set_defaults(handler=run_screen)


def run_import(args: argparse.Namespace) -> int:
    """Import ``args.file``; problems on stderr, the summary on stdout."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.services.surveys.phone_import import import_phone_surveys

    engine = open_database(args)
    with Session(engine) as session:
        summary = import_phone_surveys(session, console(engine), args.file)
    if summary.unknown_columns:
        print(_("Ignored columns deskapp does not know: {columns}").format(
            columns=", ".join(summary.unknown_columns)), file=sys.stderr)
    unmatched = {id(r) for r in summary.unmatched}
    problems = summary.problems
    for problem in problems[:SHOWN_PROBLEMS]:
        text = problem.describe()
        if id(problem) in unmatched:
            text = _("line {line}: not matched: {reason}").format(line=problem.line, reason=problem.reason)
        print(_("{path}, {problem}").format(path=args.file, problem=text), file=sys.stderr)
    hidden = len(problems) - SHOWN_PROBLEMS
    if hidden > 0:
        print(ngettext("… and {n} more row not imported.", "… and {n} more rows not imported.", hidden).format(
            n=hidden), file=sys.stderr)
    parts = (
        ngettext("{n} survey answer imported", "{n} survey answers imported", summary.imported).format(
            n=summary.imported),
        ngettext("{n} already imported", "{n} already imported", summary.already).format(n=summary.already),
        ngettext("{n} bad row", "{n} bad rows", len(summary.bad)).format(n=len(summary.bad)),
        ngettext("{n} unmatched", "{n} unmatched", len(summary.unmatched)).format(n=len(summary.unmatched)),
    )
    print(_("{imported}, {already}, {bad}, {unmatched}.").format(
        imported=parts[0], already=parts[1], bad=parts[2], unmatched=parts[3]))
    return 1 if problems else 0


def run_screen(args: argparse.Namespace) -> int:
    """Set the brand's rating screen and print how it now is."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.services.surveys.answers import set_screen_look

    engine = open_database(args)
    with Session(engine) as session:
        look = set_screen_look(session, console(engine), args.brand, background=args.background,
                               foreground=args.foreground, timeout_seconds=args.timeout)
    print(_("{brand}: background {background}, text {foreground}, back to idle after {seconds} s.").format(
        brand=look.brand_name, background=look.background, foreground=look.foreground,
        seconds=look.timeout_seconds))
    return 0
