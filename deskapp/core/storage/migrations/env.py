"""Alembic environment: runs on the engine handed over by :mod:`deskapp.core.storage.migrate`."""

from __future__ import annotations

from alembic import context

from deskapp.core.domain import models  # noqa: F401 - registers the tables on Base.metadata
from deskapp.core.domain.base import Base
from deskapp.core.storage.migrate import include_name

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # pragma: no cover - only reachable through a hand-written alembic.ini
    from deskapp.core.config import database_url
    from deskapp.core.storage.engine import make_engine

    engine = make_engine(database_url())

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite can only change tables by rebuilding them
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()
