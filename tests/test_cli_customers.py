"""``deskapp import customers`` and ``deskapp export customers``: output, exit codes, one-line errors.

Run against a SQLite file and a PostgreSQL database (``db``).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from deskapp.core.storage import migrate
from deskapp.core.storage.engine import make_engine
from tests.test_customer_csv import FIXTURES, HEADER, db_customers


@pytest.fixture
def db(any_db_url: str) -> str:
    """What ``--db`` is given: a SQLite file's URL, then a PostgreSQL URL."""
    return any_db_url


def stored(db: str | Path) -> dict[str, dict[str, object]]:
    engine = make_engine(f"sqlite:///{db}" if isinstance(db, Path) else db)
    migrate.upgrade(engine)
    try:
        return db_customers(engine)
    finally:
        engine.dispose()


def test_import_prints_summary_and_stores(cli, db: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("--db", db, "import", "customers", str(FIXTURES / "customers_formats.csv"),
                         "--region", "fi")
    assert (code, err) == (0, "")
    assert out.strip() == "5 new customers imported, 0 updated, 0 rows rejected."
    assert stored(db)["FI-1002"]["phones"] == ["+358401234567", "+358507654321"]


def test_singular_summary_and_update(cli, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "one.csv"
    path.write_text(HEADER + "\nA,,Ann,Lee,,,,en,\n", encoding="utf-8")
    assert cli("--db", db, "import", "customers", str(path))[1].strip() == (
        "1 new customer imported, 0 updated, 0 rows rejected.")
    assert cli("--db", db, "import", "customers", str(path))[1].strip() == (
        "0 new customers imported, 1 updated, 0 rows rejected.")
    assert len(stored(db)) == 1


def test_bad_row_reported_with_line_and_reason(cli, db: str) -> None:  # type: ignore[no-untyped-def]
    path = str(FIXTURES / "customers_one_bad.csv")
    code, out, err = cli("--db", db, "import", "customers", path)
    assert code == 1
    [line] = err.splitlines()
    assert line.startswith(f'{path}, line 3, column phone: "12345" is not a valid phone number')
    assert "2 new customers imported, 0 updated, 1 row rejected." in out
    assert sorted(stored(db)) == ["G-1", "G-3"]


def test_rejects_file(cli, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rejects = tmp_path / "rejects.csv"
    code, out, _err = cli("--db", db, "import", "customers", str(FIXTURES / "customers_one_bad.csv"),
                          "--rejects", str(rejects))
    assert code == 1 and str(rejects) in out
    with rejects.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 2
    assert rows[0] == [*HEADER.split(","), "line", "reason"]
    assert rows[1][:10] == ["G-2", "", "Matti", "Nieminen", "", "matti@example.fi", "12345", "fi", "", "3"]
    assert rows[1][10].startswith('column phone: "12345" is not a valid phone number')


def test_dry_run_writes_nothing(cli, db: str) -> None:  # type: ignore[no-untyped-def]
    code, out, _err = cli("--db", db, "import", "customers", str(FIXTURES / "customers_formats.csv"),
                          "--region", "FI", "--dry-run")
    assert code == 0
    assert out.strip() == ("Dry run, nothing was changed: 5 new customers would be imported, "
                           "0 would be updated, 0 rows would be rejected.")
    assert stored(db) == {}


def test_many_rejections_are_summarised(cli, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "\n" + "".join(f"B{i},,,,,,,en,\n" for i in range(25)), encoding="utf-8")
    code, _out, err = cli("--db", db, "import", "customers", str(path))
    lines = err.splitlines()
    assert code == 1 and len(lines) == 21
    assert lines[-1] == "… and 5 more rejected rows. Use --rejects OUT.csv to get them all in a file."


def test_unknown_columns_warned_once(cli, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "extra.csv"
    path.write_text(HEADER + ",notes\nA,,Ann,Lee,,,,en,,x\nB,,Bo,Berg,,,,en,,y\n", encoding="utf-8")
    code, _out, err = cli("--db", db, "import", "customers", str(path))
    assert code == 0
    assert err.splitlines() == ["Ignored columns deskapp does not know: notes"]


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("missing.csv", None, "does not exist"),
        ("empty.csv", b"", "is empty"),
        ("garbage.csv", bytes(range(255, -1, -1)) * 50, "not UTF-8"),
        ("nul.csv", b"\x00" * 100 + b"\n" + b"\x00,\x00\n", "lacks the column"),
        ("short.csv", b"account_number,given_name\nA,Ann\n", "lacks the column(s) kind, family_name"),
    ],
)
def test_bad_files_are_one_line_and_non_zero(cli, db: str, tmp_path: Path, name: str,  # type: ignore[no-untyped-def]
                                             content: bytes | None, words: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, out, err = cli("--db", db, "import", "customers", str(path))
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and words in err and "Traceback" not in err
    assert stored(db) == {}


def test_folder_and_bad_region_are_one_line(cli, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli("--db", db, "import", "customers", str(tmp_path))
    assert code == 1 and len(err.splitlines()) == 1 and "folder" in err
    code, _out, err = cli("--db", db, "import", "customers", str(FIXTURES / "customers_formats.csv"),
                          "--region", "Finland")
    assert code == 1 and len(err.splitlines()) == 1 and "country code" in err


def test_import_needs_a_kind_of_thing(cli) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli("import")
    assert code == 2 and "required" in err


def test_export_and_reimport(cli, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("--db", db, "import", "customers", str(FIXTURES / "customers_formats.csv"), "--region", "FI")
    out_file = tmp_path / "out.csv"
    code, out, err = cli("--db", db, "export", "customers", str(out_file))
    assert (code, err, out.strip()) == (0, "", f"Exported 5 customers to {out_file}.")
    other = tmp_path / "other.sqlite3"
    code, out, _err = cli("--db", str(other), "import", "customers", str(out_file))
    assert code == 0 and out.startswith("5 new customers imported")
    assert stored(other) == stored(db)


def test_export_to_missing_folder(cli, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli("--db", db, "export", "customers", str(tmp_path / "no" / "x.csv"))
    assert code == 1 and len(err.splitlines()) == 1 and "does not exist" in err


def test_no_progress_noise_for_small_files(cli, db: str) -> None:  # type: ignore[no-untyped-def]
    _code, _out, err = cli("--db", db, "import", "customers", str(FIXTURES / "customers_formats.csv"),
                           "--region", "FI")
    assert "rows read" not in err


def test_progress_for_large_files_goes_to_stderr(cli, db: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import deskapp.cli.customers as command
    import deskapp.core.services.customers.csv_import as service

    monkeypatch.setattr(command, "PROGRESS_FILE_BYTES", 0)
    monkeypatch.setattr(service, "PROGRESS_EVERY", 2)
    path = tmp_path / "c.csv"
    path.write_text(HEADER + "\n" + "".join(f"P{i},,Ann,Lee,,,,en,\n" for i in range(4)), encoding="utf-8")
    code, out, err = cli("--db", db, "import", "customers", str(path))
    assert code == 0 and out.startswith("4 new customers imported")
    assert err.splitlines() == ["2 rows read…", "4 rows read…"]
