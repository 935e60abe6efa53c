"""One clear line instead of a traceback, and limits on what the console accepts (issue 16, defects 6 and 10)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import Role
from deskapp.core.domain.models import Agent
from deskapp.core.errors import InvalidInput
from deskapp.core.security.passwords import hash_password
from deskapp.core.services.auth import auth
from deskapp.core.services.auth.auth import LastAdministrator, normalise_username
from deskapp.core.services.customers.csv_import import import_customers
from deskapp.core.services.kernel.actors import console_actor
from tests.seeding import console
from tests.test_customer_csv import HEADER, db_customers

OPTIONAL_HEADER = HEADER + ",birth_year"


def _huge_birth_year_file(tmp_path: Path) -> Path:
    path = tmp_path / "years.csv"
    path.write_text(OPTIONAL_HEADER + "\n" + "A-1,,Ann,Lee,,,,en,,1980\n" + "A-2,,Bob,Lee,,,,en,," + "1" * 4301
                    + "\n" + "A-3,,Cid,Lee,,,,en,,1999\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_a_birth_year_of_4301_digits_rejects_only_its_row(cli, db_path: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                          dry_run: list[str]) -> None:
    path = _huge_birth_year_file(tmp_path)
    code, out, err = cli("--db", str(db_path), "import", "customers", str(path), *dry_run)
    assert code == 1 and "Traceback" not in err
    [line] = err.splitlines()
    assert line.startswith(f'{path}, line 3, column birth_year: "1111111111') and "not a plausible birth year" in line
    assert ("2 new customers would be imported" if dry_run else "2 new customers imported") in out


def test_birth_year_import_keeps_the_good_rows(engine: Engine, tmp_path: Path) -> None:
    summary = import_customers(engine, console(engine), _huge_birth_year_file(tmp_path))
    assert [(r.line, r.column) for r in summary.rejections] == [(3, "birth_year")]
    assert sorted(db_customers(engine)) == ["A-1", "A-3"]


# --------------------------------------------------------------------------- database URLs
def test_postgresql_without_its_driver_says_how_to_install_it(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "psycopg", None)  # what `import psycopg` meets when it is not installed
    code, out, err = cli("--db", "postgresql://desk@localhost/desk", "users", "list")
    assert (code, out) == (1, "")
    assert err == ("deskapp: The PostgreSQL driver is not installed. Install it with: pip install 'deskapp[postgres]' "
                   "(and write the URL as postgresql://…).\n")


@pytest.mark.parametrize(("url", "says"), [
    ("mysql://desk@localhost/desk", "“mysql://” databases are not supported"),
    ("oracle://desk@localhost/desk", "“oracle://” databases are not supported"),
    ("nosuch://x", "“nosuch://” databases are not supported"),
    ("postgres://desk@localhost/desk", "Write the database URL as postgresql://… (not postgres://…)."),
    ("sqlite+nosuchdriver:///x.db", "does not know the database driver “sqlite+nosuchdriver://”"),
])
def test_unsupported_databases_are_named(cli, url: str, says: str) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli("--db", url, "users", "list")
    assert code == 1 and says in err and len(err.splitlines()) == 1


# --------------------------------------------------------------------------- passwords on stdin
@pytest.mark.parametrize("errors", ["surrogateescape", "strict"])
def test_a_password_that_is_not_utf8_is_refused(cli, db_url: str, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                errors: str) -> None:
    # The POSIX locale decodes stdin with surrogateescape; PYTHONIOENCODING=utf-8 decodes strictly.
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"abc\xff\xfedefghij\n"), encoding="utf-8",
                                                      errors=errors))
    code, out, err = cli("--db", db_url, "users", "add", "bob", "--password-stdin")
    assert (code, out) == (1, "")
    assert err == ("deskapp: The password is not valid UTF-8 text (check the terminal's or the file's encoding). "
                   "Nothing was changed.\n")
    assert cli("--db", db_url, "users", "list", "--json")[1].strip() == "[]"


# --------------------------------------------------------------------------- ids and counts
@pytest.mark.parametrize("case", ["99999999999999999999999", "9223372036854775808", "0", "-1", "1e3", "1" * 5000])
def test_case_ids_outside_64_bits_are_a_usage_error(cli, db_url: str, case: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("--db", db_url, "responses", "render", "greeting.phone", "--customer", "X", "--case", case)
    assert (code, out) == (2, "")
    assert "argument --case: not a record number: expected a whole number from 1 to 9223372036854775807" in err
    assert "Traceback" not in err and len(err) < 500


def test_the_largest_case_id_is_a_case_that_does_not_exist(cli, db_url: str) -> None:  # type: ignore[no-untyped-def]
    from deskapp.cli.argtypes import MAX_ID, record_id

    assert record_id(str(MAX_ID)) == MAX_ID and record_id(" +7 ") == 7


@pytest.mark.parametrize(("value", "says"), [
    ("2000001", "at most 2000000 customers in a demo desk, got 2000001"),
    ("9" * 5000, "at most 2000000 customers"),
    ("-3", "expected a whole number of 0 or more"),
])
def test_demo_size_is_capped(cli, db_url: str, value: str, says: str) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli("--db", db_url, "demo", "--customers", value)
    assert code == 2 and says in err and "Traceback" not in err


# --------------------------------------------------------------------------- usernames
@pytest.mark.parametrize(("typed", "stored"), [
    ("ＡＤＭＩＮ", "admin"), (" Ａｄｍｉｎ\u3000", "admin"), ("Straße", "strasse"), ("ﬁona", "fiona"), ("Mäki", "mäki"),
])
def test_usernames_are_nfkc_casefolded(typed: str, stored: str) -> None:
    assert normalise_username(typed) == stored


def test_a_full_width_admin_is_the_admin(engine: Engine) -> None:
    with Session(engine) as session:
        auth.add_user(session, console_actor(session), "admin", "correct horse", role="admin")
        with pytest.raises(InvalidInput, match="already taken"):
            auth.add_user(session, console_actor(session), "ＡＤＭＩＮ", "correct horse", role="admin")
        with pytest.raises(LastAdministrator):
            auth.disable_user(session, console_actor(session), "ＡＤＭＩＮ")
        with pytest.raises(LastAdministrator):
            auth.set_role(session, console_actor(session), "Ａｄｍｉｎ", "rep")
        assert auth.sign_in(session, "ＡＤＭＩＮ", "correct horse").username == "admin"
        assert [a.username for a in session.scalars(select(Agent)) if a.username != "console"] == ["admin"]


def test_an_account_stored_before_nfkc_can_still_be_managed(engine: Engine) -> None:
    with Session(engine) as session:
        auth.add_user(session, console_actor(session), "admin", "correct horse", role="admin")
        session.add(Agent(username="ａｄｍｉｎ", display_name="look-alike", role=Role.ADMIN,
                          password_hash=hash_password("x" * 12)))
        session.commit()
        assert auth.disable_user(session, console_actor(session), "ａｄｍｉｎ").display_name == "look-alike"
        with pytest.raises(LastAdministrator):  # the look-alike no longer counts as another admin
            auth.disable_user(session, console_actor(session), "admin")


# --------------------------------------------------------------------------- other inputs
def test_unknown_lookup_region_is_refused(cli, db_url: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("--db", db_url, "lookup", "--region", "XX", "040 123 4567")
    assert (code, out) == (1, "")
    assert err == "deskapp: XX is not a known country code for phone numbers; use two letters such as FI, PH or ES.\n"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
@pytest.mark.parametrize("command", [("import", "customers"), ("responses", "import")])
def test_a_device_is_not_an_input_file(cli, db_url: str, command: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli("--db", db_url, *command, "/dev/zero")
    assert code == 1
    assert err == ("deskapp: /dev/zero is not a regular file (it is a device, a pipe or a socket), so it cannot be "
                   "read as a file. Save the data to a file and give its name.\n")
