"""Database passwords: keyring store, session-only fallback, the resolve order, no password leaks."""

from __future__ import annotations

import gettext
import logging
import uuid
from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import NoKeyringError, PasswordDeleteError
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from deskapp.core.i18n import set_locale
from deskapp.core.security.credentials import (
    SERVICE,
    AuthenticationFailed,
    CredentialError,
    CredentialStore,
    credential_key,
    resolve_database_url,
)
from deskapp.core.storage.engine import make_engine
from tests import helpers_pg

CANARY = "Canary-pw-" + uuid.uuid4().hex  # must never appear in a log line or output
PG = "postgresql+psycopg://rep@db.example:5433/desk"


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps everything in a dict (tests only)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")


class NoKeyring(KeyringBackend):
    """What a computer without any password store gives: every call raises NoKeyringError."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise NoKeyringError("No recommended backend was available.")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NoKeyringError("No recommended backend was available.")

    def delete_password(self, service: str, username: str) -> None:
        raise NoKeyringError("No recommended backend was available.")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    yield
    keyring.set_keyring(before)


class FakeServer:
    """Stands in for a server that wants ``password`` (or none, with ``pgpass``)."""

    def __init__(self, password: str, *, pgpass: bool = False) -> None:
        self.password = password
        self.pgpass = pgpass
        self.tried: list[str | None] = []

    def __call__(self, url: URL) -> None:
        self.tried.append(url.password)
        if url.password == self.password or (self.pgpass and url.password is None):
            return
        raise OperationalError("connect", {}, Exception(
            'connection failed: FATAL:  password authentication failed for user "rep"'))


class Prompt:
    def __init__(self, *answers: tuple[str, bool]) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> tuple[str, bool]:
        self.prompts.append(prompt)
        return self.answers.pop(0)


# ---------------------------------------------------------------------------- the store
def test_key_is_user_host_port_database() -> None:
    assert credential_key(PG) == "rep@db.example:5433/desk"
    assert credential_key("postgresql://rep@db.example/desk") == "rep@db.example:5432/desk"
    assert credential_key("postgresql+psycopg://rep@/desk?host=/run/postgresql") == "rep@/run/postgresql:5432/desk"


def test_set_get_delete_in_the_keyring(memory_keyring: MemoryKeyring) -> None:
    store = CredentialStore()
    assert store.get("k") is None
    assert store.set("k", CANARY).remembered
    assert memory_keyring.items == {(SERVICE, "k"): CANARY}
    assert CredentialStore().get("k") == CANARY  # a new session (another start) finds it
    store.delete("k")
    assert memory_keyring.items == {} and CredentialStore().get("k") is None
    store.delete("k")  # forgetting twice is fine


def test_not_remembering_keeps_it_for_the_session_only(memory_keyring: MemoryKeyring) -> None:
    store = CredentialStore()
    assert store.set("k", CANARY, remember=False).remembered is False
    assert store.get("k") == CANARY
    assert memory_keyring.items == {} and CredentialStore().get("k") is None


def test_without_a_keyring_the_password_lives_in_memory_and_the_user_is_told(
        no_keyring: None, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    store = CredentialStore()
    assert store.get("k") is None
    result = store.set("k", CANARY)
    assert result.remembered is False
    assert result.message is not None and "not remembered on this computer" in result.message
    assert store.notice == result.message
    assert store.get("k") == CANARY  # this session still has it
    assert CredentialStore().get("k") is None  # nothing was written anywhere
    with pytest.raises(CredentialError, match="could not be forgotten"):
        store.delete("k")
    assert "NoKeyringError" in caplog.text and CANARY not in caplog.text


def test_keyring_message_follows_the_ui_language(no_keyring: None) -> None:
    class Pseudo(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return f"[!! {message} !!]"

    set_locale("fi", catalog=Pseudo())
    message = CredentialStore().set("k", CANARY).message
    assert message is not None and message.startswith("[!! ")


# ------------------------------------------------------------------------ resolve order
def test_url_with_password_or_sqlite_is_returned_as_is() -> None:
    server = FakeServer("x")
    assert resolve_database_url("sqlite:///x.db", None, connect=server).get_backend_name() == "sqlite"
    assert resolve_database_url(PG.replace("rep@", "rep:given@"), None, connect=server).password == "given"
    assert server.tried == []


def test_pgpass_or_pgpassword_is_left_to_libpq(memory_keyring: MemoryKeyring) -> None:
    server = FakeServer("unused", pgpass=True)
    prompt = Prompt()
    url = resolve_database_url(PG, prompt, connect=server)
    assert url.password is None and server.tried == [None] and prompt.prompts == []


def test_keyring_password_is_used_without_asking(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password(SERVICE, "rep@db.example:5433/desk", CANARY)
    prompt = Prompt()
    url = resolve_database_url(PG, prompt, connect=FakeServer(CANARY))
    assert url.password == CANARY and prompt.prompts == []


def test_asked_password_is_remembered_when_wished(memory_keyring: MemoryKeyring) -> None:
    prompt = Prompt((CANARY, True))
    url = resolve_database_url(PG, prompt, connect=FakeServer(CANARY))
    assert url.password == CANARY
    assert prompt.prompts == ["Password for rep on db.example:5433/desk:"]
    assert memory_keyring.items == {(SERVICE, "rep@db.example:5433/desk"): CANARY}


def test_asked_password_not_remembered_unless_wished(memory_keyring: MemoryKeyring) -> None:
    url = resolve_database_url(PG, Prompt((CANARY, False)), connect=FakeServer(CANARY))
    assert url.password == CANARY and memory_keyring.items == {}


def test_stale_keyring_password_then_wrong_answers(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password(SERVICE, "rep@db.example:5433/desk", "old")
    prompt = Prompt(("a", True), ("b", True), ("c", True))
    with pytest.raises(AuthenticationFailed, match="did not accept the password"):
        resolve_database_url(PG, prompt, connect=FakeServer(CANARY))
    assert len(prompt.prompts) == 3 and "not accepted" in prompt.prompts[1]
    assert memory_keyring.items[(SERVICE, "rep@db.example:5433/desk")] == "old"  # wrong answers not stored


def test_nobody_to_ask(no_keyring: None) -> None:
    with pytest.raises(AuthenticationFailed, match="needs a password"):
        resolve_database_url(PG, None, connect=FakeServer(CANARY))


def test_unreachable_server_is_not_a_password_question() -> None:
    def down(_url: URL) -> None:
        raise OperationalError("connect", {}, Exception("connection refused"))

    prompt = Prompt()
    with pytest.raises(OperationalError):
        resolve_database_url(PG, prompt, connect=down)
    assert prompt.prompts == []


# ------------------------------------------------------------------- a real server asking
@pytest.fixture
def password_role(pg_server: URL, monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator[URL]:  # type: ignore[no-untyped-def]
    """A login role that must give CANARY (SCRAM); skipped where the server trusts everyone."""
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    role = f"deskapp_pw_{uuid.uuid4().hex[:8]}"
    with helpers_pg.admin(pg_server) as admin, admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = 'deskapp_password_users'"))
        if exists.scalar() is None:
            connection.execute(text("CREATE ROLE deskapp_password_users NOLOGIN"))
        connection.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{CANARY}' IN ROLE deskapp_password_users"))
    url = pg_server.set(username=role, password=None)
    try:
        try:
            make_engine(helpers_pg.url_string(url)).connect().close()
        except OperationalError:
            yield url
        else:
            pytest.skip("this PostgreSQL trusts every role; start it with .ci/postgres.sh to test passwords")
    finally:
        with helpers_pg.admin(pg_server) as admin, admin.connect() as connection:
            connection.execute(text(f"DROP ROLE IF EXISTS {role}"))


@pytest.mark.postgres
def test_real_server_password_flow_leaks_nothing(password_role: URL, no_keyring: None,
                                                 caplog: pytest.LogCaptureFixture,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)
    try:
        prompt = Prompt(("wrong", True), (CANARY, True))
        store = CredentialStore()
        url = resolve_database_url(helpers_pg.url_string(password_role), prompt, store=store)
        engine = make_engine(url.render_as_string(hide_password=False))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT current_user")).scalar() == password_role.username
        engine.dispose()
        assert store.notice is not None and "not remembered" in store.notice
        with pytest.raises(AuthenticationFailed) as failed:
            resolve_database_url(helpers_pg.url_string(password_role), None, store=CredentialStore())
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    out, err = capsys.readouterr()
    shown = [caplog.text, out, err, str(url), repr(url), str(engine.url), failed.value.message, *prompt.prompts]
    assert not [item for item in shown if CANARY in item]
    assert make_url(url.render_as_string(hide_password=False)).password == CANARY
