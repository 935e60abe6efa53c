"""A desk whose database file vanishes or was never there: nothing claims "saved", nothing is made silently."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from deskapp.core.config import default_db_path
from deskapp.core.errors import DatabaseGone, NoDatabase
from deskapp.core.services.desk import Desk
from deskapp.core.services.notes.spool import LocalDraftSpool
from deskapp.core.storage import migrate
from deskapp.core.storage.engine import make_engine
from tests.seeding import new_case, seed


def _desk_with_a_case(path: Path) -> tuple[Desk, int]:
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    s = seed(engine)
    with Session(engine) as session:
        case_id = new_case(session, s).id
    engine.dispose()
    desk = Desk(str(path))
    desk.open(username="anna")
    return desk, case_id


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_vanished_database_is_never_reported_saved_and_the_text_is_kept(tmp_path: Path, how: str) -> None:
    path = tmp_path / "desk.sqlite3"
    desk, case_id = _desk_with_a_case(path)
    try:
        assert not desk.save_draft(case_id, "first words").offline
        if how == "deleted":
            path.unlink()
        else:  # a restore or a sync tool put another file in its place
            path.rename(tmp_path / "old.sqlite3")
            path.write_bytes((tmp_path / "old.sqlite3").read_bytes())
        with pytest.raises(DatabaseGone, match="deleted or replaced"):
            desk.save_draft(case_id, "words typed after the file went away")
        with pytest.raises(DatabaseGone):
            desk.save_note(case_id, "Ctrl+S after the file went away")
        kept = LocalDraftSpool().pending()
        assert [d.body for d in kept] == ["words typed after the file went away"]
        assert kept[0].desk == desk.desk_id != ""
    finally:
        desk.close()


def test_a_path_with_no_database_is_not_made_into_a_desk_without_a_yes(tmp_path: Path) -> None:
    typo = tmp_path / "garbage"
    with pytest.raises(NoDatabase, match="no deskapp database") as refused:
        Desk(str(typo)).open()
    assert refused.value.path == str(typo)
    assert not typo.exists()
    desk = Desk(str(typo))
    try:
        desk.open(create=True)  # the rep said yes
    finally:
        desk.close()
    assert typo.is_file()


def test_the_default_desk_is_made_on_the_first_run_only() -> None:
    first = Desk()
    first.open()
    first.close()
    assert default_db_path().is_file()
    for leftover in default_db_path().parent.glob(default_db_path().name + "*"):
        os.remove(leftover)  # deleted, moved, or a backup disk not mounted
    with pytest.raises(NoDatabase):
        Desk().open()
    assert not default_db_path().exists()
