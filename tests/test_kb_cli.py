"""``deskapp kb`` and ``deskapp report usage``: the JSON contract, the YAML round trip, bad lines reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from deskapp.core.demo.builder import build_demo
from deskapp.core.domain.knowledge import Article
from deskapp.core.domain.quality import Feedback
from deskapp.core.services.kernel.actors import console_actor
from deskapp.core.services.knowledge import usage
from deskapp.core.services.knowledge.library import export_articles, import_articles
from tests.seeding import new_case, seed

LANGUAGES = ["en", "fi", "fil", "es"]


@pytest.fixture
def demo_desk(engine: Engine) -> Engine:
    with Session(engine) as session:
        console = console_actor(session)
    build_demo(engine, console, 20)
    return engine


def test_list_json_shows_the_starter_articles_in_four_languages(
    cli,
    demo_desk: Engine,  # type: ignore[no-untyped-def]
    db_url: str,
) -> None:
    code, out, err = cli("--db", db_url, "kb", "list", "--json")
    assert (code, err) == (0, "")
    rows = json.loads(out)
    assert len(rows) >= 30
    assert all(set(row) == {"key", "title", "languages", "brand", "audience"} for row in rows)
    assert all(row["languages"] == LANGUAGES for row in rows)
    assert {row["brand"] for row in rows} >= {"nordtel", "luzon", "iberia", "internal", None}
    assert {row["audience"] for row in rows} == {"internal", "customer"}
    router = next(row for row in rows if row["key"] == "nordtel.router-restart")
    assert router == {
        "key": "nordtel.router-restart",
        "title": "Restarting the home router",
        "languages": LANGUAGES,
        "brand": "nordtel",
        "audience": "customer",
    }
    code, out, _ = cli("--db", db_url, "kb", "list", "--json", "--brand", "iberia", "--lang", "fi")
    rows = json.loads(out)
    assert {row["brand"] for row in rows} == {"iberia", None}
    assert any(row["title"] == "Huonekalujen ja sohvien palautusaika" for row in rows)


@pytest.mark.parametrize(
    ("query", "lang", "expected"),
    [
        ("sahkokatkos", "fi", "luzon.power-outage"),
        ("contrasena", "es", "internal.password-reset"),
        ("brownout", "fil", "luzon.power-outage"),
        ("warranty", "en", "iberia.warranty"),
    ],
)
def test_search_json_finds_words_typed_without_accents(
    cli,
    demo_desk: Engine,
    db_url: str,  # type: ignore[no-untyped-def]
    query: str,
    lang: str,
    expected: str,
) -> None:
    code, out, err = cli("--db", db_url, "kb", "search", query, "--lang", lang, "--json")
    assert (code, err) == (0, "")
    rows = json.loads(out)
    assert all(set(row) == {"key", "title", "languages", "brand", "audience", "score"} for row in rows)
    assert rows[0]["key"] == expected
    assert isinstance(rows[0]["score"], float)


def test_search_with_a_brand_and_a_table(cli, demo_desk: Engine, db_url: str) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("--db", db_url, "kb", "search", "password", "--brand", "internal", "--json")
    rows = json.loads(out)
    assert code == 0 and rows and {row["brand"] for row in rows} <= {"internal", None}
    code, out, _ = cli("--db", db_url, "kb", "search", "router")
    assert code == 0 and "nordtel.router-restart" in out
    code, _, err = cli("--db", db_url, "kb", "search", "router", "--lang", "xx")
    assert code == 1 and err.count("\n") == 1 and "xx" in err
    code, _, err = cli("--db", db_url, "kb", "search", "router", "--brand", "nobrand")
    assert code == 1 and err.count("\n") == 1 and "nobrand" in err


def test_export_import_round_trips_exactly(cli, demo_desk: Engine, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = tmp_path / "kb.yaml"
    code, out, _ = cli("--db", db_url, "kb", "export", str(first))
    assert code == 0 and "33" in out
    other = tmp_path / "other.db"
    other_url = f"sqlite:///{other}"
    build_demo_url = other_url
    from deskapp.core.storage import migrate
    from deskapp.core.storage.engine import make_engine

    engine = make_engine(build_demo_url)
    migrate.upgrade(engine)
    seed(engine)
    with Session(engine) as session:
        from deskapp.core.domain.models import Brand

        session.add_all(
            [Brand(code="luzon", name="L", default_locale="fil"), Brand(code="iberia", name="I", default_locale="es")]
        )
        session.commit()
    engine.dispose()
    code, out, err = cli("--db", other_url, "kb", "import", str(first))
    assert (code, err) == (0, "") and "33" in out
    second = tmp_path / "kb2.yaml"
    assert cli("--db", other_url, "kb", "export", str(second))[0] == 0
    assert second.read_bytes() == first.read_bytes()
    code, out, _ = cli("--db", other_url, "kb", "import", str(second))  # again: nothing changes
    assert code == 0 and "33" in out.split(",")[2]


def test_bad_entries_are_reported_with_their_line_and_nothing_is_imported(
    cli,
    engine: Engine,  # type: ignore[no-untyped-def]
    db_url: str,
    tmp_path: Path,
) -> None:
    seed(engine)
    path = tmp_path / "bad.yaml"
    path.write_text(
        "format: deskapp-kb/1\n"
        "articles:\n"
        "  - key: good.one\n"  # line 3: fine
        "    variants:\n"
        "      en: {title: Good, short_answer: Fine., body: Body}\n"
        "  - key: Bad Key\n"  # line 6
        "    variants:\n"
        "      en: {title: Bad, body: x}\n"
        "  - key: no.brand\n"  # line 9
        "    brand: nowhere\n"
        "    variants:\n"
        "      en: {title: X, body: x}\n"
        "  - key: no.source\n"  # line 13
        "    variants:\n"
        "      fi: {title: Vain suomi, body: x}\n",
        encoding="utf-8",
    )
    code, out, err = cli("--db", db_url, "kb", "import", str(path))
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert [line.split(":")[1].strip() for line in lines[:3]] == ["line 6", "line 9", "line 13"]
    assert "nowhere" in lines[1] and "Nothing was imported" in lines[-1]
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 0  # not even good.one


def test_errors_speak_the_users_language(cli, engine: Engine, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seed(engine)
    path = tmp_path / "bad.yaml"
    path.write_text(
        "format: deskapp-kb/1\narticles:\n  - key: x.y\n    audience: everyone\n"
        "    variants: {en: {title: T, body: b}}\n",
        encoding="utf-8",
    )
    expected = {"en": "audience", "fi": "yleisö", "fil": "audience", "es": "público"}
    for lang, word in expected.items():
        code, _out, err = cli("--lang", lang, "--db", db_url, "kb", "import", str(path))
        assert code == 1 and word in err.splitlines()[0], (lang, err)


def test_report_usage_counts_uses_flags_and_csat(cli, engine: Engine, db_url: str) -> None:  # type: ignore[no-untyped-def]
    s = seed(engine)
    with Session(engine) as session:
        console = console_actor(session)
        import_articles(session, console, export_articles_fixture())
        case = new_case(session, s)
        inserted = usage.use_article(session, s.rep, "t.router", case_id=case.id, locale="fi")
        usage.use_article(session, s.rep, "t.router", case_id=case.id, locale="es")
        usage.flag_article(session, s.rep, "t.router", "Ohje on vanhentunut", "fi")
        session.add(Feedback(case_id=case.id, agent_id=s.rep, score=4, channel="phone"))
        session.commit()
    assert inserted.text == "Käynnistä reititin. (KB t.router)" and inserted.locale == "fi"
    code, out, err = cli("--db", db_url, "report", "usage", "--json")
    assert (code, err) == (0, "")
    rows = {row["key"]: row for row in json.loads(out)}
    router = rows["t.router"]
    assert (router["kind"], router["uses"], router["flags"], router["csat"], router["csat_count"]) == (
        "article",
        2,
        1,
        4.0,
        1,
    )
    assert router["by_language"] == {"es": 1, "fi": 1} and router["by_brand"] == {"nordtel": 2}
    assert rows["t.unused"]["never_used"] and rows["t.unused"]["uses"] == 0
    code, out, _ = cli("--db", db_url, "report", "usage", "--since", "2999-01-01", "--json")
    assert json.loads(out)[0]["uses"] == 0
    code, out, _ = cli("--db", db_url, "report", "usage")
    assert code == 0 and "t.router" in out


def export_articles_fixture() -> str:
    return (
        "format: deskapp-kb/1\narticles:\n"
        "  - key: t.router\n    brand: nordtel\n    variants:\n"
        "      en: {title: Router, short_answer: Restart the router., body: Body}\n"
        "      fi: {title: Reititin, short_answer: Käynnistä reititin., body: Teksti}\n"
        "      es: {title: Router, short_answer: Reinicie el router., body: Texto}\n"
        "  - key: t.unused\n    variants:\n      en: {title: Unused, body: Body}\n"
    )


def test_export_is_what_import_reads(engine: Engine) -> None:
    seed(engine)
    with Session(engine) as session:
        console = console_actor(session)
        import_articles(session, console, export_articles_fixture())
        text = export_articles(session, console)
        again = import_articles(session, console, text)
    assert (again.created, again.updated, again.unchanged, again.problems) == (0, 0, 2, [])
