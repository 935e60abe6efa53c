"""The schema is built by the migrations, matches the models, and connections are set up safely."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from deskapp.core.config import database_url
from deskapp.core.domain.base import Base
from deskapp.core.domain.enums import CaseStatus, Channel, PurchasePhase, SupportStage
from deskapp.core.domain.models import Brand, Case, Customer
from deskapp.core.domain.quality import Feedback
from deskapp.core.errors import StorageError
from deskapp.core.storage import migrate
from deskapp.core.storage.engine import describe_storage_error, make_engine


def test_migrations_build_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": migrate.include_name})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_expected_head_is_the_newest_migration_script(engine: Engine) -> None:
    # start-up trusts EXPECTED_HEAD to skip Alembic; a new migration must update it
    assert migrate.head_revision() == migrate.EXPECTED_HEAD
    assert migrate.current_revision(engine) == migrate.EXPECTED_HEAD


def test_migrations_go_down_to_nothing_and_back(engine: Engine) -> None:
    migrate.downgrade(engine, "base")
    assert "customer" not in inspect(engine).get_table_names()
    migrate.upgrade(engine)
    assert {"customer", "support_case", "note_revision"} <= set(inspect(engine).get_table_names())


def test_every_connection_gets_the_safety_pragmas(engine: Engine) -> None:
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def _customer(session: Session) -> Customer:
    brand = Brand(code="acme", name="Acme")
    customer = Customer(brand=brand, account_number="A-1", given_name="Jukka", family_name="Mäkinen")
    session.add(customer)
    session.commit()
    return customer


def test_timestamps_come_back_aware_in_utc(engine: Engine) -> None:
    helsinki = dt.timezone(dt.timedelta(hours=2))
    with Session(engine) as session:
        customer = _customer(session)
        customer.created_at = dt.datetime(2026, 1, 2, 12, 0, tzinfo=helsinki)
        session.commit()
        customer_id = customer.id
    with Session(engine) as session:
        loaded = session.get(Customer, customer_id)
        assert loaded is not None
        assert loaded.created_at == dt.datetime(2026, 1, 2, 10, 0, tzinfo=dt.UTC)
        assert loaded.created_at.tzinfo is not None


def test_customer_version_increments_on_update(engine: Engine) -> None:
    with Session(engine) as session:
        customer = _customer(session)
        assert customer.version_id == 1
        customer.family_name = "Virtanen"
        session.commit()
        assert customer.version_id == 2


def test_foreign_keys_and_checks_are_enforced(engine: Engine) -> None:
    with Session(engine) as session:
        customer = _customer(session)
        case = Case(customer=customer, brand=customer.brand, subject="Router", purchase_phase=PurchasePhase.AFTER,
                    support_stage=SupportStage.INSTALLATION, channel=Channel.PHONE)
        session.add(case)
        session.commit()
        assert case.status is CaseStatus.OPEN
        session.add(Feedback(case_id=case.id, score=6, channel=Channel.PHONE))
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
        session.add(Feedback(case_id=99999, score=5, channel=Channel.PHONE))
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
    with engine.begin() as connection, pytest.raises(IntegrityError):
        connection.execute(text("UPDATE support_case SET channel = 'carrier pigeon'"))


def test_unknown_enum_value_is_refused_before_the_database(engine: Engine) -> None:
    with engine.begin() as connection, pytest.raises(StatementError):
        connection.execute(Case.__table__.update().values(channel="telepathy"))


def test_missing_database_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="does not exist"):
        make_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'x.db'}")


def test_a_file_that_is_not_a_database_is_explained(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("this is not sqlite" * 100)
    engine = make_engine(f"sqlite:///{bogus}")
    with pytest.raises(Exception) as caught:
        migrate.upgrade(engine)
    assert "not a deskapp database" in describe_storage_error(caught.value)


def test_database_url_accepts_paths_urls_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert database_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
    assert database_url("postgresql://u@h/db") == "postgresql://u@h/db"
    monkeypatch.setenv("DESKAPP_DB", str(tmp_path / "env.db"))
    assert database_url(None).endswith("env.db")
    monkeypatch.delenv("DESKAPP_DB")
    assert database_url(None).endswith("deskapp.sqlite3")


def test_validation_messages_never_blame_the_database() -> None:
    from sqlalchemy.exc import StatementError

    from deskapp.core.errors import InvalidInput

    message = "Fill in Account number first."
    assert describe_storage_error(InvalidInput(message)) == message
    wrapped = StatementError("flush failed", "INSERT ...", {}, InvalidInput(message))
    assert describe_storage_error(wrapped) == message
    assert describe_storage_error(ValueError("Email: not an address")) == "Email: not an address"
    assert "database" not in describe_storage_error(ValueError("x")).lower()
