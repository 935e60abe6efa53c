"""What every library file shares (responses, knowledge base, call scripts): reading, checking, writing.

A library file is YAML: ``format:`` names the kind and version, and one list holds the entries.
Reading keeps each entry's line so a problem can say where it is; writing gives the same bytes
for the same entries, in block style as the hand-written starter files are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from deskapp.core.errors import InputFileError
from deskapp.core.i18n import _, later
from deskapp.core.io.inputs import stat_input
from deskapp.core.services.responses.languages import Localised, locale_order

LocalisedT = TypeVar("LocalisedT", bound=Localised)
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,79}$")
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
        raise InputFileError(later("The file is not valid YAML (line {line}): {reason}",
                                   line=mark.line + 1 if mark else "?",
                                   reason=getattr(exc, "problem", None) or exc)) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict) or data.get("format") != expected_format:
        raise InputFileError(later("This is not a library file of the expected kind: the first line must be "
                                   "“format: {format}”.", format=expected_format))
    entries = data.get(list_name)
    if not isinstance(entries, list):
        raise InputFileError(later("The file has no “{name}:” list.", name=list_name))
    lines: list[int | None] = [None] * len(entries)
    for key_node, value_node in node.value if node is not None else ():
        if key_node.value == list_name and isinstance(value_node, yaml.SequenceNode):
            lines = [item.start_mark.line + 1 for item in value_node.value]
    return list(zip(entries, lines, strict=True))


def raw_key(raw: Any) -> str | None:
    """The key an entry of a file names, as it stands (for a problem report); ``None`` without a text key."""
    key = raw.get("key") if isinstance(raw, dict) else None
    return key if isinstance(key, str) else None


def check_unique_entry(raw: Any, where: tuple[int, int | None], seen: set[str], result: ImportResult,
                       check: Callable[[Any], dict[str, Any]]) -> dict[str, Any] | None:
    """``check(raw)`` with its key added to ``seen``; ``None`` when it is wrong or its key was seen before.

    ``where`` is the entry's index and line; why an entry is left out goes to ``result.problems``.
    """
    index, line = where
    try:
        entry = check(raw)
        if entry["key"] in seen:
            raise EntryError(_("the key appears more than once in the file"))
    except EntryError as exc:
        result.problems.append(EntryProblem(index, raw_key(raw), line, str(exc)))
        return None
    seen.add(entry["key"])
    return entry


def read_file_text(path: str | Path) -> str:
    """The text of a library file, with a clear error when it cannot be read."""
    stat_input(path)  # a device such as /dev/zero would be read forever
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError(later("{path} is not a UTF-8 text file.", path=path)) from None
    except OSError as exc:
        raise InputFileError(later("{path}: {reason}", path=path, reason=exc.strerror or exc)) from None


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

    Values of :class:`LiteralText` are written as ``|`` blocks, :class:`FlowList` and :class:`FlowMap` on one line;
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


class LiteralText(str):
    """A body: written as a ``|-`` block so it reads like the text it is."""

    __slots__ = ()


class FlowList(tuple[str, ...]):
    """Tags: written on one line, ``[a, b]``."""


class FlowMap(dict[str, str]):
    """Labels: written on one line, ``{en: ..., fi: ...}``."""


class _Dumper(yaml.SafeDumper):
    """Block style with nested lists indented, as the hand-written starter files are."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def variant_entries(variants: Iterable[LocalisedT], source_locale: str,
                    item: Callable[[LocalisedT], dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The ``variants:`` mapping of an entry: ``item(variant)`` and its history, by language in the desk's order.

    The history is :func:`revision_fields` against the variant in ``source_locale`` (responses'
    and articles' exports alike).
    """
    variants = list(variants)
    source = next((v for v in variants if v.locale == source_locale), None)
    return {variant.locale: item(variant) | revision_fields(variant, source)
            for variant in sorted(variants, key=lambda v: locale_order(v.locale))}


_Dumper.add_representer(LiteralText, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style="|"))
_Dumper.add_representer(FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", list(v), flow_style=True))
_Dumper.add_representer(FlowMap, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True))
