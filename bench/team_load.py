"""Many reps on one PostgreSQL desk at once: per-operation latency, errors, retries and lost saves.

    python -m bench.team_load                                   # 50 reps, 10 minutes, 1,000,000 customers
    python -m bench.team_load --reps 10 --seconds 60 --customers 100000
    python -m bench.team_load --db postgresql+psycopg://user@host/desk --json

The server is ``--db`` (a desk that is already built) or, by default, the one in
``DESKAPP_TEST_PG_URL`` (the throw-away cluster ``.ci/run`` and ``scripts/test`` start), on which
a desk of ``--customers`` customers is built once and kept as ``deskapp_bench_<N>`` for later runs.

Each rep is its own process with its own connection pool, doing what a rep at a phone does, with
think times: type a caller's name or phone key by key (one lookup per keystroke; a keystroke
typed while the previous lookup still runs makes that lookup stale, and it is skipped, as the
window cancels it), open the customer and their case history, open a case, type a note with an
autosave every couple of seconds, save it, sometimes render a response and record feedback. One
supervisor process reads the dashboard's figures meanwhile. At the end every saved note is read
back and compared with what its rep saved: a missing or different one is a **lost** save.

Prints p50/p95/max per operation, then one JSON line (the contract):
``{"reps", "customers", "seconds", "lookup_p95_ms", "open_p95_ms", "autosave_p95_ms", "errors", "lost"}``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._data import customer, customers  # noqa: E402
from bench.lookup import percentile  # noqa: E402

PASSWORD = "bench-password-1"  # a throw-away desk's test accounts
KEY_INTERVAL = (0.08, 0.25)  # seconds between keystrokes
AUTOSAVE_EVERY = 2.0  # the window's autosave interval
RETRIES = 3


@dataclass
class Outcome:
    """What one simulated person measured and saved."""

    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    retries: int = 0
    cancelled: int = 0
    saved: list[tuple[int, str]] = field(default_factory=list)  # (note id, body)
    drafts: list[tuple[int, int, str]] = field(default_factory=list)  # (agent id, case id, body) left unsaved


# ------------------------------------------------------------------------------ building the desk
def desk_url(server: str, n: int) -> str:
    """The cached desk of ``n`` customers on ``server`` (created and built when missing)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(server)
    name = f"deskapp_bench_{n}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0 LC_COLLATE "C" LC_CTYPE "C"'))
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def build(url: str, n: int, reps: int) -> None:
    """Migrate, fill in the customers still missing, and make sure the accounts and the library exist."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from deskapp.core.domain.models import Agent, Customer
    from deskapp.core.services.auth.auth import add_user
    from deskapp.core.services.customers.store import write_customers
    from deskapp.core.services.kernel.actors import console_actor
    from deskapp.core.services.starter import ensure_library
    from deskapp.core.storage import migrate
    from deskapp.core.storage.engine import make_engine

    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        with Session(engine) as session:
            have = session.scalar(select(func.count()).select_from(Customer)) or 0
        if have < n:
            started = time.perf_counter()
            print(f"building {n - have:,} customers ...", file=sys.stderr, flush=True)
            write_customers(engine, customers(have, n))
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
            print(f"built in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
        with Session(engine) as session:
            console = console_actor(session)
            ensure_library(session, console)
            names = set(session.scalars(select(Agent.username)))
            for i in range(reps):
                if f"rep{i}" not in names:
                    add_user(session, console, f"rep{i}", PASSWORD, role="rep", display_name=f"Rep {i}")
            if "supervisor0" not in names:
                add_user(session, console, "supervisor0", PASSWORD, role="supervisor", display_name="Supervisor")
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------- the simulations
def _timed(outcome: Outcome, name: str, call: Any, *args: Any) -> Any:
    from sqlalchemy.exc import DBAPIError, OperationalError

    for attempt in range(RETRIES + 1):
        started = time.perf_counter()
        try:
            result = call(*args)
        except (OperationalError, DBAPIError) as exc:
            if attempt == RETRIES or not getattr(exc, "connection_invalidated", True):
                raise
            outcome.retries += 1
            continue
        outcome.samples[name].append((time.perf_counter() - started) * 1000)
        return result
    return None  # pragma: no cover - the loop returns or raises


def _type_and_look_up(engine: Any, outcome: Outcome, rng: random.Random, text: str) -> None:
    """Type ``text`` key by key; a lookup still running when the next key comes makes the next one stale."""
    from deskapp.core.services.customers.lookup import lookup_page

    due = time.perf_counter()
    for end in range(1, len(text) + 1):
        due += rng.uniform(*KEY_INTERVAL)
        if time.perf_counter() > due and end < len(text):
            outcome.cancelled += 1  # a newer keystroke is already here: the window drops this query
            continue
        with engine.connect() as conn:
            _timed(outcome, "lookup", lookup_page, conn, text[:end])
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)


def _target(rng: random.Random, n: int) -> tuple[str, str]:
    record = customer(rng.randrange(n))
    if rng.random() < 0.5 and record.phones:
        return record.account_number, record.phones[0][-7:]  # the last digits a caller reads out
    name = " ".join(part for part in (record.given_name, record.family_name) if part) or record.organisation or ""
    return record.account_number, name


def _fill_ins(prompts: Any) -> dict[str, Any]:
    """What a rep types into a response's fill-ins before it renders."""
    import datetime as dt

    values = {"date": dt.date(2026, 12, 24), "number": 3, "money": 49.90, "text": "Premium 100"}
    return {spec.name: values.get(spec.type, "x") for spec in prompts}


def _open(session: Any, me: int, account: str) -> Any:
    """What the window reads when a customer is opened: the profile and the case history."""
    from deskapp.core.services.cases.cases import case_history
    from deskapp.core.services.customers.profile import customer_profile

    profile = customer_profile(session, me, account)
    case_history(session, me, profile.customer_id)
    return profile


def rep_loop(url: str, index: int, n: int, seconds: float, seed: int) -> Outcome:
    """One rep's shift: lookup, open, case, note with autosaves, save; sometimes respond and record feedback."""
    from sqlalchemy.orm import Session

    from deskapp.core.domain.models import Agent
    from deskapp.core.services.cases.cases import open_case
    from deskapp.core.services.cases.feedback import record_feedback
    from deskapp.core.services.notes.notes import add_note, save_draft
    from deskapp.core.services.responses.responses import get_response, list_responses, render_response
    from deskapp.core.storage.engine import make_engine, reader

    rng = random.Random(seed)
    outcome = Outcome()
    engine = make_engine(url, pool_size=2, max_overflow=2)
    end = time.monotonic() + seconds
    try:
        with Session(engine) as session:
            me = session.query(Agent.id).filter(Agent.username == f"rep{index}").scalar()
            fills = {row.key: _fill_ins(get_response(session, me, row.key).prompts)
                     for row in list_responses(session, me)}
            keys = sorted(fills)
        while time.monotonic() < end:
            try:
                account, typed = _target(rng, n)
                # As the window's Desk does: lookups and opening a customer read without a transaction.
                _type_and_look_up(reader(engine), outcome, rng, typed)
                with Session(reader(engine)) as session:
                    profile = _timed(outcome, "open", _open, session, me, account)
                with Session(engine) as session:
                    case = _timed(outcome, "open_case", open_case, session, me, profile.customer_id, "Bench call",
                                  "after", "troubleshooting", "phone")
                body = ""
                for sentence in range(rng.randint(2, 5)):
                    time.sleep(rng.uniform(0.5, 1.5) * AUTOSAVE_EVERY)  # typing between autosaves
                    body += f"Sentence {sentence} typed by rep {index} for {account}. "
                    with Session(engine) as session:
                        _timed(outcome, "autosave", save_draft, session, me, case.id, body)
                if time.monotonic() >= end:  # the shift ends mid-note: the draft must be there tomorrow
                    outcome.drafts.append((me, case.id, body))
                    break
                with Session(engine) as session:
                    note = _timed(outcome, "save", add_note, session, me, case.id, body)
                outcome.saved.append((note.id, body))
                if keys and rng.random() < 0.3:
                    with Session(engine) as session:
                        key = rng.choice(keys)
                        _timed(outcome, "response", partial(render_response, answering_agent_id=me, case_id=case.id,
                                                            prompts=fills[key]), session, me, key, account)
                if rng.random() < 0.3:
                    with Session(engine) as session:
                        _timed(outcome, "feedback", record_feedback, session, me, case.id, rng.randint(1, 5))
                time.sleep(rng.uniform(0.5, 2.0))  # wrap-up before the next caller
            except Exception as exc:  # every failure is counted, and the shift goes on
                outcome.errors.append(f"{type(exc).__name__}: {exc}"[:300])
    finally:
        engine.dispose()
    return outcome


def _dashboard(session: Any, me: int) -> None:
    from deskapp.core.services.reviews.reports import csat_report, volume_series

    csat_report(session, me, "agent")
    csat_report(session, me, "brand")
    volume_series(session, me, "channel")


def supervisor_loop(url: str, seconds: float) -> Outcome:
    """The dashboard, refreshed every few seconds while the reps work."""
    from sqlalchemy.orm import Session

    from deskapp.core.domain.models import Agent
    from deskapp.core.storage.engine import make_engine

    outcome = Outcome()
    engine = make_engine(url, pool_size=1, max_overflow=1)
    end = time.monotonic() + seconds
    try:
        with Session(engine) as session:
            me = session.query(Agent.id).filter(Agent.username == "supervisor0").scalar()
        while time.monotonic() < end:
            try:
                with Session(engine) as session:
                    _timed(outcome, "dashboard", _dashboard, session, me)
            except Exception as exc:
                outcome.errors.append(f"{type(exc).__name__}: {exc}"[:300])
            time.sleep(5)
    finally:
        engine.dispose()
    return outcome


def lost_saves(url: str, saved: list[tuple[int, str]], drafts: list[tuple[int, int, str]]) -> int:
    """Saved notes whose newest text is not what their rep saved, and unsaved notes whose draft is not."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from deskapp.core.domain.models import Draft, NoteRevision
    from deskapp.core.storage.engine import make_engine

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            newest: dict[int, str] = {}
            ids = [note_id for note_id, _body in saved]
            for start in range(0, len(ids), 1000):
                rows = session.execute(select(NoteRevision.note_id, NoteRevision.number, NoteRevision.body)
                                       .where(NoteRevision.note_id.in_(ids[start:start + 1000]))
                                       .order_by(NoteRevision.note_id, NoteRevision.number))
                for note_id, _number, body in rows:
                    newest[note_id] = body
            kept = {(agent, case): body for agent, case, body in session.execute(
                select(Draft.agent_id, Draft.case_id, Draft.body).where(Draft.note_id.is_(None)))}
        lost = sum(1 for note_id, body in saved if newest.get(note_id) != body)
        return lost + sum(1 for agent, case, body in drafts if kept.get((agent, case)) != body)
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------------------ main
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--db", help="a PostgreSQL desk already built (default: build one on DESKAPP_TEST_PG_URL)")
    parser.add_argument("--json", action="store_true", help="print only the final JSON line")
    args = parser.parse_args()

    if args.db:
        url = args.db
    else:
        server = os.environ.get("DESKAPP_TEST_PG_URL")
        if not server:
            parser.error("give --db or set DESKAPP_TEST_PG_URL (bash scripts/test's throw-away server)")
        url = desk_url(server, args.customers)
    build(url, args.customers, args.reps)

    started = time.perf_counter()
    with mp.get_context("spawn").Pool(args.reps + 1) as pool:
        jobs = [pool.apply_async(rep_loop, (url, i, args.customers, args.seconds, 1000 + i)) for i in range(args.reps)]
        jobs.append(pool.apply_async(supervisor_loop, (url, args.seconds)))
        outcomes = [job.get() for job in jobs]
    elapsed = time.perf_counter() - started

    merged: dict[str, list[float]] = defaultdict(list)
    for outcome in outcomes:
        for name, values in outcome.samples.items():
            merged[name].extend(values)
    errors = [e for o in outcomes for e in o.errors]
    saved = [s for o in outcomes for s in o.saved]
    drafts = [d for o in outcomes for d in o.drafts]
    lost = lost_saves(url, saved, drafts)

    def p95(name: str) -> float | None:
        values = sorted(merged.get(name, []))
        return round(percentile(values, 0.95), 1) if values else None

    if not args.json:
        print(f"{args.reps} reps, {args.customers:,} customers, {elapsed:.0f} s")
        print(f"{'operation':<12}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
        for name in sorted(merged):
            values = sorted(merged[name])
            print(f"{name:<12}{len(values):>8}{percentile(values, 0.5):>10.1f}{percentile(values, 0.95):>10.1f}"
                  f"{values[-1]:>10.1f}")
        print(f"stale lookups skipped: {sum(o.cancelled for o in outcomes)}, "
              f"retries: {sum(o.retries for o in outcomes)}, errors: {len(errors)}, "
              f"notes saved: {len(saved)}, drafts left: {len(drafts)}, lost: {lost}")
        for line in sorted(set(errors))[:10]:
            print(f"  error: {line}")
    print(json.dumps({
        "reps": args.reps, "customers": args.customers, "seconds": round(elapsed),
        "lookup_p95_ms": p95("lookup"), "open_p95_ms": p95("open"), "autosave_p95_ms": p95("autosave"),
        "errors": len(errors), "lost": lost,
    }))
    return 0 if not errors and not lost else 1


if __name__ == "__main__":
    sys.exit(main())
