"""An error keeps what writes its message: read after a language switch, it is in the new language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import Role
from deskapp.core.domain.models import Agent
from deskapp.core.errors import DeskappError, InputFileError, InvalidInput, PermissionDenied
from deskapp.core.i18n import later, load_catalog, set_locale
from deskapp.core.security.permissions import require
from deskapp.core.storage import migrate
from deskapp.core.storage.engine import make_engine


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    yield
    set_locale("en")


def fi(message: str) -> str:
    return load_catalog("fi").gettext(message)


def test_later_writes_the_text_and_its_translated_parts_in_the_language_of_each_call() -> None:
    write = later("Your account is not allowed to {action}. Ask a supervisor or an administrator if you need to.",
                  action=later("erase customers' personal data"))
    english = write()
    assert english == ("Your account is not allowed to erase customers' personal data. Ask a supervisor or an "
                       "administrator if you need to.")
    set_locale("fi")
    assert write() != english
    assert fi("erase customers' personal data") in write()
    set_locale("en")
    assert write() == english


def test_a_finished_text_stays_as_raised_and_a_written_one_follows_the_switch() -> None:
    plain, written = DeskappError("as raised"), InvalidInput(later("Write a subject for the case."))
    assert (plain.message, str(plain)) == ("as raised", "as raised")
    assert written.message == str(written) == written.args[0] == "Write a subject for the case."
    set_locale("fi")
    assert plain.message == "as raised"
    assert written.message == str(written) == written.retranslated() == fi("Write a subject for the case.")
    assert written.message != "Write a subject for the case."
    wrapped = InvalidInput(written.retranslated)  # re-raised as another kind: still follows the language
    set_locale("en")
    assert wrapped.message == "Write a subject for the case."


def test_a_refusal_raised_in_english_reads_in_finnish_after_a_switch(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    migrate.upgrade(engine)
    with Session(engine) as session:
        rep = Agent(username="anna", display_name="Anna Rep", role=Role.REP)
        session.add(rep)
        session.commit()
        with pytest.raises(PermissionDenied) as raised:
            require(session, rep.id, "customer.erase")
    engine.dispose()
    english = raised.value.message
    assert "erase customers' personal data" in english
    set_locale("fi")
    finnish = raised.value.message
    assert finnish != english and fi("erase customers' personal data") in finnish
    assert finnish == fi("Your account is not allowed to {action}. Ask a supervisor or an administrator if you "
                         "need to.").format(action=fi("erase customers' personal data"))
    set_locale("en")
    assert raised.value.message == english


def test_a_file_that_cannot_be_read_is_described_again_in_the_new_language(tmp_path: Path) -> None:
    from deskapp.core.io.inputs import stat_input

    missing = tmp_path / "missing.csv"
    with pytest.raises(InputFileError) as raised:
        stat_input(missing)
    assert raised.value.message == f"{missing} does not exist. Check the file name and folder."
    set_locale("fi")
    assert raised.value.message == fi("{path} does not exist. Check the file name and folder.").format(path=missing)
