"""Knowledge-base articles: list, read in two languages, write with versions kept.

* A translation records the revision of the source language it was made from; when the source
  is saved again the translation is *stale* until someone saves it (as response variants are).
* Every saved text is kept as an :class:`ArticleVersion`; the database refuses to change them.
* The language shown falls back as responses do (:func:`pick_locale`): the customer's language,
  else the brand's, else English, else the article's source language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from deskapp.core.domain.knowledge import Article, ArticleVariant, ArticleVersion, Audience
from deskapp.core.domain.models import Agent, Brand
from deskapp.core.errors import InvalidInput, RecordNotFound
from deskapp.core.i18n import CUSTOMER_LOCALES, SOURCE_LOCALE, later, normalise_locale
from deskapp.core.search.normalize import search_text
from deskapp.core.security.permissions import require
from deskapp.core.services.kernel.audit import audit
from deskapp.core.services.kernel.text import clean_text
from deskapp.core.services.responses.languages import SideBySide, is_stale, pick_locale
from deskapp.core.services.responses.library_format import KEY_PATTERN
from deskapp.core.services.responses.prompts import split_tags
from deskapp.core.services.responses.responses import VariantRow

MAX_TITLE_CHARS = 200


@dataclass(frozen=True, slots=True)
class ArticleText(VariantRow):
    """An article in one language: a response variant's fields and the short answer a rep reads out."""

    short_answer: str = ""


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """An article as a list shows it; ``brand`` is a brand code, ``None`` for the whole desk."""

    key: str
    titles: Mapping[str, str]  # by language
    title: str  # in the source language
    languages: tuple[str, ...]
    stale: tuple[str, ...]
    brand: str | None
    audience: Audience
    tags: tuple[str, ...]

    def title_in(self, locale: str | None) -> str:
        """The title in ``locale`` when the article has it, else in its source language."""
        return self.titles.get(normalise_locale(locale) or "", self.title) or self.title


@dataclass(frozen=True, slots=True)
class ArticleDetail:
    """An article with every language."""

    key: str
    brand: str | None
    audience: Audience
    tags: tuple[str, ...]
    source_locale: str
    owner: str | None  # username
    variants: tuple[ArticleText, ...]

    def variant(self, locale: str | None) -> ArticleText | None:
        """The text in ``locale``, if there is one."""
        return next((v for v in self.variants if v.locale == locale), None)

    def best(self, wanted: str | None, brand_default: str | None = None) -> ArticleText:
        """The text in ``wanted`` or the usual fallback (the brand's language, English, the source)."""
        chosen = pick_locale([v.locale for v in self.variants], wanted, brand_default, self.source_locale)
        found = self.variant(chosen)
        if found is None:
            raise RecordNotFound(later("The article “{key}” has no text in any language.", key=self.key))
        return found


# The customer's language and, beside it, the rep's (as responses show them).
ArticleSideBySide = SideBySide[ArticleText]


def list_articles(
    session: Session, actor_id: int, *, brand: str | None = None, lang: str | None = None
) -> list[ArticleRow]:
    """Every article by key (``kb.use``).

    ``brand``: only that brand's and the desk-wide ones; ``lang``: only articles with a text in it.
    """
    require(session, actor_id, "kb.use")
    stmt = select(Article).options(selectinload(Article.variants)).order_by(Article.key)
    if brand is not None:
        stmt = stmt.where(Article.brand_id.is_(None) | (Article.brand_id == brand_id(session, brand)))
    code = locale_code(lang) if lang is not None else None
    codes = brand_codes(session)
    rows = [article_row(article, codes) for article in session.scalars(stmt)]
    return [row for row in rows if code is None or code in row.languages]


def get_article(session: Session, actor_id: int, key: str) -> ArticleDetail:
    """One article with every language (``kb.use``).

    Raises:
        RecordNotFound: No article has this key.
    """
    require(session, actor_id, "kb.use")
    return article_detail(session, load_article(session, key))


def article_side_by_side(
    session: Session,
    actor_id: int,
    key: str,
    *,
    customer_locale: str | None,
    rep_locale: str,
    brand_default: str | None = None,
) -> ArticleSideBySide:
    """The customer's language and the rep's, each with the usual fallback (``kb.use``)."""
    require(session, actor_id, "kb.use")
    detail = article_detail(session, load_article(session, key))
    return SideBySide(key=key, customer=detail.best(customer_locale, brand_default), rep=detail.best(rep_locale))


def save_article(
    session: Session,
    actor_id: int,
    key: str,
    locale: str,
    *,
    title: str,
    short_answer: str,
    body: str,
    brand: str | None = None,
    audience: Audience | str = Audience.CUSTOMER,
    tags: Iterable[str] = (),
) -> ArticleText:
    """Create an article or change one language of it (``kb.edit``), keeping the old text as a version.

    ``brand``, ``audience`` and ``tags`` are set when the article is created and left alone later
    unless given differently. The editor becomes the owner of a new article.

    Raises:
        InvalidInput: A bad key, language, brand or an empty title.
    """
    require(session, actor_id, "kb.edit")
    code = locale_code(locale)
    article = session.scalars(
        select(Article).options(selectinload(Article.variants)).where(Article.key == key)
    ).one_or_none()
    if article is None:
        if not KEY_PATTERN.match(key):
            raise InvalidInput(
                later("“{key}” cannot be an article key: use lower-case letters, digits, dots, dashes and underscores.",
                      key=key)
            )
        article = Article(key=key, source_locale=code, owner_id=actor_id, variants=[])
        session.add(article)
    article.brand_id = brand_id(session, brand) if brand else None
    article.audience = Audience(audience)
    article.tags = ",".join(dict.fromkeys(t.strip() for t in tags if t.strip()))
    variant = apply_text(article, code, title, short_answer, body, author_id=actor_id)
    session.flush()
    audit(session, actor_id, "kb.save", "kb_article", article.id, detail={"locale": code, "revision": variant.revision})
    row = _text_row(variant, _source(article))
    session.commit()
    return row


# ----------------------------------------------------------------------------- shared helpers
def apply_text(
    article: Article,
    locale: str,
    title: str,
    short_answer: str,
    body: str,
    *,
    author_id: int | None,
    revision: int | None = None,
    translated_from: int | None = None,
) -> ArticleVariant:
    """Set one language of ``article`` (a new revision and a kept version when the text changed).

    ``revision`` and ``translated_from`` are given by an import restoring a file exactly; left out,
    the revision counts up and a translation is marked as made from the source's current revision.
    """
    title, short_answer, body = clean_text(title).strip(), clean_text(short_answer).strip(), clean_text(body)
    if not title:
        raise InvalidInput(later("The article needs a title."))
    if len(title) > MAX_TITLE_CHARS:
        raise InvalidInput(later("The title is longer than {count} characters.", count=MAX_TITLE_CHARS))
    variant = next((v for v in article.variants if v.locale == locale), None)
    changed = variant is None or (variant.title, variant.short_answer, variant.body) != (title, short_answer, body)
    if variant is None:
        variant = ArticleVariant(
            locale=locale, title=title, short_answer=short_answer, body=body, revision=revision or 1
        )
        article.variants.append(variant)
    elif changed:
        variant.title, variant.short_answer, variant.body = title, short_answer, body
        variant.revision = max(revision or 0, variant.revision + 1)
    source = _source(article)
    if locale == article.source_locale:
        variant.translated_from_revision = None
    elif translated_from is not None or source is None:
        variant.translated_from_revision = translated_from
    else:
        variant.translated_from_revision = source.revision
    texts = index_texts(article)
    if (article.title_text, article.search_text) != texts:  # an unchanged text leaves the index alone
        article.title_text, article.search_text = texts
    if changed:
        article.versions.add(
            ArticleVersion(
                locale=locale,
                revision=variant.revision,
                title=title,
                short_answer=short_answer,
                body=body,
                author_id=author_id,
            )
        )
    return variant


def index_texts(article: Article) -> tuple[str, str]:
    """The normalised words an article is found by: (key, tags and titles; those and all its text)."""
    tags = article.tags.replace(",", " ")
    titles = [v.title for v in article.variants]
    head = search_text(article.key.replace(".", " "), tags, *titles)
    return head, search_text(head, *(f"{v.short_answer} {v.body}" for v in article.variants))


def load_article(session: Session, key: str) -> Article:
    """The article with ``key`` and its variants (internal: for services that checked)."""
    article = session.scalars(
        select(Article).options(selectinload(Article.variants)).where(Article.key == key)
    ).one_or_none()
    if article is None:
        raise RecordNotFound(later("There is no article “{key}”.", key=key))
    return article


def article_detail(session: Session, article: Article) -> ArticleDetail:
    """The public form of a loaded article."""
    source = _source(article)
    owner = session.get(Agent, article.owner_id) if article.owner_id is not None else None
    codes = brand_codes(session)
    return ArticleDetail(
        key=article.key,
        brand=codes.get(article.brand_id) if article.brand_id else None,
        audience=article.audience,
        tags=split_tags(article.tags),
        source_locale=article.source_locale,
        owner=owner.username if owner else None,
        variants=tuple(_text_row(v, source) for v in _ordered(article.variants)),
    )


def article_row(article: Article, codes: Mapping[int, str]) -> ArticleRow:
    """The list form of a loaded article (``codes``: brand id -> code)."""
    source = _source(article)
    variants = _ordered(article.variants)
    return ArticleRow(
        key=article.key,
        title=source.title if source else (variants[0].title if variants else ""),
        languages=tuple(v.locale for v in variants),
        brand=codes.get(article.brand_id) if article.brand_id else None,
        audience=article.audience,
        tags=split_tags(article.tags),
        stale=tuple(v.locale for v in variants if is_stale(v, source)),
        titles={v.locale: v.title for v in variants},
    )


def brand_codes(session: Session) -> dict[int, str]:
    """Brand id -> code, for every brand (a desk has a handful)."""
    return {int(row.id): str(row.code) for row in session.execute(select(Brand.id, Brand.code))}


def brand_id(session: Session, code: str) -> int:
    """The id of the brand with ``code``."""
    found = session.scalar(select(Brand.id).where(Brand.code == code))
    if found is None:
        raise InvalidInput(later("There is no brand “{brand}”.", brand=code))
    return found


def locale_code(locale: str | None) -> str:
    """``locale`` as one of the desk's answer languages.

    Raises:
        InvalidInput: Not one of them.
    """
    code = normalise_locale(locale)
    if code is None or code not in CUSTOMER_LOCALES:
        raise InvalidInput(later("“{locale}” is not a language the desk answers in.", locale=locale))
    return code


def _ordered(variants: Iterable[ArticleVariant]) -> list[ArticleVariant]:
    order = {code: i for i, code in enumerate(CUSTOMER_LOCALES)}
    return sorted(variants, key=lambda v: (order.get(v.locale, len(order)), v.locale))


def _source(article: Article) -> ArticleVariant | None:
    return next((v for v in article.variants if v.locale == article.source_locale), None) or next(
        (v for v in article.variants if v.locale == SOURCE_LOCALE), None
    )


def _text_row(variant: ArticleVariant, source: ArticleVariant | None) -> ArticleText:
    return ArticleText(
        locale=variant.locale,
        title=variant.title,
        short_answer=variant.short_answer,
        body=variant.body,
        revision=variant.revision,
        translated_from_revision=variant.translated_from_revision,
        stale=is_stale(variant, source),
        updated_at=variant.updated_at or dt.datetime.now(dt.UTC),
    )
