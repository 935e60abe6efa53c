"""Supervisors' side of the knowledge base: an article's kept versions, and a new article from a case."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.domain.knowledge import ArticleVersion
from deskapp.core.domain.models import Agent, Brand, Case
from deskapp.core.errors import RecordNotFound
from deskapp.core.i18n import later
from deskapp.core.search.normalize import search_text
from deskapp.core.security.permissions import require
from deskapp.core.services.knowledge.articles import MAX_TITLE_CHARS, load_article, locale_code
from deskapp.core.services.notes.notes import case_notes


@dataclass(frozen=True, slots=True)
class VersionRow:
    """One kept revision of one language."""

    locale: str
    revision: int
    title: str
    short_answer: str
    body: str
    author: str | None
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    """A starting point for a new article written from a case's notes."""

    key: str
    title: str
    locale: str
    brand: str | None
    short_answer: str
    body: str


def article_versions(session: Session, actor_id: int, key: str) -> list[VersionRow]:
    """Every kept revision of every language, newest first (``kb.use``)."""
    require(session, actor_id, "kb.use")
    article = load_article(session, key)
    stmt = (
        select(ArticleVersion, Agent.username)
        .outerjoin(Agent, Agent.id == ArticleVersion.author_id)
        .where(ArticleVersion.article_id == article.id)
        .order_by(ArticleVersion.created_at.desc(), ArticleVersion.id.desc())
    )
    return [
        VersionRow(
            locale=v.locale,
            revision=v.revision,
            title=v.title,
            short_answer=v.short_answer,
            body=v.body,
            author=username,
            created_at=v.created_at,
        )
        for v, username in session.execute(stmt)
    ]


def draft_from_case(session: Session, actor_id: int, case_id: int, locale: str) -> ArticleDraft:
    """A new article's first text from a case: its subject as title, its notes as body (``kb.edit``)."""
    require(session, actor_id, "kb.edit")
    case = session.get(Case, case_id)
    if case is None:
        raise RecordNotFound(later("The case no longer exists."))
    notes = [note.body for note in case_notes(session, actor_id, case_id) if note.body.strip()]
    brand = session.get(Brand, case.brand_id)
    slug = "-".join(search_text(case.subject).split()[:6]) or "article"
    return ArticleDraft(
        key=f"{brand.code if brand else 'desk'}.{slug}"[:80],
        title=case.subject[:MAX_TITLE_CHARS],
        locale=locale_code(locale),
        brand=brand.code if brand else None,
        short_answer=notes[-1].strip().split("\n")[0] if notes else "",
        body="\n\n".join(n.strip() for n in notes),
    )
