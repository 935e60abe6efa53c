"""``export cases``: latest note texts, neutralised formulas, audited, refused without the right."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from deskapp.core.domain.audit import AuditEvent
from deskapp.core.errors import PermissionDenied
from deskapp.core.services.cases.export import COLUMNS, NOTE_SEPARATOR, export_cases_csv
from deskapp.core.services.notes import notes
from tests.seeding import Seed, new_case, seed


@pytest.fixture
def s(engine: Engine) -> Seed:
    s = seed(engine)
    with Session(engine) as session:
        first = new_case(session, s, "=HYPERLINK(\"http://evil\")")
        note = notes.add_note(session, s.rep, first.id, "Old text")
        notes.edit_note(session, s.rep, note.id, "+Latest text of note one")
        notes.add_note(session, s.rep, first.id, "Second note")
        new_case(session, s, "No notes here")
    return s


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_export_has_latest_notes_and_is_formula_safe(engine: Engine, s: Seed, tmp_path: Path) -> None:
    out = tmp_path / "cases.csv"
    with Session(engine) as session:
        assert export_cases_csv(session, s.supervisor, out) == 2
    rows = read(out)
    assert list(rows[0]) == list(COLUMNS)
    assert rows[0]["subject"] == "'=HYPERLINK(\"http://evil\")"
    assert rows[0]["notes"] == "'+Latest text of note one" + NOTE_SEPARATOR + "Second note"
    assert "Old text" not in out.read_text(encoding="utf-8")
    assert (rows[0]["account_number"], rows[0]["owner"], rows[1]["notes"]) == ("FI-000001", "anna", "")
    assert "Mäkinen" not in out.read_text(encoding="utf-8")  # no customer name in a case export
    with Session(engine) as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "export.cases")).all()
        assert (event.agent_id, event.detail) == (s.supervisor, {"count": 2, "since": None})
        with pytest.raises(PermissionDenied):
            export_cases_csv(session, s.rep, tmp_path / "no.csv")
    assert not (tmp_path / "no.csv").exists()


def test_since_and_cli(cli, db_url: str, engine: Engine, s: Seed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "x.csv"
    with Session(engine) as session:
        tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
        assert export_cases_csv(session, s.supervisor, out, since=tomorrow) == 0
    assert read(out) == []
    code, stdout, err = cli("--db", db_url, "export", "cases", str(out))
    assert (code, err) == (0, "")
    assert stdout == f"Exported 2 cases to {out}.\n"
    assert len(read(out)) == 2
    code, _, err = cli("--db", db_url, "export", "cases", str(tmp_path / "missing" / "x.csv"))
    assert code == 1 and err.count("\n") == 1
