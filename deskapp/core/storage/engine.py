"""Create engines with the connection settings deskapp relies on, and classify storage failures."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sqlite3
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from deskapp.core.errors import DeskappError, StorageError
from deskapp.core.i18n import _, later
from deskapp.core.storage.idle_ping import outside_transaction, ping_when_idle

BUSY_TIMEOUT_MS = 5000

# Engines opened read-only because their file or file system cannot be written.
_READ_ONLY: weakref.WeakSet[Engine] = weakref.WeakSet()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets reps keep reading while a note is written; FULL sync means a note shown as
    # saved survives a power cut; busy_timeout turns brief lock contention into a wait.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # A read-only file keeps its journal mode; reading still works.
        with contextlib.suppress(sqlite3.OperationalError):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        # A million customers is ~550 MB: a 64 MB page cache and memory-mapped reads keep the
        # index pages of as-you-type lookups in memory (bench/lookup.py).
        cursor.execute("PRAGMA cache_size = -65536")
        cursor.execute("PRAGMA mmap_size = 268435456")
    finally:
        cursor.close()


# The database systems deskapp's schema and search are written for.
SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def check_database_url(url: str | URL) -> URL:
    """``url`` parsed, or :class:`StorageError` when deskapp cannot use it (kind of database, driver).

    Raises:
        StorageError: Not a URL, a database system deskapp does not support, or its driver is
            not installed (with the command that installs PostgreSQL's).
    """
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError:
        raise StorageError(later("“{url}” is neither a database file nor a database URL such as "
                                 "postgresql://user@host/dbname.", url=url)) from None
    backend = parsed.drivername.partition("+")[0]
    if backend == "postgres":
        raise StorageError(later("Write the database URL as postgresql://… (not postgres://…)."))
    if backend not in SUPPORTED_BACKENDS:
        raise StorageError(later("deskapp works with SQLite files and PostgreSQL servers; “{scheme}://” databases "
                                 "are not supported. Give a file name or a postgresql://user@host/dbname URL.",
                                 scheme=parsed.drivername))
    try:
        parsed.get_dialect().import_dbapi()
    except NoSuchModuleError:
        raise StorageError(later("deskapp does not know the database driver “{scheme}://”. Give a file name or a "
                                 "postgresql://user@host/dbname URL.", scheme=parsed.drivername)) from None
    except ImportError:
        if backend == "postgresql":
            raise StorageError(later("The PostgreSQL driver is not installed. Install it with: pip install "
                                     "'deskapp[postgres]' (and write the URL as postgresql://…).")) from None
        raise StorageError(later("The database driver for “{scheme}://” is not installed. Give a plain file name "
                                 "instead (SQLite is built in).", scheme=parsed.drivername)) from None
    return parsed


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url``; SQLite files get deskapp's pragmas on every connection.

    Raises:
        StorageError: See :func:`check_database_url`; or a SQLite file's folder does not exist.
    """
    # Customer data must never reach a log: no statement parameters in logs or error texts, and
    # a root logger set to DEBUG does not turn on SQLAlchemy's SQL and row echo (tests/test_log_canary.py).
    kwargs.setdefault("hide_parameters", True)
    sql_log = logging.getLogger("sqlalchemy.engine")
    if sql_log.level == logging.NOTSET:
        sql_log.setLevel(logging.WARNING)
    parsed = check_database_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        read_only = None
        if database and database != ":memory:" and not database.startswith("file:"):
            folder = Path(database).parent
            if not folder.exists():
                raise StorageError(
                    _("The database folder {folder} does not exist.").format(folder=folder)
                )
            read_only = _read_only_mode(Path(database))
            if read_only is not None:
                # A WAL database needs its -shm file written even to read; on a read-only file
                # system (a mounted share, a backup disk) SQLite can read it only as immutable.
                url = f"sqlite:///file:{Path(database).resolve().as_posix()}?{read_only}&uri=true"
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        if read_only is not None:
            _READ_ONLY.add(engine)
        return engine
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _postgresql_settings)
    ping_when_idle(engine)
    setattr(engine, _MADE_WITH, dict(kwargs))
    return engine


# Every PostgreSQL connection's settings. A sequential scan may otherwise start wherever another
# one is reading (synchronized scans), and a lookup that reads the table until it has a page of
# matches ("jose") would show whichever people that part of the table holds: different ones each
# time, and not those SQLite shows. Off, every scan starts at the table's beginning.
# No parallel workers: a desk's statements take a millisecond or two, and starting two
# workers costs ~8 ms (a lookup that merges word-prefix streams went 1 -> 10 ms with them);
# with many reps on a few cores they would only take CPU from other reps.
_SETTINGS = ("SET synchronize_seqscans = off", "SET max_parallel_workers_per_gather = 0")


def _postgresql_settings(dbapi_connection: Any, _record: Any) -> None:
    outside_transaction(dbapi_connection, *_SETTINGS)


def reader(engine: Engine) -> Engine:
    """The engine for reads that need no transaction of their own (a lookup, a profile, a case history).

    SQLite: ``engine`` itself; its transactions cost no round trip. PostgreSQL: an engine with a
    pool of its own on the same server, made once per ``engine`` and disposed with it, whose
    connections

    * run each statement on its own (AUTOCOMMIT): psycopg sends no BEGIN before the first statement
      and the pool no ROLLBACK when the connection comes back, two round trips saved around every
      keystroke's lookup (bench/lookup_pg.py: about half the median);
    * plan every statement generically (``plan_cache_mode = force_generic_plan``): PostgreSQL would
      otherwise plan each lookup anew for its typed words, 0.3–1 ms of a 1–2 ms lookup at 1,000,000
      customers, though the generic plan runs as fast. These reads look rows up by key, where a
      generic plan is the plan; set once per connection instead of around each statement (0.06–0.15
      ms of every lookup);
    * are not taken by saves: an autosave never waits for a connection behind a lookup, nor a
      lookup behind a save. A rep's desk holds one or two of them, beside one or two for writing.
    """
    if engine.dialect.name != "postgresql":
        return engine
    made: Engine | None = getattr(engine, _READER, None)
    if made is None:
        made = create_engine(engine.url, isolation_level="AUTOCOMMIT", **getattr(engine, _MADE_WITH, {}))
        event.listen(made, "connect", _reading_settings)
        ping_when_idle(made)
        event.listen(engine, "engine_disposed", functools.partial(_dispose_reader, made))
        setattr(engine, _READER, made)
    return made


_READER = "_deskapp_reader"
_MADE_WITH = "_deskapp_engine_options"
GENERIC_PLANS = "deskapp_generic_plans"
"""Key of a connection's ``info``: every statement on it is planned generically (see :func:`reader`)."""


def _reading_settings(dbapi_connection: Any, record: Any) -> None:
    outside_transaction(dbapi_connection, *_SETTINGS, "SET plan_cache_mode = force_generic_plan")
    record.info[GENERIC_PLANS] = True


def _dispose_reader(made: Engine, _engine: Engine) -> None:
    made.dispose()


def is_read_only(engine: Engine) -> bool:
    """Whether ``engine`` was opened read-only because its file or file system cannot be written."""
    return engine in _READ_ONLY


def _read_only_mode(path: Path) -> str | None:
    """SQLite URI parameters to open an existing ``path`` that cannot be written, else ``None``."""
    if not path.is_file():
        return None
    folder = path.parent
    try:
        read_only_fs = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        read_only_fs = False
    if read_only_fs or not os.access(folder, os.W_OK):
        return "mode=ro&immutable=1"
    if not os.access(path, os.W_OK):
        return "mode=ro"
    return None


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit, so plain rows can be built from them."""
    return sessionmaker(engine, expire_on_commit=False)


def describe_storage_error(exc: BaseException) -> str:
    """A sentence a rep can act on for a database failure (current UI language)."""
    if isinstance(exc, DeskappError):
        # Our own errors (a field left empty, a value that does not fit) already say what to do;
        # the database did nothing wrong, so it is not blamed.
        return exc.message
    original = exc.orig if isinstance(exc, StatementError) and exc.orig is not None else exc
    if isinstance(original, DeskappError):  # raised inside a flush (a model's validation)
        return original.message
    text = str(original).lower()
    # sqlite3 names the result code (Python 3.11+); the text is the fallback for other drivers.
    code = getattr(original, "sqlite_errorname", "") or ""
    if code == "SQLITE_FULL":
        return _("The disk is full. Free some space, then try again.")
    if code.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        # EFBIG (a file-size limit) and some full disks come back as an I/O error, not SQLITE_FULL.
        return _("The database could not be written to disk: the disk may be full, over a size limit or "
                 "failing. Free some space or check the disk, then try again.")
    if "locked" in text or "busy" in text:
        return _("The database is busy or locked by another program. Try again in a moment.")
    if "readonly" in text or "read-only" in text or "read only" in text:
        return _("The database is read-only. Ask your administrator to check the file's permissions.")
    if "disk is full" in text or "no space" in text or "database or disk is full" in text:
        return _("The disk is full. Free some space, then try again.")
    if "unable to open" in text or "no such file" in text:
        return _("The database file cannot be opened. Check that the folder exists and is writable.")
    if "not a database" in text or "malformed" in text:
        return _("The file is not a deskapp database or it is damaged.")
    if isinstance(exc, OperationalError) and ("connect" in text or "server" in text):
        return _("The database server cannot be reached. Check the network connection.")
    detail = (str(original).splitlines() or [type(original).__name__])[0]
    if isinstance(exc, DBAPIError) or isinstance(original, sqlite3.Error):
        return _("The database reported an error: {detail}").format(detail=detail)
    if isinstance(original, ValueError):  # a value checked before it was written (a model's check)
        return detail
    return _("This could not be done: {detail}").format(detail=detail)
