"""``deskapp demo``: deterministic, idempotent, covering every vocabulary value, with valid data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from deskapp.core.demo.builder import build_demo, customer_records
from deskapp.core.domain.enums import Channel, CustomerKind, PurchasePhase, SupportStage
from deskapp.core.domain.models import Agent, Case, CaseNote, Customer, CustomerPhone, NoteRevision
from deskapp.core.domain.quality import Feedback
from deskapp.core.search.phones import to_e164
from deskapp.core.security.passwords import verify_password
from deskapp.core.services.customers.profile import customer_profile
from deskapp.core.services.kernel.actors import console_actor
from deskapp.core.services.notes import notes
from deskapp.core.storage import migrate
from deskapp.core.storage.engine import make_engine
from tests.seeding import console

N = 300
ANCHOR = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)


@pytest.fixture
def demo(engine: Engine) -> Engine:
    """A demo database of this test's own, for tests that change it."""
    build_demo(engine, console(engine), N, anchor=ANCHOR)
    return engine


@pytest.fixture(scope="module")
def shared_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One demo database for the tests that only read it."""
    eng = make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}")
    migrate.upgrade(eng)
    build_demo(eng, console(eng), N, anchor=ANCHOR)
    yield eng
    eng.dispose()


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    queries = {
        "customers": "SELECT account_number, kind, given_name, family_name, organisation, preferred_locale, "
                     "birth_year, age_band, gender, income_band, lifestyle, occupation, search_text "
                     "FROM customer ORDER BY account_number",
        "phones": "SELECT c.account_number, p.position, p.e164 FROM customer_phone p "
                  "JOIN customer c ON c.id = p.customer_id ORDER BY 1, 2",
        "emails": "SELECT c.account_number, e.position, e.address FROM customer_email e "
                  "JOIN customer c ON c.id = e.customer_id ORDER BY 1, 2",
        "cases": "SELECT id, customer_id, subject, purchase_phase, support_stage, channel, priority, status, "
                 "owner_id, opened_at, closed_at FROM support_case ORDER BY id",
        # not the hashes: they are keyed with each desk's own random key
        "revisions": "SELECT note_id, number, body, author_id, created_at FROM note_revision ORDER BY id",
        "feedback": "SELECT case_id, score, comment, channel FROM feedback ORDER BY id",
        "agents": "SELECT username, display_name, role, ui_locale, languages FROM agent ORDER BY username",
        "brands": "SELECT code, name, default_region, default_locale FROM brand ORDER BY code",
    }
    with engine.connect() as conn:
        return {name: [tuple(row) for row in conn.execute(text(sql))] for name, sql in queries.items()}


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_cli_builds_and_prints_a_summary(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "demo.sqlite3"
    code, out, err = cli("--db", str(db), "demo", "--customers", str(N))
    assert code == 0, err
    assert "Brands: 5" in out and "Agents: 5" in out and "Customers: 300" in out
    assert "demo-<username>" in out
    code, out, err = cli("--db", str(db), "demo", "--customers", "-3")
    assert code == 2 and "whole number" in err


def test_cli_summary_in_ui_language(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _err = cli("--db", str(tmp_path / "d.sqlite3"), "--lang", "fi", "demo", "--customers", "1000")
    assert code == 0
    assert "1\xa0000" in out  # Finnish digit grouping (a no-break space), whatever the catalog holds


def test_deterministic_on_two_fresh_databases(demo: Engine, tmp_path: Path) -> None:
    other = make_engine(f"sqlite:///{tmp_path / 'second.sqlite3'}")
    try:
        migrate.upgrade(other)
        build_demo(other, console(other), N, anchor=ANCHOR)
        assert snapshot(other) == snapshot(demo)
    finally:
        other.dispose()


def test_first_customers_do_not_depend_on_the_total() -> None:
    small = [(r.account_number, r.given_name, r.phones) for r in customer_records(50)]
    large = [(r.account_number, r.given_name, r.phones) for r in customer_records(500)][:50]
    assert small == large


def test_rerun_does_not_duplicate(demo: Engine) -> None:
    before = snapshot(demo)
    with Session(demo) as session:
        hashes = dict(session.execute(select(Agent.username, Agent.password_hash)).all())
    summary = build_demo(demo, console(demo), N, anchor=ANCHOR)
    assert summary.cases_created == 0 and summary.notes_created == 0
    after = snapshot(demo)
    assert after == before
    with Session(demo) as session:
        assert dict(session.execute(select(Agent.username, Agent.password_hash)).all()) == hashes


def test_growing_the_demo_keeps_existing_rows(demo: Engine) -> None:
    before = snapshot(demo)
    summary = build_demo(demo, console(demo), N + 100, anchor=ANCHOR)
    after = snapshot(demo)
    assert summary.customers == N + 100
    assert after["customers"][: len(before["customers"])] != []  # sanity
    assert set(before["customers"]) <= set(after["customers"])
    assert after["cases"][: len(before["cases"])] == before["cases"]  # no case was duplicated or changed
    assert summary.cases_created == len(after["cases"]) - len(before["cases"]) > 0


def test_every_vocabulary_value_appears(shared_demo: Engine) -> None:
    with Session(shared_demo) as session:
        phases = set(session.scalars(select(Case.purchase_phase).distinct()))
        stages = set(session.scalars(select(Case.support_stage).distinct()))
        channels = set(session.scalars(select(Case.channel).distinct()))
    assert phases == set(PurchasePhase)
    assert stages == set(SupportStage)
    assert channels == set(Channel)


def test_shape_of_the_data(shared_demo: Engine) -> None:
    with Session(shared_demo) as session:
        assert count(session, Customer) == N
        assert session.scalar(select(func.count()).where(Customer.kind == CustomerKind.INTERNAL)) > 5
        departments = set(session.scalars(select(Customer.organisation).where(Customer.kind == CustomerKind.INTERNAL)))
        assert {"Finance"} <= departments and len(departments) >= 4
        cases = count(session, Case)
        assert N * 0.35 <= cases <= N * 0.8  # about one case per two customers
        assert count(session, CaseNote) >= cases
        assert set(session.scalars(select(NoteRevision.number).distinct())) == {1, 2, 3}
        scores = list(session.scalars(select(Feedback.score)))
        assert scores and all(1 <= s <= 5 for s in scores)
        assert sum(s >= 4 for s in scores) / len(scores) > 0.6  # mostly satisfied
        brands = session.scalars(select(func.count(func.distinct(Customer.brand_id)))).one()
        assert brands == 5


def test_every_phone_is_valid_e164(shared_demo: Engine) -> None:
    with Session(shared_demo) as session:
        phones = list(session.scalars(select(CustomerPhone.e164)))
    assert len(phones) > N * 0.8
    assert [p for p in phones if to_e164(p) != p] == []
    prefixes = {p[:4] for p in phones}
    assert {"+358", "+639", "+346", "+447"} <= prefixes


def test_phones_valid_for_a_larger_sample() -> None:
    phones = [p for record in customer_records(5000) for p in record.phones]
    assert [p for p in phones if to_e164(p) != p] == []


def test_fixed_customers(shared_demo: Engine) -> None:
    with Session(shared_demo) as session:
        jukka = customer_profile(session, console_actor(session), "FI-000001")
        assert (jukka.display_name, jukka.phones, jukka.brand_name) == (
            "Jukka Mäkinen", ("+358401234567",), "Nordic Telecom")
        assert customer_profile(session, console_actor(session), "ES-000001").display_name == "Dolores Muñoz"
        assert customer_profile(session, console_actor(session), "PH-000001").display_name == "Ma. Cristina Dela Cruz"
        assert customer_profile(session, console_actor(session), "GB-000001").display_name == "Siobhan O'Brien"
        finance = customer_profile(session, console_actor(session), "INT-000001")
        assert finance.kind is CustomerKind.INTERNAL and finance.display_name == "Finance"
        assert session.scalar(select(func.count()).select_from(Case).join(Customer)
                              .where(Customer.account_number == "FI-000001")) >= 2


def test_alerts_on_a_few_customers() -> None:
    alerted = sum(bool(record.alerts) for record in customer_records(2000))
    assert 20 <= alerted <= 100  # about 3%


def test_note_chains_verify(shared_demo: Engine) -> None:
    with Session(shared_demo) as session:
        note_ids = list(session.scalars(select(CaseNote.id)))
        assert all(notes.verify_chain(session, note_id) for note_id in note_ids)


def test_demo_passwords_verify(shared_demo: Engine) -> None:
    with Session(shared_demo) as session:
        agents = {a.username: (a.role.value, a.password_hash) for a in session.scalars(select(Agent))
                  if a.username != "console"}  # the console's account, which built the demo, has no password
    assert {name: role for name, (role, _h) in agents.items()} == {
        "anna": "rep", "jose": "rep", "maria": "rep", "sam": "supervisor", "admin": "admin"}
    for name, (_role, password_hash) in agents.items():
        assert password_hash and password_hash.startswith("$argon2id$")
        assert verify_password(password_hash, f"demo-{name}")
    assert not verify_password(agents["anna"][1], "anna")
