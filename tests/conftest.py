"""Shared fixtures: an isolated data dir for every test and a real, migrated SQLite database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from deskapp.core.i18n import set_locale
from deskapp.core.storage import migrate
from deskapp.core.storage.engine import make_engine

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


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run ``deskapp ARGS`` in-process; returns (exit code, stdout, stderr)."""
    from deskapp.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse usage errors and --version
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run
