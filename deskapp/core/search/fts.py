"""SQLite FTS5 index over ``customer.search_text``: DDL and the triggers that keep it in sync.

The index is an *external-content* table: it stores only the inverted index and reads nothing back
from ``customer`` at query time except through joins we write ourselves. Because FTS5 cannot see
changes to its content table, three triggers mirror every insert, update and delete.

Migrations call these functions rather than embedding the SQL, because an Alembic batch operation on
SQLite rebuilds ``customer`` (copy, drop, rename) and the triggers die with the old table: a later
migration that batch-alters ``customer`` must end with ``create_triggers(op.get_bind())``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

FTS_TABLE = "customer_fts"
CONTENT_TABLE = "customer"
# Prefix indexes for 1- to 6-letter prefixes: a typed word becomes one doclist that FTS5 reads
# lazily and skips through, instead of a merge of every term with that prefix ("jose" is Jose,
# Josefa, Josefina, Joseph…). Measured at 1M customers (bench/lookup.py, migration 0006): "torres
# jose" 5.4 -> 0.05 ms, "dela cruz jocelyn" 18.6 -> 0.7 ms, for an index 38 % larger.
# columnsize=0: the lookup never ranks with bm25, so per-row token counts would be dead weight.
PREFIX_LENGTHS = "1 2 3 4 5 6"
TOKENIZER = "unicode61 remove_diacritics 2"

TRIGGER_NAMES = ("customer_fts_ai", "customer_fts_ad", "customer_fts_au")
INSERT_TRIGGER = TRIGGER_NAMES[0]


@dataclass(frozen=True, slots=True)
class FtsIndex:
    """An external-content FTS5 index over text columns of one table, kept in sync by three triggers.

    The customer lookup and the knowledge base share this definition: the same tokenizer over the
    same normalised text (:mod:`deskapp.core.search.normalize`), the same trigger shape.
    """

    table: str
    content: str
    columns: tuple[str, ...]
    prefix: str = PREFIX_LENGTHS

    @property
    def triggers(self) -> tuple[str, str, str]:
        """The names of the insert, delete and update triggers."""
        return (f"{self.table}_ai", f"{self.table}_ad", f"{self.table}_au")

    def create_sql(self, prefix: str | None = None) -> str:
        """The ``CREATE VIRTUAL TABLE`` statement (``prefix`` overrides the prefix-index lengths).

        columnsize=0: nothing ranks with bm25, so per-row token counts would be dead weight.
        """
        return (f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.table} USING fts5({', '.join(self.columns)}, "
                f"content='{self.content}', content_rowid='id', tokenize=\"{TOKENIZER}\", "
                f"prefix='{self.prefix if prefix is None else prefix}', columnsize=0)")

    def trigger_sql(self) -> tuple[str, str, str]:
        """The insert, delete and update triggers; the update one fires only when an indexed column changes.

        The delete form ('delete', rowid, old values) must be given the exact old text, which the
        triggers have in OLD; so a profile edit that leaves the text alone rewrites no index entry.
        """
        names = ", ".join(self.columns)
        new = ", ".join(f"new.{c}" for c in self.columns)
        old = ", ".join(f"old.{c}" for c in self.columns)
        remove = f"INSERT INTO {self.table}({self.table}, rowid, {names}) VALUES ('delete', old.id, {old});"
        add = f"INSERT INTO {self.table}(rowid, {names}) VALUES (new.id, {new});"
        insert, delete, update = self.triggers
        return (
            f"CREATE TRIGGER IF NOT EXISTS {insert} AFTER INSERT ON {self.content} BEGIN\n  {add}\nEND",
            f"CREATE TRIGGER IF NOT EXISTS {delete} AFTER DELETE ON {self.content} BEGIN\n  {remove}\nEND",
            f"CREATE TRIGGER IF NOT EXISTS {update} AFTER UPDATE OF {names} ON {self.content} BEGIN\n"
            f"  {remove}\n  {add}\nEND",
        )

    def create(self, connection: Connection, prefix: str | None = None) -> None:
        """Create the table and its triggers, then index the rows already in the content table."""
        connection.execute(text(self.create_sql(prefix)))
        for statement in self.trigger_sql():
            connection.execute(text(statement))
        connection.execute(text(f"INSERT INTO {self.table}({self.table}) VALUES ('rebuild')"))

    def drop(self, connection: Connection) -> None:
        """Drop the triggers and the table."""
        for name in self.triggers:
            connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        connection.execute(text(f"DROP TABLE IF EXISTS {self.table}"))


CUSTOMER_INDEX = FtsIndex(FTS_TABLE, CONTENT_TABLE, ("search_text",))


def create_triggers(connection: Connection) -> None:
    """(Re)create the triggers that mirror ``customer.search_text`` into the FTS index.

    Safe to call when they exist. Call it after any batch migration that rebuilds ``customer``,
    followed by :func:`rebuild` if rows may have changed while the triggers were gone.
    """
    for statement in CUSTOMER_INDEX.trigger_sql():
        connection.execute(text(statement))


def drop_triggers(connection: Connection) -> None:
    """Drop the sync triggers (before a bulk rebuild or a downgrade)."""
    for name in TRIGGER_NAMES:
        connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))


def index_new_rows(connection: Connection, first_id: int, last_id: int) -> None:
    """Index the customers with ids ``first_id``..``last_id``, written while the insert trigger was off.

    One statement for a slice of an import costs far less than the trigger firing row by row
    (bench/import_csv.py); the import drops :data:`INSERT_TRIGGER` and recreates it (with
    :func:`create_triggers`) inside the same transaction, so no other connection ever sees it gone.
    """
    connection.execute(
        text(f"INSERT INTO {FTS_TABLE}(rowid, search_text) SELECT id, search_text FROM {CONTENT_TABLE} "
             "WHERE id BETWEEN :first AND :last"),
        {"first": first_id, "last": last_id},
    )


def create_index(connection: Connection, prefix: str = PREFIX_LENGTHS) -> None:
    """Create the FTS table and its triggers, then index the rows already in ``customer``.

    ``prefix`` is FTS5's list of prefix-index lengths; only migrations pass an older one.
    """
    CUSTOMER_INDEX.create(connection, prefix)


def rebuild(connection: Connection) -> None:
    """Re-read every row of ``customer`` into the index (after a bulk change without triggers)."""
    connection.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))


def optimize(connection: Connection) -> None:
    """Merge the index into one segment, dropping deleted rows' terms for good (after an erasure)."""
    connection.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"))


def prefix_lengths(connection: Connection) -> str | None:
    """The prefix-index lengths the existing FTS table was created with, or None without one."""
    sql = connection.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"), {"name": FTS_TABLE}
    ).scalar()
    if sql is None:
        return None
    _, found, rest = str(sql).partition("prefix='")
    return rest.partition("'")[0] if found else ""


def drop_index(connection: Connection) -> None:
    """Drop the triggers and the FTS table."""
    CUSTOMER_INDEX.drop(connection)


def match_expression(prefixes: list[str]) -> str:
    """An FTS5 MATCH string requiring every item of ``prefixes`` as a word prefix (AND).

    Each item is quoted as an FTS5 string (a doubled ``"`` is a literal quote), so operators and
    punctuation a rep types (``OR``, ``NEAR(``, ``*``, ``:``, ``^``, ``-``) are plain text, never
    syntax. An empty list gives an empty string, which callers must not send to MATCH.
    """
    return " ".join('"' + prefix.replace('"', '""') + '"*' for prefix in prefixes)
