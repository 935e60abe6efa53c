"""``deskapp import customers FILE.csv`` and ``deskapp export customers FILE.csv``.

``import`` and ``export`` are command groups: other modules add their own kinds of thing
(``import responses`` …) to the same group with :func:`command_group`.

Customer import and export are operations of the local console, like ``deskapp users``: whoever
runs them already holds the database file (or the team server's login), so there is no sign-in;
they act as the console's built-in account (``customer.import``, ``customer.export``) and are
audited. The window offers neither.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from deskapp.core.i18n import _, ngettext

if TYPE_CHECKING:
    from deskapp.cli import Subcommands
    from deskapp.core.services.customers.people import Lookalike

# Rejections printed on the terminal; the rest are counted (and all go to --rejects).
SHOWN_REJECTIONS = 20
# Files at least this large show progress even when stderr is not a terminal (e.g. a log).
PROGRESS_FILE_BYTES = 10 * 1024 * 1024


def command_group(subparsers: Subcommands, name: str, help_text: str) -> Subcommands:
    """The sub-command list of group ``name`` (``import``, ``export``), created on first use."""
    parser = subparsers.choices.get(name)
    if parser is None:
        return subparsers.add_parser(name, help=help_text).add_subparsers(dest=f"{name}_what", metavar="WHAT",
                                                                          required=True)
    # argparse keeps a parser's sub-command list among its actions (and offers no other way back to it).
    return next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))


def register(subparsers: Subcommands) -> None:
    """Add ``import customers`` and ``export customers``."""
    imports = command_group(subparsers, "import", _("import data from a file"))
    parser = imports.add_parser(
        "customers", help=_("add or update customers from a CSV file"),
        description=_("Add or update customers (matched by account number) from a CSV file. Rows that "
                      "cannot be imported are listed with their line and reason; the exit code is 1 "
                      "when any row was rejected."),
    )
    parser.add_argument("file", metavar="FILE.csv", help=_(
        "UTF-8 CSV with a header row: account_number, kind, given_name, family_name, organisation, email, "
        "phone, preferred_locale, brand (optional: birth_year, age_band, gender, income_band, lifestyle, "
        "occupation, alerts); several emails, phones or alerts in one cell are separated by |"))
    parser.add_argument("--region", metavar="CC",
                        help=_("country of national phone numbers (e.g. FI) for brands not yet in the database"))
    parser.add_argument("--dry-run", action="store_true", help=_("check the file and report, but change nothing"))
    parser.add_argument("--rejects", metavar="OUT.csv", help=_("write the rejected rows, with line and reason, here"))
    parser.set_defaults(handler=run_import)

    exports = command_group(subparsers, "export", _("export data to a file"))
    parser = exports.add_parser("customers", help=_("write all customers to a CSV file"))
    parser.add_argument("file", metavar="FILE.csv", help=_("the file to write (UTF-8, comma-separated)"))
    parser.set_defaults(handler=run_export)


def _progress_printer(path: str) -> Callable[[int], None] | None:
    tty = sys.stderr.isatty()
    try:
        large = os.path.getsize(path) >= PROGRESS_FILE_BYTES
    except OSError:
        large = False
    if not (tty or large):
        return None

    def show(rows: int) -> None:
        text = ngettext("{n} row read…", "{n} rows read…", rows).format(n=rows)
        print(f"\r{text}" if tty else text, end="" if tty else "\n", file=sys.stderr, flush=True)

    return show


def run_import(args: argparse.Namespace) -> int:
    """Import ``args.file``; print rejections on stderr and the summary on stdout."""
    from deskapp.cli.common import console, open_database
    from deskapp.core.search.phones import check_region
    from deskapp.core.services.customers.csv_import import import_customers

    region = check_region(args.region)  # a typo in --region fails before the database is opened
    engine = open_database(args)
    progress = _progress_printer(args.file)
    summary = import_customers(engine, console(engine), args.file, region=region, dry_run=args.dry_run,
                               rejects_path=args.rejects, progress=progress)
    if progress is not None and sys.stderr.isatty():
        print(file=sys.stderr)
    if summary.unknown_columns:
        print(_("Ignored columns deskapp does not know: {columns}").format(
            columns=", ".join(summary.unknown_columns)), file=sys.stderr)
    for rejection in summary.rejections[:SHOWN_REJECTIONS]:
        print(_("{path}, {problem}").format(path=args.file, problem=rejection.describe()), file=sys.stderr)
    hidden = summary.rejected - SHOWN_REJECTIONS
    if hidden > 0:
        more = ngettext("… and {n} more rejected row.", "… and {n} more rejected rows.", hidden).format(n=hidden)
        if not args.rejects:
            more += " " + _("Use --rejects OUT.csv to get them all in a file.")
        print(more, file=sys.stderr)
    _print_lookalikes(args.file, summary.lookalikes, summary.lookalike_total)
    print(_summary_line(summary.created, summary.updated, summary.rejected, dry_run=args.dry_run))
    if args.rejects and summary.rejected:
        print(_("Rejected rows written to {path}.").format(path=args.rejects))
    return 1 if summary.rejected else 0


def _print_lookalikes(path: str, lookalikes: list[Lookalike], total: int) -> None:
    for found in lookalikes[:SHOWN_REJECTIONS]:
        print(_("{path}, line {line} looks like {account}: {reasons}").format(
            path=path, line=found.line, account=found.existing, reasons=", ".join(_(r) for r in found.reasons)),
            file=sys.stderr)
    if total:
        print(ngettext("{n} row looks like a customer already on the desk; nothing was merged (see 'deskapp "
                       "customers duplicates').", "{n} rows look like customers already on the desk; nothing was "
                       "merged (see 'deskapp customers duplicates').", total).format(n=total), file=sys.stderr)


def _summary_line(created: int, updated: int, rejected: int, *, dry_run: bool) -> str:
    if dry_run:
        parts = (
            ngettext("{n} new customer would be imported", "{n} new customers would be imported",
                     created).format(n=created),
            ngettext("{n} would be updated", "{n} would be updated", updated).format(n=updated),
            ngettext("{n} row would be rejected", "{n} rows would be rejected", rejected).format(n=rejected),
        )
        return _("Dry run, nothing was changed: {created}, {updated}, {rejected}.").format(
            created=parts[0], updated=parts[1], rejected=parts[2])
    parts = (
        ngettext("{n} new customer imported", "{n} new customers imported", created).format(n=created),
        ngettext("{n} updated", "{n} updated", updated).format(n=updated),
        ngettext("{n} row rejected", "{n} rows rejected", rejected).format(n=rejected),
    )
    return _("{created}, {updated}, {rejected}.").format(created=parts[0], updated=parts[1], rejected=parts[2])


def run_export(args: argparse.Namespace) -> int:
    """Export every customer to ``args.file``."""
    from deskapp.cli.common import console, open_database
    from deskapp.core.services.customers.csv_import import export_customers

    engine = open_database(args)
    count = export_customers(engine, console(engine), args.file)
    print(ngettext("Exported {n} customer to {path}.", "Exported {n} customers to {path}.", count).format(
        n=count, path=args.file))
    return 0
