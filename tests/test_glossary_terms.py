"""The catalogs and the starter library keep the glossary's terms (translations/glossary.md).

Each test guards a fix from a native-level review, so the same mistake does not come back with the
next batch of strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


@cache
def catalog(locale: str) -> Catalog:
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "deskapp.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def translated(locale: str) -> Iterator[tuple[str, str]]:
    """(msgid, translation) pairs; plural forms one by one."""
    for message in catalog(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            yield ids[0], text


@cache
def library(name: str) -> Any:
    path = resources.files("deskapp") / "resources" / "library" / f"{name}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def library_texts(locale: str) -> Iterator[tuple[str, str]]:
    """(English, translation) for every per-language mapping in the call scripts and the rubric."""

    def walk(node: Any) -> Iterator[tuple[str, str]]:
        if isinstance(node, dict):
            if "en" in node and isinstance(node.get(locale), str):
                yield str(node["en"]), node[locale]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    for name in ("scripts", "rubric"):
        yield from walk(library(name))


def test_fi_keeps_palvelupiste_for_the_counter_not_the_desk() -> None:
    wrong = [(msgid, text) for msgid, text in translated("fi")
             if "palvelupist" in text.casefold() and "counter" not in msgid.casefold()]
    assert wrong == []
    assert dict(translated("fi"))["deskapp — service desk"] == "deskapp – asiakaspalvelu"


@pytest.mark.parametrize(("locale", "term"), [("fi", "Vakiovastaukset"), ("fil", "Mga spiel"),
                                              ("es", "Respuestas predefinidas")])
def test_the_responses_tab_uses_the_glossary_term(locale: str, term: str) -> None:
    assert dict(translated(locale))["Responses"] == term


def test_es_labels_do_not_end_in_a_dangling_preposition() -> None:
    dangling = re.compile(r"\s(?:del|de|al|a|para)\s*$")  # "Agrupar por" is the usual label
    texts = [*translated("es"), *library_texts("es")]
    assert [(msgid, text) for msgid, text in texts if dangling.search(text)] == []


def test_es_accounts_are_feminine_everywhere() -> None:
    texts = dict(translated("es"))
    assert (texts["active"], texts["disabled"]) == ("activa", "desactivada")
    assert texts["locked out until {time}"].startswith("bloqueada")
    masculine = re.compile(r"\b(?:est[aá]|estaba|queda|sigue)\s+(?:bloqueado|desbloqueado|desactivado|activo)\b")
    assert [(msgid, text) for msgid, text in texts.items() if masculine.search(text)] == []


def test_es_tables_and_labels_say_correo() -> None:
    assert dict(translated("es"))["Email"] == "Correo"


def test_fil_review_fixes_hold_in_the_call_scripts() -> None:
    texts = dict(library_texts("fil"))
    assert texts["Existing customer"] == "Kasalukuyang customer"
    assert texts["Customer keeps the product"] == "Hindi na ibabalik ng customer ang produkto"
    everything = " ".join(text for _en, text in library_texts("fil"))
    for wrong in ("Dating customer", "Iharap ang screen", "Itatago", "itatago"):
        assert wrong not in everything
    assert "Ipihit palayo ang screen" in everything


def test_the_internal_desk_greets_colleagues_as_an_internal_desk() -> None:
    script = next(s for s in library("scripts")["scripts"] if s["key"] == "internal_request")
    greeting = script["steps"][0]["say"]
    assert greeting["es"].startswith("Servicio de asistencia interno")
    assert greeting["fi"].startswith("Sisäinen tukipalvelu")
    assert "Atención al cliente" not in greeting["es"]


@pytest.mark.parametrize("locale", ["fi", "fil", "es"])
def test_language_names_and_coded_values_are_translated(locale: str) -> None:
    texts = dict(translated(locale))
    for english in ("English", "Finnish", "Spanish", "Male", "Female", "External", "Internal"):
        assert texts[english] != english, (locale, english)


def test_every_audited_event_and_record_has_a_label() -> None:
    from deskapp.ui.supervisor.audit_labels import ACTIONS, RECORDS

    source = "\n".join(path.read_text(encoding="utf-8")
                       for path in (Path(__file__).resolve().parents[1] / "deskapp" / "core").rglob("*.py"))
    actions = set(re.findall(r"audit\(session, [^,]+, \"([a-z_]+\.[a-z_]+)\"", source))
    actions |= set(re.findall(r"\"(auth\.[a-z_]+)\"", source))
    actions |= set(re.findall(r"\"(customer\.(?:import|export))\"", source))
    records = set(re.findall(r"audit\(session, [^,]+, [^,]+, \"([a-z_]+)\"", source)) | {"agent"}
    assert len(actions) > 20 and actions - set(ACTIONS) == set()
    assert records - set(RECORDS) == set()


@pytest.mark.parametrize("locale", ["fi", "fil", "es"])
def test_language_choices_in_the_scripts_use_the_catalog_names(locale: str) -> None:
    from deskapp.core.i18n import LANGUAGE_NAMES

    names = dict(translated(locale))

    def options(node: Any) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            if node.get("value") in LANGUAGE_NAMES and isinstance(node.get("label"), dict):
                yield node
            for value in node.values():
                yield from options(value)
        elif isinstance(node, list):
            for value in node:
                yield from options(value)

    found = list(options(library("scripts")))
    assert len(found) >= 4
    assert [o["label"][locale] for o in found] == [names[LANGUAGE_NAMES[o["value"]]] for o in found]


def test_the_counter_is_called_the_counter_in_the_library() -> None:
    texts = "\n".join((resources.files("deskapp") / "resources" / "library" / f"{name}.yaml").read_text(
        encoding="utf-8") for name in ("responses", "scripts"))
    for wrong in ("mga service point", "sa service point", "punto de atención", "puntos de atención"):
        assert wrong not in texts
