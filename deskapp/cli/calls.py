"""``deskapp call`` (a softphone's or a ``tel:`` link's screen pop) and ``deskapp calls list`` (the call log).

``deskapp call NUMBER`` hands the number to this user's running window through a local socket (never a
network port): the window comes to the front with the caller open, the candidates listed, or a new
customer's form with the number filled in. With no window running it prints the match and logs the
call. ``--json`` prints ``{"number", "matches": [{"account_number", "display_name"}], "call_id"}``,
a contract, as are the keys of ``calls list --json``: call_id, number, direction, started_at,
answered, cause, account_number, case_ref.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import TYPE_CHECKING, Any

from deskapp.core.i18n import _

if TYPE_CHECKING:
    from deskapp.cli import Subcommands
    from deskapp.core.services.calls.log import CallerResult, CallRow


def parse_since(text: str) -> dt.datetime:
    """A day (YYYY-MM-DD, from its start in UTC) or an ISO 8601 moment (UTC when it names no zone)."""
    try:
        if len(text.strip()) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text.strip()), dt.time(), tzinfo=dt.UTC)
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("expected a day such as 2026-12-05 or a time such as 2026-12-05T14:30, got {value!r}").format(
                value=text[:40])) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def register(subparsers: Subcommands) -> None:
    """Add the ``call`` and ``calls`` commands."""
    call = subparsers.add_parser(
        "call", help=_("open a caller in the running window, or look the number up and log the call"),
        description=_("Bring the running deskapp window to the front with the caller open (or the candidates, or a "
                      "new customer's form). With no window running, print who has the number and log the call. "
                      "Accepts tel: and callto: links, so a softphone or a browser can run it."))
    call.add_argument("number", metavar="NUMBER", help=_("the phone number in any usual form, or a tel: link"))
    call.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    call.add_argument("--out", action="store_true", help=_("the rep is calling the customer (an outgoing call)"))
    call.set_defaults(handler=run_call)

    calls = subparsers.add_parser("calls", help=_("the call log")).add_subparsers(
        dest="calls_what", metavar="WHAT", required=True)
    listing = calls.add_parser("list", help=_("list logged calls, newest first"))
    listing.add_argument("--json", action="store_true", help=_("print calls as JSON"))
    listing.add_argument("--missed", action="store_true", help=_("only missed calls nobody has called back yet"))
    listing.add_argument("--since", type=parse_since, metavar="DATE",
                         help=_("only calls from this day (YYYY-MM-DD, UTC) or moment on"))
    listing.set_defaults(handler=run_list)


def run_call(args: argparse.Namespace) -> int:
    """Hand the number to the running window; else look it up, log the call and print the match."""
    from deskapp.ui.call_link import send_to_window

    direction = "out" if args.out else "in"
    answer = send_to_window(args.number, direction)
    if answer is not None:
        if "error" in answer:
            from deskapp.cli.common import error

            error(str(answer["error"]))
            return 1
        _print_call(answer, args.json, in_window=True)
        return 0
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.services.calls.log import record_call

    engine = open_database(args)
    actor = console(engine)
    with Session(engine) as session:
        result = record_call(session, actor, args.number, direction=direction)
    _print_call(caller_json(result), args.json, in_window=False)
    return 0


def caller_json(result: CallerResult) -> dict[str, Any]:
    """The ``deskapp call --json`` object (a contract) for a logged call."""
    return {
        "number": result.call.number,
        "matches": [{"account_number": m.account_number, "display_name": m.display_name} for m in result.matches],
        "call_id": result.call.call_id,
    }


def _print_call(answer: dict[str, Any], as_json: bool, *, in_window: bool) -> None:
    if as_json:
        print(json.dumps(answer, ensure_ascii=False, indent=2))
        return
    matches = answer.get("matches", [])
    if not matches:
        print(_("{number}: no customer has this number.").format(number=answer["number"]))
    for match in matches:
        print(f"{match['account_number']}  {match['display_name']}")
    if in_window:
        print(_("Shown in the deskapp window."), file=sys.stderr)


def run_list(args: argparse.Namespace) -> int:
    """Print the call log."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.services.calls.log import list_calls

    engine = open_database(args)
    actor = console(engine)
    with Session(engine) as session:
        rows = list_calls(session, actor, missed=args.missed, since=args.since)
    if args.json:
        print(json.dumps([call_as_json(row) for row in rows], ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(_("No calls."))
        return 0
    for row in rows:
        state = _("missed") if row.missed else (_("answered") if row.answered else _("not answered"))
        print("  ".join((row.started_at.strftime("%Y-%m-%d %H:%M"), row.direction, row.number, state,
                         row.account_number or "", row.case_ref or "")).rstrip())
    return 0


def call_as_json(row: CallRow) -> dict[str, Any]:
    """One call of ``deskapp calls list --json`` (its keys are a contract)."""
    return {
        "call_id": row.call_id,
        "number": row.number,
        "direction": row.direction,
        "started_at": row.started_at.isoformat(),
        "answered": row.answered,
        "cause": row.cause,
        "account_number": row.account_number,
        "case_ref": row.case_ref,
    }
