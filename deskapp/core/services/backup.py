"""``deskapp backup``: the online copy of the database, as an audited action of an administrator."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from deskapp.core.security.permissions import require
from deskapp.core.services.kernel.audit import audit
from deskapp.core.storage.backup import BackupResult, backup_database


def back_up(engine: Engine, actor_id: int, target: str | Path) -> BackupResult:
    """Copy the database behind ``engine`` to the new SQLite file ``target`` (``backup.run``, audited).

    Args:
        engine: The open database.
        actor_id: Who backs up (the console's account for ``deskapp backup``).
        target: The file to create.

    Returns:
        Where the copy went and how many pages it has.

    Raises:
        PermissionDenied: The actor may not back up the database.
        DeskappError: Not SQLite, the target exists or is the database itself.
    """
    with Session(engine) as session:
        require(session, actor_id, "backup.run")
    result = backup_database(engine, target)
    with Session(engine) as session:
        audit(session, actor_id, "backup.run", "database", 0, detail={"pages": result.pages})
        session.commit()
    return result
