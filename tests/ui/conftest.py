"""A small real database and a main window on it, ready to type into."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import Channel, CustomerKind, PurchasePhase, Role, SupportStage
from deskapp.core.domain.models import Agent
from deskapp.core.services.cases import cases
from deskapp.core.services.customers import profile as customer_profiles
from deskapp.core.services.customers.store import CustomerRecord, write_customers
from deskapp.core.services.kernel.actors import console_actor
from deskapp.core.storage import migrate
from deskapp.core.storage.engine import make_engine

CUSTOMERS = [
    CustomerRecord(account_number="FI-000001", brand_code="nordic", given_name="Jukka", family_name="Mäkinen",
                   emails=["jukka.makinen@example.fi"], phones=["+358401234567"], preferred_locale="fi",
                   birth_year=1971, income_band="40-60k", occupation="Teacher", alerts=["Hard of hearing"]),
    CustomerRecord(account_number="ES-000001", brand_code="iberia", given_name="Dolores", family_name="Muñoz",
                   emails=["dolores@example.es"], phones=["+34612345678"], preferred_locale="es"),
    CustomerRecord(account_number="INT-000001", brand_code="nordic", kind=CustomerKind.INTERNAL,
                   organisation="Finance", given_name="", family_name="", preferred_locale="en"),
]


@pytest.fixture
def desk_db(tmp_path: Path) -> Path:
    """A migrated SQLite file with three customers, one rep and one open case for Mäkinen."""
    path = tmp_path / "desk.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    write_customers(engine, CUSTOMERS)
    with Session(engine) as session:
        rep = Agent(username="anna", display_name="Anna Rep", role=Role.REP,
                    preferences={"station_channel": "phone"})
        session.add(rep)
        session.commit()
        profile = customer_profiles.customer_profile(session, console_actor(session), "FI-000001")
        cases.open_case(session, rep.id, profile.customer_id, "Router keeps restarting", PurchasePhase.AFTER,
                        SupportStage.TROUBLESHOOTING, Channel.PHONE)
    engine.dispose()
    return path


@pytest.fixture
def open_window(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., object]]:
    """Open a ready main window on a database (acting as the demo rep "anna")."""
    from deskapp.ui.main_window import MainWindow

    monkeypatch.setattr("getpass.getuser", lambda: "anna")
    windows: list[MainWindow] = []

    def make(db: str, wait_ready: bool = True) -> MainWindow:
        window = MainWindow(db)
        qtbot.addWidget(window)
        window.show()
        window.start()
        if wait_ready:
            qtbot.waitUntil(lambda: window.is_ready, timeout=20000)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.runner.wait()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database (agents, 200 customers, cases, notes with revisions, feedback), built once."""
    from deskapp.cli import main

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    assert main(["--db", str(path), "demo", "--customers", "200"]) == 0
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database for one test."""
    import shutil

    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture
def make_window(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Any]]:
    """Main windows on a database, acting as ``user`` (the OS user) or waiting at sign-in.

    They are closed only after their background work has been delivered, so no late answer
    reaches a widget that is already deleted.
    """
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    from deskapp.ui.main_window import MainWindow

    windows: list[MainWindow] = []

    def make(db: Path | str, user: str = "anna", sign_in: bool = False, wait_ready: bool = True) -> MainWindow:
        monkeypatch.setattr("getpass.getuser", lambda: user)
        window = MainWindow(str(db), follow_agent_language=False, sign_in=sign_in)
        window.show()
        window.start()
        if wait_ready and not sign_in:
            qtbot.waitUntil(lambda: window.is_ready, timeout=20000)
        windows.append(window)
        return window

    yield make
    for window in windows:
        for _round in range(3):
            window.runner.wait()
            QApplication.processEvents()
        window.close()
        window.runner.wait()
        QApplication.processEvents()
        window.deleteLater()
    # processEvents() leaves deferred deletions alone: delete now, before the next test's event loop.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def english_afterwards(make_window: Any) -> Iterator[None]:
    """The UI language back to English after a test that switched it (``usefixtures`` in such modules)."""
    from deskapp.core.i18n import current_locale
    from deskapp.ui.language import switch_language

    # Depends on make_window so the language is reset while the windows are still there to settle.
    yield
    if current_locale() != "en":
        switch_language("en")
