"""SQLite FTS5 index over ``customer.search_text``: DDL and the triggers that keep it in sync.

The index is an *external-content* table: it stores only the inverted index and reads nothing back
from ``customer`` at query time except through joins we write ourselves. Because FTS5 cannot see
changes to its content table, three triggers mirror every insert, update and delete.

Migrations call these functions rather than embedding the SQL, because an Alembic batch operation on
SQLite rebuilds ``customer`` (copy, drop, rename) and the triggers die with the old table: a later
migration that batch-alters ``customer`` must end with ``create_triggers(op.get_bind())``.
"""

from __future__ import annotations

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

_CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    f"search_text, content='{CONTENT_TABLE}', content_rowid='id', "
    f"tokenize=\"{TOKENIZER}\", prefix='{{prefix}}', columnsize=0)"
)

# The delete form ('delete', rowid, old values) must be given the exact old text, which the
# triggers have in OLD; the update trigger only fires when search_text changes, so a profile
# edit does not rewrite index entries.
_TRIGGERS = (
    f"""CREATE TRIGGER IF NOT EXISTS customer_fts_ai AFTER INSERT ON {CONTENT_TABLE} BEGIN
  INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
END""",
    f"""CREATE TRIGGER IF NOT EXISTS customer_fts_ad AFTER DELETE ON {CONTENT_TABLE} BEGIN
  INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END""",
    f"""CREATE TRIGGER IF NOT EXISTS customer_fts_au AFTER UPDATE OF search_text ON {CONTENT_TABLE} BEGIN
  INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
  INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
END""",
)


def create_triggers(connection: Connection) -> None:
    """(Re)create the triggers that mirror ``customer.search_text`` into the FTS index.

    Safe to call when they exist. Call it after any batch migration that rebuilds ``customer``,
    followed by :func:`rebuild` if rows may have changed while the triggers were gone.
    """
    for statement in _TRIGGERS:
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
    connection.execute(text(_CREATE_TABLE.format(prefix=prefix)))
    create_triggers(connection)
    rebuild(connection)


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
    drop_triggers(connection)
    connection.execute(text(f"DROP TABLE IF EXISTS {FTS_TABLE}"))


def match_expression(prefixes: list[str]) -> str:
    """An FTS5 MATCH string requiring every item of ``prefixes`` as a word prefix (AND).

    Each item is quoted as an FTS5 string (a doubled ``"`` is a literal quote), so operators and
    punctuation a rep types (``OR``, ``NEAR(``, ``*``, ``:``, ``^``, ``-``) are plain text, never
    syntax. An empty list gives an empty string, which callers must not send to MATCH.
    """
    return " ".join('"' + prefix.replace('"', '""') + '"*' for prefix in prefixes)
