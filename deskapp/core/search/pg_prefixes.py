"""PostgreSQL's word-prefix table for customer lookup: SQLite's FTS5 prefix indexes, as a table.

``customer_word_prefix`` holds, for every customer, each word of ``customer.search_text`` cut to its
first 1, 2, … 6 characters (FTS5's ``prefix='1 2 3 4 5 6'``), once per customer. Its primary key
(prefix, customer_id) gives the customers whose words start with a typed word *in id order* from one
equality, so a name of several words is a merge of a few ordered streams that stops after a page of
customers (bench/lookup_pg.py: "torres jose" at 1,000,000 customers ~10 ms through the trigram
index, well under 1 ms here). Typed words longer than six characters read their first six and are
checked against ``search_text``.

Words of digits only (account numbers, phone digits, the digits of an e-mail address) get their
prefixes of :data:`MIN_DIGIT_PREFIX` characters and more: "0" and "00" would each list nearly every
customer (every account number starts so), for no typed word a rep uses. So the table answers
exactly every typed word but one or two digits alone, which keeps the trigram path of migration
0002 (a typed word with a letter can only start a word that has one: all its prefixes are here).
Migration 0017 added the digit words; before, typed numbers went through a GIN index of whole words
that could not stop after a page ("0091", the last digits of a phone, is the start of 10,000
account numbers: 1.8 ms, now one page of the table's key).

Statement-level triggers on ``customer`` keep it in step with every write path (create, import,
edit, merge, privacy erase, copy): one set-based statement per SQL statement, not one per row.
Nothing on SQLite, whose FTS5 index (:mod:`.fts`) is the same thing.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

TABLE = "customer_word_prefix"
# FTS5's longest prefix index (fts.PREFIX_LENGTHS): longer typed words are checked on search_text.
MAX_PREFIX = 6
# The shortest prefix kept of a word of digits only (a typed number shorter than this is not here).
MIN_DIGIT_PREFIX = 3
FUNCTION = "customer_word_prefix_sync"
TRIGGERS = {"customer_word_prefix_ai": "INSERT", "customer_word_prefix_au": "UPDATE",
            "customer_word_prefix_ad": "DELETE"}
TRUNCATE_TRIGGER = "customer_word_prefix_at"


def rows_of(source: str) -> str:
    """SELECT of the (prefix, customer_id) rows of the customers in ``source`` (aliased ``c``)."""
    return (f"SELECT DISTINCT left(w.word, n.n), c.id FROM {source} "
            "CROSS JOIN LATERAL unnest(string_to_array(c.search_text, ' ')) AS w(word) "
            f"CROSS JOIN LATERAL generate_series(1, least({MAX_PREFIX}, length(w.word))) AS n(n) "
            f"WHERE n.n >= {MIN_DIGIT_PREFIX} OR w.word ~ '[^0-9]'")


def _function_sql() -> str:
    changed = "new_rows n JOIN old_rows o ON o.id = n.id AND o.search_text IS DISTINCT FROM n.search_text"
    return f"""CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    TRUNCATE {TABLE};
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO {TABLE} (prefix, customer_id) {rows_of("new_rows c")};
  ELSIF TG_OP = 'DELETE' THEN
    DELETE FROM {TABLE} p USING old_rows o WHERE p.customer_id = o.id;
  ELSE
    DELETE FROM {TABLE} p USING {changed} WHERE p.customer_id = o.id;
    INSERT INTO {TABLE} (prefix, customer_id)
      {rows_of(f"(SELECT n.id, n.search_text FROM {changed}) c")};
  END IF;
  RETURN NULL;
END
$body$"""


def create(connection: Connection) -> None:
    """Create the table from the customers already there, then the triggers that keep it in step."""
    # Filled before its key exists (one index build instead of 20 million inserts into it), and in
    # the key's order: an index-only scan then finds a prefix's rows on neighbouring table pages,
    # and checks their visibility on one page of the visibility map, not a different one each row.
    connection.execute(text(f'CREATE TABLE {TABLE} (prefix text COLLATE "C" NOT NULL, customer_id integer NOT NULL)'))
    connection.execute(text(f"INSERT INTO {TABLE} (prefix, customer_id) {rows_of('customer c')} ORDER BY 1, 2"))
    connection.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    connection.execute(text(f"ALTER TABLE {TABLE} ADD CONSTRAINT pk_{TABLE} PRIMARY KEY (prefix, customer_id)"))
    connection.execute(text(_function_sql()))
    for name, event in TRIGGERS.items():
        transition = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows",
                      "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}[event]
        connection.execute(text(f"CREATE TRIGGER {name} AFTER {event} ON customer REFERENCING {transition} "
                                f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"))
    connection.execute(text(f"CREATE TRIGGER {TRUNCATE_TRIGGER} AFTER TRUNCATE ON customer "
                            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"))


def drop(connection: Connection) -> None:
    """Drop the triggers, their function and the table."""
    for name in (*TRIGGERS, TRUNCATE_TRIGGER):
        connection.execute(text(f"DROP TRIGGER IF EXISTS {name} ON customer"))
    connection.execute(text(f"DROP FUNCTION IF EXISTS {FUNCTION}()"))
    connection.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
