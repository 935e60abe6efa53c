"""``deskapp customers duplicates | merge | unmerge``: find duplicate customers and merge them, reversibly.

Commands of the local console (``customer.merge``, which the console has as an administrator);
each merge and unmerge is audited as the console's.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from deskapp.core.i18n import _

if TYPE_CHECKING:
    from deskapp.cli import Subcommands
    from deskapp.core.services.merge.preview import MergePreview


def register(subparsers: Subcommands) -> None:
    """Add ``customers duplicates``, ``customers merge`` and ``customers unmerge``."""
    from deskapp.cli.customers import command_group

    group = command_group(subparsers, "customers", _("find and merge duplicate customers"))
    parser = group.add_parser(
        "duplicates", help=_("list customers who are probably the same person"),
        description=_("List pairs of customers who are probably the same person, best first: the account to "
                      "keep, the one to merge into it, a score from 0 to 1 and the reasons."))
    parser.add_argument("--json", action="store_true", help=_("print one JSON array"))
    parser.add_argument("--limit", type=int, metavar="N", help=_("show at most N pairs"))
    parser.add_argument("--min-score", type=float, metavar="S",
                        help=_("show pairs scoring at least S (0 to 1; default: the likely duplicates, 0.8)"))
    parser.add_argument("--brand", metavar="B", help=_("only customers of the brand with this code"))
    parser.set_defaults(handler=run_duplicates)

    parser = group.add_parser(
        "merge", help=_("merge customer OTHER into customer KEEP"),
        description=_("Move OTHER's cases, notes, drafts, feedback, reviews, alerts, phones and e-mails to KEEP. "
                      "OTHER stays as a pointer to KEEP, so its account number still finds KEEP; "
                      "'customers unmerge OTHER' undoes the merge."))
    parser.add_argument("keep", metavar="KEEP", help=_("account number of the customer who stays"))
    parser.add_argument("other", metavar="OTHER", help=_("account number of the customer merged into KEEP"))
    parser.add_argument("--take", action="extend", nargs="+", default=[], metavar="FIELD",
                        help=_("keep OTHER's value of this field (e.g. email, phone, given_name, birth_year)"))
    parser.add_argument("--yes", action="store_true", help=_("merge without asking"))
    parser.add_argument("--json", action="store_true", help=_("print the preview or the result as JSON"))
    parser.set_defaults(handler=run_merge)

    parser = group.add_parser("unmerge", help=_("undo the merge of customer OTHER"))
    parser.add_argument("other", metavar="OTHER", help=_("account number of the merged customer"))
    parser.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    parser.set_defaults(handler=run_unmerge)


def run_duplicates(args: argparse.Namespace) -> int:
    """Print the likely duplicate pairs."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import EXIT_USAGE, console, error, open_database
    from deskapp.core.search.similarity import LIKELY
    from deskapp.core.services.merge.duplicates import find_duplicates

    min_score = LIKELY if args.min_score is None else args.min_score
    if not 0 <= min_score <= 1 or (args.limit is not None and args.limit < 0):
        error(_("--min-score must be between 0 and 1, and --limit at least 0."))
        return EXIT_USAGE
    engine = open_database(args)
    actor = console(engine)
    with Session(engine) as session:
        pairs = find_duplicates(session, actor, brand=args.brand, min_score=min_score, limit=args.limit)
    if args.json:
        print(json.dumps([{"accounts": [p.keep.account_number, p.other.account_number], "score": p.score,
                           "reasons": list(p.reasons)} for p in pairs], ensure_ascii=False))
        return 0
    for p in pairs:
        reasons = ", ".join(_(reason) for reason in p.reasons)
        print(_("{score}  keep {keep} {keep_name}, merge {other} {other_name} ({reasons})").format(
            score=f"{p.score:.2f}", keep=p.keep.account_number, keep_name=p.keep.display_name,
            other=p.other.account_number, other_name=p.other.display_name, reasons=reasons))
    if not pairs:
        print(_("No likely duplicates found."))
    return 0


def run_merge(args: argparse.Namespace) -> int:
    """Show what would move, ask (unless --yes), then merge."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import EXIT_FAILED, EXIT_USAGE, confirmed, console, error, open_database, said_yes
    from deskapp.core.services.merge.merging import merge_customers
    from deskapp.core.services.merge.preview import FIELDS, merge_preview

    unknown = sorted(set(args.take) - set(FIELDS))
    if unknown:
        error(_("These fields cannot be chosen in a merge: {names}. Choose from: {known}.").format(
            names=", ".join(unknown), known=", ".join(FIELDS)))
        return EXIT_USAGE
    engine = open_database(args)
    actor = console(engine)
    with Session(engine) as session:
        preview = merge_preview(session, actor, args.keep, args.other)
    if not args.json:
        for line in describe_preview(preview, args.take):
            print(line)

    def ask() -> bool:
        if said_yes(input(_("Merge {other} into {keep}? [y/N] ").format(
                other=preview.other.account_number, keep=preview.keep.account_number))):
            return True
        print(_("Nothing was merged."))
        return False

    def unasked() -> None:
        if args.json:
            print(json.dumps(_preview_json(preview, args.take), ensure_ascii=False))

    if not confirmed(args.yes, _("Nothing was merged: add --yes to merge without asking."), ask, unasked=unasked):
        return EXIT_FAILED
    with Session(engine) as session:
        result = merge_customers(session, actor, preview.keep.customer_id, preview.other.customer_id,
                                 take=args.take, keep_version=preview.keep.version_id,
                                 other_version=preview.other.version_id)
    if args.json:
        print(json.dumps({"merged": True, "keep": result.keep_account, "other": result.other_account,
                          "fields": result.fields, "moved": result.moved}, ensure_ascii=False))
    else:
        print(_("Merged {other} into {keep}. To undo: deskapp customers unmerge {other}").format(
            other=result.other_account, keep=result.keep_account))
    return 0


def run_unmerge(args: argparse.Namespace) -> int:
    """Undo a merge."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.services.merge.unmerging import unmerge_customer

    engine = open_database(args)
    actor = console(engine)
    with Session(engine) as session:
        result = unmerge_customer(session, actor, args.other)
    if args.json:
        print(json.dumps({"unmerged": True, "keep": result.keep_account, "other": result.other_account,
                          "restored": result.restored}, ensure_ascii=False))
    else:
        print(_("{other} is a customer of its own again; what the merge moved to {keep} is back.").format(
            other=result.other_account, keep=result.keep_account))
    return 0


def describe_preview(preview: MergePreview, take: list[str]) -> list[str]:
    """The preview for a terminal: the fields that differ side by side, and what moves."""
    from deskapp.core.services.merge.preview import FIELD_LABELS

    lines = [_("Keep:  {account} {name}").format(account=preview.keep.account_number,
                                                 name=preview.keep.display_name),
             _("Merge: {account} {name}").format(account=preview.other.account_number,
                                                 name=preview.other.display_name)]
    for name in preview.differing:
        mine, theirs = preview.keep.fields[name], preview.other.fields[name]
        chosen = theirs if name in take or mine in (None, "") else mine
        lines.append(_("  {field}: {keep} | {other} -> {chosen}").format(
            field=_(FIELD_LABELS[name]), keep=_shown(mine), other=_shown(theirs), chosen=_shown(chosen)))
    moves = preview.moves
    lines.append(_("Moves to {keep}: cases {cases}, notes {notes}, drafts {drafts}, feedback {feedback}, "
                   "reviews {reviews}, alerts {alerts}, phones {phones}, e-mails {emails}.").format(
        keep=preview.keep.account_number, **moves))
    return lines


def _shown(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


def _preview_json(preview: MergePreview, take: list[str]) -> dict[str, Any]:
    return {"merged": False, "keep": preview.keep.account_number, "other": preview.other.account_number,
            "differing": list(preview.differing), "take": take, "moves": dict(preview.moves)}
