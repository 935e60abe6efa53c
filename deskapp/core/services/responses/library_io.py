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

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from deskapp.core.domain.enums import ResponseCategory
from deskapp.core.domain.library import Response, ResponseVariant
from deskapp.core.domain.models import Brand
from deskapp.core.errors import InputFileError
from deskapp.core.i18n import CUSTOMER_LOCALES, SOURCE_LOCALE, _
from deskapp.core.io.inputs import stat_input
from deskapp.core.security.permissions import require
from deskapp.core.services.kernel.audit import audit
from deskapp.core.services.responses.prompts import PROMPT_TYPES, split_tags
from deskapp.core.templating import validate

RESPONSES_FORMAT = "deskapp-responses/1"
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,79}$")
NAME_PATTERN = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")
_ENTRY_FIELDS = {"key", "title", "category", "tags", "brand", "source_locale", "prompts", "variants"}
_VARIANT_FIELDS = {"title", "body", "revision", "translated_from"}
_PROMPT_FIELDS = {"name", "type", "label", "required"}
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class EntryError(ValueError):
    """One entry of a library file cannot be imported (the message says why)."""


@dataclass(frozen=True, slots=True)
class EntryProblem:
    """Why one entry of a file was not imported."""

    index: int
    key: str | None
    line: int | None
    message: str

    def __str__(self) -> str:
        """``line N: key: reason`` on one line."""
        where = _("line {line}").format(line=self.line) if self.line else _("entry {n}").format(n=self.index + 1)
        return "{where}: {key}: {message}".format(where=where, key=self.key or "?", message=self.message)


@dataclass(slots=True)
class ImportResult:
    """What an import did: counts per outcome and the entries it had to leave out."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_existing: int = 0
    problems: list[EntryProblem] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """The counts, for the audit log (no entry's content)."""
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": len(self.problems)}


def read_library_text(text: str, expected_format: str, list_name: str) -> list[tuple[Any, int | None]]:
    """The entries of a library file, each with its 1-based line (``None`` when unknown).

    Raises:
        InputFileError: Not YAML, not the expected format, or no list of entries.
    """
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputFileError(_("The file is not valid YAML (line {line}): {reason}").format(
            line=mark.line + 1 if mark else "?", reason=getattr(exc, "problem", None) or exc)) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict) or data.get("format") != expected_format:
        raise InputFileError(_("This is not a library file of the expected kind: the first line must be "
                               "“format: {format}”.").format(format=expected_format))
    entries = data.get(list_name)
    if not isinstance(entries, list):
        raise InputFileError(_("The file has no “{name}:” list.").format(name=list_name))
    lines: list[int | None] = [None] * len(entries)
    for key_node, value_node in node.value if node is not None else ():
        if key_node.value == list_name and isinstance(value_node, yaml.SequenceNode):
            lines = [item.start_mark.line + 1 for item in value_node.value]
    return list(zip(entries, lines, strict=True))


def read_file_text(path: str | Path) -> str:
    """The text of a library file, with a clear error when it cannot be read."""
    stat_input(path)  # a device such as /dev/zero would be read forever
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError(_("{path} is not a UTF-8 text file.").format(path=path)) from None
    except OSError as exc:
        raise InputFileError(_("{path}: {reason}").format(path=path, reason=exc.strerror or exc)) from None


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
        key = raw.get("key") if isinstance(raw, dict) and isinstance(raw.get("key"), str) else None
        if only_missing and key in existing and key not in seen:
            seen.add(key)
            result.skipped_existing += 1
            continue
        try:
            entry = _check_entry(raw, brands)
            if entry["key"] in seen:
                raise EntryError(_("the key appears more than once in the file"))
        except EntryError as exc:
            result.problems.append(EntryProblem(index, key, line, str(exc)))
            continue
        seen.add(entry["key"])
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
                                 "category": response.category.value, "tags": _Flow(split_tags(response.tags))}
        if response.brand_id is not None:
            entry["brand"] = codes[response.brand_id]
        if response.source_locale != SOURCE_LOCALE:
            entry["source_locale"] = response.source_locale
        entry["prompts"] = [_export_prompt(p) for p in response.prompts]
        source = next((v for v in response.variants if v.locale == response.source_locale), None)
        variants: dict[str, Any] = {}
        for variant in sorted(response.variants, key=lambda v: _order(v.locale)):
            item: dict[str, Any] = {"title": variant.title, "body": _Literal(variant.body)}
            variants[variant.locale] = item | revision_fields(variant, source)
        entry["variants"] = variants
        entries.append(entry)
    audit(session, actor_id, "library.export", "response", 0, detail={"count": len(entries)})
    session.commit()
    return dump_library("# deskapp response library\n", RESPONSES_FORMAT, "responses", entries)


def revision_fields(variant: Any, source: Any) -> dict[str, int | None]:
    """What a variant's entry says of its history: ``revision`` when not 1, ``translated_from`` when stale.

    ``variant`` and ``source`` are variants with ``revision`` and ``translated_from_revision``
    (responses' and articles' alike); left out, the import reads "1" and "the source's revision".
    """
    fields: dict[str, int | None] = {}
    if variant.revision != 1:
        fields["revision"] = variant.revision
    if variant is not source and source is not None and variant.translated_from_revision != source.revision:
        fields["translated_from"] = variant.translated_from_revision
    return fields


def dump_library(comment: str, file_format: str, list_name: str, entries: list[dict[str, Any]]) -> str:
    """A library document: ``comment``, then ``format:`` and the list of entries, in block style.

    Values of :class:`LiteralText` are written as ``|`` blocks and :class:`FlowList` on one line;
    the same entries always give the same bytes (the knowledge base's export uses it too).
    """
    return comment + yaml.dump({"format": file_format, list_name: entries}, Dumper=_Dumper, allow_unicode=True,
                               sort_keys=False, width=1_000_000, default_flow_style=False)


def entry_key(raw: Any, fields: Iterable[str], not_a_mapping: str) -> str:
    """The key of a library file's entry, after checking it is a mapping of known ``fields`` only.

    Raises:
        EntryError: ``not_a_mapping`` when it is no mapping; an unknown field; a bad key.
    """
    if not isinstance(raw, dict):
        raise EntryError(not_a_mapping)
    unknown = sorted(set(raw) - set(fields), key=str)
    if unknown:
        raise EntryError(_("unknown field {names}").format(names=", ".join(map(str, unknown))))
    key = raw.get("key")
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise EntryError(_("the key must be lower-case letters, digits, “.”, “_” or “-” (at most 80)"))
    return key


def entry_tags(raw: Mapping[str, Any]) -> list[str]:
    """An entry's tags: a list of words without commas (none when left out)."""
    tags = raw.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) and t and "," not in t for t in tags):
        raise EntryError(_("tags must be a list of words without commas"))
    return tags


def entry_revisions(locale: str, raw: Mapping[str, Any]) -> tuple[int, int | None]:
    """A variant's ``revision`` (default 1) and ``translated_from`` (default none), whole numbers from 1."""
    revision, translated_from = raw.get("revision", 1), raw.get("translated_from")
    for value in (revision, translated_from):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise EntryError(_("{locale}: revisions are whole numbers from 1").format(locale=locale))
    return revision, translated_from


def _check_entry(raw: Any, brands: Mapping[str, int]) -> dict[str, Any]:
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
    labels = sorted((prompt.get("label") or {}).items(), key=lambda kv: _order(kv[0]))
    item: dict[str, Any] = {"name": prompt["name"], "type": prompt.get("type", "text"), "label": _FlowMap(labels)}
    if prompt.get("required", True) is not True:
        item["required"] = False
    return item


def _order(locale: str) -> tuple[int, str]:
    return (CUSTOMER_LOCALES.index(locale) if locale in CUSTOMER_LOCALES else len(CUSTOMER_LOCALES), locale)


class _Literal(str):
    """A body: written as a ``|-`` block so it reads like the text it is."""

    __slots__ = ()


class _Flow(tuple[str, ...]):
    """Tags: written on one line, ``[a, b]``."""


class _FlowMap(dict[str, str]):
    """Labels: written on one line, ``{en: ..., fi: ...}``."""


class _Dumper(yaml.SafeDumper):
    """Block style with nested lists indented, as the hand-written starter files are."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


_Dumper.add_representer(_Literal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style="|"))
_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", list(v), flow_style=True))
_Dumper.add_representer(_FlowMap, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True))

# Public names for other libraries' files (the knowledge base) written with :func:`dump_library`.
LiteralText = _Literal
FlowList = _Flow
