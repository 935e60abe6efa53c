"""Where deskapp keeps its data and which database it opens."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "deskapp"
APP_AUTHOR = "deskapp"
DB_ENV = "DESKAPP_DB"
DATA_DIR_ENV = "DESKAPP_DATA_DIR"


def data_dir() -> Path:
    """Return the per-user data directory (created on demand).

    ``DESKAPP_DATA_DIR`` overrides the platform default, which tests and portable installs use.
    """
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        path = Path(override)
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    """The embedded SQLite file used when nothing else is configured."""
    return data_dir() / "deskapp.sqlite3"


def database_url(path_or_url: str | None = None) -> str:
    """Turn ``--db`` (a path or a URL), ``DESKAPP_DB`` or the default into a SQLAlchemy URL."""
    value = path_or_url or os.environ.get(DB_ENV) or ""
    if not value:
        return f"sqlite:///{default_db_path()}"
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"
