"""Scripted responses: find one, pick the customer's language, fill it in, keep translations honest.

* :func:`list_responses` finds responses by title, tags, key or the text of any language variant,
  with or without accents. The library is small (tens to a few hundred entries), so it is read
  once per call and matched in Python with the same folding the customer search uses.
* :func:`~.languages.pick_locale` chooses the variant: the customer's preferred language, else the brand's
  default language, else English, else the response's source language.
* :func:`save_variant` validates the template, bumps the variant's revision and, for a
  translation, records which revision of the source it was translated from; a translation whose
  source has moved on since is *stale* until someone saves it again.
* :func:`render_response` fills a response in for a customer, formatting in the variant's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from deskapp.core.domain.enums import ResponseCategory
from deskapp.core.domain.library import Response, ResponseVariant
from deskapp.core.domain.models import Brand
from deskapp.core.errors import InvalidInput, Message, RecordNotFound
from deskapp.core.i18n import CUSTOMER_LOCALES, later, normalise_locale
from deskapp.core.search.normalize import fold, tokens
from deskapp.core.security.permissions import require
from deskapp.core.services.kernel.audit import audit
from deskapp.core.services.kernel.text import clean_text
from deskapp.core.services.responses.context import template_context
from deskapp.core.services.responses.languages import SideBySide, is_stale, locale_order, pick_locale
from deskapp.core.services.responses.placeholders import with_placeholders
from deskapp.core.services.responses.prompts import PromptSpec, parse_prompts, prompt_values, split_tags
from deskapp.core.templating import TemplateProblem, render, validate


class InvalidTemplate(InvalidInput):
    """A response text that cannot be saved; ``problems`` says where and why."""

    def __init__(self, message: Message, problems: Iterable[TemplateProblem]) -> None:
        """Keep the summary message and every problem."""
        super().__init__(message)
        self.problems = tuple(problems)


@dataclass(frozen=True, slots=True)
class VariantRow:
    """A response in one language."""

    locale: str
    title: str
    body: str
    revision: int
    translated_from_revision: int | None
    stale: bool
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ResponseRow:
    """A response as the library list shows it."""

    key: str
    title: str
    category: ResponseCategory
    tags: tuple[str, ...]
    brand_id: int | None
    locales: tuple[str, ...]
    stale: tuple[str, ...]
    titles: Mapping[str, str]

    def title_in(self, locale: str | None) -> str:
        """The variant's title in ``locale`` when there is one, else the response's title."""
        return self.titles.get(normalise_locale(locale) or "", "") or self.title


@dataclass(frozen=True, slots=True)
class ResponseDetail:
    """A response with its fill-ins and every language variant."""

    key: str
    title: str
    category: ResponseCategory
    tags: tuple[str, ...]
    brand_id: int | None
    source_locale: str
    prompts: tuple[PromptSpec, ...]
    variants: tuple[VariantRow, ...]

    def variant(self, locale: str) -> VariantRow | None:
        """The variant in ``locale``, if there is one."""
        return next((v for v in self.variants if v.locale == locale), None)


@dataclass(frozen=True, slots=True)
class RenderedResponse:
    """A filled-in response; ``locale`` is the language actually used."""

    key: str
    locale: str
    text: str
    requested_locale: str | None = None

    @property
    def fell_back(self) -> bool:
        """Whether the requested language had no variant and another one was used."""
        return self.requested_locale is not None and self.requested_locale != self.locale


def list_responses(session: Session, actor_id: int, query: str = "",
                   category: ResponseCategory | str | None = None, brand_id: int | None = None) -> list[ResponseRow]:
    """Responses in library order; with ``query``, those matching every word of it (``response.use``).

    Args:
        session: An open session.
        actor_id: The agent looking.
        query: Words to find in key, title, tags or any variant's title or text (accents ignored).
        category: Only this category.
        brand_id: Only responses for this brand or for every brand.

    Returns:
        Title matches first, then text matches, each in library order.
    """
    require(session, actor_id, "response.use")
    stmt = select(Response).options(selectinload(Response.variants)).order_by(Response.id)
    if category is not None:
        stmt = stmt.where(Response.category == ResponseCategory(category))
    if brand_id is not None:
        stmt = stmt.where((Response.brand_id.is_(None)) | (Response.brand_id == brand_id))
    words = tokens(query)
    title_hits: list[ResponseRow] = []
    text_hits: list[ResponseRow] = []
    for response in session.scalars(stmt):
        if not words:
            title_hits.append(_response_row(response))
            continue
        head = fold(" ".join([response.key, response.title, response.tags.replace(",", " "),
                              *(v.title for v in response.variants)]))
        if all(word in head for word in words):
            title_hits.append(_response_row(response))
        elif all(word in head or any(word in fold(v.body) for v in response.variants) for word in words):
            text_hits.append(_response_row(response))
    return title_hits + text_hits


def get_response(session: Session, actor_id: int, key: str) -> ResponseDetail:
    """One response with its variants (``response.use``).

    Raises:
        RecordNotFound: No response has this key.
    """
    require(session, actor_id, "response.use")
    return _detail(session, key)


def _detail(session: Session, key: str) -> ResponseDetail:
    response = _load(session, key)
    variants = sorted(response.variants, key=lambda v: locale_order(v.locale))
    return ResponseDetail(
        key=response.key, title=response.title, category=response.category, tags=split_tags(response.tags),
        brand_id=response.brand_id, source_locale=response.source_locale,
        prompts=parse_prompts(response.prompts),
        variants=tuple(_variant_row(v, _source(response)) for v in variants))


def side_by_side(session: Session, actor_id: int, key: str, customer_locale: str, rep_locale: str,  # noqa: PLR0917
                 brand_default: str | None = None) -> SideBySide[VariantRow]:
    """The customer's variant and, beside it, the rep's (each with the usual fallback; ``response.use``)."""
    require(session, actor_id, "response.use")
    detail = _detail(session, key)
    available = [v.locale for v in detail.variants]
    if not available:
        raise RecordNotFound(later("The response “{key}” has no text in any language.", key=key))
    customer = pick_locale(available, customer_locale, brand_default, detail.source_locale)
    rep = pick_locale(available, rep_locale, None, detail.source_locale)
    first = detail.variant(customer or available[0])
    second = detail.variant(rep or available[0])
    if first is None or second is None:  # pragma: no cover - both were picked from the available ones
        raise RecordNotFound(later("The response “{key}” has no text in any language.", key=key))
    return SideBySide(key=key, customer=first, rep=second)


def save_variant(session: Session, actor_id: int, key: str, locale: str, body: str, *,
                 title: str | None = None) -> VariantRow:
    """Create or change one language variant of a response (``response.edit``).

    A changed text gets the next revision; a translation (not the source language) records the
    source's current revision, so it is no longer stale.

    Raises:
        InvalidTemplate: The text has template problems (each with its line).
        InvalidInput: Unknown language or empty text.
        PermissionDenied: The agent may not edit the library.
    """
    require(session, actor_id, "response.edit")
    code = normalise_locale(locale)
    if code is None or code not in CUSTOMER_LOCALES:
        raise InvalidInput(later("“{locale}” is not a language the desk answers in.", locale=locale))
    text = clean_text(body)
    if not text.strip():
        raise InvalidInput(later("The response text is empty."))
    response = _load(session, key)
    problems = validate(text, [p.name for p in parse_prompts(response.prompts)])
    if problems:
        raise InvalidTemplate(later("The text cannot be saved: {problem}", problem=problems[0]), problems)
    variant = next((v for v in response.variants if v.locale == code), None)
    new_title = clean_text(title).strip() if title is not None else (variant.title if variant else response.title)
    if variant is None:
        variant = ResponseVariant(locale=code, title=new_title, body=text, revision=1)
        response.variants.append(variant)
    elif variant.body != text or variant.title != new_title:
        variant.body, variant.title, variant.revision = text, new_title, variant.revision + 1
    source = _source(response)
    variant.translated_from_revision = None if code == response.source_locale or source is None \
        else source.revision
    session.flush()
    audit(session, actor_id, "response.save", "response", response.id,
          detail={"locale": code, "revision": variant.revision})
    row = _variant_row(variant, source)
    session.commit()
    return row


def render_response(session: Session, actor_id: int, key: str, customer_account: int | str | None, *,
                    locale: str | None = None, answering_agent_id: int | None = None, case_id: int | None = None,
                    prompts: Mapping[str, Any] | None = None, placeholders: bool = False,
                    mark_gaps: bool = False) -> RenderedResponse:
    """Fill in response ``key`` for a customer, in their language (or ``locale``, with the usual fallback).

    ``actor_id`` needs ``response.use``; ``answering_agent_id`` is the representative the text
    speaks as (``{{ agent }}``; none: left empty), which the desk sets to the actor and the console
    to ``--agent`` or the account named like the computer's user.

    Raises:
        PermissionDenied: The actor is unknown or disabled, or may not use responses.
        RecordNotFound: No such response, customer, agent or case.
        MissingPrompt: A required fill-in was not given (named in the message).
        TemplateError: The text could not be filled in.

    With ``placeholders`` (a preview), a fill-in not typed yet is shown as its label between
    guillemets ("«Refund amount»") instead of raising :class:`MissingPrompt`; with it or with
    ``mark_gaps`` (the window's insert and copy), so is a detail that is empty (no customer open:
    «brand name»), see :mod:`.placeholders`. Without either, an empty detail stays empty.
    """
    require(session, actor_id, "response.use")
    detail = _detail(session, key)
    ctx = template_context(session, customer_account, agent_id=answering_agent_id, case_id=case_id)
    brand_default = None
    if ctx["brand"]["code"]:
        brand_default = session.scalar(select(Brand.default_locale).where(Brand.code == ctx["brand"]["code"]))
    wanted = normalise_locale(locale) or normalise_locale(ctx["customer"]["preferred_locale"] or None)
    chosen = pick_locale([v.locale for v in detail.variants], wanted, brand_default, detail.source_locale)
    variant = detail.variant(chosen) if chosen else None
    if variant is None:
        raise RecordNotFound(later("The response “{key}” has no text in any language.", key=key))
    body = variant.body
    if placeholders:
        given = {name: value for name, value in (prompts or {}).items() if str(value).strip()}
        missing = {spec.name: spec.label(variant.locale) for spec in detail.prompts if spec.name not in given}
        ctx["prompt"] = prompt_values([spec for spec in detail.prompts if spec.name in given], given)
    else:
        missing = {}
        ctx["prompt"] = prompt_values(detail.prompts, prompts or {})
    if placeholders or mark_gaps:  # an empty detail (no customer open) reads as «brand name», not a gap
        body = with_placeholders(body, variant.locale, ctx, missing)
    return RenderedResponse(key=key, locale=variant.locale, text=render(body, variant.locale, ctx),
                            requested_locale=wanted)


def _load(session: Session, key: str) -> Response:
    response = session.scalars(select(Response).options(selectinload(Response.variants))
                               .where(Response.key == key)).one_or_none()
    if response is None:
        raise RecordNotFound(later("There is no response “{key}”.", key=key))
    return response


def _source(response: Response) -> ResponseVariant | None:
    return next((v for v in response.variants if v.locale == response.source_locale), None)


def _variant_row(variant: ResponseVariant, source: ResponseVariant | None) -> VariantRow:
    return VariantRow(locale=variant.locale, title=variant.title, body=variant.body, revision=variant.revision,
                      translated_from_revision=variant.translated_from_revision,
                      stale=is_stale(variant, source), updated_at=variant.updated_at)


def _response_row(response: Response) -> ResponseRow:
    source = _source(response)
    variants = sorted(response.variants, key=lambda v: locale_order(v.locale))
    return ResponseRow(key=response.key, title=response.title, category=response.category,
                       tags=split_tags(response.tags), brand_id=response.brand_id,
                       locales=tuple(v.locale for v in variants),
                       stale=tuple(v.locale for v in variants if is_stale(v, source)),
                       titles={v.locale: v.title for v in variants})
