"""Commands that write a file never write over the desk, its working files or their own input (issue 16).

Each runs the real command against a real SQLite file; a full disk is a file-size limit
(RLIMIT_FSIZE, with SIGXFSZ ignored) in a child process.
"""

from __future__ import annotations

import argparse
import errno
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_customer_csv import FIXTURES, HEADER

CUSTOMERS = FIXTURES / "customers_formats.csv"


@pytest.fixture
def desk(cli, db_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A desk with five customers and one case."""
    assert cli("--db", str(db_path), "import", "customers", str(CUSTOMERS), "--region", "fi")[0] == 0
    return db_path


def intact(db_path: Path, customers: int = 5) -> bool:
    assert db_path.read_bytes()[:16] == b"SQLite format 3\x00"
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return bool(connection.execute("SELECT count(*) FROM customer").fetchone()[0] == customers)


WRITERS = {
    "export customers": ("export", "customers", "{out}"),
    "export cases": ("export", "cases", "{out}"),
    "responses export": ("responses", "export", "{out}"),
    "import --rejects": ("import", "customers", str(FIXTURES / "customers_one_bad.csv"), "--rejects", "{out}"),
    "backup": ("backup", "{out}"),
}


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("alias", ["itself", "symlink", "hard link", "-wal", "-shm", "-journal"])
def test_no_command_writes_over_the_database(cli, desk: Path, tmp_path: Path, writer: str,  # type: ignore[no-untyped-def]
                                             alias: str) -> None:
    if alias == "symlink":
        out = tmp_path / "looks-harmless.csv"
        out.symlink_to(desk)
    elif alias == "hard link":
        out = tmp_path / "also-harmless.csv"
        os.link(desk, out)
    else:
        out = desk if alias == "itself" else Path(f"{desk}{alias}")
    args = [arg.format(out=out) for arg in WRITERS[writer]]
    code, stdout, err = cli("--db", str(desk), *args)
    assert code == 1 and stdout == ""
    [line] = err.splitlines()
    assert line.startswith(f"deskapp: {out} ")
    assert "database" in line and "Traceback" not in err
    assert intact(desk)
    assert not Path(f"{desk}-journal").exists() and not list(tmp_path.glob(".*.tmp"))


def test_the_refusal_speaks_the_users_language(cli, desk: Path) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli("--lang", "fi", "--db", str(desk), "export", "customers", str(desk))
    assert code == 1
    assert err.strip() == (f"deskapp: {desk} on asiakaspalvelun oma tietokanta; sinne kirjoittaminen tuhoaisi "
                           "asiakaspalvelun tiedot. Valitse toinen tiedostonimi.")


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_rejects_file_must_not_be_the_input(cli, desk: Path, tmp_path: Path, dry_run: list[str]) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "in.csv"
    source.write_text(HEADER + "\nX-1,,Ann,Lee,,,12345,en,\n", encoding="utf-8")
    before = source.read_bytes()
    hard = tmp_path / "in-again.csv"
    os.link(source, hard)
    for rejects in (source, hard):
        code, out, err = cli("--db", str(desk), "import", "customers", str(source), "--rejects", str(rejects), *dry_run)
        assert (code, out) == (1, "")
        assert err.strip() == (f"deskapp: {rejects} is the file being read; writing there would destroy it. "
                               "Choose another file name.")
    assert source.read_bytes() == before
    assert intact(desk)


def test_export_over_an_old_file_replaces_it_whole(cli, desk: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "customers.csv"
    out.write_text("stale\n", encoding="utf-8")
    assert cli("--db", str(desk), "export", "customers", str(out))[0] == 0
    assert out.read_text(encoding="utf-8").startswith("account_number,")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_devices_are_not_output_files(cli, desk: Path) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli("--db", str(desk), "export", "customers", "/dev/null")
    assert code == 1 and "/dev/null is not a regular file" in err


# --------------------------------------------------------------------------- a full disk
_LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from deskapp.cli import main
sys.exit(main(sys.argv[2:]))
"""

needs_rlimit = pytest.mark.skipif(os.name != "posix", reason="RLIMIT_FSIZE is POSIX")


def run_limited(limit: int, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _LIMITED, str(limit), *args], capture_output=True, text=True,
                          timeout=300, check=False)


@needs_rlimit
def test_disk_full_during_a_bulk_import_is_one_line_and_the_desk_stays(desk: Path, tmp_path: Path) -> None:
    big = tmp_path / "many.csv"
    big.write_text(HEADER + "\n" + "".join(f"Z-{i:06d},,Given{i},Family{i},,g{i}@example.com,+35840{i:07d},fi,\n"
                                          for i in range(20_000)), encoding="utf-8")
    done = run_limited(desk.stat().st_size + 200_000, "--db", str(desk), "import", "customers", str(big))
    assert done.returncode == 1 and done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("deskapp: The database could not be written to disk: the disk may be full")
    # The slices it committed are taken back by whatever opens the desk next (here a lookup).
    assert subprocess.run([sys.executable, "-m", "deskapp", "--db", str(desk), "lookup", "Family1"],
                          capture_output=True, text=True, check=False).returncode == 0
    assert intact(desk)


@needs_rlimit
def test_disk_full_during_an_export_keeps_the_old_file(cli, desk: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("--db", str(desk), "responses", "list")[0] == 0  # loads the starter library (~58 kB as YAML)
    out = tmp_path / "library.yaml"
    out.write_text("old and good\n", encoding="utf-8")
    # Above SQLite's 32 kB shared-memory file, which reading needs; below the export.
    done = run_limited(40_000, "--db", str(desk), "responses", "export", str(out))
    assert done.returncode == 1
    assert done.stderr.strip() == (f"deskapp: {out} cannot be written: the disk is full (or the file would be larger "
                                   "than this system allows). Free some space, then try again; no existing file "
                                   "was changed.")
    assert out.read_text(encoding="utf-8") == "old and good\n"
    assert not list(tmp_path.glob(".*.tmp"))


def test_raw_driver_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    # The bulk import and the backup call sqlite3 directly, so its errors arrive unwrapped.
    from deskapp.cli.common import run_command

    def full(_args: argparse.Namespace) -> int:
        raise sqlite3.OperationalError("database or disk is full")

    def enospc(_args: argparse.Namespace) -> int:
        raise OSError(errno.ENOSPC, "No space left on device", "/srv/out.csv")

    assert run_command(full, argparse.Namespace()) == 1
    assert capsys.readouterr().err == "deskapp: The disk is full. Free some space, then try again.\n"
    assert run_command(enospc, argparse.Namespace()) == 1
    assert capsys.readouterr().err == ("deskapp: /srv/out.csv: the disk is full (or the file would be larger than "
                                       "this system allows); free some space, then try again\n")


def test_copy_refuses_the_source_under_another_name(cli, desk: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "alias.db").symlink_to(desk)
    code, _out, err = cli("copy", "--from", str(desk), "--to", f"sqlite:///{tmp_path / 'alias.db'}", "--replace")
    assert (code, err) == (1, "deskapp: The source and the target are the same database.\n")
    code, _out, err = cli("copy", "--from", str(desk), "--to", f"sqlite:///{desk}-wal")
    assert code == 1 and "is a working file of the desk's database" in err
    assert intact(desk)
