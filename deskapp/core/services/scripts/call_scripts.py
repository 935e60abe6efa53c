"""Call scripts: versioned, branching call flows, and a run of one on a case.

A script (format ``deskapp-scripts/1``, see ``resources/library/scripts.yaml``) is a set of steps;
each says something to the customer (a template, in every language), may capture fields and
offers options that lead to the next step, until a final step (``csat``). Versions are
immutable: a run's note is pinned to the version it followed, so a changed script gets a new
version number instead of being edited in place.

:class:`ScriptRun` is plain Python (no session, no Qt): the UI steps it on the UI thread and
hands it to :func:`finish_run`, which stores the structured note and the customer's feedback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.enums import NoteKind
from deskapp.core.domain.library import CallScript
from deskapp.core.domain.models import Brand, CaseNote
from deskapp.core.errors import InvalidInput, RecordNotFound
from deskapp.core.i18n import SOURCE_LOCALE, _, later
from deskapp.core.i18n.formatting import format_date, format_number
from deskapp.core.security.permissions import require
from deskapp.core.services.cases.feedback import FeedbackRow, stage_feedback
from deskapp.core.services.kernel.audit import audit
from deskapp.core.services.notes.notes import NoteRow, append_revision, clean_body, commit_note, writable_case
from deskapp.core.services.responses.context import template_context
from deskapp.core.services.responses.languages import pick_locale
from deskapp.core.services.responses.library_format import EntryError, EntryProblem, ImportResult, read_library_text
from deskapp.core.services.scripts.definitions import (
    CSAT_FIELD,
    NO_WORDS,
    SCRIPTS_FORMAT,
    YES_WORDS,
    FieldSpec,
    ScriptDefinition,
    StepSpec,
    parse_script,
    pick_text,
)
from deskapp.core.templating import TemplateError, as_decimal, render


@dataclass(frozen=True, slots=True)
class ScriptRow:
    """A script as the list shows it (its newest version)."""

    key: str
    version: int
    title: str
    titles: Mapping[str, str]
    locales: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SayText:
    """What to say at a step: in the customer's language, with the rep's language beside it."""

    customer_locale: str
    customer_text: str
    rep_locale: str
    rep_text: str


@dataclass(frozen=True, slots=True)
class ScriptRunResult:
    """What finishing a run stored."""

    note: NoteRow
    feedback: FeedbackRow | None
    case_reference: str = ""  # "C-1042": the window confirms where the run went



def import_scripts(session: Session, actor_id: int, text: str) -> ImportResult:
    """Add the scripts of a ``deskapp-scripts/1`` document; a version that exists is never changed.

    ``actor_id`` needs ``library.import``; the import is audited.

    Returns:
        Counts; an existing version with different content is reported as a problem (give it a new version).
    """
    require(session, actor_id, "library.import")
    result = ImportResult()
    brands = dict(session.execute(select(Brand.code, Brand.id)).all())
    for index, (raw, line) in enumerate(read_library_text(text, SCRIPTS_FORMAT, "scripts")):
        key = raw.get("key") if isinstance(raw, dict) else None
        if isinstance(raw, dict) and _same_as_stored(session, raw):
            result.unchanged += 1  # the usual case when the starter library is loaded again
            continue
        try:
            script = parse_script(raw)
            brand = raw.get("brand")
            if brand is not None and brand not in brands:
                raise EntryError(_("unknown brand “{brand}”").format(brand=brand))
        except EntryError as exc:
            result.problems.append(EntryProblem(index, key, line, str(exc)))
            continue
        definition = {name: value for name, value in raw.items() if name not in {"key", "version", "brand"}}
        stored = session.scalars(select(CallScript).where(CallScript.key == script.key,
                                                          CallScript.version == script.version)).one_or_none()
        if stored is None:
            session.add(CallScript(key=script.key, version=script.version, title=script.title(SOURCE_LOCALE),
                                   brand_id=brands.get(brand) if brand else None, definition=definition))
            session.flush()
            result.created += 1
        elif stored.definition == definition:
            result.unchanged += 1
        else:
            result.problems.append(EntryProblem(index, key, line, _(
                "version {version} already exists with different content; give the changed script a new "
                "version").format(version=script.version)))
    audit(session, actor_id, "library.import", "call_script", 0, detail=result.counts())
    session.commit()
    return result


def _same_as_stored(session: Session, raw: Mapping[str, Any]) -> bool:
    stored = session.scalars(select(CallScript.definition).where(
        CallScript.key == raw.get("key"), CallScript.version == raw.get("version", 1))).one_or_none()
    return stored is not None and stored == {k: v for k, v in raw.items() if k not in {"key", "version", "brand"}}


def list_scripts(session: Session, actor_id: int, brand_id: int | None = None) -> list[ScriptRow]:
    """The newest version of every script (for ``brand_id``: its own and the shared ones), by key (``script.run``).

    Raises:
        PermissionDenied: The actor may not run call scripts.
    """
    require(session, actor_id, "script.run")
    newest: dict[str, CallScript] = {}
    for script in session.scalars(select(CallScript).order_by(CallScript.key, CallScript.version)):
        if brand_id is None or script.brand_id in (None, brand_id):
            newest[script.key] = script
    rows = []
    for script in newest.values():
        definition = _definition(script)
        rows.append(ScriptRow(key=script.key, version=script.version, title=definition.title(),
                              titles=definition.titles, locales=definition.locales))
    return rows


def get_script(session: Session, actor_id: int, key: str, version: int | None = None) -> ScriptDefinition:
    """One script: ``version``, or the newest (``script.run``).

    Raises:
        RecordNotFound: No such script or version.
    """
    require(session, actor_id, "script.run")
    return _script(session, key, version)


def _script(session: Session, key: str, version: int | None = None) -> ScriptDefinition:
    query = select(CallScript).where(CallScript.key == key)
    query = query.where(CallScript.version == version) if version is not None else query
    script = session.scalars(query.order_by(CallScript.version.desc()).limit(1)).first()
    if script is None:
        raise RecordNotFound(later("There is no call script “{key}”.", key=key))
    return _definition(script)


def _definition(script: CallScript) -> ScriptDefinition:
    return parse_script({**script.definition, "key": script.key, "version": script.version})


def start_run(session: Session, actor_id: int, key: str, customer: int | str | None, *, rep_locale: str,
              case_id: int | None = None, customer_locale: str | None = None) -> ScriptRun:
    """Begin a run of the newest version of ``key`` for a customer (their language, else brand's, else English).

    ``actor_id`` needs ``script.run``; the texts speak as them (the rep on the call).

    Raises:
        PermissionDenied: The actor may not run call scripts.
        RecordNotFound: No such script, customer or case.
    """
    require(session, actor_id, "script.run")
    script = _script(session, key)
    context = template_context(session, customer, agent_id=actor_id, case_id=case_id)
    brand_default = session.scalar(select(Brand.default_locale).where(Brand.code == context["brand"]["code"]))
    wanted = customer_locale or context["customer"]["preferred_locale"] or None
    chosen = pick_locale(script.locales, wanted, brand_default) or SOURCE_LOCALE
    rep = pick_locale(script.locales, rep_locale) or SOURCE_LOCALE
    return ScriptRun(script, customer_locale=chosen, rep_locale=rep, context=context)


@dataclass(slots=True)
class ScriptRun:
    """A run of a script in progress: where it is, the path taken and the fields captured."""

    script: ScriptDefinition
    customer_locale: str = SOURCE_LOCALE
    rep_locale: str = SOURCE_LOCALE
    context: dict[str, Any] = field(default_factory=dict)
    path: list[str] = field(default_factory=list)
    choices: dict[int, int] = field(default_factory=dict)  # position in path -> option index chosen
    values: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Stand at the start step."""
        if not self.path:
            self.path.append(self.script.start)

    @property
    def current(self) -> StepSpec:
        """The step the run is at."""
        return self.script.steps[self.path[-1]]

    def say(self) -> SayText:
        """The current step's words, for the customer and (beside them) for the rep.

        Raises:
            TemplateError: The text could not be filled in.
        """
        step = self.current
        return SayText(self.customer_locale, self._render(step.say, self.customer_locale),
                       self.rep_locale, self._render(step.say, self.rep_locale))

    def follow_rep_locale(self, locale: str) -> None:
        """Show the rep's side in ``locale`` from now on (the rep switched the UI language mid-run)."""
        self.rep_locale = pick_locale(self.script.locales, locale) or SOURCE_LOCALE

    def note(self) -> str:
        """Guidance for the rep at the current step, in the rep's language ("" when there is none)."""
        return pick_text(self.current.note, self.rep_locale) if self.current.note else ""

    def _render(self, texts: Mapping[str, str], locale: str) -> str:
        text = texts.get(locale) or texts.get(SOURCE_LOCALE) or next(iter(texts.values()))
        used = locale if locale in texts else SOURCE_LOCALE
        return render(text, used, self.context) if self.context else text

    def set_field(self, name: str, value: Any) -> None:
        """Capture ``value`` for a field of the current step; "" or ``None`` clears it.

        Raises:
            InvalidInput: No such field here, or the value does not fit its type or choices.
        """
        spec = next((f for f in self.current.fields if f.name == name), None)
        if spec is None:
            raise InvalidInput(later("This step has no field “{name}”.", name=name))
        if value is None or (isinstance(value, str) and not value.strip()):
            self.values.pop(name, None)
            return
        self.values[name] = _convert(spec, value, self.rep_locale)

    def missing_fields(self) -> list[FieldSpec]:
        """Required fields of the current step that have no value yet."""
        return [f for f in self.current.fields if f.required and f.name not in self.values]

    def choose(self, option: int) -> StepSpec:
        """Take option number ``option`` (0-based) of the current step and move to its next step.

        Raises:
            InvalidInput: A required field is empty, or there is no such option.
        """
        self.require_fields()
        if not 0 <= option < len(self.current.options):
            raise InvalidInput(later("This step has no option {number}.", number=option + 1))
        self.choices[len(self.path) - 1] = option
        self.path.append(self.current.options[option].next)
        return self.current

    def back(self) -> StepSpec:
        """Return to the previous step (captured values are kept)."""
        if len(self.path) > 1:
            self.path.pop()
            self.choices.pop(len(self.path) - 1, None)
        return self.current

    @property
    def finished(self) -> bool:
        """Whether the run is at a final step with every required field filled in."""
        return self.current.final and not self.missing_fields()

    @property
    def csat(self) -> int | None:
        """The customer's satisfaction score, when captured."""
        value = self.values.get(CSAT_FIELD)
        return int(value) if value is not None and str(value).isdigit() else None

    def require_fields(self) -> None:
        """Raise :class:`InvalidInput` naming the required fields of this step that are still empty."""
        missing = self.missing_fields()
        if missing:
            raise InvalidInput(later("Fill in {names} first.",
                                     names=", ".join(f.label(self.rep_locale) for f in missing)))

    def summary(self, case_reference: str | None = None) -> str:
        """The readable text of the run's note: the case, the steps taken and the fields captured.

        Args:
            case_reference: The reference of the case the note is stored on ("C-1042"), so a
                note read on its own (exported, printed) still says which case it belongs to.
        """
        locale = self.rep_locale
        # People read this note (the rep, a supervisor, a printed summary): the script's title and
        # what was chosen at each step, never the script's or the steps' internal keys.
        lines = [_("Call script “{title}” (version {version})").format(
            title=self.script.title(locale), version=self.script.version)]
        if case_reference:
            lines.append(_("Case {reference}").format(reference=case_reference))
        lines += ["", _("Steps taken:")]
        for position, step_id in enumerate(self.path):
            step = self.script.steps[step_id]
            chosen = self.choices.get(position)
            if chosen is not None:
                taken = step.options[chosen].label(locale)
            else:
                taken = _("Finished") if step.final else _("Stopped here")
            lines.append(f"{position + 1}. {taken}")
        captured = [(spec, self.values[spec.name]) for spec in self._path_fields() if spec.name in self.values]
        if captured:
            lines += ["", _("Captured:")]
            lines += [f"- {spec.label(locale)}: {_shown(spec, value, locale)}"
                      for spec, value in captured]
        return "\n".join(lines)

    def _path_fields(self) -> list[FieldSpec]:
        seen: dict[str, FieldSpec] = {}
        for step_id in self.path:
            for spec in self.script.steps[step_id].fields:
                seen.setdefault(spec.name, spec)
        return list(seen.values())


def _convert(spec: FieldSpec, value: Any, locale: str) -> Any:
    try:
        if spec.type == "choice":
            text = str(value).strip()
            if text not in {o.value for o in spec.options}:
                raise InvalidInput(later("{label}: choose one of {values}.",
                                         label=spec.label(locale), values=", ".join(o.value for o in spec.options)))
            return text
        if spec.type == "date":
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value).strip())
        if spec.type == "number":
            return as_decimal(value)
        if spec.type == "yesno":
            if isinstance(value, bool):
                return value
            word = str(value).strip().casefold()
            if word in YES_WORDS | NO_WORDS:
                return word in YES_WORDS
            raise ValueError(word)
    except (ValueError, TemplateError):
        raise InvalidInput(later("{label}: “{value}” is not a valid {type}.",
                                 label=spec.label(locale), value=value, type=spec.type)) from None
    return str(value).strip()


def _shown(spec: FieldSpec, value: Any, locale: str) -> str:
    if spec.type == "choice":
        return next((o.label(locale) for o in spec.options if o.value == value), str(value))
    if isinstance(value, dt.date):
        return format_date(value, locale)
    if isinstance(value, Decimal):
        return format_number(value, locale)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def finish_run(session: Session, actor_id: int, case_id: int, run: ScriptRun) -> ScriptRunResult:
    """Store a finished run: a script-run note pinned to the script's key and version, and the CSAT.

    The note's revision 1 is written and hash-chained exactly as :func:`notes.add_note` does it;
    note and feedback are one unit of work (a second score the actor may not give stores neither).

    Raises:
        PermissionDenied: ``actor_id`` may not run call scripts (disabled, unknown or wrong role), or
            the case has feedback already and the actor may not correct it.
        InvalidInput: The run is not at a final step or lacks a required field.
        RecordNotFound: No such case.
    """
    author = require(session, actor_id, "script.run")
    if not run.current.final:
        raise InvalidInput(later("The script is not finished yet: continue to its last step."))
    run.require_fields()
    case = writable_case(session, case_id)
    now = utcnow()
    note = CaseNote(case_id=case_id, author_id=author.id, kind=NoteKind.SCRIPT_RUN, created_at=now,
                    script_key=run.script.key, script_version=run.script.version)
    session.add(note)
    session.flush()
    append_revision(session, note.id, 1, None, author_id=author.id, created_at=now,
                    body=clean_body(run.summary(case.reference)))
    audit(session, actor_id, "note.script_run", "case_note", note.id,
          detail={"case": case_id, "script": run.script.key, "version": run.script.version})
    feedback = stage_feedback(session, actor_id, case_id, run.csat) if run.csat is not None else None
    return ScriptRunResult(note=commit_note(session, note.id), feedback=feedback, case_reference=case.reference)
