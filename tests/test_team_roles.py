"""The README's least-privilege setup for a team desk (docs/team-roles.sql) on a real PostgreSQL server.

Reps connect as members of a role that does not own the tables: every rep's operation works, and
nothing that would let them rewrite history (drop or disable the append-only triggers, TRUNCATE,
change the schema) does.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from deskapp.core.services.notes import notes, verify
from deskapp.core.storage import migrate
from deskapp.core.storage.doctor import Status, run_checks
from deskapp.core.storage.engine import make_engine
from tests.seeding import new_case, seed

pytestmark = pytest.mark.postgres
SCRIPT = Path(__file__).resolve().parent.parent / "docs" / "team-roles.sql"


def _script(owner: str, reps: str, database: str) -> list[str]:
    """docs/team-roles.sql with its psql variables filled in, as statements."""
    sql = "\n".join(line for line in SCRIPT.read_text(encoding="utf-8").splitlines() if not line.startswith("--"))
    sql = sql.replace(':"owner"', f'"{owner}"').replace(':"reps"', f'"{reps}"').replace(':"DBNAME"', f'"{database}"')
    return [statement.strip() for statement in sql.split(";") if statement.strip()]


@pytest.fixture
def rep_engine(pg_empty_url: str) -> Iterator[tuple[Engine, Engine]]:
    """(owner's engine, a rep's engine) on a desk set up as the README says."""
    owner = make_engine(pg_empty_url)
    migrate.upgrade(owner)
    suffix = uuid.uuid4().hex[:8]
    reps, login = f"deskapp_reps_{suffix}", f"anna_{suffix}"
    url = make_url(pg_empty_url)
    with owner.begin() as conn:
        owner_name = conn.execute(text("SELECT current_user")).scalar_one()
        for statement in _script(owner_name, reps, str(url.database)):
            conn.execute(text(statement))
        conn.execute(text(f'CREATE ROLE "{login}" LOGIN IN ROLE "{reps}"'))
    rep = make_engine(url.set(username=login).render_as_string(hide_password=False))
    try:
        yield owner, rep
    finally:
        rep.dispose()
        with owner.begin() as conn:
            conn.execute(text(f'DROP OWNED BY "{login}", "{reps}"'))
            conn.execute(text(f'DROP ROLE "{login}"'))
            conn.execute(text(f'DROP ROLE "{reps}"'))
        owner.dispose()


def test_a_rep_role_does_the_work_but_cannot_touch_the_history_guards(rep_engine: tuple[Engine, Engine]) -> None:
    _owner, rep = rep_engine
    migrate.upgrade(rep)  # at head already: start-up must not need the owner's rights
    s = seed(rep)
    with Session(rep) as session:
        case = new_case(session, s)
        note = notes.add_note(session, s.rep, case.id, "Router reset, line stable")
        notes.edit_note(session, s.rep, note.id, "Router reset; line stable since 10:00")
        assert verify.verify_history(session, s.supervisor).ok
    for statement in ("DROP TRIGGER note_revision_append_only ON note_revision",
                      "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only",
                      "TRUNCATE note_revision CASCADE",
                      "ALTER TABLE customer ADD COLUMN sneaky text",
                      "UPDATE note_revision SET body = 'rewritten'"):
        with rep.begin() as conn, pytest.raises(DBAPIError):
            conn.execute(text(statement))
    checks = {check.name: check for check in run_checks(rep)}
    assert checks["privileges"].status is Status.OK
    assert checks["append-only"].status is Status.OK
