"""The library reps draw on: scripted responses in several languages, and versioned call scripts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from deskapp.core.domain.base import Base, str_enum, utcnow
from deskapp.core.domain.enums import ResponseCategory


class Response(Base):
    """A scripted response; its text per language lives in :class:`ResponseVariant`."""

    __tablename__ = "response"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[ResponseCategory] = mapped_column(str_enum(ResponseCategory, 30))
    tags: Mapped[str] = mapped_column(String(400), default="")
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brand.id"))
    source_locale: Mapped[str] = mapped_column(String(10), default="en")
    # Fill-ins the rep types when using the response: [{"name", "type", "label": {locale: text}}]
    # (migration 0003).
    prompts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    variants: Mapped[list[ResponseVariant]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="ResponseVariant.locale"
    )


class ResponseVariant(Base):
    """A response in one language. Stale when its source variant has a newer revision."""

    __tablename__ = "response_variant"
    __table_args__ = (UniqueConstraint("response_id", "locale", name="uq_response_variant_locale"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), index=True)
    locale: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(default=1)
    translated_from_revision: Mapped[int | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    response: Mapped[Response] = relationship(back_populates="variants")


class CallScript(Base):
    """A versioned, branching call flow. ``definition`` holds steps, options and fields."""

    __tablename__ = "call_script"
    __table_args__ = (UniqueConstraint("key", "version", name="uq_call_script_key_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(200))
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brand.id"))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
