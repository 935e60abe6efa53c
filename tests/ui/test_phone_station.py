"""The phone station in a running window: ``deskapp call`` pops the caller, the CTI listener, due callbacks."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.models import Agent, Customer
from deskapp.core.services.calls import callbacks
from deskapp.core.storage.engine import make_engine
from deskapp.ui.calls_panel import CallbacksModel, CallsModel

DESKAPP = [sys.executable, "-c", "import sys; from deskapp.cli import main; sys.exit(main(sys.argv[1:]))"]


@pytest.fixture(autouse=True)
def _station(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKAPP_STATION_NAME", f"deskapp-test-{tmp_path.name}")


def _call(qtbot: QtBot, db: Path, number: str) -> dict[str, Any]:
    """Run ``deskapp call NUMBER --json`` in another process while this one's event loop answers it."""
    with subprocess.Popen([*DESKAPP, "--db", "/nonexistent/never-opened.db", "call", number, "--json"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=20000)
        out, err = proc.communicate()
    assert proc.returncode == 0, err
    answer: dict[str, Any] = json.loads(out)
    return answer


def test_deskapp_call_opens_the_caller_in_the_running_window(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    qtbot.waitUntil(lambda: window.phone.server._server.isListening(), timeout=5000)
    answer = _call(qtbot, desk_db, "tel:+358-40-123-4567")
    assert answer["matches"] == [{"account_number": "FI-000001", "display_name": "Jukka Mäkinen"}]
    qtbot.waitUntil(lambda: "Jukka Mäkinen" in window.panel.name.text(), timeout=5000)
    # Logged as the signed-in rep, and shown in the phone tab.
    qtbot.waitUntil(lambda: window.phone.panel.calls_model.rowCount() == 1, timeout=5000)
    model = window.phone.panel.calls_model
    assert model.row(0).call_id == answer["call_id"]
    number = model.index(0, 4)
    assert model.data(number) == "+358401234567"
    window.toggle_privacy()  # the mask hides the call log's numbers too
    assert model.data(number) == "••••"
    window.toggle_privacy()


def test_an_unknown_number_is_searched_and_offered_as_a_new_customer(qtbot: QtBot, open_window: Any,
                                                                      desk_db: Path) -> None:
    window = open_window(str(desk_db))
    qtbot.waitUntil(lambda: window.phone.server._server.isListening(), timeout=5000)
    answer = _call(qtbot, desk_db, "+358 40 999 9999")
    assert answer["matches"] == []
    qtbot.waitUntil(lambda: window.search.text() == "+358409999999", timeout=5000)
    assert "new customer" in window.banner.label.text()
    form = window.phone.panel.new_caller
    qtbot.waitUntil(form.isVisible, timeout=5000)
    assert form.number.text() == "+358409999999" and form.call_id == answer["call_id"]
    assert window.phone.tabs.currentWidget() is window.phone.panel
    form.given.setText("Ilona")
    form.family.setText("Uusi")
    form.save.click()
    qtbot.waitUntil(lambda: "Ilona Uusi" in window.panel.name.text(), timeout=5000)
    assert not form.isVisible()
    qtbot.waitUntil(lambda: any(r.display_name == "Ilona Uusi" for r in window.phone.panel.calls_model.rows()),
                    timeout=5000)


def test_cti_newcall_pops_the_caller(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    window.phone.cti.start_cti(0, "token-for-the-window-test")
    assert window.phone.cti.listener is not None
    port = window.phone.cti.listener.port
    body = urllib.parse.urlencode({"event": "newCall", "from": "0034 612 345 678", "to": "100", "direction": "in",
                                   "callId": "w1"}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/cti/token-for-the-window-test", data=body)
    statuses: list[int] = []

    def post() -> None:  # as a PBX bridge: from elsewhere, while the window's event loop runs
        with urllib.request.urlopen(request, timeout=10) as response:
            statuses.append(response.status)

    sender = threading.Thread(target=post)
    sender.start()
    qtbot.waitUntil(lambda: "Dolores Muñoz" in window.panel.name.text(), timeout=5000)
    qtbot.waitUntil(lambda: statuses == [200], timeout=5000)  # answered once logged
    sender.join()
    qtbot.waitUntil(lambda: any(r.call_id == "w1" for r in window.phone.panel.calls_model.rows()), timeout=5000)
    window.phone.cti.stop_cti()


def test_due_callbacks_alert_in_the_status_line_and_ctrl_shift_b_jumps_to_them(
        qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    engine = make_engine(f"sqlite:///{desk_db}")
    with Session(engine) as session:
        anna = session.scalars(select(Agent.id).where(Agent.username == "anna")).one()
        customer = session.scalars(select(Customer.id).where(Customer.account_number == "ES-000001")).one()
        for minutes in (5, 1):
            callbacks.create_callback(session, anna, utcnow() - dt.timedelta(minutes=minutes), customer_id=customer,
                                      note=f"{minutes} min ago")
    engine.dispose()
    window = open_window(str(desk_db))
    qtbot.waitUntil(lambda: "2 callbacks due" in window.phone.status.text(), timeout=5000)
    qtbot.waitUntil(lambda: window.phone.panel.callbacks_model.rowCount() == 2, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.phone.tabs.currentWidget() is window.phone.panel
    selected = window.phone.panel.selected_callback()
    assert selected is not None and selected.note == "5 min ago"
    window.phone.panel.snooze.click()
    qtbot.waitUntil(lambda: "1 callback due" in window.phone.status.text(), timeout=5000)


def test_models_pass_the_model_tester(qtmodeltester: Any) -> None:
    for model in (CallsModel(), CallbacksModel()):
        qtmodeltester.check(model)


def test_supervisors_see_overdue_callbacks_per_rep_on_the_dashboard(qtbot: QtBot, make_window: Any,
                                                                     demo_db: Path) -> None:
    engine = make_engine(f"sqlite:///{demo_db}")
    with Session(engine) as session:
        anna = session.scalars(select(Agent.id).where(Agent.username == "anna")).one()
        customer = session.scalars(select(Customer.id).where(Customer.account_number == "FI-000001")).one()
        for minutes in (90, 5):  # one already the team's (30 minutes by default), one still Anna's
            callbacks.create_callback(session, anna, utcnow() - dt.timedelta(minutes=minutes), customer_id=customer)
    engine.dispose()
    window = make_window(demo_db, user="sam")
    window.desk.sign_in("sam", "demo-sam")
    window.menus.show_supervisor_window()
    supervisor = window.menus.supervisor_window
    supervisor.show_page("dashboard")
    dashboard = supervisor.page("dashboard")
    qtbot.waitUntil(lambda: dashboard.callbacks.isVisible(), timeout=20000)
    assert "Anna" in dashboard.callbacks.text() and "2 (1 with the team)" in dashboard.callbacks.text()


def test_the_cti_listener_is_off_until_switched_on_in_the_phone_menu(qtbot: QtBot, open_window: Any, desk_db: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QSettings

    from deskapp.ui.cti_settings import CtiDialog

    QSettings().remove("cti")
    kept: dict[str, str] = {}
    monkeypatch.setattr("deskapp.core.security.credentials.CredentialStore.get", lambda self, key: kept.get(key))
    monkeypatch.setattr("deskapp.core.security.credentials.CredentialStore.set",
                        lambda self, key, value, remember=True: kept.__setitem__(key, value))

    def accept(dialog: CtiDialog) -> int:
        dialog.port.setValue(18179)
        return int(CtiDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(CtiDialog, "exec", accept)
    window = open_window(str(desk_db))
    assert window.phone.cti.listener is None and not window.phone.cti.cti_action.isChecked()
    try:
        window.phone.cti.cti_action.trigger()
        assert window.phone.cti.listener is not None and window.phone.cti.cti_action.isChecked()
        assert len(next(iter(kept.values()))) >= 16  # the token, in the (mocked) keyring
        window.phone.cti.cti_action.trigger()
        assert window.phone.cti.listener is None
    finally:
        window.phone.cti.stop_cti()
        QSettings().remove("cti")
