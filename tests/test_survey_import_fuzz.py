"""Property test of ``feedback import``: whatever the cells hold, it never raises, every data row is
imported, already there, bad or unmatched (at its right line), and importing the file again adds nothing."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import Channel, PurchasePhase, SupportStage
from deskapp.core.domain.models import Case
from deskapp.core.domain.quality import Feedback
from deskapp.core.services.surveys.phone_import import import_phone_surveys
from deskapp.core.storage import migrate
from deskapp.core.storage.engine import make_engine
from tests.seeding import console, seed

COLUMNS = ["call_id", "case_ref", "score", "comment", "answered_at"]
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

tricky = st.sampled_from(["", " ", "'", "'=", "=1+1", "+", "-", "@", "\t", "\r", "\n", "\x00", '"', ";", ",",
                          "ß", "𝔘", "\ufeff", "x" * 5000])
anything = st.text(max_size=8) | tricky
GOOD = {
    "call_id": ["", "", "", "IVR-1", "'=IVR"],
    "case_ref": ["C-1", "c2", "C 3", " C-1 ", "C-999", "'C-2", "1"],
    "score": ["1", "3", "5", " 4 ", "0", "6", "٣", "4.0"],
    "comment": ["", "Kiitos!", "=HYPERLINK()", "x" * 4001],
    "answered_at": [f"2026-11-{day:02d}T{hour:02d}:00:00Z" for day in (1, 2) for hour in (9, 10)]
    + ["2026-11-01 09:00:00", "2026-11-01T11:00:00+02:00", "2099-01-01T00:00:00Z", "1999-12-31", "", "tomorrow",
                                 "9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+05:00"],
}
cells = {name: st.integers(0, 11).flatmap(lambda pick, name=name: st.sampled_from(GOOD[name]) if pick < 11
                                          else anything) for name in COLUMNS}


@st.composite
def survey_rows(draw: st.DrawFn) -> list[str]:
    row = [draw(cells[name]) for name in COLUMNS]
    shape = draw(st.sampled_from(["full"] * 6 + ["short", "long"]))
    if shape == "short":
        row = row[: draw(st.integers(0, len(row) - 1))]
    elif shape == "long":
        row += draw(st.lists(anything, min_size=1, max_size=2))
    return row


@pytest.fixture(scope="module")
def fuzz_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    folder = tmp_path_factory.mktemp("survey-fuzz")
    engine = make_engine(f"sqlite:///{folder / 'fuzz.sqlite3'}")
    sqlalchemy.event.listen(engine, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA synchronous = OFF"))
    migrate.upgrade(engine)
    s = seed(engine)
    with Session(engine) as session:
        for _ in range(3):  # C-1, C-2, C-3
            session.add(Case(customer_id=s.customer, brand_id=1, subject="x", purchase_phase=PurchasePhase.AFTER,
                             support_stage=SupportStage.OTHER, channel=Channel.PHONE, owner_id=s.rep))
        session.commit()
    yield engine
    engine.dispose()


def _customer_answers(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Feedback).where(Feedback.source == "customer")) or 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(rows=st.lists(survey_rows(), max_size=6), delimiter=st.sampled_from([",", ";"]), bom=st.booleans(),
       crlf=st.booleans())
def test_import_never_raises_and_accounts_for_every_row(fuzz_engine: Engine, tmp_path: Path, rows: list[list[str]],
                                                        delimiter: str, bom: bool, crlf: bool) -> None:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n",
                        quoting=csv.QUOTE_MINIMAL if crlf else csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    line, data_lines = 2, set()
    for row in rows:
        start = text.tell()
        writer.writerow(row)
        if any(cell.strip() for cell in row):
            data_lines.add(line)
        line += len(_LINE_BREAK.findall(text.getvalue()[start:]))
    path = tmp_path / "ivr.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.getvalue().encode("utf-8", "surrogatepass"))
    before = _customer_answers(fuzz_engine)

    with Session(fuzz_engine) as session:
        first = import_phone_surveys(session, console(fuzz_engine), path)
    assert first.rows == len(data_lines)
    assert first.rows == first.imported + first.already + len(first.bad) + len(first.unmatched)
    problem_lines = [problem.line for problem in first.problems]
    assert len(set(problem_lines)) == len(problem_lines) and set(problem_lines) <= data_lines
    assert all(problem.reason and "Traceback" not in problem.reason for problem in first.problems)
    assert _customer_answers(fuzz_engine) == before + first.imported

    with Session(fuzz_engine) as session:  # never imported twice
        again = import_phone_surveys(session, console(fuzz_engine), path)
    assert again.imported == 0 and again.already == first.imported + first.already
    assert [p.line for p in again.problems] == problem_lines
    assert _customer_answers(fuzz_engine) == before + first.imported
