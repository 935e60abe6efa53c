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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.domain.knowledge import Article, ArticleVariant, Audience
from deskapp.core.search import fts
from deskapp.core.search.kb_index import KB_INDEX
from deskapp.core.search.query import parse_query
from deskapp.core.security.permissions import require
from deskapp.core.services.knowledge.articles import brand_codes, brand_id

CANDIDATES = 200  # per index read
DEFAULT_LIMIT = 20
_FTS = sa.table(KB_INDEX.table, sa.column("rowid", sa.Integer))


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
    """The search behind :func:`search_articles`, without the permission check (benchmarks, tools)."""
    words = parse_query(query).words
    if not words:
        return []
    wanted_brand = brand_id(session, brand) if brand else None
    in_title = _candidates(session, words, "title_text", wanted_brand)
    anywhere = _candidates(session, words, "search_text", wanted_brand)
    ids = list(dict.fromkeys([*in_title, *anywhere]))
    if not ids:
        return []
    rows = session.execute(select(Article.id, Article.brand_id, Article.title_text).where(Article.id.in_(ids))).all()
    with_lang = (
        set(
            session.scalars(
                select(ArticleVariant.article_id).where(
                    ArticleVariant.article_id.in_(ids), ArticleVariant.locale == lang
                )
            )
        )
        if lang
        else set()
    )
    titled = set(in_title)
    scored = sorted(
        (
            (
                _score(
                    words,
                    title_text,
                    titled=article_id in titled,
                    has_lang=article_id in with_lang,
                    branded=wanted_brand is not None,
                    article_brand=brand_of,
                ),
                article_id,
            )
            for article_id, brand_of, title_text in rows
        ),
        key=lambda pair: -pair[0],
    )
    return _hits(session, scored[: max(limit, 0)], lang)


def _candidates(session: Session, words: Sequence[str], column: str, wanted_brand: int | None) -> list[int]:
    if session.get_bind().dialect.name == "sqlite":
        match = f"{column} : ({fts.match_expression(list(words))})"
        stmt: Any = select(_FTS.c.rowid).where(sa.literal_column(KB_INDEX.table).op("MATCH")(match))
        if wanted_brand is not None:
            stmt = stmt.join(Article.__table__, Article.id == _FTS.c.rowid)
    else:
        text = getattr(Article, column)
        stmt = select(Article.id).where(*(text.regexp_match(sa.literal("(^| )") + sa.literal(word)) for word in words))
    if wanted_brand is not None:
        stmt = stmt.where(Article.brand_id.is_(None) | (Article.brand_id == wanted_brand))
    return list(session.scalars(stmt.limit(CANDIDATES)))


def _score(
    words: Sequence[str],
    title_text: str,
    *,
    titled: bool,
    has_lang: bool,
    branded: bool,
    article_brand: int | None,
) -> float:
    title_words = set(title_text.split())
    whole = sum(word in title_words for word in words) / len(words)
    brand_tier = (2.0 if article_brand is not None else 1.0) if branded else 0.0
    return round(brand_tier + (1.0 if titled else 0.0) + 0.5 * whole + (0.25 if has_lang else 0.0), 3)


def _hits(session: Session, scored: list[tuple[float, int]], lang: str | None) -> list[SearchHit]:
    ids = [article_id for _score, article_id in scored]
    articles = {a.id: a for a in session.scalars(select(Article).where(Article.id.in_(ids)))}
    variants: dict[int, list[tuple[str, str, str]]] = {}
    for article_id, locale, title, short in session.execute(
        select(
            ArticleVariant.article_id, ArticleVariant.locale, ArticleVariant.title, ArticleVariant.short_answer
        ).where(ArticleVariant.article_id.in_(ids))
    ):
        variants.setdefault(article_id, []).append((locale, title, short))
    codes = brand_codes(session)
    hits: list[SearchHit] = []
    for score, article_id in sorted(scored, key=lambda pair: (-pair[0], articles[pair[1]].key)):
        article = articles[article_id]
        texts = variants.get(article_id, [])
        by_locale = {locale: (title, short) for locale, title, short in texts}
        locale = next((c for c in (lang, article.source_locale, "en") if c in by_locale), texts[0][0] if texts else "")
        title, short = by_locale.get(locale, ("", ""))
        hits.append(
            SearchHit(
                key=article.key,
                title=title,
                short_answer=short,
                locale=locale,
                languages=_language_order(by_locale),
                brand=codes.get(article.brand_id or 0),
                audience=article.audience,
                score=score,
            )
        )
    return hits


def _language_order(locales: Sequence[str] | dict[str, Any]) -> tuple[str, ...]:
    from deskapp.core.i18n import CUSTOMER_LOCALES

    return tuple(sorted(locales, key=lambda c: CUSTOMER_LOCALES.index(c) if c in CUSTOMER_LOCALES else 99))
