"""``deskapp call``, ``deskapp calls list`` and ``deskapp callbacks list``: their flags and JSON keys are a contract."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from deskapp.cli import main
from deskapp.core.domain.base import utcnow
from deskapp.core.services.calls import callbacks
from deskapp.core.storage.engine import make_engine
from tests.seeding import seed


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    # No window of this test answers on this name: `deskapp call` falls back to the database.
    monkeypatch.setenv("DESKAPP_STATION_NAME", f"deskapp-test-{tmp_path.name}")
    path = tmp_path / "desk.sqlite3"
    assert main(["--db", str(path), "migrate"]) == 0
    engine = make_engine(f"sqlite:///{path}")
    s = seed(engine)
    with Session(engine) as session:
        callbacks.create_callback(session, s.rep, utcnow() - dt.timedelta(minutes=5), note="invoice",
                                  customer_id=s.customer)
        callbacks.create_callback(session, s.other_rep, utcnow() + dt.timedelta(hours=2), number="+358 50 111 2222")
    engine.dispose()
    return str(path)


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    capsys.readouterr()
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_call_prints_the_match_and_logs_the_call(desk: str, capsys: pytest.CaptureFixture[str]) -> None:
    answer = _json(capsys, "--db", desk, "call", "+358 40 123 4567", "--json")
    assert isinstance(answer, dict) and set(answer) == {"number", "matches", "call_id"}
    assert answer["number"] == "+358401234567"
    assert answer["matches"] == [{"account_number": "FI-000001", "display_name": "Jukka Mäkinen"}]
    calls = _json(capsys, "--db", desk, "calls", "list", "--json")
    assert isinstance(calls, list) and len(calls) == 1
    assert set(calls[0]) == {"call_id", "number", "direction", "started_at", "answered", "cause", "account_number",
                             "case_ref"}
    assert calls[0]["call_id"] == answer["call_id"] and calls[0]["direction"] == "in"
    assert calls[0]["account_number"] == "FI-000001" and calls[0]["answered"] is True
    assert dt.datetime.fromisoformat(calls[0]["started_at"]).tzinfo is not None
    assert _json(capsys, "--db", desk, "calls", "list", "--missed", "--json") == []
    assert _json(capsys, "--db", desk, "calls", "list", "--since", "2999-01-01", "--json") == []


def test_call_accepts_links_and_says_when_nobody_has_the_number(desk: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", desk, "call", "callto://+358409999999"]) == 0
    assert "+358409999999" in capsys.readouterr().out
    assert main(["--db", desk, "call", "tel:"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("deskapp: ") and "Traceback" not in err


def test_calls_list_refuses_a_bad_date(desk: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--db", desk, "calls", "list", "--since", "yesterday"])
    assert stopped.value.code == 2
    assert "2026-12-05" in capsys.readouterr().err


def test_callbacks_list(desk: str, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _json(capsys, "--db", desk, "callbacks", "list", "--json")
    assert isinstance(rows, list) and [r["owner"] for r in rows] == ["anna", "jose"]
    assert rows[0]["account_number"] == "FI-000001" and rows[1]["number"] == "+358501112222"
    assert set(rows[0]) >= {"id", "due_at", "note", "owner", "team", "handed_over", "overdue_minutes"}
    due = _json(capsys, "--db", desk, "callbacks", "list", "--due", "--json")
    assert isinstance(due, list) and [r["note"] for r in due] == ["invoice"]
    mine = _json(capsys, "--db", desk, "callbacks", "list", "--mine", "jose", "--json")
    assert isinstance(mine, list) and [r["owner"] for r in mine] == ["jose"]
    assert main(["--db", desk, "callbacks", "list", "--mine", "nobody"]) == 1
    assert "nobody" in capsys.readouterr().err
