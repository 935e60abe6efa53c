"""Online backup with SQLite's backup API: consistent even while reps keep writing."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from deskapp.core.errors import DeskappError
from deskapp.core.i18n import _


@dataclass(frozen=True, slots=True)
class BackupResult:
    """Where the copy went and how big it is."""

    path: Path
    pages: int


def backup_database(engine: Engine, target: str | Path) -> BackupResult:
    """Copy the database behind ``engine`` to ``target`` (a new SQLite file)."""
    if engine.dialect.name != "sqlite":
        raise DeskappError(_("Back up a PostgreSQL database with the server's own tools (pg_dump)."))
    path = Path(target).expanduser().resolve()
    source_file = engine.url.database
    if source_file and Path(source_file).resolve() == path:
        raise DeskappError(_("The backup file must not be the database itself."))
    if path.exists():
        raise DeskappError(_("{path} already exists; choose a new file name.").format(path=path))
    if not path.parent.is_dir():
        raise DeskappError(_("The folder {folder} does not exist.").format(folder=path.parent))
    pages = 0

    def progress(_status: int, remaining: int, total: int) -> None:
        nonlocal pages
        pages = total - remaining

    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        destination = sqlite3.connect(path)
        try:
            source.backup(destination, pages=1024, progress=progress)
        finally:
            destination.close()
    except sqlite3.Error:
        path.unlink(missing_ok=True)
        raise
    finally:
        raw.close()
    return BackupResult(path=path, pages=pages)
