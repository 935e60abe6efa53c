"""``deskapp verify``: check every note's revision chain and the audit log; exit 1 if anything is off.

``--json`` prints one object whose keys are a contract: ``ok``, ``notes_checked``, ``broken``
(a list of ``{note_id, revision, reason}``, reason being a code such as ``hash_mismatch``) and
``audit_ok``. Without it, a short summary in the user's language.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from deskapp.core.i18n import _

if TYPE_CHECKING:
    from deskapp.cli import Subcommands
    from deskapp.core.services.notes.verify import VerifyReport

def register(subparsers: Subcommands) -> None:
    """Add the ``verify`` command."""
    parser = subparsers.add_parser(
        "verify", help=_("check that no note's history and no audit event was changed behind the application"),
    )
    parser.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Check the history; print the outcome; exit 0 when everything verifies, 1 otherwise."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import EXIT_FAILED, EXIT_OK, console, open_database
    from deskapp.core.services.notes.verify import describe, verify_history

    engine = open_database(args)
    with Session(engine) as session:
        report = verify_history(session, console(engine))
    if args.json:
        print(json.dumps(as_json(report), ensure_ascii=False, indent=2))
    else:
        print("\n".join(describe(report)))
    return EXIT_OK if report.ok else EXIT_FAILED


def as_json(report: VerifyReport) -> dict[str, Any]:
    """The ``--json`` object (exactly the contract's keys)."""
    return {
        "ok": report.ok,
        "notes_checked": report.notes_checked,
        "broken": [{"note_id": b.note_id, "revision": b.revision, "reason": b.reason.value} for b in report.broken],
        "audit_ok": report.audit_ok,
    }
