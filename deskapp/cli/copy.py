"""``deskapp copy --from PATH.db --to URL``: move a desk from its SQLite file to PostgreSQL (or back).

Every table is copied in foreign-key order with its ids, in one transaction on the target, so a
failed copy leaves the target as it was. PostgreSQL's id sequences are then moved past the
copied ids; the search indexes follow by themselves (the trigram index on PostgreSQL, the FTS5
triggers on SQLite). At the end every table is counted on both sides and the counts printed.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from deskapp.core.i18n import _, later

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, Table

    from deskapp.cli import Subcommands

BATCH = 5000
APPEND_ONLY = ("note_revision", "audit_event", "desk_secret", "kb_version")


@dataclass(frozen=True, slots=True)
class TableCount:
    """Rows of one table in the source and in the target after the copy."""

    table: str
    source: int
    target: int

    @property
    def ok(self) -> bool:
        """Whether the counts agree."""
        return self.source == self.target


def register(subparsers: Subcommands) -> None:
    """Add the ``copy`` command."""
    parser = subparsers.add_parser(
        "copy", help=_("copy a whole desk into another database, e.g. from its SQLite file to PostgreSQL"),
    )
    parser.add_argument("--from", dest="source", required=True, metavar="PATH_OR_URL",
                        help=_("the database to copy from (a deskapp SQLite file or a URL)"))
    parser.add_argument("--to", dest="target", required=True, metavar="URL",
                        help=_("the database to copy into, e.g. postgresql://user@host/dbname"))
    parser.add_argument("--replace", action="store_true",
                        help=_("delete everything in the target first (otherwise it must be empty)"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Copy, verify the counts, print the table; exit 1 when any count differs."""
    from deskapp.cli.common import error, open_url
    from deskapp.core.errors import DeskappError
    from deskapp.core.storage import migrate

    if "://" not in args.source and not Path(args.source).expanduser().is_file():
        raise DeskappError(later("{path} does not exist or is not a file.", path=args.source))
    source = open_url(args.source)
    target = open_url(args.target)
    try:
        _check_target(source, target)
        migrate.upgrade(source)
        migrate.upgrade(target)
        counts = copy_database(source, target, replace=args.replace)
    finally:
        source.dispose()
        target.dispose()
    _print_counts(counts)
    if all(count.ok for count in counts):
        print(_("Copied {rows} rows in {tables} tables; every count matches.").format(
            rows=sum(c.target for c in counts), tables=len(counts)))
        return 0
    error(_("Some tables have a different number of rows in the target (MISMATCH above)."))
    return 1


def _check_target(source: Engine, target: Engine) -> None:
    """Refuse a target that is the source under another name, or one of the source's working files."""
    from deskapp.core.errors import DeskappError
    from deskapp.core.io.safe_write import check_output_path, database_file, same_file

    first, second = database_file(source.url), database_file(target.url)
    if source.url == target.url or (first is not None and second is not None and same_file(first, second)):
        raise DeskappError(later("The source and the target are the same database."))
    if second is not None:
        check_output_path(second, database=first)  # e.g. --to desk.db-wal while desk.db is being read


def copy_database(source: Engine, target: Engine, *, replace: bool = False) -> list[TableCount]:
    """Copy every deskapp table from ``source`` to ``target`` (migrated engines); returns the counts.

    Raises:
        DeskappError: The target holds data and ``replace`` is false.
    """
    from deskapp.core.errors import DeskappError

    tables = _tables()
    with target.begin() as connection:
        # The target's own key (made by its migration) is not data: the source's replaces it,
        # since the copied history is chained under the source's key.
        filled = [t.name for t in tables if t.name != "desk_secret" and _count(connection, t)]
        if filled and not replace:
            raise DeskappError(later("The target database already holds data (in {tables}). Copy into an empty "
                                     "database, or add --replace to delete what is there.", tables=", ".join(filled)))
        _empty(connection, tables)
        with source.connect() as reader:
            for table in tables:
                _copy_table(reader, connection, table)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection, tables)
    with source.connect() as reader, target.connect() as written:
        return [TableCount(t.name, _count(reader, t), _count(written, t)) for t in tables]


def _empty(connection: Connection, tables: list[Table]) -> None:
    """Delete everything in the target, in the copy's transaction.

    Note revisions, audit events and the desk's key refuse deletes (append-only triggers,
    migrations 0004 and 0007); replacing a whole database on request is not rewriting its
    history, so their delete (SQLite) or truncate (PostgreSQL) triggers are set aside, in the
    copy's transaction, until the rows are gone.
    """
    from sqlalchemy import text

    if connection.dialect.name == "postgresql":
        for table in APPEND_ONLY:
            connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_truncate"))
        connection.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " CASCADE"))
        for table in APPEND_ONLY:
            connection.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {table}_no_truncate"))
        return
    kept = connection.execute(text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
        "(" + ", ".join(f"'{table}_no_delete'" for table in APPEND_ONLY) + ")")).all()
    for name, _sql in kept:
        connection.execute(text(f'DROP TRIGGER "{name}"'))
    for table in reversed(tables):
        connection.execute(table.delete())
    for _name, sql in kept:
        connection.execute(text(sql))


def _tables() -> list[Table]:
    import deskapp.core.domain.models  # noqa: F401 - registers every table on the metadata
    from deskapp.core.domain.base import Base

    return list(Base.metadata.sorted_tables)


def _count(connection: Connection, table: Table) -> int:
    from sqlalchemy import func, select

    return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def _copy_table(reader: Connection, writer: Connection, table: Table) -> None:
    from sqlalchemy import select

    order = list(table.primary_key.columns) or list(table.columns)
    result = reader.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
    for rows in result.partitions():
        writer.execute(table.insert(), [dict(row._mapping) for row in rows])


def _reset_sequences(connection: Connection, tables: list[Table]) -> None:
    from sqlalchemy import text

    for table in tables:
        if "id" not in table.columns:
            continue
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"coalesce((SELECT max(id) FROM {table.name}), 1), "
            f"(SELECT max(id) FROM {table.name}) IS NOT NULL)"
        ))


def _print_counts(counts: list[TableCount]) -> None:
    headers = (_("Table"), _("Source"), _("Target"), _("Status"))
    rows = [(c.table, str(c.source), str(c.target), _("OK") if c.ok else _("MISMATCH")) for c in counts]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    for line in (headers, *rows):
        print("  ".join(cell.ljust(width) if i in (0, 3) else cell.rjust(width)
                        for i, (cell, width) in enumerate(zip(line, widths, strict=True))).rstrip())
