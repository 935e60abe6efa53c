"""``deskapp kb``: list, search, export and import the knowledge base.

JSON keys are a contract. ``list --json``: key, title, languages, brand (a code or null),
audience ("internal" or "customer"). ``search --json``: the same keys and score. ``list`` and
``search`` load the starter knowledge base into a desk that has no article yet (first run), as
``responses list`` does with the response library. Every subcommand acts as the console's
built-in account.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from deskapp.core.i18n import _, later

if TYPE_CHECKING:
    from deskapp.cli import Subcommands


def register(subparsers: Subcommands) -> None:
    """Add the ``kb`` command and its subcommands."""
    parser = subparsers.add_parser("kb", help=_("list, search, export or import knowledge-base articles"))
    commands = parser.add_subparsers(dest="kb_command", metavar="SUBCOMMAND", required=True)

    listing = commands.add_parser("list", help=_("list the articles and their languages"))
    listing.add_argument("--brand", metavar="BRAND", help=_("only this brand's articles and the desk-wide ones"))
    listing.add_argument(
        "--lang", dest="kb_lang", metavar="LOCALE", help=_("only articles written in this language; titles in it")
    )
    listing.add_argument("--json", action="store_true", help=_("print results as JSON"))
    listing.set_defaults(handler=run_list)

    searching = commands.add_parser("search", help=_("find articles by words, with or without accents"))
    searching.add_argument("query", metavar="QUERY", nargs="+", help=_("the words to find"))
    searching.add_argument(
        "--lang", dest="kb_lang", metavar="LOCALE", help=_("show titles in this language and rank its articles first")
    )
    searching.add_argument(
        "--brand", metavar="BRAND", help=_("the customer's brand: its articles first, then the desk-wide ones")
    )
    searching.add_argument("--json", action="store_true", help=_("print results as JSON"))
    searching.set_defaults(handler=run_search)

    export = commands.add_parser("export", help=_("write the whole knowledge base to a YAML file"))
    export.add_argument("file", metavar="FILE", help=_("the YAML file to write (- for standard output)"))
    export.set_defaults(handler=run_export)

    importing = commands.add_parser(
        "import", help=_("add or update articles from a YAML file; with any faulty entry nothing is imported")
    )
    importing.add_argument("file", metavar="FILE", help=_("a YAML file in the deskapp-kb/1 format"))
    importing.set_defaults(handler=run_import)


def _locale(value: str | None) -> str | None:
    from deskapp.core.errors import DeskappError
    from deskapp.core.i18n import CUSTOMER_LOCALES, normalise_locale

    if value is None:
        return None
    code = normalise_locale(value)
    if code not in CUSTOMER_LOCALES:
        raise DeskappError(
            later("“{locale}” is not a language the desk answers in. Use one of: {names}.",
                  locale=value, names=", ".join(CUSTOMER_LOCALES))
        )
    return code


def _dump(rows: list[dict[str, Any]]) -> None:
    utf8 = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "") == "utf8"
    print(json.dumps(rows, ensure_ascii=not utf8, indent=2))


def _table(headers: list[str], table: list[list[str]]) -> None:
    widths = [max(len(cell) for cell in column) for column in zip(headers, *table, strict=True)]
    for line in (headers, *table):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())


def run_list(args: argparse.Namespace) -> int:
    """Print the articles as a table or as JSON."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.i18n import current_locale
    from deskapp.core.services.knowledge.articles import list_articles
    from deskapp.core.services.knowledge.library import ensure_kb

    lang = _locale(args.kb_lang)
    engine = open_database(args)
    actor = console(engine)
    with Session(engine) as session:
        ensure_kb(session, actor)
        rows = list_articles(session, actor, brand=args.brand, lang=lang)
    if args.json:
        _dump(
            [
                {
                    "key": r.key,
                    "title": r.title_in(lang) if lang else r.title,
                    "languages": list(r.languages),
                    "brand": r.brand,
                    "audience": r.audience.value,
                }
                for r in rows
            ]
        )
        return 0
    if not rows:
        print(_("No articles found."))
        return 0
    _table(
        [_("Key"), _("Title"), _("Brand"), _("Languages")],
        [[r.key, r.title_in(lang or current_locale()), r.brand or "-", " ".join(r.languages)] for r in rows],
    )
    return 0


def run_search(args: argparse.Namespace) -> int:
    """Print the articles matching the query, best first."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.i18n import current_locale
    from deskapp.core.services.knowledge.library import ensure_kb
    from deskapp.core.services.knowledge.search import search_articles

    lang = _locale(args.kb_lang)
    engine = open_database(args)
    actor = console(engine)
    with Session(engine) as session:
        ensure_kb(session, actor)
        hits = search_articles(
            session,
            actor,
            " ".join(args.query),
            lang=lang or (None if args.json else current_locale()),
            brand=args.brand,
        )
    if args.json:
        _dump(
            [
                {
                    "key": h.key,
                    "title": h.title,
                    "languages": list(h.languages),
                    "brand": h.brand,
                    "audience": h.audience.value,
                    "score": h.score,
                }
                for h in hits
            ]
        )
        return 0
    if not hits:
        print(_("No articles found."))
        return 0
    _table(
        [_("Key"), _("Title"), _("Brand"), pgettext_score()],
        [[h.key, h.title, h.brand or "-", f"{h.score:.2f}"] for h in hits],
    )
    return 0


def pgettext_score() -> str:
    """The column heading of a search result's rank."""
    from deskapp.core.i18n import pgettext

    return pgettext("search ranking", "Score")


def run_export(args: argparse.Namespace) -> int:
    """Write the knowledge base to ``args.file`` (or standard output); never over the desk's database."""
    from deskapp.cli.library_files import export_file
    from deskapp.core.services.knowledge.library import export_articles

    count = export_file(args, export_articles)
    if count is not None:
        print(_("Exported {count} articles to {path}.").format(count=count, path=args.file))
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Import ``args.file`` whole; each bad entry is one line on stderr (with its line), and then nothing changes."""
    from deskapp.cli.common import EXIT_FAILED, error
    from deskapp.cli.library_files import import_file
    from deskapp.core.services.knowledge.library import import_articles

    result = import_file(args, import_articles)
    for problem in result.problems:
        error(str(problem))
    if result.problems:
        error(_("Nothing was imported: correct the entries above and import the file again."))
        return EXIT_FAILED
    print(
        _("Imported: {created} new, {updated} updated, {unchanged} unchanged.").format(
            created=result.created, updated=result.updated, unchanged=result.unchanged
        )
    )
    return 0
