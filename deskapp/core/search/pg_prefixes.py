"""PostgreSQL's word-prefix table for customer lookup: SQLite's FTS5 prefix indexes, as a table.

``customer_word_prefix`` holds, for every customer, each word of ``customer.search_text`` that has
a character other than a digit, cut to its first 1, 2, … 6 characters (FTS5's ``prefix='1 2 3 4 5
6'``), once per customer. Its primary key (prefix, customer_id) gives the customers whose words
start with a typed word *in id order* from one equality, so a name of several words is a merge of
a few ordered streams that stops after a page of customers (bench/lookup_pg.py: "torres jose" at
1,000,000 customers ~10 ms through the trigram index, well under 1 ms here). Typed words longer
than six characters read their first six and are checked against ``search_text``.

Words of digits only (account numbers, phone digits, the digits of an e-mail address) are left
out: a typed word of digits only keeps the GIN/trigram paths (migration 0015), and a typed word
with a letter can only start a word that has one, so the table answers it exactly.

Statement-level triggers on ``customer`` keep it in step with every write path (create, import,
edit, merge, privacy erase, copy): one set-based statement per SQL statement, not one per row.
Nothing on SQLite, whose FTS5 index (:mod:`.fts`) is the same thing.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

TABLE = "customer_word_prefix"
# FTS5's longest prefix index (fts.PREFIX_LENGTHS): longer typed words are checked on search_text.
MAX_PREFIX = 6
FUNCTION = "customer_word_prefix_sync"
TRIGGERS = {"customer_word_prefix_ai": "INSERT", "customer_word_prefix_au": "UPDATE",
            "customer_word_prefix_ad": "DELETE"}
TRUNCATE_TRIGGER = "customer_word_prefix_at"


def rows_of(source: str) -> str:
    """SELECT of the (prefix, customer_id) rows of the customers in ``source`` (aliased ``c``)."""
    return (f"SELECT DISTINCT left(w.word, n.n), c.id FROM {source} "
            "CROSS JOIN LATERAL unnest(string_to_array(c.search_text, ' ')) AS w(word) "
            f"CROSS JOIN LATERAL generate_series(1, least({MAX_PREFIX}, length(w.word))) AS n(n) "
            "WHERE w.word ~ '[^0-9]'")


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
