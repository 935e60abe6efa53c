"""``deskapp lookup``: find customers as the lookup box does, for people and for scripts.

``deskapp lookup jukka mak`` prints an aligned table; ``--json`` prints one JSON array.
``deskapp lookup --json --stdin`` answers one query per input line with one JSON array per output
line, in the same order and flushed per line, so another program can drive it as a co-process.
The keys of a result object are a contract: account_number, name, kind, organisation, phone,
phone_formatted, email, preferred_locale, brand, has_alerts.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from deskapp.core.i18n import _

if TYPE_CHECKING:
    from deskapp.cli import Subcommands
    from deskapp.core.services.customers.lookup import LookupRow

# A lookup needs a couple of hundred characters at most (deskapp.core.search.query caps it);
# longer input lines are read in full (to stay in step with the output) but never kept whole.
MAX_LINE_BYTES = 64 * 1024


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(_("must be a whole number of 1 or more"))
    return number


def register(subparsers: Subcommands) -> None:
    """Add the ``lookup`` command."""
    parser = subparsers.add_parser(
        "lookup",
        help=_("find customers by name, account number, email or phone"),
        description=_(
            "Find customers the way the lookup box does: any order of name parts, with or without "
            "accents, an account number, an email address, a phone number or its last digits."
        ),
    )
    parser.add_argument("query", nargs="*", metavar="QUERY", help=_("what you would type in the lookup box"))
    parser.add_argument("--json", action="store_true", help=_("print results as JSON"))
    parser.add_argument(
        "--stdin", action="store_true",
        help=_("read one query per line from standard input and print one JSON array per line"),
    )
    parser.add_argument("--limit", type=_positive_int, default=50, metavar="N",
                        help=_("show at most N customers (default: 50)"))
    parser.add_argument("--brand", metavar="CODE", help=_("only customers of this brand"))
    parser.add_argument("--region", metavar="CC",
                        help=_("country for phone numbers typed without a country code, e.g. FI"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Answer the query (or every line of standard input) and print the results."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import EXIT_USAGE, console, error, open_database
    from deskapp.core.search.phones import check_region
    from deskapp.core.services.customers.lookup import find_customers

    if not args.stdin and not args.query:
        error(_("Type what to look up, or use --stdin to read queries line by line."))
        return EXIT_USAGE
    region = check_region(args.region)  # an unknown one would quietly match no phone number
    engine = open_database(args)
    actor = console(engine)

    def lookup(query: str) -> list[LookupRow]:
        with Session(engine) as session:  # one per query: no transaction held open between lines
            return find_customers(session, actor, query, brand=args.brand, limit=args.limit,
                                  default_region=region)

    if args.stdin:
        ascii_only = not _utf8(sys.stdout)
        for line in _input_lines(sys.stdin):
            rows = lookup(line) if line.strip() else []
            sys.stdout.write(json.dumps([_as_json(row) for row in rows], ensure_ascii=ascii_only) + "\n")
            sys.stdout.flush()
        return 0
    rows = lookup(" ".join(args.query))
    if args.json:
        print(json.dumps([_as_json(row) for row in rows], ensure_ascii=not _utf8(sys.stdout), indent=2))
    else:
        _print_table(rows)
    return 0


def _utf8(stream: IO[str]) -> bool:
    return (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "") == "utf8"


def _input_lines(stream: IO[str]) -> Iterator[str]:
    """Lines of ``stream`` as text; bytes that are not UTF-8 become U+FFFD, nothing raises."""
    binary = getattr(stream, "buffer", None)
    if binary is None:  # a text-only stream (tests, embedding): already decoded
        for line in stream:
            yield line.rstrip("\r\n")
        return
    while True:
        chunk = binary.readline(MAX_LINE_BYTES)
        if not chunk:
            return
        if not chunk.endswith(b"\n"):
            # An overlong line: keep its start, skip the rest so the next query is the next line.
            rest = chunk
            while rest and not rest.endswith(b"\n"):
                rest = binary.readline(MAX_LINE_BYTES)
        yield chunk.decode("utf-8", errors="replace").rstrip("\r\n")


def _as_json(row: LookupRow) -> dict[str, str | bool | None]:
    return {
        "account_number": row.account_number,
        "name": row.name,
        "kind": row.kind,
        "organisation": row.organisation,
        "phone": row.phone,
        "phone_formatted": row.phone_formatted,
        "email": row.email,
        "preferred_locale": row.preferred_locale,
        "brand": row.brand,
        "has_alerts": row.has_alerts,
    }


def _print_table(rows: list[LookupRow]) -> None:
    if not rows:
        print(_("No customers found."))
        return
    headers = [_("Account"), _("Name"), _("Phone"), _("Email"), _("Brand"), _("Alerts")]
    table = [
        [row.account_number, row.name, row.phone_formatted or "", row.email or "", row.brand,
         _("yes") if row.has_alerts else ""]
        for row in rows
    ]
    widths = [max(len(cell) for cell in column) for column in zip(headers, *table, strict=True)]
    for line in (headers, *table):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
