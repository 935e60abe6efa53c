"""Finding duplicate customers: planted duplicates of every kind are found, same-name strangers are not."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import CustomerKind
from deskapp.core.errors import RecordNotFound
from deskapp.core.search.similarity import (
    LIKELY,
    ONE_LETTER,
    SAME_EMAIL,
    SAME_NAME,
    SAME_PHONE,
    SWAPPED,
    Person,
    candidate_pairs,
    score,
)
from deskapp.core.services.customers.store import CustomerRecord, write_customers
from deskapp.core.services.merge.duplicates import find_duplicates, likely_duplicates
from tests.planted_duplicates import KINDS, plant, write
from tests.seeding import Seed, console


def _person(cid: int, given: str, family: str, *, phones: tuple[str, ...] = (), emails: tuple[str, ...] = (),
            internal: bool = False, organisation: str = "", brand: int = 1, born: int | None = None) -> Person:
    return Person(cid, f"A-{cid}", internal, brand, given, family, organisation, frozenset(phones),
                  frozenset(emails), born)


def test_the_score_names_its_reasons() -> None:
    jose = _person(1, "José", "Dela Cruz", phones=("+639171234567",), emails=("jose@example.com",))
    assert score(jose, _person(2, "Jose", "DELA CRUZ", emails=("jose@example.com",), phones=("+639170000000",))
                 ).reasons == (SAME_EMAIL, SAME_NAME)
    swapped = score(jose, _person(3, "Dela Cruz", "José", phones=("+639171234567",)))
    assert swapped.reasons == (SAME_PHONE, SWAPPED) and swapped.score >= LIKELY
    typo = score(jose, _person(4, "Jose", "Dela Crux", phones=("+639171234567",)))
    assert typo.reasons == (SAME_PHONE, ONE_LETTER) and typo.score >= LIKELY
    # The same common name, each with their own phone and e-mail: not the same person.
    stranger = score(jose, _person(5, "José", "Dela Cruz", phones=("+639179999999",), emails=("jdc@example.com",)))
    assert stranger.score < 0.3
    # A shared family phone with another given name is not enough.
    assert score(jose, _person(6, "Maricel", "Dela Cruz", phones=("+639171234567",))).score < LIKELY
    # A department is compared only with departments, a brand's customers only with that brand's.
    finance = _person(7, "", "", internal=True, organisation="Finance", emails=("finance@corp.example",))
    assert score(finance, _person(8, "", "", organisation="Finance", emails=("finance@corp.example",))).score == 0
    assert score(finance, _person(9, "", "", internal=True, organisation="FINANCE",
                                  emails=("finance@corp.example",))).score >= LIKELY
    assert score(jose, _person(10, "José", "Dela Cruz", phones=("+639171234567",), brand=2)).score == 0


def test_blocks_pair_each_candidate_once() -> None:
    people = [_person(1, "Ana", "Reyes", phones=("+1",), emails=("a@x",)),
              _person(2, "Reyes", "Ana", phones=("+1",), emails=("a@x",)),
              _person(3, "Ana", "Reyes", phones=("+2",))]
    assert sorted((a.customer_id, b.customer_id) for a, b in candidate_pairs(people)) == [(1, 2), (1, 3), (2, 3)]


def test_planted_duplicates_are_found_and_strangers_are_not(engine: Engine) -> None:
    desk = plant(2000, per_kind=40)
    write(engine, desk)
    assert desk.same_name_pairs > 500  # many different people share a name
    with Session(engine) as session:
        pairs = find_duplicates(session, console(engine))
    found = {tuple(sorted((p.keep.account_number, p.other.account_number))) for p in pairs}
    for kind in KINDS:
        planted = {pair for pair, k in desk.pairs.items() if k == kind}
        assert len(planted & found) >= 0.95 * len(planted), kind
    strangers = found - set(desk.pairs)
    assert len(strangers) <= 0.02 * len(found)
    assert len(found & desk.households) <= 0.05 * len(desk.households)
    assert [p.score for p in pairs] == sorted((p.score for p in pairs), reverse=True)


def test_twenty_thousand_customers_in_well_under_thirty_seconds(engine: Engine) -> None:
    desk = plant(20_000, per_kind=80)
    write(engine, desk)
    with Session(engine) as session:
        started = time.perf_counter()
        pairs = find_duplicates(session, console(engine))
        elapsed = time.perf_counter() - started
    assert elapsed < 30
    found = {tuple(sorted((p.keep.account_number, p.other.account_number))) for p in pairs}
    assert len(found & set(desk.pairs)) >= 0.95 * len(desk.pairs)


def test_one_customers_likely_duplicates_and_the_suggested_survivor(engine: Engine, s: Seed) -> None:
    write_customers(engine, [
        CustomerRecord(account_number="FI-000231", brand_code="nordtel", given_name="Jukka", family_name="MAKINEN",
                       phones=["+358401234567"]),
        CustomerRecord(account_number="FI-000232", brand_code="nordtel", given_name="Jukka", family_name="Mäkinen",
                       phones=["+358409999999"], emails=["other.jukka@example.com"]),
        CustomerRecord(account_number="INT-000002", brand_code="internal", kind=CustomerKind.INTERNAL,
                       organisation="FINANCE"),
    ])
    with Session(engine) as session:
        hint = likely_duplicates(session, s.rep, s.customer)
        assert [(p.other.account_number, p.reasons) for p in hint] == [("FI-000231", (SAME_PHONE, SAME_NAME))]
        pairs = find_duplicates(session, s.supervisor)
        assert [(p.keep.account_number, p.other.account_number) for p in pairs] == [("FI-000001", "FI-000231")]
        assert find_duplicates(session, s.supervisor, brand="internal") == []
        with pytest.raises(RecordNotFound, match="No brand with the code nope"):
            find_duplicates(session, s.supervisor, brand="nope")


def test_duplicates_command_prints_the_contract(engine: Engine, s: Seed, db_url: str, cli) -> None:  # type: ignore[no-untyped-def]
    write_customers(engine, [
        CustomerRecord(account_number="FI-000231", brand_code="nordtel", given_name="Makinen", family_name="Jukka",
                       emails=["JUKKA.MAKINEN@example.com"]),
        CustomerRecord(account_number="FI-000232", brand_code="nordtel", given_name="Jukka", family_name="Mäkinem",
                       phones=["+358401234567"]),
    ])
    code, out, err = cli("--db", db_url, "customers", "duplicates", "--json")
    assert (code, err) == (0, "")
    rows = json.loads(out)
    assert [set(row) for row in rows] == [{"accounts", "score", "reasons"}] * 2
    assert rows[0]["accounts"] == ["FI-000001", "FI-000231"] and rows[0]["reasons"] == ["same e-mail", "names swapped"]
    assert rows[1]["accounts"] == ["FI-000001", "FI-000232"]
    assert rows[1]["reasons"] == ["same phone", "name differs by one letter"]
    assert 0 < rows[1]["score"] <= rows[0]["score"] <= 1
    code, out, _err = cli("--db", db_url, "customers", "duplicates", "--json", "--limit", "1", "--brand", "nordtel")
    assert len(json.loads(out)) == 1
    code, out, _err = cli("--db", db_url, "customers", "duplicates", "--min-score", "0.99")
    assert (code, out.strip()) == (0, "No likely duplicates found.")
    code, _out, err = cli("--db", db_url, "customers", "duplicates", "--min-score", "2")
    assert code == 2 and "between 0 and 1" in err
    code, _out, err = cli("--db", db_url, "--lang", "fi", "customers", "duplicates", "--brand", "nope")
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err


def test_import_reports_rows_that_look_like_customers_already_there(any_engine: Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from deskapp.core.services.customers.csv_import import import_customers
    from deskapp.core.services.customers.profile import customer_profile
    from tests.seeding import seed

    s = seed(any_engine)
    path = tmp_path / "walk-ins.csv"
    path.write_text("account_number,kind,given_name,family_name,organisation,email,phone,preferred_locale,brand\n"
                    "FI-000231,external,Jukka,Makinen,,JUKKA.MAKINEN@example.com,,fi,nordtel\n"
                    "FI-000232,external,Aino,Aalto,,aino@example.com,+358409999999,fi,nordtel\n"
                    "FI-000001,external,Jukka,Mäkinen,,jukka.makinen@example.com,+358401234567,fi,nordtel\n"
                    "FI-000233,external,Mäkinen,Jukka,,,+358401234567,fi,nordtel\n", encoding="utf-8")
    summary = import_customers(any_engine, console(any_engine), path)
    assert [(f.line, f.account_number, f.existing, f.reasons) for f in summary.lookalikes] == [
        (2, "FI-000231", "FI-000001", (SAME_EMAIL, SAME_NAME)),
        (5, "FI-000233", "FI-000001", (SAME_PHONE, SWAPPED)),
    ]
    assert summary.lookalike_total == 2 and summary.created == 3  # reported, not merged
    with Session(any_engine) as session:
        assert customer_profile(session, s.rep, "FI-000231").account_number == "FI-000231"


def test_import_command_prints_the_lookalikes(engine: Engine, s: Seed, db_url: str, tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "walk-ins.csv"
    path.write_text("account_number,kind,given_name,family_name,organisation,email,phone,preferred_locale,brand\n"
                    "FI-000231,external,Jukka,Makinen,,JUKKA.MAKINEN@example.com,,fi,nordtel\n", encoding="utf-8")
    code, _out, err = cli("--db", db_url, "import", "customers", str(path))
    assert code == 0
    assert f"{path}, line 2 looks like FI-000001: same e-mail, same name\n" in err
    assert "1 row looks like a customer already on the desk; nothing was merged" in err


def test_without_a_shared_phone_or_email_no_pair_is_likely() -> None:
    from deskapp.core.search.similarity import NAME_ONLY_BEST

    bare = _person(1, "Ana", "Reyes")
    for other in (_person(2, "Ana", "Reyes"), _person(3, "Reyes", "Ana", phones=("+1",)),
                  _person(4, "Ana", "Reyes", emails=("a@x",), born=1980)):
        assert score(bare, other).score <= NAME_ONLY_BEST < LIKELY


def test_the_same_pairs_on_sqlite_and_postgresql(any_engine: Engine) -> None:
    desk = plant(300, per_kind=10, seed=7)
    write(any_engine, desk)
    with Session(any_engine) as session:
        pairs = find_duplicates(session, console(any_engine))
        found = {tuple(sorted((p.keep.account_number, p.other.account_number))) for p in pairs}
        assert found == set(desk.pairs)
        one = next(p for p in pairs if p.reasons[0] == SAME_PHONE)
        hint = likely_duplicates(session, console(any_engine), one.other.customer_id)
        assert [p.other.account_number for p in hint] == [one.keep.account_number]
