"""Benchmark: erasing one customer for real in a large desk (``deskapp customers erase``).

    python -m bench.erase                        # 1,000,000 customers (the lookup benchmark's desk)
    python -m bench.erase --customers 100000     # a quicker run

The customer desk is the lookup benchmark's (bench/.data, built once and reused), copied so the
original stays as it was. One customer with cases, revised notes, a draft and feedback is added,
then erased. Timed separately: the erase transaction (every step, the audit event, commit) and
the scrub that makes the text gone from the file (full-text index optimize, WAL checkpoints,
VACUUM). Baseline, in the same run on the same file: a bare sqlite3 ``VACUUM``, the floor of
rewriting the file at all. The file's bytes are searched for the customer's texts afterwards.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.lookup import build  # noqa: E402

ACCOUNT = "ZZ-ERASE-1"
SECRETS = ("Benchmarkus", "Erasovich", "bench.erase@example.org", "Qwzx bench note")


def prepare(path: Path) -> None:
    """Add the customer to erase: 5 cases, 4 notes each with 3 revisions, a draft and feedback."""
    from sqlalchemy.orm import Session

    from deskapp.core.domain.enums import Role
    from deskapp.core.domain.models import Agent, Brand, Customer
    from deskapp.core.services.cases import cases, feedback
    from deskapp.core.services.customers.store import CustomerRecord, write_customers
    from deskapp.core.services.notes import notes
    from deskapp.core.storage import migrate
    from deskapp.core.storage.engine import make_engine

    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with Session(engine) as session:
        brand = session.query(Brand).first()
        assert brand is not None
        rep = Agent(username="bench-rep", display_name="Bench Rep", role=Role.REP)
        session.add(rep)
        session.commit()
        code, rep_id = brand.code, rep.id
    write_customers(engine, [CustomerRecord(account_number=ACCOUNT, brand_code=code, given_name="Benchmarkus",
                                            family_name="Erasovich", emails=["bench.erase@example.org"],
                                            phones=["+358409990001"])])
    with Session(engine) as session:
        customer_id = session.query(Customer.id).filter(Customer.account_number == ACCOUNT).scalar()
        for c in range(5):
            case = cases.open_case(session, rep_id, customer_id, f"Qwzx bench note subject {c}", "after",
                                   "troubleshooting", "phone")
            for n in range(4):
                note = notes.add_note(session, rep_id, case.id, f"Qwzx bench note {c}.{n} first")
                for r in range(2):
                    notes.edit_note(session, rep_id, note.id, f"Qwzx bench note {c}.{n} edit {r}")
            feedback.record_feedback(session, rep_id, case.id, 4, "Qwzx bench note feedback", credited_agent_id=rep_id)
        notes.save_draft(session, rep_id, case.id, "Qwzx bench note draft")
    engine.dispose()


def erase(path: Path) -> dict[str, float | bool]:
    """Erase the customer; the transaction and the scrub timed apart."""
    from sqlalchemy.orm import Session

    from deskapp.core.services.kernel.actors import console_actor
    from deskapp.core.services.privacy.erase import erase_customer
    from deskapp.core.services.privacy.scrub import scrub_storage
    from deskapp.core.storage.engine import make_engine

    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        actor = console_actor(session)
        began = time.perf_counter()
        erase_customer(session, actor, ACCOUNT, "bench", scrub=False)
        transaction = time.perf_counter() - began
    began = time.perf_counter()
    complete = scrub_storage(engine).complete
    scrub = time.perf_counter() - began
    engine.dispose()
    return {"transaction_s": transaction, "scrub_s": scrub, "scrub_complete": complete}


def bare_vacuum(path: Path) -> float:
    connection = sqlite3.connect(path, isolation_level=None)
    began = time.perf_counter()
    connection.execute("VACUUM")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    elapsed = time.perf_counter() - began
    connection.close()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    args = parser.parse_args()
    source, build_seconds = build(args.customers)
    with tempfile.TemporaryDirectory(prefix="deskapp-erase-", dir=source.parent) as folder:
        path = Path(folder) / "desk.sqlite3"
        shutil.copyfile(source, path)
        prepare(path)
        timing = erase(path)
        vacuum = bare_vacuum(path)
        data = path.read_bytes() + (Path(str(path) + "-wal").read_bytes() if Path(str(path) + "-wal").exists()
                                    else b"")
        left = [secret for secret in SECRETS if secret.encode() in data]
        size_mb = path.stat().st_size / 1e6
    total = float(timing["transaction_s"]) + float(timing["scrub_s"])
    print(json.dumps({
        "customers": args.customers, "database_mb": round(size_mb, 1), "build_s": round(build_seconds, 1),
        "erase_transaction_s": round(float(timing["transaction_s"]), 3), "scrub_s": round(float(timing["scrub_s"]), 2),
        "erase_total_s": round(total, 2), "scrub_complete": timing["scrub_complete"],
        "baseline_bare_vacuum_s": round(vacuum, 2), "ratio_total_to_vacuum": round(total / vacuum, 2),
        "texts_left_in_file": left,
    }, indent=2))
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
