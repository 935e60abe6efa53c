"""Find articles as the customer lookup finds people: folded words, word prefixes, an index, a ranking.

What a rep types goes through the lookup's own parsing (:func:`parse_query`: cleaned, folded,
accents dropped, at most eight words), so "sahko" finds "sähkö" and "contrasena" finds
"contraseña". Every word must start a word of the article in some language. Two index reads
give the candidates (words in a title first, then anywhere in the text), each bounded, so a
common word in a large knowledge base never reads more than a few hundred rows:

* SQLite: the FTS5 index of migration 0013 (``search/kb_index.py``), column-filtered to titles
  for the first read.
* PostgreSQL: the same word-prefix test as a regular expression, served by trigram indexes.

Ranking (``score``): the customer's brand first (2), then desk-wide (1); words in a title
(1) before words only in the text; whole words before prefixes (0.5 × share); a text in the
wanted language (0.25). Ties: the key.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from deskapp.core.domain.knowledge import ArticleVariant, Audience
from deskapp.core.domain.models import Brand
from deskapp.core.errors import InvalidInput
from deskapp.core.i18n import CUSTOMER_LOCALES, _
from deskapp.core.search import fts
from deskapp.core.search.kb_index import KB_INDEX, brand_token
from deskapp.core.search.query import parse_query
from deskapp.core.security.permissions import require
from deskapp.core.services.responses.responses import pick_locale

CANDIDATES = 200  # per index read
# Rows read back per result shown: whole words in a title (scored in Python) reorder within them.
PAGES = 2
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
    dialect = session.get_bind().dialect.name
    params: dict[str, Any] = {"lang": lang or "", "brand": brand or "", "candidates": CANDIDATES, "page": limit * PAGES}
    whose = ""
    if brand:
        brand_id = session.scalar(sa.select(Brand.id).where(Brand.code == brand))
        if brand_id is None:
            raise InvalidInput(_("There is no brand “{brand}”.").format(brand=brand))
        params |= {"own": brand_token(brand_id), "desk": brand_token(None)}
        whose = f' AND ("{params["own"]}" OR "{params["desk"]}")'
    if dialect == "sqlite":
        expression = fts.match_expression(list(words))
        params |= {"title_match": f"(title_text : ({expression})){whose}", "text_match": f"({expression}){whose}"}
    else:
        params |= {f"w{i}": word for i, word in enumerate(words)}
    rows = session.execute(_statement(dialect, len(words), bool(brand)), params).all()
    branded = bool(brand)
    scored = sorted(
        rows,
        key=lambda row: (
            -_score(
                words,
                row.title_text,
                titled=bool(row.titled),
                has_lang=bool(row.has_lang),
                branded=branded,
                own_brand=row.brand_code == brand,
            ),
            row.key,
        ),
    )[:limit]
    return _hits(session, words, scored, lang, brand)


@functools.lru_cache(maxsize=64)
def _statement(dialect: str, words: int, branded: bool) -> sa.TextClause:
    """One statement per shape: the candidates of both tiers, their brand, and whether ``lang`` exists."""
    if dialect == "sqlite":  # the brand is in the match expression (its index word, see brand_token)
        tier = (
            f"SELECT * FROM (SELECT rowid AS id, {{titled}} AS titled FROM {KB_INDEX.table} "
            f"WHERE {KB_INDEX.table} MATCH :{{param}} LIMIT :candidates)"
        )
    else:
        tests = " AND ".join(f"a.{{column}} ~ ('(^| )' || :w{i})" for i in range(words))
        if branded:
            tests += " AND a.title_text ~ ('(^| )(' || :own || '|' || :desk || ')( |$)')"
        tier = f"(SELECT a.id AS id, {{titled}} AS titled FROM kb_article a WHERE {tests} LIMIT :candidates)"
    title = tier.format(titled=1, param="title_match", column="title_text")
    text = tier.format(titled=0, param="text_match", column="search_text")
    return sa.text(
        "SELECT a.id, a.key, a.audience, a.source_locale, b.code AS brand_code, h.titled, a.title_text, "
        "EXISTS (SELECT 1 FROM kb_variant v WHERE v.article_id = a.id AND v.locale = :lang) AS has_lang "
        f"FROM (SELECT id, max(titled) AS titled FROM ({title} UNION ALL {text}) AS tiers GROUP BY id) AS h "
        "JOIN kb_article a ON a.id = h.id LEFT JOIN brand b ON b.id = a.brand_id "
        # The tiers that outweigh the rest are ordered here, so only a page or two leaves the database.
        "ORDER BY (b.code = :brand) DESC, h.titled DESC, has_lang DESC, a.key LIMIT :page"
    )


def _score(
    words: Sequence[str], title_text: str, *, titled: bool, has_lang: bool, branded: bool, own_brand: bool
) -> float:
    title_words = set(title_text.split())
    whole = sum(word in title_words for word in words) / len(words)
    brand_tier = (2.0 if own_brand else 1.0) if branded else 0.0
    return round(brand_tier + (1.0 if titled else 0.0) + 0.5 * whole + (0.25 if has_lang else 0.0), 3)


def _hits(
    session: Session, words: Sequence[str], rows: Sequence[Any], lang: str | None, brand: str | None
) -> list[SearchHit]:
    ids = [row.id for row in rows]
    texts: dict[int, dict[str, tuple[str, str]]] = {}
    for article_id, locale, title, short in session.execute(
        sa.select(
            ArticleVariant.article_id, ArticleVariant.locale, ArticleVariant.title, ArticleVariant.short_answer
        ).where(ArticleVariant.article_id.in_(ids))
    ):
        texts.setdefault(article_id, {})[locale] = (title, short)
    hits = []
    for row in rows:
        by_locale = texts.get(row.id, {})
        locale = pick_locale(by_locale, lang, None, row.source_locale) or ""
        title, short = by_locale.get(locale, ("", ""))
        hits.append(
            SearchHit(
                key=row.key,
                title=title,
                short_answer=short,
                locale=locale,
                languages=tuple(code for code in CUSTOMER_LOCALES if code in by_locale)
                + tuple(sorted(code for code in by_locale if code not in CUSTOMER_LOCALES)),
                brand=row.brand_code,
                audience=Audience(row.audience),
                score=_score(
                    words,
                    row.title_text,
                    titled=bool(row.titled),
                    has_lang=bool(row.has_lang),
                    branded=bool(brand),
                    own_brand=row.brand_code == brand,
                ),
            )
        )
    return hits
