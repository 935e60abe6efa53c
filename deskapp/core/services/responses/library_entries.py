"""Checking one entry of a response library file before it is stored: fields, fill-ins, language texts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from deskapp.core.domain.enums import ResponseCategory
from deskapp.core.i18n import CUSTOMER_LOCALES, SOURCE_LOCALE, _
from deskapp.core.services.responses.library_format import EntryError, entry_key, entry_revisions, entry_tags
from deskapp.core.services.responses.prompts import PROMPT_TYPES
from deskapp.core.templating import validate

NAME_PATTERN = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")
_ENTRY_FIELDS = {"key", "title", "category", "tags", "brand", "source_locale", "prompts", "variants"}
_VARIANT_FIELDS = {"title", "body", "revision", "translated_from"}
_PROMPT_FIELDS = {"name", "type", "label", "required"}


def check_entry(raw: Any, brands: Mapping[str, int]) -> dict[str, Any]:
    """One response entry of a library file, checked and made whole (defaults filled in, brand as its id).

    Raises:
        EntryError: What is wrong with the entry (the first problem found).
    """
    key = entry_key(raw, _ENTRY_FIELDS, _("an entry must be a mapping with key, title, category and variants"))
    title = _text(raw.get("title"), _("title"), 200)
    try:
        category = ResponseCategory(str(raw.get("category")))
    except ValueError:
        raise EntryError(_("unknown category “{category}”; use one of: {names}").format(
            category=raw.get("category"), names=", ".join(c.value for c in ResponseCategory))) from None
    tags = entry_tags(raw)
    brand = raw.get("brand")
    if brand is not None and brand not in brands:
        raise EntryError(_("unknown brand “{brand}”").format(brand=brand))
    source_locale = raw.get("source_locale", SOURCE_LOCALE)
    prompts = [_check_prompt(p) for p in raw.get("prompts") or []]
    names = [p["name"] for p in prompts]
    if len(set(names)) != len(names):
        raise EntryError(_("a fill-in name appears twice"))
    variants = raw.get("variants")
    if not isinstance(variants, dict) or not variants:
        raise EntryError(_("no variants: give the text in at least one language"))
    checked = {locale: _check_variant(locale, v, names) for locale, v in variants.items()}
    if source_locale not in checked:
        raise EntryError(_("missing the {locale} body (the source language)").format(locale=source_locale))
    source_revision = checked[source_locale]["revision"]
    for locale, variant in checked.items():
        if locale == source_locale:
            variant["translated_from"] = None
        elif variant["translated_from"] is None:
            variant["translated_from"] = source_revision
        elif variant["translated_from"] > source_revision:
            raise EntryError(_("{locale}: translated_from is newer than the source").format(locale=locale))
    return {"key": key, "title": title, "category": category, "tags": ",".join(tags),
            "brand_id": brands.get(brand) if brand else None, "source_locale": source_locale,
            "prompts": prompts, "variants": checked}


def _check_prompt(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or set(raw) - _PROMPT_FIELDS:
        raise EntryError(_("a fill-in must have name, type and label"))
    name = raw.get("name")
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise EntryError(_("fill-in names are lower-case letters, digits and “_”"))
    if raw.get("type", "text") not in PROMPT_TYPES:
        raise EntryError(_("fill-in {name}: unknown type “{type}”; use one of: {types}").format(
            name=name, type=raw.get("type"), types=", ".join(PROMPT_TYPES)))
    label = raw.get("label") or {}
    if not isinstance(label, dict) or not all(isinstance(v, str) for v in label.values()):
        raise EntryError(_("fill-in {name}: the label must map languages to text").format(name=name))
    prompt: dict[str, Any] = {"name": name, "type": raw.get("type", "text"), "label": dict(label)}
    if raw.get("required", True) is not True:
        prompt["required"] = False
    return prompt


def _check_variant(locale: Any, raw: Any, prompts: Iterable[str]) -> dict[str, Any]:
    if locale not in CUSTOMER_LOCALES:
        raise EntryError(_("unknown language “{locale}”; use one of: {names}").format(
            locale=locale, names=", ".join(CUSTOMER_LOCALES)))
    if not isinstance(raw, dict) or set(raw) - _VARIANT_FIELDS:
        raise EntryError(_("{locale}: a variant has title and body").format(locale=locale))
    body = raw.get("body")
    if not isinstance(body, str) or not body.strip():
        raise EntryError(_("missing the {locale} body").format(locale=locale))
    problems = validate(body, prompts)
    if problems:
        raise EntryError(_("{locale} text, {problem}").format(locale=locale, problem=problems[0]))
    revision, translated_from = entry_revisions(locale, raw)
    title = raw.get("title", "")
    if not isinstance(title, str):
        raise EntryError(_("{locale}: the title must be text").format(locale=locale))
    return {"title": title, "body": body.replace("\x00", ""), "revision": revision,
            "translated_from": translated_from}


def _text(value: Any, what: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise EntryError(_("the {what} must be text of 1 to {limit} characters").format(what=what, limit=limit))
    return value
