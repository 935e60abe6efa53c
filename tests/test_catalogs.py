"""The translation catalogs: complete, placeholder-safe, up to date with the code, and loadable.

Everything is read from translations/ directly with Babel, so these tests do not depend on the
build hook having compiled deskapp/locale/.
"""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from deskapp.core import i18n
from deskapp.core.domain.enums import CaseStatus

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "deskapp.pot"
LOCALES = ("fi", "fil", "es")
UPDATE_HINT = "run `bash scripts/update_translations`, translate the new entries, and commit the catalogs"

# The same keywords scripts/update_translations passes to `pybabel extract`.
KEYWORDS = {"_": None, "N_": None, "later": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}

# CLDR for Filipino: integers ending in 4, 6 or 9 are "other", every other integer is "one".
FIL_PLURAL_FORMS = "nplurals=2; plural=(n % 10 == 4 || n % 10 == 6 || n % 10 == 9);"

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
SHORTCUT = re.compile(r"\((?:Ctrl|Alt|Shift|F\d)[^()]*\)")

Key = tuple[str | None, str | tuple[str, ...]]


@cache
def template() -> Catalog:
    with POT.open("rb") as handle:
        return read_po(handle)


@cache
def catalog(locale: str) -> Catalog:
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "deskapp.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def messages(cat: Catalog) -> dict[Key, Message]:
    return {(m.context, m.id): m for m in cat if m.id}


def describe(key: Key) -> str:
    context, msgid = key
    text = msgid[0] if isinstance(msgid, tuple) else msgid
    return f"{text!r}" + (f" (context {context!r})" if context else "")


def forms(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def source_texts(message: Message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def compiled(locale: str) -> gettext.GNUTranslations:
    """The .po file compiled in memory, exactly as the build hook compiles it (no fuzzy entries)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog(locale), use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


# ---------------------------------------------------------------- the template and the code


def test_template_is_up_to_date_with_the_code() -> None:
    with (TRANSLATIONS / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    in_code: set[Key] = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)):
        if message and (message[0] if isinstance(message, tuple) else message):
            in_code.add((context, message))
    assert in_code, "extraction found no messages at all: check translations/babel.cfg"
    in_template = set(messages(template()))
    new = sorted(map(describe, in_code - in_template))
    gone = sorted(map(describe, in_template - in_code))
    assert not new and not gone, (
        "translations/deskapp.pot does not match the code; " + UPDATE_HINT + ".\n"
        + "".join(f"  not in the template: {text}\n" for text in new)
        + "".join(f"  no longer in the code: {text}\n" for text in gone))


# ---------------------------------------------------------------- every catalog is complete


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_has_exactly_the_template_messages(locale: str) -> None:
    wanted, present = set(messages(template())), set(messages(catalog(locale)))
    missing = sorted(map(describe, wanted - present))
    stale = sorted(map(describe, present - wanted))
    assert not missing and not stale, (
        f"translations/{locale}/LC_MESSAGES/deskapp.po is out of step with the template; {UPDATE_HINT}.\n"
        + "".join(f"  missing: {text}\n" for text in missing)
        + "".join(f"  stale: {text}\n" for text in stale))


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated(locale: str) -> None:
    cat = catalog(locale)
    assert not cat.fuzzy, f"{locale}: the header entry is marked fuzzy, so compilers would drop it"
    problems = []
    for key, message in messages(cat).items():
        if message.fuzzy:
            problems.append(f"fuzzy: {describe(key)}")
        elif isinstance(message.id, tuple) and len(forms(message)) != cat.num_plurals:
            problems.append(f"{len(forms(message))} plural forms, need {cat.num_plurals}: {describe(key)}")
        elif not all(text.strip() for text in forms(message)):
            problems.append(f"untranslated: {describe(key)}")
    assert not problems, f"{locale}: {len(problems)} entries to fix ({UPDATE_HINT}):\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_match(locale: str) -> None:
    problems = []
    for key, message in messages(catalog(locale)).items():
        wanted = {p for text in source_texts(message) for p in PLACEHOLDER.findall(text)}
        fields = dict.fromkeys({p.strip("{}").split("!")[0].split(":")[0] for p in wanted}, "x")
        for index, text in enumerate(forms(message)):
            found = set(PLACEHOLDER.findall(text))
            if found != wanted:
                problems.append(f"{describe(key)} form {index}: has {sorted(found)}, needs {sorted(wanted)}")
                continue
            try:
                text.format(**fields)
            except (ValueError, KeyError, IndexError) as error:
                problems.append(f"{describe(key)} form {index}: str.format fails ({error})")
    assert not problems, f"{locale}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
def test_shortcuts_and_accelerators_are_kept(locale: str) -> None:
    problems = []
    for key, message in messages(catalog(locale)).items():
        source = source_texts(message)[0]
        shortcuts = SHORTCUT.findall(source)
        for text in forms(message):
            if any(shortcut not in text for shortcut in shortcuts):
                problems.append(f"{describe(key)}: keep {shortcuts} as written")
            if source.count("&") == 1 and text.replace("&&", "").count("&") != 1:
                problems.append(f"{describe(key)}: needs exactly one & accelerator")
    assert not problems, f"{locale}:\n  " + "\n  ".join(problems)


def test_format_strings_are_python_brace_format() -> None:
    """Every message that has a placeholder is flagged, so translators' tools check the braces too."""
    unflagged = [describe(key) for key, message in messages(template()).items()
                 if any(PLACEHOLDER.search(text) for text in source_texts(message))
                 and "python-brace-format" not in message.flags]
    assert not unflagged, "placeholders in a string that is not a brace format: " + ", ".join(unflagged)


# ---------------------------------------------------------------- plural rules


def test_filipino_plural_forms_header_is_the_cldr_rule() -> None:
    assert compiled("fil").info()["plural-forms"] == FIL_PLURAL_FORMS
    # Babel writes another rule for fil on every `pybabel update`/`init`: the script must fix it again.
    assert FIL_PLURAL_FORMS in (ROOT / "scripts" / "update_translations").read_text(encoding="utf-8")


def test_filipino_plural_rule_picks_form_1_only_for_4_6_9() -> None:
    expression = FIL_PLURAL_FORMS.split("plural=", 1)[1].rstrip(";")
    rule = gettext.c2py(expression)
    assert [n for n in range(31) if rule(n) == 1] == [n for n in range(31) if n % 10 in {4, 6, 9}]
    assert all(rule(n) == 0 for n in range(31) if n % 10 not in {4, 6, 9})


@pytest.mark.parametrize("locale", LOCALES)
def test_plural_forms_follow_cldr(locale: str) -> None:
    """Form 0 exactly where CLDR says "one" (up to 200; Spanish "many" starts at a million)."""
    cldr = Locale.parse(locale).plural_form
    plural = compiled(locale).info()["plural-forms"].split("plural=", 1)[1].rstrip(";")
    form = gettext.c2py(plural)
    wrong = [n for n in range(201) if (form(n) == 0) != (cldr(n) == "one")]
    assert not wrong, f"{locale}: gettext and CLDR disagree for n = {sorted(set(wrong))}"


# ---------------------------------------------------------------- loading through deskapp.core.i18n

KNOWN = {
    "fi": {"Cancel": "Peruuta", "open": "Avoin", "revisions": "4 versiota"},
    "fil": {"Cancel": "Kanselahin", "open": "Bukas", "revisions": "4 rebisyon"},
    "es": {"Cancel": "Cancelar", "open": "Abierto", "revisions": "4 versiones"},
}


@pytest.fixture
def restore_locale() -> Iterator[None]:
    yield
    i18n.set_locale(i18n.SOURCE_LOCALE)


@pytest.mark.usefixtures("restore_locale")
@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalog_translates_through_set_locale(locale: str) -> None:
    assert i18n.set_locale(locale, catalog=compiled(locale)) == locale
    assert i18n.current_locale() == locale
    assert i18n._("Cancel") == KNOWN[locale]["Cancel"]
    assert CaseStatus.OPEN.label == KNOWN[locale]["open"]
    assert i18n.ngettext("{n} revision", "{n} revisions", 4).format(n=4) == KNOWN[locale]["revisions"]


def test_filipino_uses_form_1_for_numbers_ending_in_4_6_9() -> None:
    translations = compiled("fil")
    singular, plural = forms(catalog("fil")[("{n} revision", "{n} revisions")])
    assert [translations.ngettext("{n} revision", "{n} revisions", n) for n in (1, 2, 4, 6, 9, 10, 14)] == [
        singular, singular, plural, plural, plural, singular, plural]


@pytest.mark.parametrize(("spelling", "code"), [
    ("tl", "fil"), ("tl_PH", "fil"), ("fil-PH", "fil"), ("fi_FI.UTF-8", "fi"), ("ES", "es"), ("es-MX", "es"),
    ("en_GB", "en"), ("xx", None), ("", None), (None, None),
])
def test_normalise_locale(spelling: str | None, code: str | None) -> None:
    assert i18n.normalise_locale(spelling) == code


@pytest.mark.usefixtures("restore_locale")
def test_without_a_catalog_the_source_text_is_shown() -> None:
    assert type(i18n.load_catalog("xx")) is gettext.NullTranslations
    assert type(i18n.load_catalog(i18n.SOURCE_LOCALE)) is gettext.NullTranslations
    assert i18n.set_locale("xx") == i18n.SOURCE_LOCALE
    assert i18n._("Cancel") == "Cancel"
    assert i18n.ngettext("{n} revision", "{n} revisions", 4) == "{n} revisions"
    i18n.set_locale("fi", catalog=gettext.NullTranslations())
    assert i18n._("Cancel") == "Cancel"
    assert CaseStatus.OPEN.label == "Open"

