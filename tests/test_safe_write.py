"""deskapp.core.io.safe_write: what may be written, and writes that are all or nothing."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from deskapp.core.errors import OutputFileError
from deskapp.core.io.safe_write import (
    AtomicTextFile,
    check_output_path,
    database_file,
    same_file,
    write_text_atomically,
)


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    path = tmp_path / "desk.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\x01" * 100)
    return path


def test_the_database_is_refused_under_every_name(desk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "link.csv").symlink_to(desk)
    os.link(desk, tmp_path / "hard.csv")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    for name in (desk, "../desk.db", tmp_path / "link.csv", tmp_path / "hard.csv", tmp_path / "sub" / ".." / "desk.db"):
        with pytest.raises(OutputFileError, match="is the desk's database itself"):
            check_output_path(name, database=desk)


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_working_files_are_refused_even_when_absent(desk: Path, suffix: str) -> None:
    assert not Path(f"{desk}{suffix}").exists()
    with pytest.raises(OutputFileError, match="working file of the desk's database"):
        check_output_path(f"{desk}{suffix}", database=desk)


def test_an_input_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("a\n", encoding="utf-8")
    (tmp_path / "alias.csv").symlink_to(source)
    with pytest.raises(OutputFileError, match="is the file being read"):
        check_output_path(tmp_path / "alias.csv", inputs=[source])
    assert check_output_path(tmp_path / "other.csv", inputs=[source]) == (tmp_path / "other.csv").resolve()


def test_folders_devices_and_missing_folders_are_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputFileError, match="is a folder"):
        check_output_path(tmp_path)
    with pytest.raises(OutputFileError, match="not a regular file"):
        check_output_path("/dev/null")
    with pytest.raises(OutputFileError, match="does not exist"):
        check_output_path(tmp_path / "gone" / "x.csv")


def test_database_file_of_urls() -> None:
    assert database_file(make_url("sqlite:////srv/desk.db")) == Path("/srv/desk.db")
    assert database_file(make_url("sqlite:///file:/srv/desk.db?mode=ro&uri=true")) == Path("/srv/desk.db")
    assert database_file(make_url("sqlite://")) is None
    assert database_file(make_url("sqlite:///:memory:")) is None
    assert database_file(make_url("postgresql://u@h/desk")) is None


def test_same_file_compares_names_of_files_not_yet_there(tmp_path: Path) -> None:
    assert same_file(tmp_path / "a" / ".." / "x", tmp_path / "x")
    assert not same_file(tmp_path / "x", tmp_path / "y")


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old and good\n", encoding="utf-8")

    def interrupted() -> None:
        with AtomicTextFile(target) as file:
            file.write("half a ")
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        interrupted()
    assert target.read_text(encoding="utf-8") == "old and good\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_a_write_replaces_the_file_keeping_its_permissions_and_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    assert write_text_atomically(link, "new\n") == real
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    fresh = write_text_atomically(tmp_path / "fresh.yaml", "x")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600  # exports hold customer data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.yaml", "link.yaml", "real.yaml"]
