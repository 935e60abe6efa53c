"""``deskapp callbacks list [--json] [--due] [--mine AGENT]``: promised callbacks and follow-ups.

``--json`` prints one object per callback: id, due_at (ISO 8601, UTC), note, number,
account_number, display_name, case_ref, call_id, owner (username or null), team, handed_over,
overdue_minutes, snoozes.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from deskapp.core.i18n import _

if TYPE_CHECKING:
    import datetime as dt

    from deskapp.cli import Subcommands
    from deskapp.core.services.calls.callbacks import CallbackRow


def register(subparsers: Subcommands) -> None:
    """Add the ``callbacks`` command."""
    callbacks = subparsers.add_parser("callbacks", help=_("promised callbacks and follow-ups")).add_subparsers(
        dest="callbacks_what", metavar="WHAT", required=True)
    listing = callbacks.add_parser("list", help=_("list open callbacks, soonest first"))
    listing.add_argument("--json", action="store_true", help=_("print callbacks as JSON"))
    listing.add_argument("--due", action="store_true", help=_("only callbacks due now or overdue"))
    listing.add_argument("--mine", metavar="AGENT",
                         help=_("only this user's own callbacks (not those handed to the team)"))
    listing.set_defaults(handler=run_list)


def run_list(args: argparse.Namespace) -> int:
    """Print open callbacks."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.domain.base import utcnow
    from deskapp.core.services.calls.callbacks import agent_by_username, list_callbacks

    engine = open_database(args)
    actor = console(engine)
    now = utcnow()
    with Session(engine) as session:
        mine = agent_by_username(session, actor, args.mine) if args.mine else None
        rows = list_callbacks(session, actor, due=args.due, mine=mine, now=now)
    if args.json:
        print(json.dumps([callback_as_json(row, now) for row in rows], ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(_("No callbacks."))
        return 0
    for row in rows:
        whose = _("team") if row.team else (row.owner or "")
        print("  ".join((row.due_at.strftime("%Y-%m-%d %H:%M UTC"), whose, row.account_number or row.number or "",
                         row.note)).rstrip())
    return 0


def callback_as_json(row: CallbackRow, now: dt.datetime) -> dict[str, Any]:
    """One callback of ``deskapp callbacks list --json``."""
    return {
        "id": row.id,
        "due_at": row.due_at.isoformat(),
        "note": row.note,
        "number": row.number,
        "account_number": row.account_number,
        "display_name": row.display_name,
        "case_ref": row.case_ref,
        "call_id": row.call_id,
        "owner": row.owner,
        "team": row.team,
        "handed_over": row.handed_over,
        "overdue_minutes": row.overdue_minutes(now),
        "snoozes": row.snoozes,
    }
