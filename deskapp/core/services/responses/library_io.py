"""The response library as a YAML file: export, import (reported per entry), and the starter library.

Format ``deskapp-responses/1`` (see ``resources/library/responses.yaml``)::

    format: deskapp-responses/1
    responses:
      - key: apology.delayed_delivery        # [a-z0-9_.-], unique
        title: Apology for a late delivery
        category: apology                    # a ResponseCategory value
        tags: [delivery, logistics]
        brand: nordtel                       # optional: only for this brand's customers
        source_locale: en                    # optional, default en: the language translated from
        prompts:                             # fill-ins: text, date, number or money
          - {name: new_date, type: date, label: {en: New delivery date}, required: false}
        variants:
          en: {title: ..., body: ..., revision: 2}      # revision: optional, default 1
          fi: {title: ..., body: ..., translated_from: 1}

``translated_from`` is written only when a translation is older than its source (it is stale);
left out, it means "translated from the source's current revision". Together with the default
revision 1 this makes export -> import into an empty database -> export give identical bytes,
and lets the hand-written starter file stay free of bookkeeping.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from deskapp.core.domain.library import Response, ResponseVariant
from deskapp.core.domain.models import Brand
from deskapp.core.i18n import SOURCE_LOCALE
from deskapp.core.security.permissions import require
from deskapp.core.services.kernel.audit import audit
from deskapp.core.services.responses.languages import locale_order
from deskapp.core.services.responses.library_entries import check_entry
from deskapp.core.services.responses.library_format import (
    FlowList,
    FlowMap,
    ImportResult,
    LiteralText,
    check_unique_entry,
    dump_library,
    raw_key,
    read_library_text,
    variant_entries,
)
from deskapp.core.services.responses.prompts import split_tags

RESPONSES_FORMAT = "deskapp-responses/1"


def import_responses(session: Session, actor_id: int, text: str, *, only_missing: bool = False) -> ImportResult:
    """Import the responses of a ``deskapp-responses/1`` document; bad entries are reported, the rest stored.

    Args:
        session: An open session (committed at the end).
        actor_id: Who imports (``library.import``; audited).
        text: The file's text.
        only_missing: Leave responses that already exist alone (for the starter library, so a
            supervisor's edits are never overwritten).

    Returns:
        Counts and the per-entry problems.

    Raises:
        InputFileError: The document as a whole is unusable.
        PermissionDenied: The actor may not import the library.
    """
    require(session, actor_id, "library.import")
    result = ImportResult()
    brands = dict(session.execute(select(Brand.code, Brand.id)).all())
    existing = {r.key: r for r in session.scalars(select(Response).options(selectinload(Response.variants)))}
    seen: set[str] = set()
    for index, (raw, line) in enumerate(read_library_text(text, RESPONSES_FORMAT, "responses")):
        key = raw_key(raw)
        if only_missing and key is not None and key in existing and key not in seen:
            seen.add(key)
            result.skipped_existing += 1
            continue
        entry = check_unique_entry(raw, (index, line), seen, result, lambda r: check_entry(r, brands))
        if entry is None:
            continue
        response = existing.get(entry["key"])
        if response is not None and only_missing:
            result.skipped_existing += 1
        elif response is None:
            response = Response(key=entry["key"])
            session.add(response)
            _apply(response, entry)
            result.created += 1
        elif _apply(response, entry):
            result.updated += 1
        else:
            result.unchanged += 1
    audit(session, actor_id, "library.import", "response", 0, detail=result.counts())
    session.commit()
    return result


def export_responses(session: Session, actor_id: int) -> str:
    """Every response as a ``deskapp-responses/1`` document, in library order (``library.export``, audited).

    See the module's description for the format.
    """
    require(session, actor_id, "library.export")
    codes = dict(session.execute(select(Brand.id, Brand.code)).all())
    entries = []
    for response in session.scalars(select(Response).options(selectinload(Response.variants))
                                    .order_by(Response.id)):
        entry: dict[str, Any] = {"key": response.key, "title": response.title,
                                 "category": response.category.value, "tags": FlowList(split_tags(response.tags))}
        if response.brand_id is not None:
            entry["brand"] = codes[response.brand_id]
        if response.source_locale != SOURCE_LOCALE:
            entry["source_locale"] = response.source_locale
        entry["prompts"] = [_export_prompt(p) for p in response.prompts]
        entry["variants"] = variant_entries(response.variants, response.source_locale,
                                            lambda v: {"title": v.title, "body": LiteralText(v.body)})
        entries.append(entry)
    audit(session, actor_id, "library.export", "response", 0, detail={"count": len(entries)})
    session.commit()
    return dump_library("# deskapp response library\n", RESPONSES_FORMAT, "responses", entries)


def _apply(response: Response, entry: Mapping[str, Any]) -> bool:
    """Make ``response`` hold ``entry``; returns whether anything changed."""
    changed = False
    for name in ("title", "category", "tags", "brand_id", "source_locale", "prompts"):
        if getattr(response, name) != entry[name]:
            setattr(response, name, entry[name])
            changed = True
    by_locale = {v.locale: v for v in response.variants}
    for locale in list(by_locale):
        if locale not in entry["variants"]:
            response.variants.remove(by_locale.pop(locale))
            changed = True
    for locale, data in entry["variants"].items():
        variant = by_locale.get(locale)
        if variant is None:
            response.variants.append(ResponseVariant(
                locale=locale, title=data["title"], body=data["body"], revision=data["revision"],
                translated_from_revision=data["translated_from"]))
            changed = True
            continue
        for attr, value in (("title", data["title"]), ("body", data["body"]), ("revision", data["revision"]),
                            ("translated_from_revision", data["translated_from"])):
            if getattr(variant, attr) != value:
                setattr(variant, attr, value)
                changed = True
    return changed


def _export_prompt(prompt: Mapping[str, Any]) -> dict[str, Any]:
    labels = sorted((prompt.get("label") or {}).items(), key=lambda kv: locale_order(kv[0]))
    item: dict[str, Any] = {"name": prompt["name"], "type": prompt.get("type", "text"), "label": FlowMap(labels)}
    if prompt.get("required", True) is not True:
        item["required"] = False
    return item

