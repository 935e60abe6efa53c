"""``deskapp doctor``: is this database fit to be a desk? One check per line, each with what to do.

The checks read the catalog and time a few round trips; they change nothing. They matter most for
a team desk on PostgreSQL, whose server somebody else set up: the collation decides whether every
rep sees names in the same order, ``pg_trgm`` whether name lookup uses an index, and the table
owner whether the application's own role could drop the append-only triggers.
"""

from __future__ import annotations

import enum
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from deskapp.core.errors import DeskappError
from deskapp.core.i18n import _, later
from deskapp.core.search import fts, pg_prefixes
from deskapp.core.storage import migrate

# Tables whose rows may only be added (migrations 0004 and 0007), and the events a trigger refuses.
APPEND_ONLY = ("note_revision", "audit_event", "desk_secret")
# The oldest servers deskapp is tested against (features used: FTS5 and RETURNING; EXECUTE FUNCTION).
MIN_SQLITE = (3, 35)
MIN_POSTGRES = 13
# Above this, every keystroke's lookup spends noticeable time on the wire.
LATENCY_WARNING_MS = 5.0
ROUND_TRIPS = 20


class Status(enum.StrEnum):
    """How a check came out; ``error`` makes ``deskapp doctor`` exit 1."""

    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Check:
    """The outcome of one check: what was found, and what to do when it is not ``ok``."""

    name: str
    status: Status
    detail: str
    advice: str = ""


def run_checks(engine: Engine) -> list[Check]:
    """Every check that applies to ``engine``'s backend, in a fixed order."""
    with engine.connect() as connection:
        return list(_checks(engine, connection))


def _checks(engine: Engine, connection: Connection) -> Iterator[Check]:
    dialect = engine.dialect.name
    yield _latency(connection)
    yield _server_version(connection, dialect)
    yield _migrations(engine)
    if dialect == "postgresql":
        yield _collation(connection)
        yield _extensions(connection)
        yield _owner(connection)
    else:
        yield _journal(connection)
        yield _quick_check(connection)
    yield _schema(connection)
    yield _search_index(connection, dialect)
    yield _append_only(connection, dialect)


def _latency(connection: Connection) -> Check:
    samples = []
    for _i in range(ROUND_TRIPS):
        start = time.perf_counter()
        connection.execute(text("SELECT 1")).scalar()
        samples.append((time.perf_counter() - start) * 1000)
    median = statistics.median(samples)
    detail = _("median round trip {ms} ms over {n} queries").format(ms=f"{median:.2f}", n=ROUND_TRIPS)
    if median > LATENCY_WARNING_MS:
        return Check("latency", Status.WARNING, detail,
                     _("lookup runs one query per keystroke: put the server on the same network as the desks"))
    return Check("latency", Status.OK, detail)


def _server_version(connection: Connection, dialect: str) -> Check:
    if dialect == "postgresql":
        number = int(connection.execute(text("SHOW server_version_num")).scalar_one())
        shown = str(connection.execute(text("SHOW server_version")).scalar_one())
        detail = _("PostgreSQL {version}").format(version=shown)
        if number // 10000 < MIN_POSTGRES:
            return Check("server", Status.ERROR, detail,
                         _("deskapp needs PostgreSQL {version} or newer").format(version=MIN_POSTGRES))
        return Check("server", Status.OK, detail)
    shown = str(connection.execute(text("SELECT sqlite_version()")).scalar_one())
    detail = _("SQLite {version}").format(version=shown)
    if tuple(int(part) for part in shown.split(".")[:2]) < MIN_SQLITE:
        return Check("server", Status.ERROR, detail,
                     _("deskapp needs SQLite {version} or newer").format(version=".".join(map(str, MIN_SQLITE))))
    return Check("server", Status.OK, detail)


def _migrations(engine: Engine) -> Check:
    current = migrate.current_revision(engine)
    detail = _("schema version {current}, this deskapp expects {head}").format(
        current=current or "-", head=migrate.EXPECTED_HEAD)
    if current == migrate.EXPECTED_HEAD:
        return Check("migrations", Status.OK, detail)
    return Check("migrations", Status.ERROR, detail,
                 _("run 'deskapp migrate' with the database owner's account"))


def _collation(connection: Connection) -> Check:
    collate = str(connection.execute(
        text("SELECT datcollate FROM pg_database WHERE datname = current_database()")).scalar_one())
    detail = _("collation {name}").format(name=collate)
    if collate in {"C", "POSIX", "C.UTF-8", "C.utf8"}:
        return Check("collation", Status.OK, detail)
    return Check("collation", Status.WARNING, detail,
                 _("names sort differently on the server than on each rep's machine; create the database with "
                   "the C collation: createdb --locale=C --encoding=UTF8 --template=template0"))


def _extensions(connection: Connection) -> Check:
    installed = set(connection.execute(text("SELECT extname FROM pg_extension")).scalars())
    if "pg_trgm" in installed:
        return Check("extensions", Status.OK, _("pg_trgm installed"))
    return Check("extensions", Status.WARNING, _("pg_trgm is not installed"),
                 _("name lookup reads the whole customer table; as a superuser run: CREATE EXTENSION pg_trgm; "
                   "then 'deskapp migrate'"))


def _owner(connection: Connection) -> Check:
    owners = set(connection.execute(text(
        "SELECT pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.relname = ANY(:tables) AND c.relkind = 'r'"
    ), {"tables": list(APPEND_ONLY)}).scalars())
    user = str(connection.execute(text("SELECT current_user")).scalar_one())
    if not owners:
        return Check("privileges", Status.OK, _("no tables yet"))
    if user in owners:
        return Check("privileges", Status.WARNING,
                     _("this account ({user}) owns the tables and could drop the append-only triggers").format(
                         user=user),
                     _("let reps connect with a role that has only SELECT, INSERT, UPDATE and DELETE (see the "
                       "README's team-mode section)"))
    return Check("privileges", Status.OK, _("this account ({user}) does not own the tables").format(user=user))


def _journal(connection: Connection) -> Check:
    mode = str(connection.execute(text("PRAGMA journal_mode")).scalar_one())
    detail = _("journal mode {mode}").format(mode=mode)
    if mode.lower() == "wal":
        return Check("journal", Status.OK, detail)
    return Check("journal", Status.WARNING, detail,
                 _("the file is on a system without shared memory or was opened read-only; autosave and lookup "
                   "then wait for each other"))


def _quick_check(connection: Connection) -> Check:
    rows = [str(row) for row in connection.execute(text("PRAGMA quick_check(5)")).scalars()]
    if rows == ["ok"]:
        return Check("integrity", Status.OK, _("the database file is intact"))
    return Check("integrity", Status.ERROR, "; ".join(rows),
                 _("the file is damaged: close deskapp and replace the file with your latest backup"))


def _schema(connection: Connection) -> Check:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    import deskapp.core.domain.models  # noqa: F401  (every table on Base.metadata)
    from deskapp.core.domain.base import Base

    context = MigrationContext.configure(connection, opts={"include_name": migrate.include_name})
    differences = compare_metadata(context, Base.metadata)
    if not differences:
        return Check("schema", Status.OK, _("tables and indexes as migrated"))
    shown = "; ".join(_describe_difference(d) for d in differences[:5])
    return Check("schema", Status.WARNING,
                 _("{n} differences from the migrated schema: {first}").format(n=len(differences), first=shown),
                 _("someone changed the schema by hand; restore it with the migrations, or ask for help"))


def _describe_difference(difference: object) -> str:
    if isinstance(difference, tuple) and difference:
        name = getattr(difference[-1], "name", None)
        return f"{difference[0]} {name}" if name else str(difference[0])
    return str(difference)


def _append_only(connection: Connection, dialect: str) -> Check:
    missing = [f"{table} ({event})" for table, event in _refusals() if not _refuses(connection, dialect, table, event)]
    if not missing:
        return Check("append-only", Status.OK, _("note history and the audit log refuse changes"))
    return Check("append-only", Status.ERROR,
                 _("no trigger refuses: {missing}").format(missing=", ".join(missing)),
                 _("run 'deskapp verify', then restore the triggers: 'deskapp migrate' on a copy, or restore a "
                   "backup"))


def _search_index(connection: Connection, dialect: str) -> Check:
    missing = missing_search_triggers(connection, dialect)
    if not missing:
        return Check("search-index", Status.OK, _("the name search index follows every change to a customer"))
    return Check("search-index", Status.ERROR,
                 _("triggers missing or disabled: {missing}; new and edited customers are not found by name").format(
                     missing=", ".join(missing)),
                 _("run 'deskapp doctor --repair' with the database owner's account: it rebuilds the search index"))


def _search_triggers(dialect: str) -> tuple[str, ...]:
    if dialect == "postgresql":
        return (*pg_prefixes.TRIGGERS, pg_prefixes.TRUNCATE_TRIGGER)
    return fts.TRIGGER_NAMES


def missing_search_triggers(connection: Connection, dialect: str) -> list[str]:
    """The triggers that keep customer lookup's index in step with ``customer`` and are missing or disabled."""
    if dialect == "postgresql":
        present = set(connection.execute(text(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relname = 'customer' AND NOT t.tgisinternal AND t.tgenabled <> 'D'")).scalars())
    else:
        present = set(connection.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'customer'")).scalars())
    return [name for name in _search_triggers(dialect) if name not in present]


def repair_search_index(engine: Engine) -> None:
    """Rebuild customer lookup's index and its triggers from ``customer`` (derived data: nothing is lost).

    One transaction: other desks keep reading the old index until it commits.

    Raises:
        DeskappError: The database is not at this deskapp's schema version (migrate it first).
    """
    if migrate.current_revision(engine) != migrate.EXPECTED_HEAD:
        raise DeskappError(later("The database is not at this deskapp's schema version; run 'deskapp migrate' first."))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            pg_prefixes.drop(connection)
            pg_prefixes.create(connection)
        else:
            fts.drop_triggers(connection)
            fts.create_triggers(connection)
            fts.rebuild(connection)


def _refusals() -> Iterator[tuple[str, str]]:
    for table in APPEND_ONLY:
        yield table, "UPDATE"
        yield table, "DELETE"


_PG_EVENT_BITS = {"INSERT": 4, "DELETE": 8, "UPDATE": 16, "TRUNCATE": 32}


def _refuses(connection: Connection, dialect: str, table: str, event: str) -> bool:
    finders: dict[str, Callable[[], bool]] = {
        "sqlite": lambda: bool(connection.execute(text(
            "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t "
            "AND upper(sql) LIKE :pattern"), {"t": table, "pattern": f"%BEFORE {event} ON {table.upper()}%"}).first()),
        "postgresql": lambda: bool(connection.execute(text(
            "SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relname = :t AND NOT t.tgisinternal AND t.tgenabled <> 'D' AND (t.tgtype & :bit) <> 0"),
            {"t": table, "bit": _PG_EVENT_BITS[event]}).first()),
    }
    finder = finders.get(dialect)
    return finder() if finder else False
