"""CSV files: bounded lines and cells; formula neutralising that is safe and exactly undone (issue 16)."""

from __future__ import annotations

import csv
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from deskapp.core.errors import InputFileError
from deskapp.core.io import csv_io
from deskapp.core.io.csv_io import neutralise, open_csv, unneutralise
from deskapp.core.services.cases.export import export_cases_csv
from deskapp.core.services.customers.csv_import import import_customers
from deskapp.core.services.notes import notes
from tests.seeding import console, new_case, seed
from tests.test_customer_csv import HEADER, db_customers, write_csv


def rows_of(path: Path) -> list[tuple[int, list[str], str | None]]:
    with open_csv(path) as source:
        return [(row.line, row.cells, row.error) for row in source.rows()]


def test_an_over_long_line_is_rejected_and_the_rest_imported(engine: Engine, tmp_path: Path) -> None:
    long_line = "L-1,,Ann," + "x," * (csv_io.MAX_LINE_CHARS // 2) + "\n"
    path = write_csv(tmp_path / "c.csv",
                     "A-1,,Ann,Lee,,,,en,\n" + long_line + 'A-2,,"Bo\nb",Lee,,,,en,\nA-3,,Cid,Lee,,,,en,\n')
    summary = import_customers(engine, console(engine), path)
    assert [(r.line, r.column, r.reason) for r in summary.rejections] == [
        (3, None, "the line is longer than 1048576 characters"),
        (4, "given_name", "contains a control character (such as a tab or line break)"),
    ]
    assert sorted(db_customers(engine)) == ["A-1", "A-3"]


def test_reading_a_huge_line_keeps_memory_small(tmp_path: Path) -> None:
    path = tmp_path / "one-line.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER + "\n")
        handle.write("y," * 10_000_000 + "\n")  # 20 MB, ten million cells
        handle.write("B-1,,Bob,Lee,,,,en,\n")
    tracemalloc.start()
    try:
        rows = rows_of(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(line, error) for line, _cells, error in rows] == [
        (2, "the line is longer than 1048576 characters"), (3, None)]
    assert peak < 16 * 1024 * 1024  # the old reader held ~10 small strings per cell: hundreds of MB


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_ends_at_the_limit_are_kept_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, newline: str) -> None:
    monkeypatch.setattr(csv_io, "MAX_LINE_CHARS", 12)
    # "b,123456789" plus \r is exactly 12: the \n of a \r\n may come in the next read.
    body = ["a,b", "b,123456789", "", "c,1234567890123", "d,1", "e,123456789", "f"]
    path = tmp_path / "edge.csv"
    path.write_bytes(newline.join(body).encode() + newline.encode())
    assert rows_of(path) == [
        (2, ["b", "123456789"], None), (3, [], None), (4, [], "the line is longer than 12 characters"),
        (5, ["d", "1"], None), (6, ["e", "123456789"], None), (7, ["f"], None),
    ]


def test_an_over_long_header_is_not_a_csv_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_io, "MAX_LINE_CHARS", 12)
    path = tmp_path / "h.csv"
    path.write_text("account_number,kind\nA,\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="line 1: the header row is longer than 12 characters"):
        rows_of(path)


# --------------------------------------------------------------------------- neutralising
@pytest.mark.parametrize("cell", ["\n=1+1", "\ufeff=1", "\u200b@x", "\u200c=x", "\u2060+1", "＝1+1", "＋1", "－2",
                                  "＠SUM(A1)", "'＝x", "''\ufeff"])
def test_more_formula_triggers_are_neutralised_and_undone(cell: str) -> None:
    assert neutralise(cell) == "'" + cell
    assert unneutralise(neutralise(cell)) == cell


TRIGGERS = "=+-@\t\r\n\ufeff\u200b\u200c\u200d\u2060\uff1d\uff0b\uff0d\uff20"


@given(st.text(alphabet=st.sampled_from([*TRIGGERS, "'", "a", "1", " ", "é"]), max_size=8) | st.text(max_size=8))
def test_neutralise_round_trips_and_leaves_no_trigger_first(cell: str) -> None:
    safe = neutralise(cell)
    assert unneutralise(safe) == cell
    assert safe[:1] not in TRIGGERS or safe == ""
    assert neutralise(unneutralise(safe)) == safe


def test_case_export_neutralises_the_new_triggers(engine: Engine, tmp_path: Path) -> None:
    s = seed(engine)
    with Session(engine) as session:
        case = new_case(session, s, "＝HYPERLINK(\"http://evil\")")
        notes.add_note(session, s.rep, case.id, "\n=cmd|' /C calc'!A0")
        out = tmp_path / "cases.csv"
        export_cases_csv(session, s.supervisor, out)
    with out.open(encoding="utf-8", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["subject"] == "'＝HYPERLINK(\"http://evil\")"
    assert row["notes"] == "'\n=cmd|' /C calc'!A0"
