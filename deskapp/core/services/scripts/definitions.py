"""Call-script definitions: the parsed, immutable form of a ``deskapp-scripts/1`` script."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from deskapp.core.i18n import CUSTOMER_LOCALES, SOURCE_LOCALE, _, current_locale, normalise_locale
from deskapp.core.services.responses.library_format import EntryError
from deskapp.core.templating import validate

SCRIPTS_FORMAT = "deskapp-scripts/1"
FIELD_TYPES = ("text", "choice", "date", "number", "yesno")
CSAT_FIELD = "csat"
YES_WORDS = frozenset({"yes", "y", "true", "1", "kyllä", "k", "oo", "sí", "si"})
NO_WORDS = frozenset({"no", "n", "false", "0", "ei", "hindi"})


def pick_text(texts: Mapping[str, str], locale: str | None) -> str:
    code = normalise_locale(locale) or current_locale()
    return texts.get(code) or texts.get(SOURCE_LOCALE) or next(iter(texts.values()), "")


@dataclass(frozen=True, slots=True)
class ChoiceOption:
    """One allowed value of a choice field."""

    value: str
    labels: Mapping[str, str]

    def label(self, locale: str | None = None) -> str:
        """The label in ``locale`` (default: the UI language)."""
        return pick_text(self.labels, locale) or self.value


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A value the rep captures at a step."""

    name: str
    type: str
    required: bool
    labels: Mapping[str, str]
    options: tuple[ChoiceOption, ...] = ()

    def label(self, locale: str | None = None) -> str:
        """The label in ``locale`` (default: the UI language)."""
        return pick_text(self.labels, locale) or self.name


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """A way out of a step, to step ``next``."""

    labels: Mapping[str, str]
    next: str

    def label(self, locale: str | None = None) -> str:
        """The label in ``locale`` (default: the UI language)."""
        return pick_text(self.labels, locale)


@dataclass(frozen=True, slots=True)
class StepSpec:
    """One step: what to say, guidance for the rep, a response to offer, fields, options."""

    id: str
    say: Mapping[str, str]
    note: Mapping[str, str]
    response: str | None
    fields: tuple[FieldSpec, ...]
    options: tuple[OptionSpec, ...]
    final: bool


@dataclass(frozen=True, slots=True)
class ScriptDefinition:
    """One version of a call script."""

    key: str
    version: int
    titles: Mapping[str, str]
    start: str
    steps: Mapping[str, StepSpec]

    def title(self, locale: str | None = None) -> str:
        """The title in ``locale`` (default: the UI language)."""
        return pick_text(self.titles, locale) or self.key

    @property
    def locales(self) -> tuple[str, ...]:
        """The languages every step can be said in."""
        return tuple(code for code in CUSTOMER_LOCALES if all(code in s.say for s in self.steps.values()))


def parse_script(raw: Any) -> ScriptDefinition:
    """Check one script of a ``deskapp-scripts/1`` file.

    Raises:
        EntryError: Why it cannot be used (unknown step, bad field type, template error, ...).
    """
    if not isinstance(raw, dict) or not isinstance(raw.get("key"), str) or not raw["key"]:
        raise EntryError(_("a script needs a key"))
    version = raw.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise EntryError(_("the version must be a whole number from 1"))
    titles = raw.get("title")
    titles = {SOURCE_LOCALE: titles} if isinstance(titles, str) else titles
    if not isinstance(titles, dict) or not titles:
        raise EntryError(_("a script needs a title"))
    raw_steps = raw.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise EntryError(_("a script needs steps"))
    steps: dict[str, StepSpec] = {}
    for item in raw_steps:
        step = _parse_step(item)
        if step.id in steps:
            raise EntryError(_("step “{step}” appears twice").format(step=step.id))
        steps[step.id] = step
    start = raw.get("start", next(iter(steps)))
    for step in steps.values():
        for option in step.options:
            if option.next not in steps:
                raise EntryError(_("step “{step}” leads to “{next}”, which does not exist")
                                 .format(step=step.id, next=option.next))
    if start not in steps:
        raise EntryError(_("the start step “{step}” does not exist").format(step=start))
    return ScriptDefinition(key=raw["key"], version=version, titles=dict(titles), start=start, steps=steps)


def _parse_step(raw: Any) -> StepSpec:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise EntryError(_("every step needs an id"))
    step_id = raw["id"]
    say = raw.get("say") or {}
    if not isinstance(say, dict) or not say:
        raise EntryError(_("step “{step}” has nothing to say").format(step=step_id))
    for locale, text in say.items():
        problems = validate(str(text), prompts=())
        if problems:
            raise EntryError(_("step “{step}”, {locale} text, {problem}")
                             .format(step=step_id, locale=locale, problem=problems[0]))
    fields = tuple(_parse_field(step_id, f) for f in raw.get("fields") or [])
    options = tuple(OptionSpec(labels=dict(o.get("label") or {}), next=str(o.get("next")))
                    for o in raw.get("options") or [])
    final = bool(raw.get("final", False))
    if not final and not options:
        raise EntryError(_("step “{step}” has no options and is not final").format(step=step_id))
    return StepSpec(id=step_id, say={str(k): str(v) for k, v in say.items()}, note=dict(raw.get("note") or {}),
                    response=raw.get("response"), fields=fields, options=options, final=final)


def _parse_field(step_id: str, raw: Any) -> FieldSpec:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise EntryError(_("step “{step}”: every field needs a name").format(step=step_id))
    kind = raw.get("type", "text")
    if kind not in FIELD_TYPES:
        raise EntryError(_("step “{step}”, field “{name}”: unknown type “{type}”")
                         .format(step=step_id, name=raw["name"], type=kind))
    options = tuple(ChoiceOption(value=str(o["value"]), labels=dict(o.get("label") or {}))
                    for o in raw.get("options") or [])
    if kind == "choice" and not options:
        raise EntryError(_("step “{step}”, field “{name}”: a choice needs options")
                         .format(step=step_id, name=raw["name"]))
    return FieldSpec(name=raw["name"], type=kind, required=bool(raw.get("required", False)),
                     labels=dict(raw.get("label") or {}), options=options)
