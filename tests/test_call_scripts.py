"""Call scripts: the starter scripts load, a run steps and validates, and finishing stores note + CSAT."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import NoteKind
from deskapp.core.domain.models import Case, CaseNote
from deskapp.core.domain.quality import Feedback
from deskapp.core.errors import InvalidInput
from deskapp.core.services import starter
from deskapp.core.services.kernel.actors import console_actor
from deskapp.core.services.notes import notes
from deskapp.core.services.scripts import call_scripts
from deskapp.core.services.scripts.call_scripts import ScriptRun, finish_run, start_run
from tests.test_responses import make_desk

STARTER = Path(__file__).parent.parent / "resources" / "library" / "scripts.yaml"


@pytest.fixture
def desk(engine: Engine) -> dict[str, int]:
    ids = make_desk(engine)
    with Session(engine) as s:
        loaded = starter.load_starter_library(s, console_actor(s))
    assert (loaded.scripts.created, loaded.scripts.problems) == (7, [])
    return ids


def test_starter_scripts_are_listed_with_their_languages(engine: Engine, desk: dict[str, int]) -> None:
    with Session(engine) as s:
        rows = call_scripts.list_scripts(s, console_actor(s))
    assert len(rows) == 7
    assert {r.key for r in rows} >= {"phone_greeting_identity", "billing_dispute"}
    assert all(r.version == 1 and r.locales == ("en", "fi", "fil", "es") for r in rows)


def test_every_step_of_every_script_can_be_said_in_every_language(engine: Engine, desk: dict[str, int]) -> None:
    with Session(engine) as s:
        for row in call_scripts.list_scripts(s, console_actor(s)):
            script = call_scripts.get_script(s, console_actor(s), row.key)
            for locale in ("en", "fi", "fil", "es"):
                run = start_run(s, desk["rep"], row.key, "INT-1", rep_locale="en", case_id=desk["case"],
                                customer_locale=locale)
                assert run.customer_locale == locale
                for step_id in script.steps:
                    run.path[-1] = step_id
                    said = run.say()
                    assert said.customer_text and not re.search(r"\{\{|\{%", said.customer_text)
                    assert said.rep_locale == "en"
            assert all(step.final for step in script.steps.values() if not step.options)


def walk_phone_script(run: ScriptRun) -> None:
    run.set_field("caller_name", "Jukka Mäkinen")
    run.choose(0)  # has an account -> verify
    run.set_field("account_number", "FI-1")
    run.set_field("verified_by", "postcode")
    run.choose(0)  # identity confirmed -> reason
    run.set_field("reason", "Router keeps restarting")
    run.choose(0)  # resolved -> recap
    run.choose(0)  # confirms -> closing
    run.choose(1)  # nothing else -> csat
    run.set_field("csat", "5")


def test_a_run_steps_in_the_customer_language_with_the_rep_language_beside(
        engine: Engine, desk: dict[str, int]) -> None:
    with Session(engine) as s:
        run = start_run(s, desk["rep"], "phone_greeting_identity", "FI-1", rep_locale="es",
                        case_id=desk["case"])
    said = run.say()
    assert (said.customer_locale, said.customer_text) == ("fi", "Kenen kanssa puhun?")
    assert (said.rep_locale, said.rep_text) == ("es", "¿Me dice su nombre, por favor?")
    assert run.note().startswith("Sonría al hablar")
    with pytest.raises(InvalidInput, match="Nombre de quien llama"):
        run.choose(0)  # the caller's name is required
    walk_phone_script(run)
    assert run.path == ["greet", "verify", "reason", "recap", "closing", "csat"]
    assert run.finished
    assert run.csat == 5


def test_field_values_are_checked(engine: Engine, desk: dict[str, int]) -> None:
    with Session(engine) as s:
        run = start_run(s, desk["rep"], "phone_greeting_identity", "GB-1", rep_locale="en")
    run.set_field("caller_name", "Siobhan")
    run.choose(0)
    with pytest.raises(InvalidInput, match="postcode, birth_date, last_invoice"):
        run.set_field("verified_by", "shoe size")
    with pytest.raises(InvalidInput, match="no field"):
        run.set_field("csat", "5")
    run.set_field("account_number", "GB-1")
    run.set_field("verified_by", "birth_date")
    with pytest.raises(InvalidInput, match="no option 9"):
        run.choose(8)
    assert run.back().id == "greet"
    assert run.path == ["greet"]
    assert run.values["caller_name"] == "Siobhan"


def test_finishing_stores_a_pinned_note_and_the_feedback(engine: Engine, desk: dict[str, int]) -> None:
    with Session(engine) as s:
        run = start_run(s, desk["rep"], "phone_greeting_identity", "FI-1", rep_locale="en",
                        case_id=desk["case"])
        with pytest.raises(InvalidInput, match="not finished"):
            finish_run(s, desk["rep"], desk["case"], run)
        walk_phone_script(run)
        result = finish_run(s, desk["rep"], desk["case"], run)
        note = s.get(CaseNote, result.note.id)
        assert note is not None
        assert (note.kind, note.script_key, note.script_version) == (NoteKind.SCRIPT_RUN, "phone_greeting_identity", 1)
        assert notes.verify_chain(s, note.id)
        feedback = s.scalars(select(Feedback).where(Feedback.case_id == desk["case"])).one()
        result_reference = s.get_one(Case, desk["case"]).reference
    assert result_reference.startswith("C-")
    assert result.note.kind == NoteKind.SCRIPT_RUN
    body = result.note.body
    assert body.startswith("Call script “Phone greeting and identity check” (version 1)\n"
                           f"Case {result_reference}\n")
    assert "1. Caller has an account with us" in body
    assert "6. Finished" in body
    # People read the note: no internal keys of the script or its steps.
    assert "phone_greeting_identity" not in body and not re.search(r"\b(greet|verify|csat)\b", body)
    assert "- Caller's name: Jukka Mäkinen" in body
    assert "- Second detail checked: Postcode" in body
    assert "- Satisfaction score (CSAT): 5 – Very satisfied" in body
    assert result.feedback is not None
    assert (feedback.score, feedback.agent_id, result.feedback.score) == (5, desk["rep"], 5)


def test_a_changed_script_needs_a_new_version(engine: Engine, desk: dict[str, int]) -> None:
    data = yaml.safe_load(STARTER.read_text(encoding="utf-8"))
    script = data["scripts"][0]
    script["steps"][0]["say"]["en"] = "Hello there!"
    changed = yaml.safe_dump({"format": "deskapp-scripts/1", "scripts": [script]}, allow_unicode=True)
    with Session(engine) as s:
        result = call_scripts.import_scripts(s, console_actor(s), changed)
        assert result.created == 0
        assert "new version" in result.problems[0].message
        script["version"] = 2
        bumped = yaml.safe_dump({"format": "deskapp-scripts/1", "scripts": [script]}, allow_unicode=True)
        assert call_scripts.import_scripts(s, console_actor(s), bumped).created == 1
        assert call_scripts.get_script(s, console_actor(s), script["key"]).version == 2
        assert call_scripts.get_script(s, console_actor(s), script["key"], 1).version == 1
        assert [r.version for r in call_scripts.list_scripts(s, console_actor(s)) if r.key == script["key"]] == [2]


@pytest.mark.parametrize(("change", "message"), [
    (lambda s: s["steps"][0]["options"][0].update(next="nowhere"), "nowhere"),
    (lambda s: s["steps"][0]["say"].update(en="{{ customer.shoe }}"), "shoe"),
    (lambda s: s["steps"][0]["fields"][0].update(type="colour"), "colour"),
])
def test_broken_scripts_are_reported(engine: Engine, change, message: str) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(STARTER.read_text(encoding="utf-8"))
    script = data["scripts"][0]
    change(script)
    text = yaml.safe_dump({"format": "deskapp-scripts/1", "scripts": [script]}, allow_unicode=True)
    with Session(engine) as s:
        result = call_scripts.import_scripts(s, console_actor(s), text)
    assert result.created == 0
    assert message in result.problems[0].message


def test_the_customers_copy_names_the_script_in_its_own_language(engine: Engine, desk: dict[str, int]) -> None:
    from deskapp.core.services.cases.summary import case_summary, summary_html, summary_title

    with Session(engine) as s:
        run = start_run(s, desk["rep"], "phone_greeting_identity", "FI-1", rep_locale="en", case_id=desk["case"])
        walk_phone_script(run)
        finish_run(s, desk["rep"], desk["case"], run)
        summary = case_summary(s, desk["rep"], desk["case"])
        reference = s.get_one(Case, desk["case"]).reference
    page = summary_html(summary, "fi")
    assert "Puhelun aloitus ja tunnistaminen" in page
    assert "Phone greeting" not in page and "phone_greeting_identity" not in page
    assert not re.search(r"\b(greet|verify|csat)\b", page)
    assert summary_title(summary, "fi").endswith(reference) and f">{reference}<" in page
