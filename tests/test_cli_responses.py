"""``deskapp responses`` and ``deskapp scripts``: the JSON contract, errors in one line, the YAML round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from deskapp.core.services.auth import auth
from deskapp.core.services.kernel.actors import console_actor
from tests.test_responses import make_desk

LOCALES = ["en", "fi", "fil", "es"]


def test_list_json_loads_the_starter_library_on_first_run(cli, db_url: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("--db", db_url, "responses", "list", "--json")
    assert (code, err) == (0, "")
    rows = json.loads(out)
    assert len(rows) == 40
    assert all(set(row) == {"key", "title", "category", "locales", "stale"} for row in rows)
    first = rows[0]
    assert first == {"key": "greeting.phone", "title": "Phone greeting", "category": "greeting",
                     "locales": LOCALES, "stale": []}


def test_list_table_search_and_category(cli, db_url: str) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("--db", db_url, "responses", "list", "--search", "reembolso")
    assert code == 0
    assert out.splitlines()[0].split()[:2] == ["Key", "Category"]
    assert "billing.refund" in out
    code, out, _ = cli("--db", db_url, "responses", "list", "--category", "billing", "--json")
    assert {row["category"] for row in json.loads(out)} == {"billing"}
    code, _, err = cli("--db", db_url, "responses", "list", "--category", "gossip")
    assert code == 1
    assert err.count("\n") == 1
    assert "gossip" in err


def test_render_json_picks_the_customer_language(cli, engine: Engine, db_url: str) -> None:  # type: ignore[no-untyped-def]
    ids = make_desk(engine)
    code, out, err = cli("--db", db_url, "responses", "render", "apology.delayed_delivery", "--customer", "FI-1",
                         "--prompt", "new_date=2025-03-14", "--agent", "anna", "--case", str(ids["case"]), "--json")
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert set(result) == {"key", "locale", "text"}
    assert (result["key"], result["locale"]) == ("apology.delayed_delivery", "fi")
    assert "14. maaliskuuta 2025" in result["text"]
    code, out, _ = cli("--db", db_url, "responses", "render", "greeting.phone", "--customer", "FI-1",
                       "--locale", "es", "--agent", "anna")
    assert code == 0
    assert out == "Gracias por llamar a Nordic Telecom, le atiende Anna. ¿En qué puedo ayudarle?\n"


def test_render_answers_as_this_computers_user_without_agent(  # type: ignore[no-untyped-def]
        cli, engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    make_desk(engine)
    args = ("--db", db_url, "responses", "render", "greeting.phone", "--customer", "FI-1", "--locale", "es")
    monkeypatch.setattr("getpass.getuser", lambda: "Anna")  # the OS login, matched without regard to case
    assert cli(*args) == (0, "Gracias por llamar a Nordic Telecom, le atiende Anna. ¿En qué puedo ayudarle?\n", "")
    assert cli(*args, "--agent", "SAM")[1] == ("Gracias por llamar a Nordic Telecom, le atiende Sam. ¿En qué puedo "
                                                "ayudarle?\n")  # --agent wins
    note = ("Note: no --agent given, and no active user account is named like this computer's user (kiosk), so "
            "the representative's name is left empty. Add --agent USERNAME to fill it in.\n")
    monkeypatch.setattr("getpass.getuser", lambda: "kiosk")
    code, out, err = cli(*args, "--json")
    assert (code, err) == (0, note)
    assert json.loads(out)["text"] == "Gracias por llamar a Nordic Telecom, le atiende . ¿En qué puedo ayudarle?"
    with Session(engine) as session:  # a disabled account is not answered as
        auth.disable_user(session, console_actor(session), "anna")
    monkeypatch.setattr("getpass.getuser", lambda: "anna")
    assert cli(*args)[2] == note.replace("(kiosk)", "(anna)")
    # A response that does not name the representative needs no note.
    code, out, err = cli("--db", db_url, "responses", "render", "closing.anything_else", "--customer", "FI-1")
    assert (code, err) == (0, ""), err


def test_render_errors_are_one_clear_line(cli, engine: Engine, db_url: str) -> None:  # type: ignore[no-untyped-def]
    make_desk(engine)
    code, out, err = cli("--db", db_url, "responses", "render", "apology.delayed_delivery", "--customer", "FI-1")
    assert (code, out) == (1, "")
    assert err == "deskapp: Fill in New delivery date (new_date) first.\n"
    for args in (["no.such.key", "--customer", "FI-1"], ["greeting.phone", "--customer", "XX-404"],
                 ["greeting.phone", "--customer", "FI-1", "--prompt", "novalue"],
                 ["greeting.phone", "--customer", "FI-1", "--agent", "nobody"]):
        code, _, err = cli("--db", db_url, "responses", "render", *args)
        assert code == 1, args
        assert err.startswith("deskapp: ") and err.count("\n") == 1, err


def test_scripts_list_json(cli, db_url: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("--db", db_url, "scripts", "list", "--json")
    assert (code, err) == (0, "")
    rows = json.loads(out)
    assert len(rows) == 7
    assert all(set(row) == {"key", "version", "title", "locales"} for row in rows)
    assert {"key": "phone_greeting_identity", "version": 1, "title": "Phone greeting and identity check",
            "locales": LOCALES} in rows
    code, out, _ = cli("--db", db_url, "scripts", "list")
    assert code == 0
    assert "phone_greeting_identity" in out


def test_export_import_export_is_byte_identical(cli, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("--db", db_url, "responses", "list")  # first run: the starter library
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    code, out, _ = cli("--db", db_url, "responses", "export", str(first))
    assert code == 0
    assert "40" in out
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    code, out, err = cli("--db", fresh, "responses", "import", str(first))
    assert (code, err) == (0, "")
    assert "40" in out
    assert cli("--db", fresh, "responses", "export", str(second))[0] == 0
    assert second.read_bytes() == first.read_bytes()
    code, out, _ = cli("--db", fresh, "responses", "import", str(first))
    assert code == 0
    assert "40 unchanged" in out


def test_import_reports_bad_entries_and_keeps_good_ones(cli, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "mixed.yaml"
    path.write_text("""format: deskapp-responses/1
responses:
  - key: good.one
    title: Good
    category: closing
    variants:
      en: {title: Good, body: "Goodbye, {{ customer.given_name | default('there', true) }}!"}
  - key: bad.one
    title: Bad
    category: closing
    variants:
      en: {title: Bad, body: "{% if %}"}
""", encoding="utf-8")
    code, out, err = cli("--db", db_url, "responses", "import", str(path))
    assert code == 1
    assert "1 new" in out
    assert "1 rejected" in out
    assert err.startswith("deskapp: line 8: bad.one: en text, line 1: ")
    code, out, _ = cli("--db", db_url, "responses", "list", "--json")
    assert [row["key"] for row in json.loads(out)] == ["good.one"]  # not a first run any more


def test_an_unreadable_file_is_one_line_and_a_failure(cli, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for path, text in ((tmp_path / "missing.yaml", None), (tmp_path / "broken.yaml", "format: [\n"),
                       (tmp_path / "other.yaml", "format: deskapp-scripts/1\nscripts: []\n")):
        if text is not None:
            path.write_text(text, encoding="utf-8")
        code, out, err = cli("--db", db_url, "responses", "import", str(path))
        assert (code, out) == (1, "")
        assert err.startswith("deskapp: ") and err.count("\n") == 1, err


def test_import_reports_a_recursive_template_instead_of_a_traceback(  # type: ignore[no-untyped-def]
        cli, db_url: str, tmp_path: Path) -> None:
    deep = "{{ " + "(" * 100 + "1" + ")" * 100 + " }}"
    path = tmp_path / "hostile.yaml"
    path.write_text(f"""format: deskapp-responses/1
responses:
  - key: deep.one
    title: Deep
    category: closing
    variants:
      en: {{title: Deep, body: "{deep}"}}
  - key: good.one
    title: Good
    category: closing
    variants:
      en: {{title: Good, body: "Goodbye!"}}
  - key: self.calling
    title: Recursive
    category: closing
    variants:
      en: {{title: Recursive, body: "{{% macro f() %}}{{{{ f() }}}}{{% endmacro %}}{{{{ f() }}}}"}}
""", encoding="utf-8")
    code, out, err = cli("--db", db_url, "responses", "import", str(path))
    assert code == 1
    assert "1 new" in out and "2 rejected" in out
    assert "Traceback" not in err and "RecursionError" not in err
    assert err.splitlines() == [
        "deskapp: line 3: deep.one: en text, The template is nested too deeply: at most 40 levels of tags, filters "
        "and brackets inside each other.",
        "deskapp: line 13: self.calling: en text, line 1: The macro “f” calls itself (directly or through another "
        "macro); templates cannot use recursion."]
    code, out, _ = cli("--db", db_url, "responses", "list", "--json")
    assert [row["key"] for row in json.loads(out)] == ["good.one"]
