"""A response's fill-ins (prompts) and tags: parsing what is stored, checking what the rep typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from deskapp.core.errors import InvalidInput
from deskapp.core.i18n import SOURCE_LOCALE, _, current_locale, later, normalise_locale
from deskapp.core.templating import MissingPrompt, TemplateError, as_decimal

PROMPT_TYPES = ("text", "date", "number", "money")


@dataclass(frozen=True, slots=True)
class PromptSpec:
    """A fill-in the rep types when using a response (a date, an amount, a ticket number)."""

    name: str
    type: str
    labels: Mapping[str, str]
    required: bool = True

    def label(self, locale: str | None = None) -> str:
        """The label in ``locale`` (default: the UI language), else English, else the name."""
        code = normalise_locale(locale) or current_locale()
        return self.labels.get(code) or self.labels.get(SOURCE_LOCALE) or self.name


def split_tags(tags: str) -> tuple[str, ...]:
    """Tags as stored ("phone,opening") as a tuple."""
    return tuple(tag for tag in (part.strip() for part in tags.split(",")) if tag)


def parse_prompts(raw: Iterable[Mapping[str, Any]]) -> tuple[PromptSpec, ...]:
    """The stored JSON list of fill-ins as :class:`PromptSpec` rows."""
    return tuple(PromptSpec(name=str(p["name"]), type=str(p.get("type", "text")),
                            labels=dict(p.get("label") or {}), required=bool(p.get("required", True)))
                 for p in raw)


def prompt_values(specs: Iterable[PromptSpec], given: Mapping[str, Any], locale: str | None = None) -> dict[str, Any]:
    """Check and convert the rep's fill-ins: dates from YYYY-MM-DD, amounts to Decimal.

    Raises:
        MissingPrompt: A required fill-in is empty (the message names it, in the UI language).
        InvalidInput: A value has the wrong form for its type.
    """
    values: dict[str, Any] = {}
    missing: list[PromptSpec] = []
    for spec in specs:
        raw = given.get(spec.name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if spec.required:
                missing.append(spec)
            continue
        try:
            if spec.type == "date" and not isinstance(raw, dt.date):
                values[spec.name] = dt.date.fromisoformat(str(raw).strip())
            elif spec.type in {"money", "number"}:
                values[spec.name] = as_decimal(raw)
            else:
                values[spec.name] = raw
        except (ValueError, TemplateError):
            raise InvalidInput(later("{label} ({name}): “{value}” is not a valid {type}.",
                                     label=spec.label(locale), name=spec.name, value=raw, type=spec.type)) from None
    if missing:
        names = ", ".join(_("{label} ({name})").format(label=s.label(locale), name=s.name) for s in missing)
        raise MissingPrompt(later("Fill in {names} first.", names=names), tuple(s.name for s in missing))
    return values
