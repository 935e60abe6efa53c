"""``deskapp demo [--customers N]``: fill the database with a realistic, repeatable demo desk."""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING

from deskapp.core.i18n import _

if TYPE_CHECKING:
    from deskapp.cli import Subcommands

# Enough for any trial of speed (bench/ uses a million); beyond it a typo such as an extra zero
# would fill the disk for hours before anyone noticed.
MAX_CUSTOMERS = 2_000_000


def _count(text: str) -> int:
    from deskapp.cli.argtypes import shown, too_many_digits, whole_number

    value = whole_number(text)
    if value is None and too_many_digits(text):
        value = MAX_CUSTOMERS + 1
    if value is None or value < 0:
        raise argparse.ArgumentTypeError(_("expected a whole number of 0 or more, got {value!r}").format(
            value=shown(text)))
    if value > MAX_CUSTOMERS:
        raise argparse.ArgumentTypeError(_("at most {limit} customers in a demo desk, got {value}").format(
            limit=MAX_CUSTOMERS, value=shown(text.strip())))
    return value


def register(subparsers: Subcommands) -> None:
    """Add the ``demo`` command."""
    parser = subparsers.add_parser(
        "demo", help=_("create or top up a demo database (brands, agents, customers, cases, notes)"),
    )
    parser.add_argument(
        "--customers", type=_count, default=2000, metavar="N",
        help=_("how many customers in total (default: 2000); cases are made for the first 2000"),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Build the demo data and print a short summary in the UI language."""
    from babel.numbers import format_decimal

    from deskapp.cli.common import console, open_database
    from deskapp.core.demo.builder import build_demo
    from deskapp.core.i18n import babel_locale

    engine = open_database(args)
    started = time.perf_counter()
    try:
        summary = build_demo(engine, console(engine), args.customers)
    finally:
        engine.dispose()
    elapsed = time.perf_counter() - started

    def number(value: float) -> str:
        return format_decimal(value, locale=babel_locale())

    print(_("Demo database ready in {seconds} s.").format(seconds=number(round(elapsed, 1))))
    for label, value in ((_("Brands"), summary.brands), (_("Agents"), summary.agents),
                         (_("Customers"), summary.customers), (_("Cases"), summary.cases),
                         (_("Notes"), summary.notes)):
        print(_("{label}: {count}").format(label=label, count=number(value)))
    print(_("This run added {cases} cases and {notes} notes.").format(
        cases=number(summary.cases_created), notes=number(summary.notes_created)))
    print(_("Sign in as {users}; each password is demo-<username>.").format(
        users=", ".join(summary.agent_usernames)))
    return 0
