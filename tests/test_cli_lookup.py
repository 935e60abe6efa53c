"""``deskapp lookup``: the table, --json and the --stdin JSON-lines contract, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from sqlalchemy import Engine

from deskapp.core.services.customers.store import CustomerRecord, write_customers

R = CustomerRecord
CONTRACT_KEYS = {"account_number", "name", "kind", "organisation", "phone", "email", "preferred_locale",
                 "brand", "has_alerts", "phone_formatted"}


@pytest.fixture
def desk(any_engine: Engine, any_db_url: str) -> str:
    """The ``--db`` URL of a small desk (SQLite, then PostgreSQL)."""
    write_customers(any_engine, [
        R("FI-1001", "pohjola", given_name="Jukka", family_name="Mäkinen", emails=["jukka.makinen@posti.fi"],
          phones=["+358401234567"], preferred_locale="fi", alerts=["VIP"]),
        R("ES-2001", "iberia", given_name="María", family_name="Muñoz", phones=["+34612345678"]),
        R("PH-3001", "bayani", given_name="José", family_name="Dela Cruz", phones=["+639171234567"]),
    ])
    return any_db_url


def test_table_output(cli, desk: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("--db", str(desk), "lookup", "jukka", "mak")
    assert (code, err) == (0, "")
    header, row = out.splitlines()
    assert header.split() == ["Account", "Name", "Phone", "Email", "Brand", "Alerts"]
    assert row.startswith("FI-1001")
    assert "Jukka Mäkinen" in row and "+358 40 1234567" in row
    assert header.index("Name") == row.index("Jukka")  # columns are aligned


def test_table_when_nothing_matches(cli, desk: str) -> None:  # type: ignore[no-untyped-def]
    code, out, _err = cli("--db", str(desk), "lookup", "zzzz")
    assert code == 0
    assert out.strip() == "No customers found."


def test_json_output(cli, desk: str) -> None:  # type: ignore[no-untyped-def]
    code, out, _err = cli("--db", str(desk), "lookup", "--json", "0401234567", "--brand", "pohjola")
    assert code == 0
    (row,) = json.loads(out)
    assert set(row) == CONTRACT_KEYS
    assert row == {
        "account_number": "FI-1001", "name": "Jukka Mäkinen", "kind": "external", "organisation": None,
        "phone": "+358401234567", "phone_formatted": "+358 40 1234567", "email": "jukka.makinen@posti.fi",
        "preferred_locale": "fi", "brand": "pohjola", "has_alerts": True,
    }


def test_limit_and_brand(cli, desk: str) -> None:  # type: ignore[no-untyped-def]
    _code, out, _err = cli("--db", str(desk), "lookup", "--json", "--limit", "1", "4567")
    assert len(json.loads(out)) == 1
    _code, out, _err = cli("--db", str(desk), "lookup", "--json", "--brand", "bayani", "4567")
    assert [row["account_number"] for row in json.loads(out)] == ["PH-3001"]


@pytest.mark.parametrize("limit", ["0", "-3", "many"])
def test_bad_limit_is_a_usage_error(cli, desk: str, limit: str) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli("--db", str(desk), "lookup", "--limit", limit, "maki")
    assert code == 2
    assert "--limit" in err


def test_no_query_is_a_usage_error(cli, desk: str) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli("--db", str(desk), "lookup")
    assert code == 2
    assert "Traceback" not in err and "--stdin" in err


def test_stdin_json_lines(cli, desk: str, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    lines = [b"maki", b"", b"   ", b'"OR" NEAR( * :^-', b"\xed\xa0\x80 lone surrogate", b"dela\x00cruz",
             b"\xff\xfe not utf-8", "＋３５８ ４０ １２３ ４５６７".encode(), b"x" * 5000, b"munoz\r"]
    stream = io.TextIOWrapper(io.BytesIO(b"\n".join(lines) + b"\n"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stream)
    code, out, err = cli("--db", str(desk), "lookup", "--json", "--stdin")
    assert (code, err) == (0, "")
    results = [json.loads(line) for line in out.splitlines()]
    assert len(results) == len(lines)
    first = [rows[0]["account_number"] if rows else None for rows in results]
    assert first == ["FI-1001", None, None, None, None, "PH-3001", None, "FI-1001", None, "ES-2001"]
    assert all(set(row) == CONTRACT_KEYS for rows in results for row in rows)


def test_stdin_overlong_line_stays_in_step(cli, desk: str, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    data = b"maki " + b"y" * 200_000 + b"\nmunoz\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    _code, out, _err = cli("--db", str(desk), "lookup", "--json", "--stdin")
    assert [json.loads(line) and json.loads(line)[0]["account_number"] for line in out.splitlines()] == [
        [], "ES-2001"]


def test_stdin_is_answered_line_by_line(desk: str) -> None:
    """A co-process gets each answer before it sends the next query (flushed per line)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "deskapp", "--db", str(desk), "lookup", "--json", "--stdin"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        for query, account in ((b"maki\n", "FI-1001"), (b"\n", None), (b"dela cruz\n", "PH-3001")):
            proc.stdin.write(query)
            proc.stdin.flush()
            rows = json.loads(proc.stdout.readline())
            assert (rows[0]["account_number"] if rows else None) == account
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
        proc.stdout.close()
        assert proc.stderr is not None
        proc.stderr.close()
    assert proc.returncode == 0
