"""Scripted responses: language picking and fallback, search, stale translations, the YAML library."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import CustomerKind, Role
from deskapp.core.domain.library import Response
from deskapp.core.domain.models import Agent, Brand, Case, Customer
from deskapp.core.errors import InputFileError, PermissionDenied
from deskapp.core.services import starter
from deskapp.core.services.kernel.actors import console_actor
from deskapp.core.services.responses import library_format, library_io, responses
from deskapp.core.services.responses.languages import pick_locale
from deskapp.core.services.responses.responses import InvalidTemplate, render_response
from deskapp.core.templating import MissingPrompt

STARTER = Path(__file__).parent.parent / "resources" / "library" / "responses.yaml"
LOCALES = ("en", "fi", "fil", "es")
SAMPLE_PROMPTS = {"date": "2025-03-14", "money": "49.90", "number": "3", "text": "ABC-123"}


def make_desk(engine: Engine) -> dict[str, int]:
    """Brands, agents, customers (with and without a given name) and a case; returns their ids."""
    with Session(engine) as s:
        brands = {code: Brand(code=code, name=name, default_region=region, default_locale=locale)
                  for code, name, region, locale in (("nordtel", "Nordic Telecom", "FI", "fi"),
                                                     ("iberia", "Iberia Hogar", "ES", "es"),
                                                     ("northwind", "Northwind", "GB", "en"))}
        s.add_all(brands.values())
        rep = Agent(username="anna", display_name="Anna Virtanen", role=Role.REP, ui_locale="fi")
        boss = Agent(username="sam", display_name="Sam Taylor", role=Role.SUPERVISOR)
        s.add_all([rep, boss])
        s.flush()
        people = [
            Customer(brand_id=brands["nordtel"].id, account_number="FI-1", given_name="Jukka",
                     family_name="Mäkinen", preferred_locale="fi"),
            Customer(brand_id=brands["iberia"].id, account_number="ES-1", given_name="Íñigo",
                     family_name="Núñez", preferred_locale="de"),  # a language the desk has no texts in
            Customer(brand_id=brands["nordtel"].id, account_number="INT-1", kind=CustomerKind.INTERNAL,
                     organisation="Finance", preferred_locale="fil"),
            Customer(brand_id=brands["northwind"].id, account_number="GB-1", given_name="Siobhan",
                     family_name="O'Brien", preferred_locale="es"),
        ]
        s.add_all(people)
        s.flush()
        case = Case(customer_id=people[0].id, brand_id=people[0].brand_id, subject="Router", purchase_phase="after",
                    support_stage="troubleshooting", channel="phone", owner_id=rep.id)
        s.add(case)
        s.commit()
        return {"rep": rep.id, "boss": boss.id, "case": case.id}


@pytest.fixture
def desk(engine: Engine) -> dict[str, int]:
    ids = make_desk(engine)
    with Session(engine) as s:
        loaded = starter.load_starter_library(s, console_actor(s))
    assert loaded.responses.created == 40
    assert not loaded.responses.problems
    return ids


def sample_prompts(session: Session, key: str) -> dict[str, str]:
    detail = responses.get_response(session, console_actor(session), key)
    return {p.name: SAMPLE_PROMPTS[p.type] for p in detail.prompts}


# ---------------------------------------------------------------- picking the language


def test_pick_locale_order() -> None:
    assert pick_locale(LOCALES, "fi", "es") == "fi"
    assert pick_locale(LOCALES, "tl", "es") == "fil"
    assert pick_locale(("en", "es"), "fi", "es") == "es"
    assert pick_locale(("en", "es"), "fi", "fil") == "en"
    assert pick_locale(("fi",), "es", "es", source="fi") == "fi"
    assert pick_locale((), "fi") is None


def test_finnish_customer_gets_finnish(engine: Engine, desk: dict[str, int]) -> None:
    with Session(engine) as s:
        out = render_response(s, desk["rep"], "greeting.phone", "FI-1", answering_agent_id=desk["rep"])
    assert out.locale == "fi"
    assert out.text == "Hei, Nordic Telecom -asiakaspalvelu, Anna puhelimessa. Miten voin auttaa?"
    assert not out.fell_back


def test_unknown_language_falls_back_to_the_brand_default(engine: Engine, desk: dict[str, int]) -> None:
    with Session(engine) as s:
        out = render_response(s, desk["rep"], "greeting.phone", "ES-1", answering_agent_id=desk["rep"])
    assert out.locale == "es"
    assert out.text.startswith("Gracias por llamar a Iberia Hogar")


def test_missing_variant_falls_back_to_brand_default_then_english(engine: Engine, desk: dict[str, int]) -> None:
    doc = """format: deskapp-responses/1
responses:
  - key: only.en_es
    title: Only two
    category: closing
    variants:
      en: {title: Bye, body: "Goodbye {{ customer.given_name }}"}
      es: {title: Adiós, body: "Adiós {{ customer.given_name }}"}
"""
    with Session(engine) as s:
        assert library_io.import_responses(s, console_actor(s), doc).created == 1
        assert render_response(s, desk["rep"], "only.en_es", "FI-1").locale == "en"  # fi missing, brand default fi too
        assert render_response(s, desk["rep"], "only.en_es", "ES-1").locale == "es"  # "de" unknown -> brand default
        assert render_response(s, desk["rep"], "only.en_es", "GB-1").locale == "es"  # preferred es exists
        forced = render_response(s, desk["rep"], "only.en_es", "GB-1", locale="fil")
        assert (forced.locale, forced.fell_back, forced.text) == ("en", True, "Goodbye Siobhan")


def test_side_by_side_shows_the_customer_and_the_rep_language(engine: Engine, desk: dict[str, int]) -> None:
    with Session(engine) as s:
        pair = responses.side_by_side(s, console_actor(s), "closing.anything_else", "es", "fi")
        same = responses.side_by_side(s, console_actor(s), "closing.anything_else", "fi", "fi")
    assert (pair.customer.locale, pair.rep.locale, pair.same_language) == ("es", "fi", False)
    assert same.same_language


# ---------------------------------------------------------------- rendering


def test_render_with_fill_ins_formats_in_the_variant_language(engine: Engine, desk: dict[str, int]) -> None:
    with Session(engine) as s:
        fi = render_response(s, desk["rep"], "apology.delayed_delivery", "FI-1", prompts={"new_date": "2025-03-14"})
        es = render_response(s, desk["rep"], "apology.delayed_delivery", "FI-1", locale="es",
                             prompts={"new_date": "2025-03-14"})
    assert "uusi toimituspäivä on 14. maaliskuuta 2025." in fi.text
    assert "la nueva fecha de entrega es el 14 de marzo de 2025." in es.text


def test_a_missing_fill_in_is_named_in_the_rep_language(engine: Engine, desk: dict[str, int]) -> None:
    with Session(engine) as s, pytest.raises(MissingPrompt, match=r"New delivery date \(new_date\)"):
        render_response(s, desk["rep"], "apology.delayed_delivery", "FI-1")


def test_a_badly_typed_fill_in_is_explained(engine: Engine, desk: dict[str, int]) -> None:
    with Session(engine) as s, pytest.raises(responses.InvalidInput, match="new_date"):
        render_response(s, desk["rep"], "apology.delayed_delivery", "FI-1", prompts={"new_date": "tomorrow"})


def test_a_preview_shows_fill_ins_not_typed_yet_as_their_labels(engine: Engine, desk: dict[str, int]) -> None:
    with Session(engine) as s:
        out = render_response(s, desk["rep"], "apology.delayed_delivery", "FI-1", locale="en", placeholders=True)
        fi = render_response(s, desk["rep"], "apology.delayed_delivery", "FI-1", placeholders=True)
    assert "«New delivery date»" in out.text and "{{" not in out.text and "prompt." not in out.text
    assert "«" in fi.text and "{{" not in fi.text


def test_with_no_customer_open_a_greeting_has_no_gap(engine: Engine, desk: dict[str, int]) -> None:
    with Session(engine) as s:
        out = render_response(s, desk["rep"], "greeting.phone", None, locale="en", answering_agent_id=desk["rep"],
                              mark_gaps=True)
        plain = render_response(s, desk["rep"], "greeting.phone", None, locale="en", answering_agent_id=desk["rep"])
    assert "calling , " not in out.text and "«brand name»" in out.text
    assert "calling , " in plain.text  # the console's render keeps its exact text (its note says what is empty)


@pytest.mark.parametrize("account", ["FI-1", "INT-1"])  # with and without a given name
def test_every_starter_response_renders_in_every_language(engine: Engine, desk: dict[str, int], account: str) -> None:
    with Session(engine) as s:
        rows = responses.list_responses(s, console_actor(s))
        assert len(rows) == 40
        for row in rows:
            assert row.locales == LOCALES
            for locale in LOCALES:
                for case_id in (desk["case"], None):
                    out = render_response(s, desk["rep"], row.key, account, locale=locale,
                                          answering_agent_id=desk["rep"], case_id=case_id,
                                          prompts=sample_prompts(s, row.key))
                    assert out.locale == locale
                    assert not re.search(r"\{\{|\}\}|\{%|%\}|None|Undefined", out.text), (row.key, locale, out.text)
                    assert out.text.strip()
        internal = render_response(s, desk["rep"], "greeting.email", "INT-1", answering_agent_id=desk["rep"],
                                   case_id=desk["case"])
    if account == "INT-1":
        assert internal.text.startswith("Magandang araw po, Finance!")


# ---------------------------------------------------------------- search


@pytest.mark.parametrize(("query", "expected"), [
    ("pahoittelu", "apology.delayed_delivery"),     # a Finnish title word
    ("PAHOITTELU MYOHASTYNEESTA", "apology.delayed_delivery"),  # accents and case ignored
    ("logistics", "apology.delayed_delivery"),       # a tag
    ("lamento pedido", "apology.delayed_delivery"),  # Spanish body words
    ("reembolso", "billing.refund"),
])
def test_search_finds_titles_tags_and_bodies_in_any_language(
        engine: Engine, desk: dict[str, int], query: str, expected: str) -> None:
    with Session(engine) as s:
        keys = [r.key for r in responses.list_responses(s, console_actor(s), query)]
    assert expected in keys


def test_search_ranks_title_matches_first_and_filters_by_category(engine: Engine, desk: dict[str, int]) -> None:
    with Session(engine) as s:
        keys = [r.key for r in responses.list_responses(s, console_actor(s), "apology")]
        billing = responses.list_responses(s, console_actor(s), category="billing")
        assert responses.list_responses(s, console_actor(s), "zzzxq") == []
    assert keys[0].startswith("apology.")
    assert {r.category.value for r in billing} == {"billing"}


# ---------------------------------------------------------------- saving and stale translations


def test_editing_the_source_makes_translations_stale_until_they_are_saved(
        engine: Engine, desk: dict[str, int]) -> None:
    key = "closing.anything_else"
    with Session(engine) as s:
        before = responses.get_response(s, console_actor(s), key)
        assert not any(v.stale for v in before.variants)
        en = before.variant("en")
        assert en is not None
        saved = responses.save_variant(s, desk["boss"], key, "en", en.body + " Thanks!")
        assert saved.revision == en.revision + 1
        row = next(r for r in responses.list_responses(s, console_actor(s)) if r.key == key)
        assert row.stale == ("fi", "fil", "es")
        fi = responses.get_response(s, console_actor(s), key).variant("fi")
        assert fi is not None and fi.stale
        again = responses.save_variant(s, desk["boss"], key, "fi", fi.body + " Kiitos!")
        assert (again.stale, again.translated_from_revision) == (False, saved.revision)
        row = next(r for r in responses.list_responses(s, console_actor(s)) if r.key == key)
    assert row.stale == ("fil", "es")


def test_saving_an_unchanged_text_keeps_the_revision(engine: Engine, desk: dict[str, int]) -> None:
    with Session(engine) as s:
        en = responses.get_response(s, console_actor(s), "closing.phone_goodbye").variant("en")
        assert en is not None
        assert responses.save_variant(s, desk["boss"], "closing.phone_goodbye", "en", en.body).revision == en.revision


def test_a_broken_template_is_not_saved(engine: Engine, desk: dict[str, int]) -> None:
    with Session(engine) as s:
        with pytest.raises(InvalidTemplate) as caught:
            responses.save_variant(s, desk["boss"], "closing.phone_goodbye", "fi", "Kiitos\n{{ prompt.nope }}")
        assert caught.value.problems[0].line == 2
        assert "nope" in caught.value.message
        with pytest.raises(PermissionDenied):
            responses.save_variant(s, desk["rep"], "closing.phone_goodbye", "fi", "Kiitos")


# ---------------------------------------------------------------- the YAML library


def test_the_starter_file_imports_and_exports_to_the_same_data(engine: Engine, desk: dict[str, int]) -> None:
    with Session(engine) as s:
        exported = library_io.export_responses(s, console_actor(s))
    assert yaml.safe_load(exported) == yaml.safe_load(STARTER.read_text(encoding="utf-8"))


def test_export_import_export_gives_identical_bytes(engine: Engine, desk: dict[str, int], tmp_path: Path) -> None:
    from deskapp.core.storage import migrate
    from deskapp.core.storage.engine import make_engine

    with Session(engine) as s:  # make revisions and a stale translation worth round-tripping
        en = responses.get_response(s, console_actor(s), "closing.phone_goodbye").variant("en")
        assert en is not None
        responses.save_variant(s, desk["boss"], "closing.phone_goodbye", "en", en.body + "\n\nTake care!")
        first = library_io.export_responses(s, console_actor(s))
    assert "translated_from: 1" in first
    other = make_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    migrate.upgrade(other)
    make_desk(other)
    with Session(other) as s:
        result = library_io.import_responses(s, console_actor(s), first)
        assert (result.created, result.problems) == (40, [])
        second = library_io.export_responses(s, console_actor(s))
        stale = [r.stale for r in responses.list_responses(s, console_actor(s)) if r.key == "closing.phone_goodbye"]
        assert stale == [("fi", "fil", "es")]
    other.dispose()
    assert second == first


def test_invalid_entries_are_reported_and_valid_ones_still_import(engine: Engine, desk: dict[str, int]) -> None:
    doc = """format: deskapp-responses/1
responses:
  - key: ok.one
    title: Fine
    category: closing
    variants:
      en: {title: Fine, body: "Bye"}
  - key: bad.category
    title: Bad
    category: gossip
    variants:
      en: {title: Bad, body: "x"}
  - key: bad.body
    title: No English
    category: closing
    variants:
      fi: {title: Hei, body: "Hei"}
  - key: bad.template
    title: Broken
    category: closing
    variants:
      en:
        title: Broken
        body: |-
          Line one
          {{ customer.given_name | shout }}
  - key: ok.two
    title: Also fine
    category: greeting
    variants:
      en: {title: Hi, body: "Hi"}
"""
    with Session(engine) as s:
        result = library_io.import_responses(s, console_actor(s), doc)
        stored = set(s.scalars(select(Response.key).where(Response.key.like("%.%")
                                                          & ~Response.key.in_(_starter_keys()))))
    assert result.created == 2
    assert stored == {"ok.one", "ok.two"}
    by_key = {p.key: p for p in result.problems}
    assert set(by_key) == {"bad.category", "bad.body", "bad.template"}
    assert "unknown category “gossip”" in by_key["bad.category"].message
    assert "missing the en body" in by_key["bad.body"].message
    assert "line 2" in by_key["bad.template"].message
    assert "shout" in by_key["bad.template"].message
    assert by_key["bad.category"].line == 8
    assert str(by_key["bad.category"]).startswith("line 8: bad.category: ")


def _starter_keys() -> list[str]:
    return [e["key"] for e in yaml.safe_load(STARTER.read_text(encoding="utf-8"))["responses"]]


@pytest.mark.parametrize("text", ["", "format: other/1\nresponses: []\n", "format: deskapp-responses/1\n",
                                  "format: deskapp-responses/1\nresponses: [\n"])
def test_an_unusable_document_is_one_clear_error(engine: Engine, text: str) -> None:
    with Session(engine) as s, pytest.raises(InputFileError):
        library_io.import_responses(s, console_actor(s), text)


def test_unreadable_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"missing\.yaml"):
        library_format.read_file_text(tmp_path / "missing.yaml")
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputFileError, match="UTF-8"):
        library_format.read_file_text(binary)


def test_the_starter_library_never_overwrites_a_supervisor_edit(engine: Engine, desk: dict[str, int]) -> None:
    with Session(engine) as s:
        responses.save_variant(s, desk["boss"], "closing.phone_goodbye", "fi", "Kiitos soitosta!")
        again = starter.load_starter_library(s, console_actor(s))
        assert (again.responses.created, again.responses.skipped_existing) == (0, 40)
        assert again.scripts.created == 0
        fi = responses.get_response(s, console_actor(s), "closing.phone_goodbye").variant("fi")
        assert fi is not None and fi.body == "Kiitos soitosta!"
        assert starter.ensure_library(s, console_actor(s)) is False


def test_ensure_library_loads_on_first_run_only(engine: Engine) -> None:
    with Session(engine) as s:
        assert starter.ensure_library(s, console_actor(s)) is True
        assert starter.ensure_library(s, console_actor(s)) is False
        assert len(responses.list_responses(s, console_actor(s))) == 40
