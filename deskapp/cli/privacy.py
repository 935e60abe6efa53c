"""``deskapp customers export-data|erase`` and ``deskapp retention run|brand``: privacy requests.

Operations of the local console, like customer import and export: they act as the console's
built-in account (an administrator: ``customer.export``, ``customer.erase``) and are audited.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from deskapp.core.i18n import _, ngettext

if TYPE_CHECKING:
    from deskapp.cli import Subcommands


def register(subparsers: Subcommands) -> None:
    """Add ``customers export-data``, ``customers erase``, ``retention run`` and ``retention brand``."""
    from deskapp.cli.customers import command_group

    customers = command_group(subparsers, "customers", _("privacy requests about one customer"))
    parser = customers.add_parser(
        "export-data", help=_("write everything the desk holds about one customer to a JSON file"),
        description=_("Write the profile, phones, e-mails, alerts, every case, every note with all its "
                      "revisions, drafts, feedback, reviews and the audit events about one customer to a "
                      "JSON file (times in ISO 8601, UTC)."))
    parser.add_argument("account", metavar="ACCOUNT", help=_("the customer's account number"))
    parser.add_argument("--out", metavar="FILE.json", required=True, help=_("the file to write"))
    parser.set_defaults(handler=run_export_data)

    parser = customers.add_parser(
        "erase", help=_("erase one customer's personal data for good"),
        description=_("Erase the customer's name, contacts, profile, note texts, drafts, feedback comments "
                      "and search entries, keeping an anonymous tombstone so case counts and statistics "
                      "stay. Backups made earlier still hold the data: this command cannot reach them."))
    parser.add_argument("account", metavar="ACCOUNT", help=_("the customer's account number"))
    parser.add_argument("--reason", metavar="TEXT", required=True,
                        help=_("why, e.g. the reference of the request (never the customer's name)"))
    parser.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    parser.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    parser.set_defaults(handler=run_erase)

    retention = subparsers.add_parser("retention", help=_("erase customers with no case activity for a period"))
    what = retention.add_subparsers(dest="retention_what", metavar="WHAT", required=True)
    parser = what.add_parser(
        "run", help=_("erase customers with no case activity for longer than a period"),
        description=_("Erase every customer with no case activity for longer than the period (e.g. 3y, 18m or "
                      "400d); brands with a period of their own use theirs."))
    parser.add_argument("--older-than", metavar="DURATION", required=True,
                        help=_("the period for brands without their own, e.g. 3y, 18m or 400d"))
    parser.add_argument("--dry-run", action="store_true", help=_("list how many and which, but erase nothing"))
    parser.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    parser.set_defaults(handler=run_retention)
    parser = what.add_parser("brand", help=_("give a brand its own retention period"))
    parser.add_argument("brand", metavar="BRAND", help=_("the brand's code"))
    choice = parser.add_mutually_exclusive_group(required=True)
    choice.add_argument("--period", metavar="DURATION", help=_("e.g. 3y, 18m or 400d"))
    choice.add_argument("--clear", action="store_true", help=_("use the period of each run again"))
    parser.set_defaults(handler=run_brand)


def run_export_data(args: argparse.Namespace) -> int:
    """Write the customer's data to ``args.out``."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.services.privacy.export import export_customer_data

    engine = open_database(args)
    with Session(engine) as session:
        counts = export_customer_data(session, console(engine), args.account, args.out)
    print(_("Wrote {cases}, {notes} and {revisions} about {account} to {path}.").format(
        cases=ngettext("{n} case", "{n} cases", counts["cases"]).format(n=counts["cases"]),
        notes=ngettext("{n} note", "{n} notes", counts["notes"]).format(n=counts["notes"]),
        revisions=ngettext("{n} revision", "{n} revisions", counts["revisions"]).format(n=counts["revisions"]),
        account=args.account, path=args.out))
    return 0


def run_erase(args: argparse.Namespace) -> int:
    """Erase the customer after a typed confirmation (or ``--yes``)."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import EXIT_FAILED, confirmed, console, error, open_database
    from deskapp.core.services.privacy.erase import erase_customer, find_customer

    engine = open_database(args)
    actor = console(engine)
    with Session(engine) as session:
        preview = find_customer(session, actor, args.account)

    def ask() -> bool:
        print(_("This erases {name} ({account}): {cases}, {notes}, {revisions}. It cannot be undone.").format(
            name=preview.name, account=preview.account_number, **_counts(preview.cases, preview.notes,
                                                                          preview.revisions)))
        if input(_("Type the account number to confirm: ")).strip() == preview.account_number:
            return True
        error(_("The account number did not match; nothing was erased."))
        return False

    if not confirmed(args.yes, _("Erasing cannot be undone: add --yes to erase without being asked."), ask):
        return EXIT_FAILED
    with Session(engine) as session:
        result = erase_customer(session, actor, args.account, args.reason)
    backups = _("Backups made before now still hold this customer's data: this command cannot reach them.")
    if args.json:
        print(json.dumps({"ok": True, "account": preview.account_number, "pseudonym": result.pseudonym,
                          "cases": preview.cases, "notes": preview.notes,
                          "revisions": result.counts["revision_bodies"], "erased": result.counts,
                          "files_scrubbed": result.scrubbed, "backups": backups}, ensure_ascii=False))
        return 0
    print(_("Erased {account}: {cases}, {notes}, {revisions} kept as the anonymous {pseudonym}.").format(
        account=preview.account_number, pseudonym=result.pseudonym,
        **_counts(preview.cases, preview.notes, result.counts["revision_bodies"])))
    if not result.scrubbed:
        print(_("Another program had the database open, so leftovers of the erased data may remain in the file "
                "until the next erase or retention run made while nobody else has the desk open."))
    print(backups)
    return 0


def _counts(cases: int, notes: int, revisions: int) -> dict[str, str]:
    return {"cases": ngettext("{n} case", "{n} cases", cases).format(n=cases),
            "notes": ngettext("{n} note", "{n} notes", notes).format(n=notes),
            "revisions": ngettext("{n} revision", "{n} revisions", revisions).format(n=revisions)}


def run_retention(args: argparse.Namespace) -> int:
    """Erase (or list, with ``--dry-run``) the customers past retention."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.services.privacy.retention import parse_period, run_retention

    period = parse_period(args.older_than)  # a typo fails before the database is opened
    engine = open_database(args)
    with Session(engine) as session:
        result = run_retention(session, console(engine), period, dry_run=args.dry_run)
    count = len(result.accounts)
    if args.json:
        print(json.dumps({"dry_run": result.dry_run, "count": count, "accounts": list(result.accounts)}))
        return 0
    if result.dry_run:
        print(ngettext("{n} customer would be erased.", "{n} customers would be erased.", count).format(n=count))
    else:
        print(ngettext("{n} customer erased.", "{n} customers erased.", count).format(n=count))
    for account in result.accounts:
        print(account)
    if count and not result.dry_run:
        print(_("Backups made before now still hold their data: this command cannot reach them."))
    return 0


def run_brand(args: argparse.Namespace) -> int:
    """Set or clear a brand's own retention period."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.services.privacy.retention import parse_period, set_brand_retention

    period = None if args.clear else parse_period(args.period)
    engine = open_database(args)
    with Session(engine) as session:
        stored = set_brand_retention(session, console(engine), args.brand, period)
    if stored is None:
        print(_("Brand {brand} uses the period of each retention run.").format(brand=args.brand))
    else:
        print(_("Brand {brand} keeps customers for {period} without case activity.").format(
            brand=args.brand, period=stored))
    return 0
