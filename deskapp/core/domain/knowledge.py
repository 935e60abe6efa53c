"""Knowledge-base articles: what is true about a product or a procedure, per language, with history.

An :class:`Article` is known by its key; its text per language lives in :class:`ArticleVariant`
(title, a short answer a rep reads out or pastes, a Markdown body). Every saved text is also kept
as an :class:`ArticleVersion` (append-only). A translation records the source revision it was
made from, so it is *stale* when the source has moved on, as response variants are.

:class:`LibraryUse` records that a rep used an article or a response on a case (the usage
figures); :class:`ArticleFlag` is a rep's "outdated / wrong" report with a comment.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from deskapp.core.domain.base import Base, str_enum, utcnow


class Audience(enum.StrEnum):
    """Who an article may be shown to."""

    INTERNAL = "internal"
    CUSTOMER = "customer"


class UseKind(enum.StrEnum):
    """What a rep used on a case."""

    ARTICLE = "article"
    RESPONSE = "response"


class Article(Base):
    """A knowledge-base article; ``search_text`` and ``title_text`` are the normalised words it is found by."""

    __tablename__ = "kb_article"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brand.id"), index=True)
    audience: Mapped[Audience] = mapped_column(str_enum(Audience, 10), default=Audience.CUSTOMER)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    tags: Mapped[str] = mapped_column(String(400), default="")
    source_locale: Mapped[str] = mapped_column(String(10), default="en")
    # Key, tags and every language's title (title_text); those and every short answer and body
    # (search_text). Folded once in Python for every backend (search/normalize.py).
    title_text: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    variants: Mapped[list[ArticleVariant]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="ArticleVariant.locale"
    )
    # Write-only: saving a text adds a version without loading the article's whole history.
    versions: WriteOnlyMapped[ArticleVersion] = relationship(order_by="ArticleVersion.id")


class ArticleVariant(Base):
    """An article in one language. Stale when its source variant has a newer revision."""

    __tablename__ = "kb_variant"
    __table_args__ = (UniqueConstraint("article_id", "locale", name="uq_kb_variant_locale"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_article.id", ondelete="CASCADE"), index=True)
    locale: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    short_answer: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(default=1)
    translated_from_revision: Mapped[int | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    article: Mapped[Article] = relationship(back_populates="variants")


class ArticleVersion(Base):
    """One saved revision of one language of an article (append-only: the database refuses changes)."""

    __tablename__ = "kb_version"
    __table_args__ = (UniqueConstraint("article_id", "locale", "revision", name="uq_kb_version_revision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_article.id"), index=True)
    locale: Mapped[str] = mapped_column(String(10))
    revision: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    short_answer: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ArticleFlag(Base):
    """A rep's report that an article is outdated or wrong; open until a supervisor resolves it."""

    __tablename__ = "kb_flag"
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_article.id"), index=True)
    locale: Mapped[str] = mapped_column(String(10))
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    comment: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[dt.datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))


class LibraryUse(Base):
    """An article or a response used by a rep, on a case when there was one (usage figures)."""

    __tablename__ = "library_use"
    __table_args__ = (
        CheckConstraint("(article_id IS NULL) <> (response_id IS NULL)", name="one_item"),
        Index("ix_library_use_used_at", "used_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[UseKind] = mapped_column(str_enum(UseKind, 10))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("kb_article.id"), index=True)
    response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("support_case.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    locale: Mapped[str] = mapped_column(String(10))
    used_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
