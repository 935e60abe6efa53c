"""Customer CSV import and export in the core: formats, validation, upsert, formula safety, round trip.

Every test that uses ``engine`` runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session

from deskapp.core.domain.models import Brand, Customer
from deskapp.core.errors import DeskappError, InputFileError, OutputFileError
from deskapp.core.io.csv_io import neutralise, unneutralise
from deskapp.core.services.customers.csv_import import export_customers, import_customers
from deskapp.core.storage import migrate
from deskapp.core.storage.engine import make_engine
from tests.helpers_pg import sqlite_only
from tests.seeding import console

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = "account_number,kind,given_name,family_name,organisation,email,phone,preferred_locale,brand"


@pytest.fixture
def engine(any_engine: Engine) -> Engine:
    """This module's database: SQLite, then PostgreSQL (see ``any_engine``)."""
    return any_engine


def db_customers(engine: Engine) -> dict[str, dict[str, Any]]:
    """Every customer as plain data (what import and export are about), by account number."""
    with Session(engine) as session:
        result = {}
        for customer in session.scalars(select(Customer)):
            result[customer.account_number] = {
                "kind": customer.kind.value, "given_name": customer.given_name,
                "family_name": customer.family_name, "organisation": customer.organisation,
                "preferred_locale": customer.preferred_locale, "brand": customer.brand.code,
                "birth_year": customer.birth_year, "age_band": customer.age_band, "gender": customer.gender,
                "income_band": customer.income_band, "lifestyle": customer.lifestyle,
                "occupation": customer.occupation, "search_text": customer.search_text,
                "emails": [e.address for e in customer.emails], "phones": [p.e164 for p in customer.phones],
                "alerts": [a.text for a in customer.alerts],
            }
        return result


def write_csv(path: Path, body: str, header: str = HEADER) -> Path:
    path.write_text(header + "\n" + body, encoding="utf-8")
    return path


def test_every_phone_format_is_stored_as_e164(engine: Engine) -> None:
    summary = import_customers(engine, console(engine), FIXTURES / "customers_formats.csv", region="FI")
    assert (summary.created, summary.updated, summary.rejected) == (5, 0, 0)
    stored = db_customers(engine)
    assert stored["FI-1001"]["phones"] == ["+358401234567"]
    assert stored["PH-2001"]["phones"] == ["+639171234567"]
    assert stored["ES-3001"]["phones"] == ["+34612345678"]
    assert stored["FI-1002"]["phones"] == ["+358401234567", "+358507654321"]


def test_columns_lists_and_profile_are_stored(engine: Engine) -> None:
    import_customers(engine, console(engine), FIXTURES / "customers_formats.csv", region="FI")
    stored = db_customers(engine)
    anna = stored["FI-1001"]
    assert (anna["given_name"], anna["family_name"], anna["preferred_locale"]) == ("Anna", "Mäkinen", "fi")
    assert (anna["birth_year"], anna["gender"], anna["occupation"]) == (1980, "female", "teacher")
    assert anna["alerts"] == ["hard of hearing", "VIP"]
    assert "makinen" in anna["search_text"].split()
    assert stored["ES-3001"]["emails"] == ["maria@example.es", "m.nunez@example.com"]
    department = stored["INT-9"]
    assert (department["kind"], department["organisation"], department["given_name"]) == ("internal", "IT Support", "")
    assert stored["PH-2001"]["preferred_locale"] == "fil"  # "tl" is accepted as Filipino
    assert stored["FI-1002"]["preferred_locale"] == "en"  # empty, and the brand is new: English


def test_national_number_without_region_is_rejected_with_a_hint(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", "N-1,,Aino,Laine,,,040 123 4567,fi,\n")
    summary = import_customers(engine, console(engine), path)
    [rejection] = summary.rejections
    assert (rejection.line, rejection.column) == (2, "phone")
    assert "--region" in rejection.reason
    assert db_customers(engine) == {}


def test_existing_brand_region_and_locale_are_the_defaults(engine: Engine, tmp_path: Path) -> None:
    with Session(engine) as session, session.begin():
        session.add(Brand(code="manila", name="Manila Telco", default_region="PH", default_locale="fil"))
    path = write_csv(tmp_path / "c.csv", "M-1,,Jose,Cruz,,,0917 123 4567,,Manila\n")
    summary = import_customers(engine, console(engine), path, region="FI")
    assert summary.rejected == 0
    stored = db_customers(engine)["M-1"]
    assert (stored["phones"], stored["preferred_locale"], stored["brand"]) == (["+639171234567"], "fil", "manila")


def test_semicolon_delimiter_bom_and_loose_header(engine: Engine) -> None:
    summary = import_customers(engine, console(engine), FIXTURES / "customers_semicolon_bom.csv", region="FI")
    assert (summary.delimiter, summary.created, summary.rejected) == (";", 2, 0)
    stored = db_customers(engine)
    assert stored["S-1"]["family_name"] == "Pérez"
    assert stored["S-2"]["phones"] == ["+358402223333"]


def test_one_bad_row_is_reported_and_the_rest_imported(engine: Engine) -> None:
    summary = import_customers(engine, console(engine), FIXTURES / "customers_one_bad.csv")
    assert (summary.created, summary.rejected) == (2, 1)
    [rejection] = summary.rejections
    assert (rejection.line, rejection.column) == (3, "phone")
    assert "12345" in rejection.reason
    assert rejection.describe().startswith("line 3, column phone:")
    assert sorted(db_customers(engine)) == ["G-1", "G-3"]


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (",,Ann,Lee,,,,en,", "account_number", "missing"),
        ("X1,,,,,,,en,", "given_name", "no name"),
        ("X1,internal,,,,,,en,", "given_name", "department"),
        ("X1,customer,Ann,Lee,,,,en,", "kind", "external or internal"),
        ("X1,,Ann,Lee,,ann@,,en,", "email", "email"),
        ("X1,,Ann,Lee,,,+358 40,en,", "phone", "phone"),
        ("X1,,Ann,Lee,,,,klingon,", "preferred_locale", "language"),
        ("X1,,Ann,Lee,,,,en,,1850", "birth_year", "birth year"),
        ("X1,,Ann,Lee,,,,en,,20x0", "birth_year", "birth year"),
        ("X1,,Ann,Lee,,,,en,,3000", "birth_year", "birth year"),
        ("X1,,Ann," + "L" * 5000 + ",,,,en,", "family_name", "longer than 100"),
        ("X1,,Ann\x00,Lee,,,,en,", "given_name", "control character"),
        ("X1,,Ann,Lee,,,,en,,,surplus", None, "cells"),
    ],
)
def test_bad_rows_name_column_and_reason(engine: Engine, tmp_path: Path, row: str, column: str | None,
                                         words: str) -> None:
    path = write_csv(tmp_path / "c.csv", row + "\n", HEADER + ",birth_year")
    summary = import_customers(engine, console(engine), path)
    [rejection] = summary.rejections
    assert (rejection.line, rejection.column) == (2, column)
    assert words in rejection.reason
    assert db_customers(engine) == {}


def test_internal_customer_needs_only_a_department(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", "D-1,INTERNAL,,,Payroll,,,,\n")
    assert import_customers(engine, console(engine), path).created == 1
    assert db_customers(engine)["D-1"]["organisation"] == "Payroll"


def test_upsert_updates_rather_than_duplicates(engine: Engine, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "a.csv", "U-1,,Ann,Lee,,ann@example.com,+358 40 123 4567,en,\n")
    import_customers(engine, console(engine), first)
    second = write_csv(tmp_path / "b.csv", "U-1,,Ann,Lee-Smith,,,+358 50 765 4321|+358 40 123 4567,fi,\n"
                                           "U-2,,Bo,Berg,,,,en,\n")
    summary = import_customers(engine, console(engine), second)
    assert (summary.created, summary.updated) == (1, 1)
    stored = db_customers(engine)
    assert len(stored) == 2
    assert stored["U-1"]["family_name"] == "Lee-Smith"
    assert stored["U-1"]["emails"] == []
    assert stored["U-1"]["phones"] == ["+358507654321", "+358401234567"]


def test_rejected_row_leaves_the_existing_customer_alone(engine: Engine, tmp_path: Path) -> None:
    import_customers(engine, console(engine), write_csv(tmp_path / "a.csv", "R-1,,Ann,Lee,,,,en,\n"))
    before = db_customers(engine)
    summary = import_customers(engine, console(engine),
                               write_csv(tmp_path / "b.csv", "R-1,,Ann,Lee,,,not a phone,en,\n"))
    assert summary.rejected == 1
    assert db_customers(engine) == before


def test_dry_run_counts_but_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    import_customers(engine, console(engine), write_csv(tmp_path / "a.csv", "D-1,,Ann,Lee,,,,en,\n"))
    before = db_customers(engine)
    path = write_csv(tmp_path / "b.csv", "D-1,,Ann,Changed,,,,en,\nD-2,,Bo,Berg,,,,en,\nD-3,,,,,,,en,\n")
    summary = import_customers(engine, console(engine), path, dry_run=True)
    assert (summary.created, summary.updated, summary.rejected) == (1, 1, 1)
    assert db_customers(engine) == before


def test_rejects_file_keeps_original_cells_plus_line_and_reason(engine: Engine, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    import_customers(engine, console(engine), FIXTURES / "customers_one_bad.csv", rejects_path=rejects)
    with rejects.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [*HEADER.split(","), "line", "reason"]
    assert rows[1][:9] == ["G-2", "", "Matti", "Nieminen", "", "matti@example.fi", "12345", "fi", ""]
    assert rows[1][9] == "3"
    assert rows[1][10].startswith("column phone:")


def test_corrected_rejects_file_imports_cleanly(engine: Engine, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    import_customers(engine, console(engine), FIXTURES / "customers_one_bad.csv", rejects_path=rejects)
    fixed = rejects.read_text(encoding="utf-8").replace(",12345,", ",+358 40 999 8888,")
    (tmp_path / "fixed.csv").write_text(fixed, encoding="utf-8")
    summary = import_customers(engine, console(engine), tmp_path / "fixed.csv")
    assert (summary.created, summary.rejected, summary.unknown_columns) == (1, 0, [])


def test_missing_required_column_imports_nothing(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("account_number,given_name\nA,Ann\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="lacks the column"):
        import_customers(engine, console(engine), path)
    assert db_customers(engine) == {}


def test_unknown_columns_are_reported_once_and_ignored(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", "A,,Ann,Lee,,,,en,,x\nB,,Bo,Berg,,,,en,,y\n", HEADER + ",Shoe size")
    summary = import_customers(engine, console(engine), path)
    assert (summary.created, summary.unknown_columns) == (2, ["Shoe size"])


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "is empty"),
        (b"\n\nA,B\n", "first line is empty"),
        (HEADER.encode() + b"\nA,,J\xe4rvi,,,,,,\n", "line 2: the file is not UTF-8"),
        (bytes(range(256)) * 20, "not UTF-8"),
    ],
)
def test_unreadable_files_raise_one_clear_error(engine: Engine, tmp_path: Path, content: bytes,
                                                words: str) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=words):
        import_customers(engine, console(engine), path)
    assert db_customers(engine) == {}


def test_missing_file_and_folder_and_bad_region(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="does not exist"):
        import_customers(engine, console(engine), tmp_path / "nope.csv")
    with pytest.raises(InputFileError, match="folder"):
        import_customers(engine, console(engine), tmp_path)
    with pytest.raises(DeskappError, match="country code"):
        import_customers(engine, console(engine), FIXTURES / "customers_one_bad.csv", region="XY")


def test_header_only_blank_lines_and_ragged_rows(engine: Engine, tmp_path: Path) -> None:
    assert import_customers(engine, console(engine), write_csv(tmp_path / "h.csv", "")).rows == 0
    path = write_csv(tmp_path / "r.csv", "\n,,,,\nA,,Ann\nB,,Bo,Berg,,,,en,,,,\n\n")
    summary = import_customers(engine, console(engine), path)
    assert (summary.rows, summary.created, summary.rejected) == (2, 2, 0)
    assert db_customers(engine)["A"]["given_name"] == "Ann"


def test_quoted_newline_keeps_line_numbers_right(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", 'A,,"Ann\nMarie",Lee,,,,en,\nB,,,,,,,en,\n')
    lines = sorted((r.line, r.column) for r in import_customers(engine, console(engine), path).rejections)
    assert lines == [(2, "given_name"), (4, "given_name")]


@pytest.mark.parametrize("cell", ["=1+1", "+358401234567", "-2", "@SUM(A1)", "\tx", "\rx", "'=x", "''+1"])
def test_neutralise_is_undone_exactly(cell: str) -> None:
    assert neutralise(cell).startswith("'")
    assert unneutralise(neutralise(cell)) == cell


@pytest.mark.parametrize("cell", ["Anna", "'quoted'", "", "O'Brien", "'", "1+1"])
def test_harmless_cells_are_left_alone(cell: str) -> None:
    assert neutralise(cell) == cell
    assert unneutralise(cell) == cell


def test_export_neutralises_formula_cells(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", 'F-1,,=HYPERLINK("http://x"),@evil,-minus,,+358 40 123 4567,en,\n')
    import_customers(engine, console(engine), path)
    out = tmp_path / "out.csv"
    assert export_customers(engine, console(engine), out) == 1
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["given_name"] == "'=HYPERLINK(\"http://x\")"
    assert rows[0]["family_name"] == "'@evil"
    assert rows[0]["organisation"] == "'-minus"
    assert rows[0]["phone"] == "'+358401234567"
    assert not any(value[:1] in "=+-@\t\r" for row in rows for value in row.values() if value)


def test_export_columns_and_order(engine: Engine, tmp_path: Path) -> None:
    import_customers(engine, console(engine), FIXTURES / "customers_formats.csv", region="FI")
    out = tmp_path / "out.csv"
    export_customers(engine, console(engine), out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == (HEADER + ",birth_year,age_band,gender,income_band,lifestyle,occupation,alerts")
    assert [line.split(",")[0] for line in lines[1:]] == ["ES-3001", "FI-1001", "FI-1002", "INT-9", "PH-2001"]


def test_round_trip_is_exact(engine: Engine, tmp_path: Path) -> None:
    import_customers(engine, console(engine), FIXTURES / "customers_formats.csv", region="FI")
    import_customers(engine, console(engine), FIXTURES / "customers_semicolon_bom.csv", region="FI")
    # "''=" is how a value that itself starts with "'=" is written; import takes one quote off.
    tricky = "T-1,,''=not a formula,=SUM(A1),-dash,a@b.example,+358 40 123 4567,es,Brand;X\n"
    import_customers(engine, console(engine), write_csv(tmp_path / "tricky.csv", tricky))
    with engine.begin() as connection:  # a brand whose region differs from the file's phones
        connection.execute(update(Brand).values(default_region="PH"))
    first = tmp_path / "first.csv"
    export_customers(engine, console(engine), first, page_size=2)  # several pages

    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    migrate.upgrade(fresh)
    summary = import_customers(fresh, console(fresh), first)
    assert (summary.created, summary.rejected) == (8, 0)
    second = tmp_path / "second.csv"
    export_customers(fresh, console(fresh), second)
    assert second.read_bytes() == first.read_bytes()
    assert db_customers(fresh) == db_customers(engine)
    assert db_customers(fresh)["T-1"]["given_name"] == "'=not a formula"
    fresh.dispose()


def test_export_to_missing_folder_is_a_clear_error(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(OutputFileError, match="does not exist"):
        export_customers(engine, console(engine), tmp_path / "gone" / "out.csv")
    assert not list(tmp_path.iterdir()) or all(p.suffix != ".tmp" for p in tmp_path.iterdir())


def _fts_hits(engine: Engine, word: str) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(text(
            "SELECT c.account_number FROM customer_fts JOIN customer c ON c.id = customer_fts.rowid "
            "WHERE customer_fts MATCH :word ORDER BY c.account_number"), {"word": word}).scalars())


@sqlite_only()
def test_import_keeps_the_search_index_in_step(engine: Engine, tmp_path: Path) -> None:
    import_customers(engine, console(engine), FIXTURES / "customers_formats.csv", region="FI")
    with engine.connect() as connection:
        has_fts = connection.execute(
            text("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'customer_fts'")
        ).scalar_one()
    assert has_fts == 1  # the migrations made the FTS5 index
    assert _fts_hits(engine, "makinen") == ["FI-1001"]  # found by the folded name
    # An import that renames a customer moves their index entry with them.
    import_customers(engine, console(engine), write_csv(tmp_path / "renamed.csv", "FI-1001,,Anna,Hämäläinen,,,,fi,\n"))
    assert _fts_hits(engine, "makinen") == []
    assert _fts_hits(engine, "hamalainen") == ["FI-1001"]


def test_unparseable_row_is_rejected_and_reading_goes_on(engine: Engine, tmp_path: Path) -> None:
    huge = '"' + "x" * 200_000 + '"'
    path = write_csv(tmp_path / "c.csv", f"A,,Ann,Lee,,,,en,\nB,,{huge},Lee,,,,en,\nC,,Cid,Lee,,,,en,\n")
    summary = import_customers(engine, console(engine), path)
    [rejection] = summary.rejections
    assert rejection.line == 3 and rejection.reason == "a cell is longer than 131072 characters"
    assert sorted(db_customers(engine)) == ["A", "C"]


def test_dry_run_counts_match_the_real_import(engine: Engine, tmp_path: Path) -> None:
    import_customers(engine, console(engine), write_csv(tmp_path / "a.csv", "K1,,Ann,Lee,,,,en,\n"))
    body = "".join(f"K{i % 4},,N{i},Lee,,,,en,\n" for i in range(9))
    path = write_csv(tmp_path / "b.csv", body)
    dry = import_customers(engine, console(engine), path, dry_run=True, batch_size=2)
    real = import_customers(engine, console(engine), path, batch_size=2)
    assert (dry.created, dry.updated) == (real.created, real.updated)


def test_progress_is_reported_every_so_many_rows(engine: Engine, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import deskapp.core.services.customers.csv_import as module

    monkeypatch.setattr(module, "PROGRESS_EVERY", 2)
    seen: list[int] = []
    path = write_csv(tmp_path / "c.csv", "".join(f"P{i},,Ann,Lee,,,,en,\n" for i in range(5)))
    import_customers(engine, console(engine), path, progress=seen.append)
    assert seen == [2, 4]
