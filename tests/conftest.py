"""Shared fixtures: an isolated data dir for every test and a real, migrated database.

``engine``/``db_url``/``db_path`` are a SQLite file. ``any_engine``/``any_db_url`` are parametrised
by ``backend`` and run a test once on SQLite and once on PostgreSQL (``DESKAPP_TEST_PG_URL``;
skipped with a reason when it is not set). A test of such a module that only makes sense on
SQLite is decorated with ``tests.helpers_pg.sqlite_only()``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    # A laptop-sized screen, not the offscreen default of 800×600: windows keep within their screen.
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={Path(__file__).parent / 'fixtures' / 'screen.json'}"

from deskapp.core.i18n import set_locale
from deskapp.core.storage import migrate
from deskapp.core.storage.engine import make_engine, session_factory
from tests import helpers_pg
from tests.seeding import Seed, seed

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test reads or writes the developer's real data folder or database."""
    monkeypatch.setenv("DESKAPP_DATA_DIR", str(tmp_path_factory.mktemp("userdata")))
    monkeypatch.delenv("DESKAPP_DB", raising=False)
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    set_locale("en")
    yield
    set_locale("en")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Path of a fresh SQLite database file (not yet created)."""
    return tmp_path / "desk.sqlite3"


@pytest.fixture
def db_url(db_path: Path) -> str:
    """SQLAlchemy URL of the test database."""
    return f"sqlite:///{db_path}"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A real SQLite file whose schema was built by the migrations (not ``create_all``)."""
    eng = make_engine(db_url)
    migrate.upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def pg_server() -> URL:
    """The PostgreSQL test server (its maintenance database); skips the test when there is none."""
    url = helpers_pg.server_url()
    if url is None:
        pytest.skip(helpers_pg.SKIP_REASON)
    return url


@pytest.fixture(scope="session")
def _pg_shared(pg_server: URL) -> Iterator[tuple[URL, Engine, list[str]]]:
    """One migrated database for the whole run; tests get it emptied (see ``any_db_url``)."""
    name = helpers_pg.new_database_name()
    url = helpers_pg.create_database(pg_server, name)
    eng = make_engine(helpers_pg.url_string(url), pool_size=1)
    try:
        migrate.upgrade(eng)
        yield url, eng, helpers_pg.user_tables(eng)
    finally:
        eng.dispose()
        helpers_pg.drop_database(pg_server, name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the test runs on: "sqlite" or "postgresql"."""
    return str(request.param)


@pytest.fixture
def any_db_url(backend: str, db_path: Path, request: pytest.FixtureRequest) -> str:
    """URL of an empty, migrated database of the ``backend`` under test."""
    if backend == "sqlite":
        return f"sqlite:///{db_path}"
    url, shared, tables = request.getfixturevalue("_pg_shared")
    helpers_pg.empty_tables(shared, tables)
    return helpers_pg.url_string(url)


@pytest.fixture
def any_engine(any_db_url: str) -> Iterator[Engine]:
    """A real database of the ``backend`` under test whose schema was built by the migrations."""
    eng = make_engine(any_db_url)
    migrate.upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def pg_empty_url(pg_server: URL) -> Iterator[str]:
    """URL of a brand-new, empty PostgreSQL database (no schema), dropped after the test."""
    with helpers_pg.temporary_database(pg_server) as url:
        yield helpers_pg.url_string(url)


@pytest.fixture
def any_empty_db_url(backend: str, db_url: str, request: pytest.FixtureRequest) -> str:
    """URL of a database of the ``backend`` under test with no schema at all (for migration tests)."""
    if backend == "sqlite":
        return db_url
    return str(request.getfixturevalue("pg_empty_url"))


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run ``deskapp ARGS`` in-process; returns (exit code, stdout, stderr).

    A run ends as the process would: every engine the command opened is disposed, so no
    PostgreSQL connection outlives it (an unclosed one is a ResourceWarning, an error here).
    """
    import deskapp.cli.common as common
    from deskapp.cli import main

    opened: list[Engine] = []
    real_open = common.open_database

    def open_database(args: Any) -> Engine:
        engine = real_open(args)
        opened.append(engine)
        return engine

    monkeypatch.setattr(common, "open_database", open_database)

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse usage errors and --version
            code = int(exc.code or 0)
        finally:
            while opened:
                opened.pop().dispose()
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def s(engine: Engine) -> Seed:
    """The small seeded desk (tests/seeding.py) in the requesting module's ``engine``."""
    return seed(engine)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A short session on the requesting module's ``engine``."""
    with session_factory(engine)() as session:
        yield session
