"""``deskapp report csat``: satisfaction per rep, channel, brand, stage, language or source; ``report usage``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from deskapp.core.i18n import _, pgettext

if TYPE_CHECKING:
    from babel import Locale

    from deskapp.cli import Subcommands

GROUPS = ("agent", "channel", "brand", "stage", "locale", "source")


def parse_day(text: str) -> dt.date:
    """A YYYY-MM-DD date for ``--since`` (argparse reports anything else as a usage error)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("not a date (YYYY-MM-DD): {text}").format(text=text)) from None


def register(subparsers: Subcommands) -> None:
    """Add ``report csat``."""
    parser = subparsers.add_parser("report", help=_("satisfaction figures for supervisors"))
    reports = parser.add_subparsers(dest="report_what", metavar="REPORT", required=True)
    csat = reports.add_parser("csat", help=_("average customer satisfaction (1-5) per group"))
    csat.add_argument("--by", choices=GROUPS, default="agent",
                      help=_("group by agent, channel, brand, stage, locale or source (customer-given or rep-recorded; "
                           "default: agent)"))
    csat.add_argument("--since", type=parse_day, metavar="DATE",
                      help=_("count feedback from this day on (YYYY-MM-DD, UTC)"))
    csat.add_argument("--json", action="store_true", help=_("print JSON instead of a table"))
    csat.set_defaults(handler=run_csat)
    usage = reports.add_parser("usage", help=_("which articles and responses are used, flagged or never used"))
    usage.add_argument("--since", type=parse_day, metavar="DATE",
                       help=_("count uses from this day on (YYYY-MM-DD, UTC)"))
    usage.add_argument("--json", action="store_true", help=_("print JSON instead of a table"))
    usage.set_defaults(handler=run_usage)


def run_csat(args: argparse.Namespace) -> int:
    """Print the CSAT report as a table or as JSON rows ``{key, label, average, count}``."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.services.reviews.reports import csat_report, group_label

    engine = open_database(args)
    with Session(engine) as session:
        rows = csat_report(session, console(engine), by=args.by, since=args.since)
    labels = [group_label(r.by, r.key, r.name) for r in rows]  # the codes in words, here and now
    if args.json:
        print(json.dumps([{"key": r.key, "label": label, "average": r.average, "count": r.count}
                          for r, label in zip(rows, labels, strict=True)],
                         ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(_("No feedback in this period."))
        return 0
    from deskapp.core.i18n import babel_locale

    locale = babel_locale()
    headers = (_("Group"), _("Average"), pgettext("number of feedback answers", "Answers"))
    table = [(label or r.key, _format(r.average, locale), str(r.count)) for r, label in zip(rows, labels, strict=True)]
    widths = [max(len(cell) for cell in column) for column in zip(headers, *table, strict=False)]
    for index, line in enumerate((headers, *table)):
        cells = [line[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(line[1:], widths[1:],
                                                                                        strict=True)]
        print("  ".join(cells))
        if index == 0:
            print("  ".join("-" * width for width in widths))
    return 0


def run_usage(args: argparse.Namespace) -> int:
    """Print the usage of articles and responses as a table or as JSON rows (see ``usage_json``)."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.i18n import babel_locale
    from deskapp.core.services.knowledge.usage import usage_report

    engine = open_database(args)
    with Session(engine) as session:
        rows = usage_report(session, console(engine), since=args.since)
    if args.json:
        print(json.dumps([usage_json(r) for r in rows], ensure_ascii=False, indent=2))
        return 0
    locale = babel_locale()
    headers = (_("Kind"), _("Key"), _("Uses"), _("Languages"), _("Flags"), _("CSAT"))
    kinds = {"article": _("article"), "response": _("response")}
    table = [(kinds[r.kind.value], r.key, str(r.uses), " ".join(f"{k}:{v}" for k, v in r.by_language.items()) or "-",
              str(r.flags), _format(r.csat, locale) if r.csat is not None else "-") for r in rows]
    widths = [max(len(cell) for cell in column) for column in zip(headers, *table, strict=False)]
    for line in (headers, *table):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
    never = sum(1 for r in rows if r.uses == 0)
    print(_("Never used: {count}").format(count=never))
    return 0


def usage_json(row: Any) -> dict[str, Any]:
    """One row of ``report usage --json``: kind, key, title, brand, uses, by_brand, by_language, flags, csat."""
    return {"kind": row.kind.value, "key": row.key, "title": row.title, "brand": row.brand, "uses": row.uses,
            "by_brand": row.by_brand, "by_language": row.by_language, "never_used": row.uses == 0,
            "flags": row.flags, "csat": row.csat, "csat_count": row.csat_count}


def _format(value: float, locale: Locale) -> str:
    from babel.numbers import format_decimal

    return str(format_decimal(value, format="0.00", locale=locale))
