"""The SQL of knowledge-base search: one statement per query shape, compiled once (see :mod:`.search`).

One round trip does all of it: the candidates (the text read, then the title read, each index
read bounded by ``:candidates``), the brand filter on ``kb_article.brand_id``, the whole ranking,
the ``LIMIT``, and then, for the page only, the text in the wanted language and the languages an
article has. The ranking is an integer, ``4·n`` times the score (n = words typed), so that
ordering in SQL is exact and the score is that divided by ``4·n``:

* brand tier: the customer's brand 2, desk-wide 1 (0 when no brand is asked for) — × 4n
* every typed word starts a word of a title 1 — × 4n
* whole words of the title among those typed, 0.5 × share — 2 per whole word
* a text in the wanted language, 0.25 — × n
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from deskapp.core.search.kb_index import KB_INDEX

# Rows each index read may give (the text read, the title read); all of them are ranked. At 10,000
# articles 50 keeps a common word at ~0.2 ms of SQL (100: ~0.3, 200: ~0.55 ms); up to five pages
# ranked in full (the first version read 200 a tier but ranked only the first 40 in full). On the
# bench's knowledge base the first 20 are those of that version for 200 of 220 unbranded queries,
# and better ranked for the other 20 (title matches it had left out).
CANDIDATES = 50


@dataclass(frozen=True, slots=True)
class Shape:
    """What distinguishes one statement from another; parameters fill in the rest."""

    dialect: str
    words: int
    branded: bool


@functools.lru_cache(maxsize=64)
def compiled(shape: Shape, dialect: sa.Dialect) -> tuple[str, tuple[str, ...], bool]:
    """SQL text, parameter order (positional drivers) and whether the driver takes positions.

    Compiled once per shape and dialect: building and compiling the statement again would cost
    as much as running it on the indexed database.
    """
    statement = sa.text(_sql(shape)).compile(dialect=dialect)
    names = statement.positiontup if statement.positional else list(statement.params)
    return str(statement), tuple(names or ()), bool(statement.positional)


def _sql(shape: Shape) -> str:
    sqlite = shape.dialect == "sqlite"
    n = shape.words
    own = "(SELECT id FROM brand WHERE code = :brand)"
    # The customer's brand or desk-wide, tested before the LIMIT; an unknown brand finds nothing
    # (the caller then says so), not the desk-wide articles alone.
    whose = f" AND {own} IS NOT NULL AND (a.brand_id = {own} OR a.brand_id IS NULL)" if shape.branded else ""
    if sqlite:
        table = KB_INDEX.table
        if whose:  # each row FTS5 yields is looked up in the small (brand_id, id) index, not in its fat
            # article row; the few desk-wide ids are one set built per read (bench/README.md)
            whose = (
                f" AND {own} IS NOT NULL AND (EXISTS (SELECT 1 FROM kb_article a INDEXED BY ix_kb_article_brand_id "
                f"WHERE a.brand_id = {own} AND a.id = f.rowid) "
                "OR +f.rowid IN (SELECT id FROM kb_article WHERE brand_id IS NULL))"
            )
        tier = f"SELECT rowid AS id FROM {table} AS f WHERE {{gate}}f.{table} MATCH :{{param}}{whose} LIMIT :candidates"
        find, aggregate, key = "instr", "group_concat", "a.key"
    else:  # word prefixes as regular expressions, served by the trigram indexes
        tests = " AND ".join(f"a.{{column}} ~ ('(^| )' || :w{i})" for i in range(n))
        tier = f"SELECT a.id AS id FROM kb_article a WHERE {{gate}}{tests}{whose} LIMIT :candidates"
        find, aggregate, key = "strpos", "string_agg", 'a.key COLLATE "C"'  # keys sort as Python sorts them
    # Every title word is also a text word, so a text read that stopped short of the LIMIT holds
    # every match, titles too: the title read is needed (and made) only when the text read was full.
    # FTS5 yields rows in id order, so on SQLite it also starts after the text read's last row.
    text = tier.format(gate="", param="text_match", column="search_text")
    gate = "(SELECT count(*) FROM text_tier) >= :candidates AND "
    if sqlite:
        gate += "f.rowid > (SELECT max(id) FROM text_tier) AND "
    title = tier.format(gate=gate, param="title_match", column="title_text")
    # Words in the title: each typed word starts a word of title_text (what the title read matched).
    titled = " AND ".join(f"{find}(' ' || a.title_text, :start{i}) > 0" for i in range(n))
    whole = " + ".join(
        f"CASE WHEN {find}(' ' || a.title_text || ' ', :whole{i}) > 0 THEN 2 ELSE 0 END" for i in range(n)
    )
    brand_tier = "CASE WHEN a.brand_id IS NULL THEN 1 ELSE 2 END + " if shape.branded else ""
    rank = (
        f"{4 * n} * ({brand_tier}CASE WHEN {titled} THEN 1 ELSE 0 END) + {whole} + CASE WHEN EXISTS "
        f"(SELECT 1 FROM kb_variant v WHERE v.article_id = a.id AND v.locale = :lang) THEN {n} ELSE 0 END"
    )
    ranked = (
        f"SELECT a.id, {key} AS key, a.audience, a.source_locale, b.code AS brand_code, {rank} AS rank "
        f"FROM (SELECT id FROM text_tier UNION SELECT id FROM ({title}) AS title_tier) AS h "
        "JOIN kb_article a ON a.id = h.id LEFT JOIN brand b ON b.id = a.brand_id "
        f"ORDER BY rank DESC, {key} LIMIT :limit"
    )
    # The page's texts: the wanted language, else English, else the article's own, else any
    # (pick_locale's order). Each a lookup in the (article, locale) unique index, the first found wins;
    # not one ORDER BY over the variants, as SQLite cannot see t's columns in a subquery's ORDER BY.
    picks = ", ".join(
        f"(SELECT {column} FROM kb_variant p WHERE p.article_id = t.id{test})"
        for column, test in (
            ("p.id", " AND p.locale = :lang"),
            ("p.id", " AND p.locale = :fallback"),
            ("p.id", " AND p.locale = t.source_locale"),
            ("min(p.id)", ""),
        )
    )
    return (
        f"WITH text_tier AS ({text}) "
        "SELECT t.key, t.audience, t.brand_code, t.rank, v.locale, v.title, v.short_answer, "
        f"(SELECT {aggregate}(w.locale, ',') FROM kb_variant w WHERE w.article_id = t.id) AS languages "
        f"FROM ({ranked}) AS t LEFT JOIN kb_variant v ON v.id = coalesce({picks}) "
        "ORDER BY t.rank DESC, t.key"
    )


def params(shape: Shape, words: tuple[str, ...], lang: str, fallback: str, brand: str | None) -> dict[str, Any]:
    """The statement's parameters (``limit`` and ``candidates`` are added by the caller)."""
    values: dict[str, Any] = {"lang": lang, "fallback": fallback, "brand": brand}
    for i, word in enumerate(words):
        values[f"whole{i}"] = f" {word} "
        values[f"start{i}"] = f" {word}"
        if shape.dialect != "sqlite":
            values[f"w{i}"] = word
    return values
