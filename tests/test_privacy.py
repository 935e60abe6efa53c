"""Privacy requests: export everything about a customer, erase them for real, chains still verify.

SQLite and PostgreSQL; the bytes of the SQLite file and its WAL are read after the erase.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from deskapp.core.domain.audit import AuditEvent
from deskapp.core.domain.base import utcnow
from deskapp.core.domain.models import Case, Customer, Draft, NoteRevision
from deskapp.core.domain.privacy import CustomerErasure
from deskapp.core.domain.quality import Feedback
from deskapp.core.errors import InvalidInput, RecordErased, RecordNotFound
from deskapp.core.services.cases import cases, feedback
from deskapp.core.services.customers import lookup
from deskapp.core.services.customers.store import CustomerRecord, write_customers
from deskapp.core.services.notes import notes
from deskapp.core.services.notes.spool import LocalDraftSpool
from deskapp.core.services.notes.verify import verify_history
from deskapp.core.services.privacy import erase, steps
from deskapp.core.services.privacy.export import export_customer_data
from tests.seeding import Seed, console, new_case, seed

ACCOUNT = "FI-777001"
SECRETS = ("Zebulon", "Quaxworth", "zq.unique@example.org", "358409876543", "Qwzx first words 7731",
           "Qwzx second words 8842", "Qwzx draft words 9953", "Qwzx feedback words 1064", "Qwzx subject 2175")


@pytest.fixture
def desk(any_engine: Engine) -> tuple[Engine, Seed, dict[str, int]]:
    """The seeded desk plus one customer with a case, a twice-revised note, a draft and feedback."""
    s = seed(any_engine)
    write_customers(any_engine, [CustomerRecord(
        account_number=ACCOUNT, brand_code="nordtel", given_name="Zebulon", family_name="Quaxworth",
        emails=["zq.unique@example.org"], phones=["+358409876543"], occupation="Qwzx occupation",
        alerts=["Qwzx alert"])])
    with Session(any_engine) as session:
        customer = session.scalars(select(Customer.id).where(Customer.account_number == ACCOUNT)).one()
        case = cases.open_case(session, s.rep, customer, "Qwzx subject 2175", "after", "troubleshooting", "phone")
        note = notes.add_note(session, s.rep, case.id, "Qwzx first words 7731")
        notes.edit_note(session, s.rep, note.id, "Qwzx second words 8842")
        notes.save_draft(session, s.other_rep, case.id, "Qwzx draft words 9953")
        feedback.record_feedback(session, s.rep, case.id, 4, "Qwzx feedback words 1064", credited_agent_id=s.rep)
        other = new_case(session, s)  # Jukka Mäkinen's: must stay whole
        notes.add_note(session, s.rep, other.id, "Jukka's own note")
    return any_engine, s, {"customer": customer, "case": case.id, "note": note.id}


def _erase(engine: Engine, reason: str = "request 2026-114") -> erase.EraseResult:
    with Session(engine) as session:
        return erase.erase_customer(session, console(engine), ACCOUNT, reason)


def _texts(engine: Engine) -> str:
    """Every text column an erased customer could live in, read back through SQL."""
    with engine.connect() as conn:
        parts = [str(row) for table in ("customer", "customer_email", "customer_phone", "customer_alert",
                                         "support_case", "note_revision", "draft", "feedback", "audit_event")
                 for row in conn.execute(text(f"SELECT * FROM {table}"))]
    return "\n".join(parts)


def test_export_holds_every_revision_draft_and_feedback(desk: Any, tmp_path: Path, cli: Any,
                                                        any_db_url: str) -> None:
    code, out, err = cli("--db", any_db_url, "customers", "export-data", ACCOUNT, "--out", str(tmp_path / "x.json"))
    assert code == 0, err
    assert "1 case, 1 note and 2 revisions" in out
    data = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert data["customer"]["given_name"] == "Zebulon" and data["customer"]["emails"] == ["zq.unique@example.org"]
    assert data["customer"]["phones"] == ["+358409876543"] and data["customer"]["alerts"] == ["Qwzx alert"]
    (case,) = data["cases"]
    assert [r["text"] for r in case["notes"][0]["revisions"]] == ["Qwzx first words 7731", "Qwzx second words 8842"]
    assert case["drafts"][0]["text"] == "Qwzx draft words 9953"
    assert case["feedback"][0]["comment"] == "Qwzx feedback words 1064"
    assert case["opened_at"].endswith("+00:00")
    assert {e["action"] for e in data["audit_events"]} >= {"case.open", "note.add", "note.edit"}
    assert "Jukka" not in json.dumps(data, ensure_ascii=False)  # nothing of another customer


def test_export_refuses_the_database_itself(desk: Any, cli: Any, db_path: Path, any_db_url: str) -> None:
    if not any_db_url.startswith("sqlite"):
        pytest.skip("only a SQLite desk is a file")
    code, _out, err = cli("--db", any_db_url, "customers", "export-data", ACCOUNT, "--out", str(db_path) + "-wal")
    assert code == 1 and "Traceback" not in err


def test_erase_removes_everything_personal_and_history_still_verifies(desk: Any, cli: Any, any_db_url: str,
                                                                     db_path: Path, tmp_path: Path) -> None:
    engine, s, ids = desk
    code, out, err = cli("--db", any_db_url, "customers", "erase", ACCOUNT, "--reason", "request 2026-114",
                         "--yes", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert (result["cases"], result["notes"], result["revisions"]) == (1, 1, 2)
    assert result["pseudonym"].startswith("erased-") and "cannot reach" in result["backups"]
    stored = _texts(engine)
    for secret in SECRETS:
        assert secret not in stored
    if engine.dialect.name == "postgresql":  # no word prefix of theirs is left to find them by
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM customer_word_prefix WHERE customer_id = :id"),
                                {"id": ids["customer"]}).scalar_one() == 0
    with Session(engine) as session:
        for query in ("Zebulon", "quaxworth", "zq.unique@example.org", "9876543", ACCOUNT):
            assert lookup.find_customers(session, s.rep, query) == []
        report = verify_history(session, console(engine))
        assert report.ok and report.notes_checked == 2
        assert session.scalar(select(func.count()).select_from(Case).where(Case.customer_id == ids["customer"])) == 1
        assert session.scalar(select(Feedback.score)) == 4  # statistics stay
        assert session.get(CustomerErasure, ids["customer"]) is not None
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.erase"))
        assert event.detail["reason"] == "request 2026-114" and event.detail["pseudonym"] == result["pseudonym"]
        assert lookup.find_customers(session, s.rep, "makinen")  # the other customer is untouched
    code, _out, err = cli("--db", any_db_url, "verify")
    assert code == 0, err
    code, _out, _err = cli("--db", any_db_url, "customers", "export-data", "FI-000001", "--out",
                           str(tmp_path / "other.json"))
    other = (tmp_path / "other.json").read_text(encoding="utf-8")
    assert code == 0 and not any(secret in other for secret in SECRETS)
    if any_db_url.startswith("sqlite"):  # the file's own bytes, the WAL included
        engine.dispose()
        files = [db_path, Path(str(db_path) + "-wal")]
        data = b"".join(path.read_bytes() for path in files if path.exists())
        for secret in SECRETS:
            assert secret.encode() not in data, secret
        assert b"Jukka's own note" in data


def test_an_erase_cut_short_halfway_leaves_everything(desk: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    engine, _s, _ids = desk
    before = _texts(engine)

    def broken(erasure: steps.Erasure) -> int:
        raise RuntimeError("power cut")

    kinds = list(steps.STEPS)
    monkeypatch.setitem(steps.STEPS, kinds[len(kinds) // 2], broken)
    with pytest.raises(RuntimeError, match="power cut"):
        _erase(engine)
    assert _texts(engine) == before
    monkeypatch.undo()
    _erase(engine)  # and then all of it
    assert not any(secret in _texts(engine) for secret in SECRETS)


def test_a_rep_editing_the_note_meanwhile_cannot_bring_anything_back(desk: Any) -> None:
    engine, s, ids = desk
    with Session(engine) as session:  # the rep's window autosaved a draft of an edit
        notes.save_draft(session, s.rep, ids["case"], "Qwzx editing words 3286", ids["note"])
    spool = LocalDraftSpool()
    spool.save(s.rep, ids["case"], "Qwzx offline words 4397", ids["note"])
    _erase(engine)
    assert spool.pending() == []  # this computer's offline spool forgot them
    with Session(engine) as session:
        with pytest.raises(RecordErased):
            notes.save_draft(session, s.rep, ids["case"], "Qwzx later words 5408", ids["note"])
        with pytest.raises(RecordErased):
            notes.edit_note(session, s.rep, ids["note"], "Qwzx later words 5408")
        with pytest.raises(RecordErased):
            notes.add_note(session, s.rep, ids["case"], "Qwzx later words 5408")
        with pytest.raises(RecordErased):
            cases.open_case(session, s.rep, ids["customer"], "again", "after", "troubleshooting", "phone")
    other = LocalDraftSpool(spool.path)  # another rep's computer, still holding text typed offline
    other.save(s.rep, ids["case"], "Qwzx offline words 4397", ids["note"])
    result = other.flush(lambda: Session(engine), s.rep)
    assert result.failed == 1 and other.pending() == []
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Draft)) == 0
        bodies = set(session.scalars(select(NoteRevision.body).where(NoteRevision.note_id == ids["note"])))
        assert bodies == {"[erased]"}
    assert "Qwzx" not in _texts(engine)


def test_the_audit_log_never_holds_the_name(desk: Any) -> None:
    engine, _s, _ids = desk
    for reason in ("Zebulon asked by phone", "mail from ZQ.UNIQUE@example.org", "called from 040 987 6543",
                   f"request of {ACCOUNT}", "   "):
        with pytest.raises(InvalidInput):
            _erase(engine, reason)
    _erase(engine)
    with engine.connect() as conn:
        log = " ".join(str(row) for row in conn.execute(text("SELECT * FROM audit_event")))
    assert not any(secret in log for secret in SECRETS) and ACCOUNT not in log


def test_an_erased_customer_cannot_be_erased_or_exported_again(desk: Any, tmp_path: Path) -> None:
    engine, _s, _ids = desk
    _erase(engine)
    with Session(engine) as session, pytest.raises(RecordNotFound):
        erase.erase_customer(session, console(engine), ACCOUNT, "again")
    with Session(engine) as session:
        pseudonym = session.scalars(select(CustomerErasure.pseudonym)).one()
        with pytest.raises(RecordErased):
            export_customer_data(session, console(engine), pseudonym, tmp_path / "x.json")


def test_only_an_erasure_may_change_a_revision_and_a_forged_one_is_caught(desk: Any) -> None:
    engine, _s, ids = desk
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("UPDATE note_revision SET body = 'changed' WHERE note_id = :n"), {"n": ids["note"]})
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("DELETE FROM note_revision WHERE note_id = :n"), {"n": ids["note"]})
    with engine.begin() as conn:  # the erasure's shape, but without the key
        conn.execute(text("UPDATE note_revision SET body = '[erased]', body_salt = NULL, redacted_at = created_at, "
                          "redaction_seal = :s WHERE note_id = :n AND number = 1"), {"s": "0" * 64, "n": ids["note"]})
    with Session(engine) as session:
        assert not notes.verify_chain(session, ids["note"])


def test_cli_erase_asks_before_erasing(desk: Any, cli: Any, any_db_url: str) -> None:
    code, _out, err = cli("--db", any_db_url, "customers", "erase", ACCOUNT, "--reason", "r")
    assert code == 1 and "--yes" in err
    code, _out, err = cli("--db", any_db_url, "customers", "erase", "XX-0", "--reason", "r", "--yes")
    assert code == 1 and "XX-0" in err and "Traceback" not in err


def test_a_save_under_way_when_the_erase_starts_is_erased_with_the_rest(desk: Any) -> None:
    import threading
    import time

    engine, s, ids = desk
    failures: list[BaseException] = []
    with Session(engine) as rep:  # the rep's save has locked the case and written, not yet committed
        notes.writable_case(rep, ids["case"])
        notes.append_revision(rep, ids["note"], 3, None, author_id=s.rep, created_at=utcnow(),
                              body="Qwzx racing words 6519")
        rep.flush()

        def run() -> None:
            try:
                _erase(engine)
            except BaseException as exc:  # handed to the test thread
                failures.append(exc)

        worker = threading.Thread(target=run)
        worker.start()
        time.sleep(0.5)
        assert worker.is_alive()  # waiting for the rep's save
        rep.commit()
    worker.join(30)
    assert not failures
    with Session(engine) as session:
        bodies = list(session.scalars(select(NoteRevision.body).where(NoteRevision.note_id == ids["note"])))
    assert bodies == ["[erased]"] * 3


KILLED_ERASE = """
import sys, time
from sqlalchemy.orm import Session
from deskapp.core.services.privacy import erase, steps
from deskapp.core.storage.engine import make_engine

def stall(erasure):
    print("halfway", flush=True)
    time.sleep(60)
    return 0

kinds = list(steps.STEPS)
middle = kinds[len(kinds) // 2]
steps.STEPS = {**{k: steps.STEPS[k] for k in kinds if kinds.index(k) <= kinds.index(middle)}, "stall": stall,
               **{k: steps.STEPS[k] for k in kinds if kinds.index(k) > kinds.index(middle)}}
erase.STEPS = steps.STEPS
engine = make_engine(sys.argv[1])
with Session(engine) as session:
    erase.erase_customer(session, int(sys.argv[2]), sys.argv[3], "request 9")
"""


def test_an_erase_killed_halfway_leaves_everything(desk: Any, any_db_url: str) -> None:
    import signal
    import subprocess
    import sys

    engine, _s, _ids = desk
    before = _texts(engine)
    with subprocess.Popen([sys.executable, "-c", KILLED_ERASE, any_db_url, str(console(engine)), ACCOUNT],
                          stdout=subprocess.PIPE, text=True) as child:
        try:
            assert child.stdout is not None and child.stdout.readline().strip() == "halfway"
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(30)
    assert _texts(engine) == before
    with Session(engine) as session:
        assert verify_history(session, console(engine)).ok
