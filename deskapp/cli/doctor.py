"""``deskapp doctor``: check that the database can serve as a desk; one line per check with what to do.

``--json`` prints one object whose keys are a contract: ``ok`` (no check is an error), ``backend``
and ``checks``, a list of ``{name, status, detail, advice}`` where ``status`` is ``ok``, ``warning``
or ``error``. The exit code is 1 when a check is an error, else 0 (warnings included).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from deskapp.core.i18n import _

if TYPE_CHECKING:
    from deskapp.cli import Subcommands


def register(subparsers: Subcommands) -> None:
    """Add the ``doctor`` command."""
    parser = subparsers.add_parser(
        "doctor", help=_("check the database server and schema a desk runs on, and say what to fix"),
    )
    parser.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    parser.add_argument("--repair", action="store_true",
                        help=_("first rebuild the customer search index and its triggers (needs the database "
                               "owner's account), then check"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run every check; print them; exit 1 when one is an error."""
    from deskapp.cli.common import EXIT_FAILED, EXIT_OK, open_url
    from deskapp.core.storage.doctor import Status, repair_search_index, run_checks

    # Not open_database: doctor reports a schema that is behind instead of migrating it.
    engine = open_url(args.db)
    try:
        if args.repair:
            repair_search_index(engine)
        checks = run_checks(engine)
    finally:
        engine.dispose()
    ok = all(check.status is not Status.ERROR for check in checks)
    if args.json:
        print(json.dumps({
            "ok": ok,
            "backend": engine.dialect.name,
            "checks": [{"name": c.name, "status": c.status.value, "detail": c.detail, "advice": c.advice}
                       for c in checks],
        }, ensure_ascii=False, indent=2))
    else:
        labels = {Status.OK: _("ok"), Status.WARNING: _("warning"), Status.ERROR: _("error")}
        width = max(len(label) for label in labels.values())
        for check in checks:
            line = f"{labels[check.status]:<{width}}  {check.name}: {check.detail}"
            print(line + (f" — {check.advice}" if check.advice else ""))
    return EXIT_OK if ok else EXIT_FAILED
