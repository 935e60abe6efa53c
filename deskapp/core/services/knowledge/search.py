"""Find articles as the customer lookup finds people: folded words, word prefixes, an index, a ranking.

What a rep types goes through the lookup's own parsing (:func:`parse_query`: cleaned, folded,
accents dropped, at most eight words), so "sahko" finds "sähkö" and "contrasena" finds
"contraseña". Every word must start a word of the article in some language. One statement per
query shape (``search_sql.py``, compiled once, parameters bound) does the rest in one round trip:
bounded index reads give the candidates (anywhere in the text; words in a title too when the text
read was full), so a common word in a large knowledge base never ranks more than a few hundred
rows; the brand is filtered on the article's ``brand_id`` column as the candidates are read;
they are ranked and cut to the page in SQL, and only the page's texts are read:

* SQLite: the FTS5 index of migration 0013 (``search/kb_index.py``), column-filtered to titles
  for the title read.
* PostgreSQL: the same word-prefix test as a regular expression, served by trigram indexes.

Ranking (``score``): the customer's brand first (2), then desk-wide (1); words in a title
(1) before words only in the text; whole words before prefixes (0.5 × share); a text in the
wanted language (0.25). Ties: the key. On SQLite the rows come from the driver's cursor, as
the lookup's do. Measured in bench/kb_search.py (bench/README.md).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from deskapp.core.domain.knowledge import Audience
from deskapp.core.domain.models import Brand
from deskapp.core.errors import InvalidInput
from deskapp.core.i18n import CUSTOMER_LOCALES, SOURCE_LOCALE, later, normalise_locale
from deskapp.core.search import fts
from deskapp.core.search.query import parse_query
from deskapp.core.security.permissions import require
from deskapp.core.services.customers.lookup import _fetch as fetch_rows  # the lookup's raw-cursor read
from deskapp.core.services.knowledge import search_sql
from deskapp.core.services.knowledge.search_sql import Shape, compiled

DEFAULT_LIMIT = 20


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One article found; ``locale`` is the language of ``title`` and ``short_answer``."""

    key: str
    title: str
    short_answer: str
    locale: str
    languages: tuple[str, ...]
    brand: str | None
    audience: Audience
    score: float


def search_articles(
    session: Session,
    actor_id: int,
    query: str,
    *,
    lang: str | None = None,
    brand: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[SearchHit]:
    """Articles matching every word of ``query`` (``kb.use``), best first.

    Args:
        session: An open session.
        actor_id: Who searches.
        query: What the rep typed, in any language, with or without accents.
        lang: The language to show titles and short answers in (else each article's source language),
            and preferred in the ranking.
        brand: The customer's brand code: its articles first, then desk-wide ones; other brands' left out.
        limit: How many at most.
    """
    require(session, actor_id, "kb.use")
    return search_hits(session, query, lang=lang, brand=brand, limit=limit)


def search_hits(
    session: Session, query: str, *, lang: str | None = None, brand: str | None = None, limit: int = DEFAULT_LIMIT
) -> list[SearchHit]:
    """The search behind :func:`search_articles`, without the permission check (benchmarks, tools).

    Raises:
        InvalidInput: ``brand`` is not a brand code of this desk.
    """
    words = parse_query(query).words
    if not words or limit <= 0:
        return []
    connection = session.connection()
    shape = Shape(connection.dialect.name, len(words), bool(brand))
    sql, names, positional = compiled(shape, connection.dialect)
    values = search_sql.params(shape, words, normalise_locale(lang) or "", SOURCE_LOCALE, brand or None)
    values |= {"limit": limit, "candidates": max(search_sql.CANDIDATES, limit)}
    if shape.dialect == "sqlite":
        expression = fts.match_expression(list(words))
        values |= {"title_match": f"title_text : ({expression})", "text_match": expression}
    args: Any = tuple(values[name] for name in names) if positional else {name: values[name] for name in names}
    rows = fetch_rows(connection, sql, args)
    if brand and not rows and session.scalar(sa.select(Brand.id).where(Brand.code == brand)) is None:
        raise InvalidInput(later("There is no brand “{brand}”.", brand=brand))
    scale = 4 * len(words)
    return [
        SearchHit(
            key=key,
            title=title or "",
            short_answer=short or "",
            locale=locale or "",
            languages=_languages(languages),
            brand=brand_code,
            audience=_AUDIENCES[audience],
            score=round(rank / scale, 3),
        )
        for key, audience, brand_code, rank, locale, title, short, languages in rows
    ]


_AUDIENCES = {audience.value: audience for audience in Audience}


@functools.lru_cache(maxsize=256)
def _languages(joined: str | None) -> tuple[str, ...]:
    """The desk's customer languages first, in their order, then any others alphabetically."""
    have = set(joined.split(",")) if joined else set()
    return tuple(code for code in CUSTOMER_LOCALES if code in have) + tuple(
        sorted(code for code in have if code not in CUSTOMER_LOCALES)
    )
