"""The ``deskapp`` command's own behaviour: version, errors as one clear line, translated output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from deskapp import __version__


def test_version(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _err = cli("--version")
    assert code == 0 and out.strip() == f"deskapp {__version__}"


def test_version_does_not_import_sqlalchemy_or_qt() -> None:
    # Start-up speed: the command line must stay light until a command needs the database or Qt.
    probe = ("import sys; from deskapp.cli import build_parser; build_parser(); "
             "print(sorted(m for m in ('sqlalchemy', 'PySide6') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_missing_database_folder_is_one_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli("--db", str(tmp_path / "gone" / "x.db"), "backup", str(tmp_path / "b.db"))
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and "does not exist" in err


def test_unknown_command_is_a_usage_error(cli) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli("frobnicate")
    assert code == 2 and "invalid choice" in err


def test_help_follows_lang(cli) -> None:  # type: ignore[no-untyped-def]
    from deskapp.core.i18n import load_catalog

    source = "copy the database to FILE while it is in use"
    expected = load_catalog("fi").gettext(source)
    assert expected != source, "the Finnish catalog is not compiled: reinstall (pip install -e .)"
    code, out, _err = cli("--lang", "fi", "--help")
    assert code == 0
    assert expected in " ".join(out.split())


def test_damaged_catalog_falls_back_to_english(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from deskapp.core import i18n

    broken = tmp_path / "deskapp" / "locale" / "fi" / "LC_MESSAGES"
    broken.mkdir(parents=True)
    (broken / "deskapp.mo").write_bytes(b"")
    monkeypatch.setattr(i18n.resources, "files", lambda _pkg: tmp_path / "deskapp")
    i18n.load_catalog.cache_clear()  # catalogs are cached per process
    try:
        catalog = i18n.load_catalog("fi")
        assert catalog.gettext("Save note") == "Save note"
    finally:
        i18n.load_catalog.cache_clear()


def test_a_closed_pipe_ends_quietly(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    # `deskapp lookup … | head`: the reader is gone before the output is written (its end of the
    # pipe is closed here, so every write fails): no "Broken pipe" message, no traceback, exit 0.
    import os

    from deskapp.cli import main

    db = str(tmp_path / "d.sqlite3")
    assert main(["--db", db, "demo", "--customers", "60"]) == 0
    capsys.readouterr()
    read_end, write_end = os.pipe()
    os.close(read_end)
    closed = os.fdopen(write_end, "w", buffering=1)  # each line is written at once, as to a terminal or pipe
    monkeypatch.setattr(sys, "stdout", closed)
    try:
        code = main(["--db", db, "lookup", "--json", "ma"])
    finally:
        monkeypatch.undo()
        closed.close()
    assert code == 0
    assert capsys.readouterr().err == ""
