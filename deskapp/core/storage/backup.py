"""Online backup with SQLite's backup API: consistent even while reps keep writing."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from deskapp.core.errors import DeskappError
from deskapp.core.i18n import later
from deskapp.core.io.safe_write import check_output_path, database_file, install, temporary_beside


@dataclass(frozen=True, slots=True)
class BackupResult:
    """Where the copy went and how big it is."""

    path: Path
    pages: int


def backup_database(engine: Engine, target: str | Path) -> BackupResult:
    """Copy the database behind ``engine`` to ``target`` (a new SQLite file).

    The copy is made in a temporary file beside ``target`` and renamed into place once complete
    and on disk, so an interrupted backup leaves no half-written file under the chosen name.

    Raises:
        DeskappError: Not SQLite, ``target`` exists, or it is the database or one of its working files.
    """
    if engine.dialect.name != "sqlite":
        raise DeskappError(later("Back up a PostgreSQL database with the server's own tools (pg_dump)."))
    path = check_output_path(target, database=database_file(engine.url))
    if path.exists():
        raise DeskappError(later("{path} already exists; choose a new file name.", path=path))
    pages = 0

    def progress(_status: int, remaining: int, total: int) -> None:
        nonlocal pages
        pages = total - remaining

    fd, temp = temporary_beside(path, target)
    os.close(fd)  # SQLite takes an empty file as a new database
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        destination = sqlite3.connect(temp)
        try:
            source.backup(destination, pages=1024, progress=progress)
        finally:
            destination.close()
    except BaseException:
        for leftover in (temp, Path(f"{temp}-journal")):
            leftover.unlink(missing_ok=True)
        raise
    finally:
        raw.close()
    install(temp, path, target)
    return BackupResult(path=path, pages=pages)
