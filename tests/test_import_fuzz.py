"""Property test of the customer importer: whatever the cells hold, it never raises, every data row is
either stored or reported (at its right line), and a rejected row changes nothing in the database."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from deskapp.core.io.csv_io import unneutralise
from deskapp.core.services.customers.csv_import import import_customers
from deskapp.core.storage import migrate
from deskapp.core.storage.engine import make_engine
from tests.seeding import console

COLUMNS = ["account_number", "kind", "given_name", "family_name", "organisation", "email", "phone",
           "preferred_locale", "brand", "birth_year", "alerts"]
POOL = [f"P{i}" for i in range(4)] + [f"N{i}" for i in range(4)]
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

tricky = st.sampled_from(["", " ", "|", "||", "'", "'=", "=1+1", "+", "-", "@", "\t", "\r", "\n", "\x00", '"',
                          ";", ",", "ß", "𝔘", "\ufeff", "x" * 5000])
anything = st.text(max_size=8) | tricky
# Plausible values (mostly valid) and values that are wrong for the column; the plausible ones are
# drawn ten times as often, so a fair share of rows is accepted and the write path gets fuzzed too.
GOOD = {
    "account_number": [*POOL, " P1 ", "'=P2", "Ä-1"],
    "kind": ["", "external", "INTERNAL", "internal "],
    "given_name": ["Anna", "", "Jos\u00e9", "=cmd", "'+1"],
    "family_name": ["Mäkinen", "", "O'Brien", "-dash"],
    "organisation": ["", "IT"],
    "email": ["", "a@b.fi", "a@b.fi|c@d.ph", "a@b.fi|", "'=x@y.fi"],
    "phone": ["", "+358 40 123 4567", "+63-917-123-4567", "0034 612 34 56 78", "040 123 4567",
              "'+358401234567", "+358401234567|+358507654321"],
    "preferred_locale": ["", "fi", "tl", "es", "EN", "fil-PH"],
    "brand": ["", "acme", "ACME", "beta"],
    "birth_year": ["", "1980", "2001"],
    "alerts": ["", "VIP", "VIP|fraud watch", "|", "=alert"],
}
BAD = {"account_number": ["", "P0\x00"], "email": ["bad@", "a@b"], "phone": ["123", "+358"],
       "preferred_locale": ["xx"], "birth_year": ["1899", "2999", "19 80"], "kind": ["both"]}
cells_by_column: dict[str, st.SearchStrategy[str]] = {
    # (one_of would fold repeated strategies together, so the weighting is an explicit draw)
    name: st.integers(0, 11).flatmap(
        lambda pick, name=name: st.sampled_from(GOOD[name]) if pick < 10
        else st.sampled_from(BAD.get(name, ["\x00"])) if pick == 10 else anything)
    for name in COLUMNS
}


@st.composite
def csv_rows(draw: st.DrawFn) -> list[str]:
    row = [draw(cells_by_column[name]) for name in COLUMNS]
    shape = draw(st.sampled_from(["full"] * 6 + ["short", "long", "long-empty"]))
    if shape == "short":
        row = row[: draw(st.integers(0, len(row) - 1))]
    elif shape == "long":
        row += draw(st.lists(anything, min_size=1, max_size=3))
    elif shape == "long-empty":
        row += ["", " "]
    return row


def snapshot(engine: Engine, accounts: set[str]) -> dict[str, Any]:
    """The stored data of ``accounts`` (those that exist), compared before and after an import."""
    if not accounts:
        return {}
    marks = ",".join("?" * len(accounts))
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        rows = cursor.execute(f"SELECT * FROM customer WHERE account_number IN ({marks})", list(accounts)).fetchall()
        names = [column[0] for column in cursor.description]
        result: dict[str, Any] = {}
        for row in rows:
            data = dict(zip(names, row, strict=True))
            children = {
                table: [value for (value,) in cursor.execute(
                    f"SELECT {column} FROM {table} WHERE customer_id = ? ORDER BY position", (data["id"],))]
                for table, column in (("customer_email", "address"), ("customer_phone", "e164"),
                                      ("customer_alert", "text"))
            }
            result[data["account_number"]] = data | children
        return result
    finally:
        connection.close()


@pytest.fixture(scope="module")
def fuzz_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    # One database for all examples: migrating per example would dominate the run time. Examples
    # only ever compare the accounts their own file names, before and after.
    folder = tmp_path_factory.mktemp("fuzz")
    engine = make_engine(f"sqlite:///{folder / 'fuzz.sqlite3'}")
    # Durability is not under test here and an fsync per example would double the run time;
    # this listener runs after deskapp's own pragmas, so it overrides synchronous = FULL.
    sqlalchemy.event.listen(engine, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA synchronous = OFF"))
    migrate.upgrade(engine)
    seed = folder / "seed.csv"
    seed.write_text(",".join(COLUMNS) + "\n" + "".join(f"{acc},,Seed,Person,,,,,acme,,\n" for acc in POOL[:4]),
                    encoding="utf-8")
    assert import_customers(engine, console(engine), seed).created == 4
    yield engine
    engine.dispose()


@pytest.mark.heavy
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(rows=st.lists(csv_rows(), max_size=5), delimiter=st.sampled_from([",", ";"]), bom=st.booleans(),
       dry_run=st.booleans(), crlf=st.booleans())
def test_importer_never_raises_and_accounts_for_every_row(
    fuzz_engine: Engine, tmp_path: Path, rows: list[list[str]], delimiter: str, bom: bool, dry_run: bool,
    crlf: bool,
) -> None:
    # Write the file row by row, noting the line each row starts on as the importer must count it.
    text = io.StringIO()
    # Python 3.11's writer leaves a lone "\r" unquoted when the line ends in "\n" only, so that
    # variant quotes every cell (a real file in that shape would be ambiguous to any reader).
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n",
                        quoting=csv.QUOTE_MINIMAL if crlf else csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    line = 2
    data_lines: dict[int, list[str]] = {}
    for row in rows:
        start = text.tell()
        writer.writerow(row)
        written = text.getvalue()[start:]
        if any(cell.strip() for cell in row):
            data_lines[line] = row
        line += len(_LINE_BREAK.findall(written))
    path = tmp_path / "fuzz.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.getvalue().encode("utf-8", "surrogatepass"))
    rejects_path = tmp_path / "rejects.csv"

    accounts = {unneutralise(row[0].strip()) for row in rows if row} - {""}
    before = snapshot(fuzz_engine, accounts)

    summary = import_customers(fuzz_engine, console(fuzz_engine), path, dry_run=dry_run, rejects_path=rejects_path,
                               region="FI")

    # Every data row is either stored or reported, at the line it starts on.
    rejected = {rejection.line: rejection for rejection in summary.rejections}
    assert len(rejected) == summary.rejected
    assert set(rejected) <= set(data_lines)
    assert summary.rows == len(data_lines)
    accepted = {ln: row for ln, row in data_lines.items() if ln not in rejected}
    for rejection in summary.rejections:
        assert rejection.reason and "Traceback" not in rejection.reason

    # The rejects file lists exactly the rejected lines.
    with rejects_path.open(encoding="utf-8", newline="") as handle:
        reject_rows = list(csv.reader(handle, delimiter=delimiter))
    assert [int(r[len(COLUMNS)]) for r in reject_rows[1:]] == sorted(rejected)

    after = snapshot(fuzz_engine, accounts)
    if dry_run:
        assert after == before
        return
    accepted_count = 0
    last_accepted: dict[str, list[str]] = {}
    for ln in sorted(accepted):
        last_accepted[unneutralise(accepted[ln][0].strip())] = accepted[ln]
    for account in accounts:
        if account not in last_accepted:
            assert after.get(account) == before.get(account), "a rejected row changed the database"
            continue
        row = last_accepted[account] + [""] * len(COLUMNS)
        stored = after[account]
        assert stored["given_name"] == unneutralise(row[2].strip())
        assert stored["family_name"] == unneutralise(row[3].strip())
        expected_emails = [p.strip() for p in unneutralise(row[5].strip()).split("|") if p.strip()]
        assert stored["customer_email"] == expected_emails
        assert all(phone.startswith("+") for phone in stored["customer_phone"])
        accepted_count += 1
    event("accounts written: " + ("none" if not accepted_count else "some"))
