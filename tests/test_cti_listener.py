"""The CTI listener over real HTTP: Zammad's generic CTI payloads, tokens and refusals."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from deskapp.core.services.calls import log
from deskapp.core.services.calls.cti_server import CtiListener
from deskapp.core.services.kernel.actors import console_actor
from tests.seeding import seed

TOKEN = "s3cret-token-for-tests"
DESKAPP = [sys.executable, "-c", "import sys; from deskapp.cli import main; sys.exit(main(sys.argv[1:]))"]


@pytest.fixture
def listener(engine: Engine) -> Iterator[tuple[CtiListener, Engine]]:
    seed(engine)
    with Session(engine) as session:
        actor = console_actor(session)
    server = CtiListener(engine, actor, TOKEN)
    server.start()
    yield server, engine
    server.close()


def _post(port: int, fields: dict[str, str], *, token: str = TOKEN, as_json: bool = False,
          method: str = "POST") -> tuple[int, dict[str, str]]:
    body = json.dumps(fields).encode() if as_json else urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/cti/{urllib.parse.quote(token)}", data=body if method == "POST" else None,
        method=method,
        headers={"Content-Type": "application/json" if as_json else "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read())


def _call(event: str, call_id: str, **extra: str) -> dict[str, str]:
    return {"event": event, "from": "+358401234567", "to": "+35891234567", "direction": "in", "callId": call_id,
            **extra}


def test_new_call_answer_hangup(listener: tuple[CtiListener, Engine]) -> None:
    server, engine = listener
    assert _post(server.port, _call("newCall", "c1", **{"user[]": "Anna"})) == (200, {})
    assert _post(server.port, _call("answer", "c1", user="Anna", answeringNumber="201"), as_json=True) == (200, {})
    assert _post(server.port, _call("hangup", "c1", cause="normalClearing")) == (200, {})
    with Session(engine) as session:
        row = log.find_call(session, console_actor(session), "c1")
    assert row is not None and row.answered and not row.missed and row.cause == "normalClearing"
    assert row.account_number == "FI-000001"


def test_new_call_then_hangup_is_missed(listener: tuple[CtiListener, Engine]) -> None:
    server, engine = listener
    assert _post(server.port, _call("newCall", "c2"), as_json=True)[0] == 200
    assert _post(server.port, _call("hangup", "c2", cause="cancel"), as_json=True)[0] == 200
    with Session(engine) as session:
        missed = log.list_calls(session, console_actor(session), missed=True)
    assert [(r.call_id, r.cause, r.account_number, r.answered) for r in missed] == [
        ("c2", "cancel", "FI-000001", False)]


def test_refusals_are_4xx_and_logged_without_the_number(listener: tuple[CtiListener, Engine],
                                                        caplog: pytest.LogCaptureFixture) -> None:
    server, engine = listener
    caplog.set_level(logging.DEBUG, logger="deskapp")
    assert _post(server.port, _call("newCall", "x"), token="wrong-token")[0] == 401
    assert _post(server.port, _call("newCall", "x"), token="")[0] == 401
    assert _post(server.port, _call("ring", "x"))[0] == 422
    assert _post(server.port, {"event": "newCall", "from": "+358401234567"})[0] == 422  # no callId
    assert _post(server.port, {"event": "newCall", "callId": "y"}, as_json=True)[0] == 422  # no number
    assert _post(server.port, {}, method="GET")[0] == 405
    request = urllib.request.Request(f"http://127.0.0.1:{server.port}/api/v1/cti/{TOKEN}", data=b"[1, 2",
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 422
    refused.value.close()
    logged = caplog.text
    assert "refused" in logged
    assert "358401234567" not in logged and TOKEN not in logged
    with Session(engine) as session:
        assert log.list_calls(session, console_actor(session)) == []


def test_the_token_may_come_as_a_bearer_header(listener: tuple[CtiListener, Engine]) -> None:
    server, _engine = listener
    request = urllib.request.Request(f"http://127.0.0.1:{server.port}/api/v1/cti", method="POST",
                                     data=urllib.parse.urlencode(_call("newCall", "b1")).encode(),
                                     headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def test_an_empty_token_never_listens(engine: Engine) -> None:
    with pytest.raises(ValueError, match="token"):
        CtiListener(engine, 1, "")


def test_cti_serve_command_then_calls_list_missed(tmp_path: Path) -> None:
    """The done-when check end to end: ``deskapp cti serve``, a newCall and a hangup (cancel), ``calls list``."""
    from deskapp.cli import main

    db = tmp_path / "desk.sqlite3"
    assert main(["--db", str(db), "demo", "--customers", "0"]) == 0
    env = {**os.environ, "DESKAPP_CTI_TOKEN": TOKEN}
    with subprocess.Popen([*DESKAPP, "--db", str(db), "cti", "serve", "--port", "0"],
                          env=env, stderr=subprocess.PIPE, text=True) as serve:
        try:
            assert serve.stderr is not None
            line = serve.stderr.readline()
            port = int(line.split("127.0.0.1:")[1].split("/")[0])
            assert _post(port, _call("newCall", "pbx-9"))[0] == 200
            assert _post(port, _call("hangup", "pbx-9", cause="cancel"))[0] == 200
        finally:
            serve.terminate()
    out = subprocess.run([*DESKAPP, "--db", str(db), "calls", "list", "--missed", "--json"],
                         capture_output=True, text=True, check=True).stdout
    assert [(c["call_id"], c["cause"], c["account_number"], c["answered"]) for c in json.loads(out)] == [
        ("pbx-9", "cancel", "FI-000001", False)]
