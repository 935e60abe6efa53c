"""The journal of a customer import under way on SQLite, so a later start can undo one that died."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from deskapp.core.domain.base import Base


class ImportRun(Base):
    """A customer import under way on SQLite: the window shows it, a later start undoes it if it died.

    ``state`` is ``running``, ``undoing`` (failed or abandoned, its changes being taken back) or
    ``done`` (finished; its journal is being cleared). See services/customers/import_runs.py.
    """

    __tablename__ = "import_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[dt.datetime]
    heartbeat_at: Mapped[dt.datetime]
    rows_written: Mapped[int] = mapped_column(default=0)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]


class ImportUndo(Base):
    """One thing an unfinished import did: ids it added, a brand it created, a customer as it was."""

    __tablename__ = "import_undo"
    __table_args__ = (UniqueConstraint("run_id", "kind", "first_id", name="uq_import_undo_run_kind_first"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("import_run.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(5))  # new (ids first..last), brand (first_id), old (first_id)
    first_id: Mapped[int]
    last_id: Mapped[int | None]
    saved: Mapped[str | None] = mapped_column(Text)  # "old": the customer and its lists, as JSON
    import_version: Mapped[int | None]  # "old": the version_id the import left it at
