"""The knowledge base as a YAML file: export, all-or-nothing import, and the starter knowledge base.

Format ``deskapp-kb/1`` (see ``starter_kb.yaml`` beside this module)::

    format: deskapp-kb/1
    articles:
      - key: nordtel.router-restart        # [a-z0-9_.-], unique
        brand: nordtel                     # optional: left out for desk-wide articles
        audience: customer                 # customer (may be read out) or internal
        owner: sam                         # optional: the username who keeps it up to date
        tags: [router, internet]
        source_locale: en                  # optional, default en
        variants:
          en: {title: ..., short_answer: ..., body: ..., revision: 2}   # revision: optional, default 1
          fi: {title: ..., short_answer: ..., body: ..., translated_from: 1}

As in the response library, ``translated_from`` is written only for a stale translation and
``revision`` only when it is not 1, so export -> import into an empty desk -> export gives the
same bytes. An import checks every entry first: if any is wrong, each is reported with its line
and nothing is written; otherwise all are written in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from deskapp.core.domain.knowledge import Article, ArticleVariant, Audience
from deskapp.core.domain.models import Agent, Brand
from deskapp.core.errors import InvalidInput
from deskapp.core.i18n import CUSTOMER_LOCALES, SOURCE_LOCALE, _
from deskapp.core.security.permissions import require
from deskapp.core.services.kernel.audit import audit
from deskapp.core.services.knowledge.articles import apply_text
from deskapp.core.services.responses.library_format import (
    EntryError,
    FlowList,
    ImportResult,
    LiteralText,
    check_unique_entry,
    dump_library,
    entry_key,
    entry_revisions,
    entry_tags,
    read_library_text,
    variant_entries,
)
from deskapp.core.services.responses.prompts import split_tags

KB_FORMAT = "deskapp-kb/1"
_ENTRY_FIELDS = {"key", "brand", "audience", "owner", "tags", "source_locale", "variants"}
_VARIANT_FIELDS = {"title", "short_answer", "body", "revision", "translated_from"}


def starter_kb_text() -> str:
    """The starter knowledge base shipped in the package."""
    return (resources.files("deskapp.core.services.knowledge") / "starter_kb.yaml").read_text(encoding="utf-8")


def export_articles(session: Session, actor_id: int) -> str:
    """Every article as a ``deskapp-kb/1`` document, by key (``kb.export``, audited)."""
    require(session, actor_id, "kb.export")
    codes = dict(session.execute(select(Brand.id, Brand.code)).all())
    owners = dict(session.execute(select(Agent.id, Agent.username)).all())
    entries = []
    for article in session.scalars(select(Article).options(selectinload(Article.variants)).order_by(Article.key)):
        entry: dict[str, Any] = {"key": article.key}
        if article.brand_id is not None:
            entry["brand"] = codes[article.brand_id]
        entry["audience"] = article.audience.value
        if article.owner_id is not None:
            entry["owner"] = owners[article.owner_id]
        entry["tags"] = FlowList(split_tags(article.tags))
        if article.source_locale != SOURCE_LOCALE:
            entry["source_locale"] = article.source_locale
        entry["variants"] = variant_entries(article.variants, article.source_locale, _export_text)
        entries.append(entry)
    audit(session, actor_id, "kb.export", "kb_article", 0, detail={"count": len(entries)})
    session.commit()
    return dump_library("# deskapp knowledge base\n", KB_FORMAT, "articles", entries)


def import_articles(
    session: Session, actor_id: int, text: str, *, only_missing: bool = False, known_brands_only: bool = False
) -> ImportResult:
    """Import a ``deskapp-kb/1`` document (``kb.import``): all of it, or, with any bad entry, none of it.

    Args:
        session: An open session (committed at the end when nothing was wrong).
        actor_id: Who imports (audited; the author of the versions written).
        text: The file's text.
        only_missing: Leave articles that exist alone (the starter knowledge base never overwrites edits).
        known_brands_only: Skip, without a complaint, articles of brands this desk does not serve
            (the starter knowledge base covers the demo desk's brands).

    Raises:
        InputFileError: The document as a whole is unusable (not YAML, not this format).
    """
    require(session, actor_id, "kb.import")
    result = ImportResult()
    brands = dict(session.execute(select(Brand.code, Brand.id)).all())
    owners = dict(session.execute(select(Agent.username, Agent.id)).all())
    checked: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, (raw, line) in enumerate(read_library_text(text, KB_FORMAT, "articles")):
        if known_brands_only and isinstance(raw, dict) and raw.get("brand") not in (None, *brands):
            result.skipped_existing += 1
            continue
        entry = check_unique_entry(raw, (index, line), seen, result, lambda r: _check_entry(r, brands, owners))
        if entry is not None:
            checked.append(entry)
    if result.problems:
        session.rollback()
        return result
    existing = {
        a.key: a
        for a in session.scalars(select(Article).options(selectinload(Article.variants)).where(Article.key.in_(seen)))
    }
    for entry in checked:
        article = existing.get(entry["key"])
        if article is not None and only_missing:
            result.skipped_existing += 1
            continue
        if article is None:
            article = Article(key=entry["key"], variants=[])
            session.add(article)
            result.created += 1
            _apply(article, entry, actor_id)
        elif _apply(article, entry, actor_id):
            result.updated += 1
        else:
            result.unchanged += 1
    session.flush()
    audit(session, actor_id, "kb.import", "kb_article", 0, detail=result.counts())
    session.commit()
    return result


def load_starter_kb(session: Session, actor_id: int) -> ImportResult:
    """Add the starter articles that are missing (``kb.import``); existing ones are never changed."""
    result = import_articles(session, actor_id, starter_kb_text(), only_missing=True, known_brands_only=True)
    if result.problems:  # pragma: no cover - the shipped file is tested
        raise InvalidInput(str(result.problems[0]))
    return result


def ensure_kb(session: Session, actor_id: int) -> bool:
    """Load the starter knowledge base when the desk has no article yet (``kb.import``); whether it did."""
    require(session, actor_id, "kb.import")
    if session.scalar(select(func.count()).select_from(Article)):
        return False
    load_starter_kb(session, actor_id)
    return True


def _check_entry(raw: Any, brands: Mapping[str, int], owners: Mapping[str, int]) -> dict[str, Any]:
    key = entry_key(raw, _ENTRY_FIELDS, _("an entry must be a mapping with key, audience and variants"))
    brand = raw.get("brand")
    if brand is not None and brand not in brands:
        raise EntryError(_("unknown brand “{brand}”").format(brand=brand))
    owner = raw.get("owner")
    if owner is not None and owner not in owners:
        raise EntryError(_("there is no user “{username}”").format(username=owner))
    try:
        audience = Audience(str(raw.get("audience", Audience.CUSTOMER.value)))
    except ValueError:
        raise EntryError(_("the audience must be “customer” or “internal”")) from None
    tags = entry_tags(raw)
    source_locale = raw.get("source_locale", SOURCE_LOCALE)
    variants = raw.get("variants")
    if not isinstance(variants, dict) or not variants:
        raise EntryError(_("no variants: give the text in at least one language"))
    texts = {locale: _check_variant(locale, value) for locale, value in variants.items()}
    if source_locale not in texts:
        raise EntryError(_("missing the {locale} text (the source language)").format(locale=source_locale))
    for locale, value in texts.items():
        if value["translated_from"] is not None and value["translated_from"] > texts[source_locale]["revision"]:
            raise EntryError(_("{locale}: translated_from is newer than the source").format(locale=locale))
    ordered = dict(sorted(texts.items(), key=lambda item: item[0] != source_locale))  # the source first
    return {
        "key": key,
        "brand_id": brands.get(brand) if brand else None,
        "audience": audience,
        "owner_id": owners.get(owner) if owner else None,
        "tags": ",".join(tags),
        "source_locale": source_locale,
        "variants": ordered,
    }


def _check_variant(locale: Any, raw: Any) -> dict[str, Any]:
    if locale not in CUSTOMER_LOCALES:
        raise EntryError(
            _("unknown language “{locale}”; use one of: {names}").format(
                locale=locale, names=", ".join(CUSTOMER_LOCALES)
            )
        )
    if not isinstance(raw, dict) or set(raw) - _VARIANT_FIELDS:
        raise EntryError(_("{locale}: a text has title, short_answer and body").format(locale=locale))
    title, short, body = raw.get("title"), raw.get("short_answer", ""), raw.get("body", "")
    if not isinstance(title, str) or not title.strip() or len(title) > 200:
        raise EntryError(_("{locale}: the title must be text of 1 to 200 characters").format(locale=locale))
    if not isinstance(short, str) or not isinstance(body, str):
        raise EntryError(
            _(
                "{locale}: the short answer and the body must be text (put quotes around a text such as yes, no or 12)"
            ).format(locale=locale)
        )
    revision, translated_from = entry_revisions(locale, raw)
    return {
        "title": title.strip(),
        "short_answer": short.strip(),
        "body": body,
        "revision": revision,
        "translated_from": translated_from,
    }


def _apply(article: Article, entry: Mapping[str, Any], actor_id: int) -> bool:
    """Make ``article`` hold ``entry``; whether anything changed."""
    changed = False
    for name in ("brand_id", "audience", "owner_id", "tags", "source_locale"):
        if getattr(article, name) != entry[name]:
            setattr(article, name, entry[name])
            changed = True
    for locale, data in entry["variants"].items():
        before = next(((v.revision, v.translated_from_revision) for v in article.variants if v.locale == locale), None)
        variant = apply_text(
            article,
            locale,
            data["title"],
            data["short_answer"],
            data["body"],
            author_id=actor_id,
            revision=data["revision"],
            translated_from=data["translated_from"],
        )
        changed = changed or before != (variant.revision, variant.translated_from_revision)
    return changed


def _export_text(variant: ArticleVariant) -> dict[str, Any]:
    short = variant.short_answer  # one line stays a plain value; several are a block
    return {
        "title": variant.title,
        "short_answer": LiteralText(short) if "\n" in short else short,
        "body": LiteralText(variant.body),
    }
