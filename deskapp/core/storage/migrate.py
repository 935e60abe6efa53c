"""Run Alembic migrations from inside the application (at start-up, in tests, from the CLI)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from deskapp.core.errors import StorageError
from deskapp.core.i18n import later
from deskapp.core.search.kb_index import TRIGRAM_INDEXES
from deskapp.core.search.pg_prefixes import TABLE as PREFIX_TABLE

if TYPE_CHECKING:
    from alembic.config import Config

# The newest migration shipped with this version. Checked against the scripts by a test, so that
# start-up can see a database is current without importing Alembic and parsing every script.
EXPECTED_HEAD = "0017"

SCRIPT_LOCATION = "deskapp.core.storage:migrations"


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Leave out of schema comparison what no model describes: FTS5 tables, PostgreSQL's search indexes and table.

    They are created by raw SQL in migrations 0002, 0015 and 0016 and are backend-specific.
    """
    if type_ == "table" and name is not None and name.startswith(("customer_fts", "kb_article_fts", PREFIX_TABLE)):
        return False
    return not (type_ == "index" and name in {"ix_customer_search_text_trgm", "ix_customer_search_words",
                                              *TRIGRAM_INDEXES})


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration bound to ``engine`` (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["engine"] = engine
    return config


def head_revision() -> str | None:
    """The newest migration shipped with this version of deskapp (read from the scripts)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_plain_config())
    return script.get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or ``None`` for an empty database."""
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError):  # no alembic_version table: a new database
        return None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema of ``engine``'s database up to ``revision``."""
    if revision == "head" and current_revision(engine) == EXPECTED_HEAD:
        return
    from deskapp.core.storage.engine import is_read_only

    if is_read_only(engine):
        raise StorageError(later("This database is read-only and needs an update that only a writable copy can "
                                 "get. Open it once where it can be written, or copy it to a writable folder."))
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to ``revision`` (used by migration tests)."""
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def _plain_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config
