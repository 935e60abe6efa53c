"""Benchmark: the reliability figures of issue 16 — kills, faults, hostile templates — as one table.

    python -m bench.reliability            # the full run (10-15 minutes on 2 busy cores)
    python -m bench.reliability --quick    # a few trials of each, well under a minute
    python -m bench.reliability --trials 50 --only kill-draft,faults

Scenarios (each in child processes, so a kill or a fault never touches this process):

1. ``kill-draft``: a writer opens the desk through :class:`~deskapp.core.services.desk.Desk` (the
   window's path), types and autosaves (``Desk.save_draft``), saves a note every tenth step
   (``Desk.save_note``) and prints ``SAVED`` only after the call returned; it is killed with
   SIGKILL at a random moment. Lost = a save reported and not on disk afterwards.
2. ``kill-import``: ``import_customers`` of a CSV killed at a random moment, half into an empty
   desk (the bulk path), half into one with customers (slices with an undo journal); then
   ``Desk.open`` (which takes a dead import back). Checked: ``PRAGMA integrity_check``, the FTS
   index's own integrity check, the schema, no customer without the e-mail and phone its row had,
   and the tables exactly as before (rolled back) or as a finished import leaves them.
3. ``faults``: disk full, read-only database file, read-only file system, a lock held by another
   process, the database deleted while the desk is open. Each: the message a rep sees, whether the
   typed text was kept, and whether it is on disk once the fault is gone (or in the local spool).
   The first three need ``unshare -m`` and ``mount`` (root in a sandbox); skipped with a note if not.
4. ``templates``: every hostile template of ``bench/template_limits.py`` plus deep recursion, all
   in ONE process: each ends within ``RENDER_SECONDS`` (with slack for a busy machine) and the
   process's peak RSS grows less than 300 MB.
5. ``verify``: ``deskapp --db X verify --json`` on every desk the run used.

The desks live under ``bench/.data/reliability/`` (remade each run); ``DESKAPP_DATA_DIR`` points
there too, so the developer's own data folder and local draft spool are never touched.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent / ".data" / "reliability"
HEADER = "account_number,kind,given_name,family_name,organisation,email,phone,preferred_locale,brand,alerts\n"
GIVEN = ["Aino", "Jukka", "María", "José", "Ma. Cristina", "Siobhan", "Núria", "Väinö"]
FAMILY = ["Mäkinen", "Dela Cruz", "Núñez", "O'Brien", "Korhonen", "García", "Mäki-Petäjä"]
RSS_LIMIT_MB = 300
Row = dict[str, Any]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1", "DESKAPP_DATA_DIR": str(ROOT / "userdata"), "LANG": "C.UTF-8"}


def _child(*args: str) -> list[str]:
    return [sys.executable, "-m", "bench.reliability", "--child", *args]


def _body(step: int) -> str:
    # A rep's note growing as it is typed; accents so the text path is the real one.
    return f"step {step}: asiakas soitti, netti katkeilee; reititin käynnistetty uudelleen " + "x" * (step % 50)


def _step_of(body: str) -> int:
    return int(body.split(":", 1)[0].split()[1])


# --- 1. kill -9 while typing -------------------------------------------------------------------
def _writer(db: str) -> None:
    from deskapp.core.services.desk import Desk

    desk = Desk(db)
    desk.open(username="rep")
    case_id = int(os.environ["BENCH_CASE"])
    step = int(os.environ["BENCH_STEP"])
    print("READY", flush=True)
    while True:
        step += 1
        if step % 10 == 0:
            desk.save_note(case_id, _body(step))
            kind = "note"
        else:
            desk.save_draft(case_id, _body(step))
            kind = "draft"
        sys.stdout.write(f"SAVED {kind} {step}\n")  # what the window shows as "Saved" only after the call
        sys.stdout.flush()


def _new_desk(path: Path, customers: int = 1) -> tuple[int, int]:
    """A migrated desk with a rep, customers and one open case; returns (rep id, case id)."""
    from sqlalchemy.orm import Session

    from deskapp.core.domain.enums import Channel, PurchasePhase, SupportStage
    from deskapp.core.services.cases import cases
    from deskapp.core.services.customers import profile
    from deskapp.core.services.customers.store import CustomerRecord, write_customers
    from deskapp.core.services.desk import Desk

    desk = Desk(str(path))
    info = desk.open(username="rep", create=True)
    assert desk.engine is not None
    write_customers(desk.engine, [CustomerRecord(f"C{n:07d}", "desk-0", given_name="Base", family_name=f"Old {n}",
                                                 emails=[f"old{n}@example.fi"], phones=[f"+35850{n:07d}"])
                                  for n in range(customers)])
    with Session(desk.engine) as session:
        customer = profile.customer_profile(session, info.agent_id, "C0000000").customer_id
        case = cases.open_case(session, info.agent_id, customer, "Netti", PurchasePhase.AFTER, SupportStage.OTHER,
                               Channel.PHONE)
    desk.close()
    return info.agent_id, case.id


def kill_draft(trials: int, rng: random.Random, desks: list[Path]) -> Row:
    path = ROOT / "kill-draft.sqlite3"
    _, case_id = _new_desk(path)
    desks.append(path)
    reported_total = lost = integrity_bad = 0
    step = 0
    for _ in range(trials):
        env = {**_env(), "BENCH_CASE": str(case_id), "BENCH_STEP": str(step)}
        with subprocess.Popen(_child("writer", str(path)), stdout=subprocess.PIPE, text=True, env=env) as proc:
            assert proc.stdout is not None
            if proc.stdout.readline().strip() != "READY":
                raise SystemExit("the writer did not start: " + (proc.stderr.read() if proc.stderr else ""))
            first = proc.stdout.readline() if rng.random() < 0.8 else ""  # mostly mid-typing
            time.sleep(rng.uniform(0.0, 0.4))
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            output = first + proc.stdout.read()
        # Only whole lines count: a report the kill cut short was never shown to anyone.
        reported = [(kind, int(n)) for kind, n in re.findall(r"^SAVED (\w+) (\d+)\n", output, re.MULTILINE)]
        with sqlite3.connect(path) as db:
            integrity_bad += db.execute("PRAGMA integrity_check").fetchone() != ("ok",)
            drafts = [_step_of(b) for (b,) in db.execute("SELECT body FROM draft WHERE case_id = ?", (case_id,))]
            noted = {_step_of(b) for (b,) in db.execute("SELECT body FROM note_revision")}
        on_disk = max([*drafts, *noted, 0])
        reported_total += len(reported)
        lost += sum(1 for kind, n in reported if kind == "note" and n not in noted)
        if reported and reported[-1][0] == "draft" and on_disk < reported[-1][1]:
            lost += 1  # the last "Saved" draft (earlier ones were rightly replaced by later typing)
        step = max(on_disk, reported[-1][1] if reported else 0, step) + 1
    return {"scenario": "kill -9 while typing (Desk.save_draft/save_note)", "trials": trials,
            "outcome": "ok" if lost == 0 and integrity_bad == 0 else "FAILED", "lost": lost,
            "notes": f"{reported_total} saves reported \"Saved\"; integrity_check not ok: {integrity_bad}"}


def _sqlite_table_exists(db: sqlite3.Connection, name: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None


# --- 2. kill -9 during a customer import ------------------------------------------------------
def _importer(db: str, csv_path: str) -> None:
    from sqlalchemy.orm import Session

    from deskapp.core.services.customers.csv_import import import_customers
    from deskapp.core.services.kernel.actors import console_actor
    from deskapp.core.storage.engine import make_engine

    engine = make_engine(db)
    with Session(engine) as session:
        actor = console_actor(session)  # as `deskapp import customers` acts
    print("STARTED", flush=True)
    summary = import_customers(engine, actor, csv_path, region="FI")
    print("IMPORTED", summary.created, summary.updated, flush=True)


def _csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER)
        for n in range(rows):
            given, family = GIVEN[n % len(GIVEN)], FAMILY[n % len(FAMILY)]
            handle.write(f"C{n:07d},,{given},{family},,c{n}@example.fi,+358 40 {n:07d},fi,desk-{n % 3},"
                         f"{'VIP' if n % 20 == 0 else ''}\n")
    return path


def _snapshot(path: Path, stamps: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """The import's tables; without ``stamps`` (to compare two finished imports) no *_at columns."""
    with sqlite3.connect(path) as db:
        def columns(table: str) -> str:
            names = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
            return ", ".join(n for n in names if stamps or not n.endswith("_at"))

        found = {t: db.execute(f"SELECT {columns(t)} FROM {t} ORDER BY 1").fetchall() for t in ("customer", "brand")}
        for table in ("customer_email", "customer_phone", "customer_alert"):  # restored lists get new ids
            found[table] = sorted(row[1:] for row in db.execute(f"SELECT {columns(table)} FROM {table}"))
        found["schema"] = db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()
        return found


def _import_checks(path: Path, before: dict[str, list[tuple[Any, ...]]],
                   finished: dict[str, list[tuple[Any, ...]]]) -> tuple[str, list[str]]:
    problems = []
    with sqlite3.connect(path) as db:
        if db.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
            problems.append("integrity_check")
        try:
            db.execute("INSERT INTO customer_fts(customer_fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as exc:
            problems.append(f"FTS out of step: {exc}")
        half = db.execute("SELECT count(*) FROM customer c WHERE c.account_number LIKE 'C%' AND ("
                          "NOT EXISTS (SELECT 1 FROM customer_email e WHERE e.customer_id = c.id) OR "
                          "NOT EXISTS (SELECT 1 FROM customer_phone p WHERE p.customer_id = c.id))").fetchone()[0]
        if half:
            problems.append(f"{half} half rows")
        left = db.execute("SELECT count(*) FROM import_run").fetchone()[0]
    now, bare = _snapshot(path), _snapshot(path, stamps=False)
    # A killed run must be gone without a trace; one that finished just before the kill is whole.
    outcome = "rolled back" if now == before else "finished" if bare == finished else "MIXED"
    if outcome == "MIXED":
        differing = [k for k in now if now[k] != before[k] and bare[k] != finished[k]]
        problems.append("neither before nor finished: " + ", ".join(differing))
    if left and outcome != "finished":
        problems.append(f"{left} import runs left")
    return outcome, problems


def kill_import(trials: int, rows: int, rng: random.Random, desks: list[Path]) -> list[Row]:
    from deskapp.core.services.desk import Desk

    csv_path = _csv(ROOT / "import.csv", rows)
    out = []
    for label, existing in (("empty desk", 0), ("desk with customers", rows // 10)):
        base = ROOT / f"import-base-{existing}.sqlite3"
        _new_desk(base, customers=max(existing, 1))
        full = ROOT / f"import-full-{existing}.sqlite3"
        shutil.copy(base, full)
        with subprocess.Popen(_child("importer", f"sqlite:///{full}", str(csv_path)), stdout=subprocess.PIPE,
                              text=True, env=_env()) as proc:
            assert proc.stdout is not None
            proc.stdout.readline()
            started = time.monotonic()
            proc.wait()
            took = time.monotonic() - started  # the import alone, after the interpreter and imports
        Desk(str(full)).open(username="rep")  # clears the finished run's journal, as every open does
        before, finished = _snapshot(base), _snapshot(full, stamps=False)
        desks += [base, full]
        outcomes: dict[str, int] = {}
        problems: list[str] = []
        for trial in range(trials):
            path = ROOT / f"import-{existing}-{trial}.sqlite3"
            shutil.copy(base, path)
            with subprocess.Popen(_child("importer", f"sqlite:///{path}", str(csv_path)), stdout=subprocess.PIPE,
                                  text=True, env=_env()) as proc:
                assert proc.stdout is not None
                proc.stdout.readline()  # STARTED: the import itself is what gets killed
                time.sleep(rng.uniform(0.0, took * 0.9))
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
            desk = Desk(str(path))
            desk.open(username="rep")  # takes back the dead import, as the window's start does
            desk.close()
            outcome, found = _import_checks(path, before, finished)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            problems += [f"trial {trial}: {p}" for p in found]
            desks.append(path)
        out.append({"scenario": f"kill -9 during import into {label} ({rows:,} rows)", "trials": trials,
                    "outcome": "ok" if not problems else "FAILED", "lost": len(problems),
                    "notes": ", ".join(f"{v} {k}" for k, v in sorted(outcomes.items()))
                    + f"; whole import {took:.1f} s" + ("; " + "; ".join(problems[:3]) if problems else "")})
    return out


# --- 3. faults -------------------------------------------------------------------------------
def _sh(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


def _fault(name: str, where: Path, break_it: Callable[[Path], None], mend: Callable[[Path], None]) -> Row:
    """Open a desk in ``where``, autosave, break it, autosave typed text, mend it, autosave again."""
    from deskapp.core import errors
    from deskapp.core.services.desk import Desk
    from deskapp.core.storage.engine import describe_storage_error

    path = where / f"{name.replace(' ', '-')}.sqlite3"
    _, case_id = _new_desk(path)
    desk = Desk(str(path))
    desk.open(username="rep")
    desk.save_draft(case_id, "before the fault")
    typed = "typed during the fault: " + "ä" * 200_000  # large enough to need new pages
    desk.close()  # a file open for writing blocks a read-only remount; the next call reconnects
    break_it(path)
    message, kept, notes = "", False, ""
    try:
        desk.save_draft(case_id, typed)
        notes = "saved anyway"
        kept = True
    except errors.DatabaseGone as exc:
        message = exc.message
        kept = any(d.body == typed.replace("\x00", "") for d in desk.spool.pending())
        notes = "text in the local draft spool" if kept else "NOT in the local spool"
    except Exception as exc:  # whatever it is, the rep sees describe_storage_error
        message = describe_storage_error(exc)
        kept = True  # the window keeps it in the editor and retries (note_editor._draft_failed)
        notes = type(exc).__name__
    lost = 0
    if name != "database deleted":
        desk.close()  # an open file keeps a mount busy
        mend(path)
        try:
            desk.save_draft(case_id, typed)  # the window's retry once the fault is gone
        except Exception as exc:
            notes += f"; retry failed: {describe_storage_error(exc)}"
        with sqlite3.connect(path) as db:
            found = db.execute("SELECT body FROM draft WHERE case_id = ?", (case_id,)).fetchone()
            ok = db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        lost = int(found != (typed,))
        notes += "; on disk after the retry" if not lost else "; NOT on disk after the retry"
        notes += "" if ok else "; integrity_check FAILED"
        notes += "; verify " + _verify(path)
    else:
        lost = int(not kept)
    desk.close()
    return {"scenario": f"fault: {name}", "trials": 1, "outcome": "ok" if kept and not lost else "FAILED",
            "lost": lost, "notes": f"\"{message}\" ({notes})" if message else notes}


def _fill(path: Path) -> None:
    for chunk in (65536, 1):
        try:
            with (path.parent / "filler").open("ab") as handle:
                while True:
                    handle.write(b"\0" * chunk)
                    handle.flush()
        except OSError:
            pass


def _faults(mounted: bool) -> None:
    where = ROOT / "faults"
    where.mkdir(parents=True, exist_ok=True)
    rows = []
    if mounted:
        def tmpfs(sub: str, size: str) -> Path:
            target = where / sub
            target.mkdir(exist_ok=True)
            _sh("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target))
            return target

        rows.append(_fault("disk full", tmpfs("full", "32m"), _fill,
                           lambda p: (p.parent / "filler").unlink(missing_ok=True)))
        def read_only_file(p: Path) -> None:  # only the file: its folder (for -wal, -shm) stays writable
            _sh("mount", "--bind", str(p), str(p))
            _sh("mount", "-o", "remount,bind,ro", str(p))

        rows.append(_fault("read-only database file", tmpfs("rofile", "64m"), read_only_file,
                           lambda p: _sh("umount", str(p))))
        rows.append(_fault("read-only file system", tmpfs("rofs", "64m"),
                           lambda p: _sh("mount", "-o", "remount,ro", str(p.parent)),
                           lambda p: _sh("mount", "-o", "remount,rw", str(p.parent))))
    holder: list[subprocess.Popen[str]] = []

    def lock(path: Path) -> None:
        code = ("import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None); "
                "c.execute('BEGIN EXCLUSIVE'); print('LOCKED', flush=True); time.sleep(600)")
        proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "LOCKED"
        holder.append(proc)

    def unlock(_path: Path) -> None:
        holder[0].kill()
        holder[0].wait()

    started = time.monotonic()
    row = _fault("database locked by another process", where, lock, unlock)
    row["notes"] += f"; {time.monotonic() - started:.1f} s in all (busy_timeout)"
    rows.append(row)

    def delete(path: Path) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    rows.append(_fault("database deleted", where, delete, delete))
    print(json.dumps(rows))


def faults() -> list[Row]:
    probe = ROOT / "probe"
    probe.mkdir(parents=True, exist_ok=True)
    can_mount = shutil.which("unshare") is not None and subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount -t tmpfs tmpfs {probe}"], capture_output=True, check=False
    ).returncode == 0
    cmd = ["unshare", "-m", *_child("faults", "mounted")] if can_mount else _child("faults", "plain")
    done = subprocess.run(cmd, capture_output=True, text=True, env=_env(), check=False)
    if done.returncode != 0:
        return [{"scenario": "faults", "trials": 0, "outcome": "CRASHED", "lost": "?",
                 "notes": done.stderr.strip()[-300:]}]
    rows: list[Row] = json.loads(done.stdout.strip().splitlines()[-1])
    if not can_mount:
        rows.insert(0, {"scenario": "fault: disk full, read-only file, read-only file system", "trials": 0,
                        "outcome": "skipped", "lost": "-", "notes": "unshare -m / mount not permitted here"})
    return rows


# --- 4. hostile templates ----------------------------------------------------------------------
def _templates() -> None:
    from bench.template_limits import CONTEXT, HOSTILE
    from deskapp.core.templating import TemplateError, limits, render, validate

    extra = {  # recursion beyond the template_limits set: deep nesting of every kind of block
        "500 nested ifs": "{% if 1 %}" * 500 + "x" + "{% endif %}" * 500,
        "200 nested macros calls": "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(200) }}",
        "deep list literal": "{{ " + "[" * 300 + "]" * 300 + " }}",
        "deep dict literal": "{{ " + "{'a': " * 200 + "1" + "}" * 200 + " }}",
        "3000 chained filters": "{{ 'x'" + "|upper" * 3000 + " }}",
        "include/extends of itself": "{% include 'self' %}{% extends 'self' %}",
    }
    cases = {**HOSTILE, **extra}
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    slowest, over, outcomes = ("", 0.0), [], {"refused": 0, "stopped": 0, "rendered": 0}
    for name, body in cases.items():
        start = time.perf_counter()
        problems = validate(body)
        if problems:
            outcomes["refused"] += 1
        else:
            try:
                text = render(body, "en", CONTEXT)
                outcomes["rendered"] += 1
                if len(text) > limits.MAX_OUTPUT_CHARS:
                    over.append(f"{name}: {len(text)} characters")
            except TemplateError:
                outcomes["stopped"] += 1
            except RecursionError:
                over.append(f"{name}: RecursionError")
        took = time.perf_counter() - start
        slowest = max(slowest, (name, took), key=lambda item: item[1])
        if took > 2 * limits.RENDER_SECONDS:
            over.append(f"{name}: {took:.2f} s")
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline) / 1e3
    if grown > RSS_LIMIT_MB:
        over.append(f"peak RSS grew {grown:.0f} MB")
    print(json.dumps({"scenario": f"hostile templates + recursion ({len(HOSTILE)} + {len(extra)})",
                      "trials": len(cases), "outcome": "ok" if not over else "FAILED", "lost": len(over),
                      "notes": f"{outcomes['refused']} refused, {outcomes['stopped']} stopped, "
                               f"{outcomes['rendered']} rendered; slowest {slowest[1]:.2f} s ({slowest[0]}); "
                               f"peak RSS +{grown:.0f} MB (limit {RSS_LIMIT_MB})" + "; ".join(["", *over])}))


def templates() -> Row:
    done = subprocess.run(_child("templates"), capture_output=True, text=True, env=_env(), check=False,
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (3 * 10**9, 3 * 10**9)))
    if done.returncode != 0:
        return {"scenario": "hostile templates", "trials": 0, "outcome": f"CRASHED ({done.returncode})", "lost": "?",
                "notes": done.stderr.strip()[-300:]}
    row: Row = json.loads(done.stdout.strip().splitlines()[-1])
    return row


# --- 5. deskapp verify ---------------------------------------------------------------------------
def _verify(path: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "deskapp", "--db", str(path), "verify", "--json"],
                          capture_output=True, text=True, env=_env(), check=False)
    try:
        return "ok" if json.loads(done.stdout)["ok"] and done.returncode == 0 else f"NOT ok: {done.stdout[:200]}"
    except ValueError:
        return f"NOT ok (exit {done.returncode}): {done.stderr.strip()[-200:]}"


def verify(desks: list[Path]) -> Row:
    bad = [f"{p.name}: {result}" for p in desks if (result := _verify(p)) != "ok"]
    return {"scenario": "deskapp verify --json on every desk used", "trials": len(desks),
            "outcome": "ok" if not bad else "FAILED", "lost": len(bad),
            "notes": "the fault desks are verified inside their scenario" + "; ".join(["", *bad[:3]])}


# --- the table ---------------------------------------------------------------------------------
def _print_table(rows: list[Row]) -> None:
    print("\n| scenario | trials | outcome | lost | notes |\n|---|---:|---|---:|---|")
    for row in rows:
        print(f"| {row['scenario']} | {row['trials']} | {row['outcome']} | {row['lost']} | {row['notes']} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few trials of each (under a minute)")
    parser.add_argument("--trials", type=int, help="kill -9 trials while typing (default 200; imports get a quarter)")
    parser.add_argument("--rows", type=int, help="rows in the imported CSV (default 10,000)")
    parser.add_argument("--only", default="kill-draft,kill-import,faults,templates,verify")
    parser.add_argument("--seed", type=int, default=20261216)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "writer":
            _writer(rest[0])
        elif kind == "importer":
            _importer(*rest)
        elif kind == "faults":
            _faults(rest[0] == "mounted")
        else:
            _templates()
        return
    trials = args.trials or (6 if args.quick else 200)
    rows = args.rows or (2000 if args.quick else 10_000)
    only = set(args.only.split(","))
    shutil.rmtree(ROOT, ignore_errors=True)
    ROOT.mkdir(parents=True)
    os.environ.update(_env())  # this process opens desks too; never the developer's data folder
    logging.getLogger("deskapp").setLevel(logging.ERROR)  # "taking back import 1" fifty times is the point
    rng = random.Random(args.seed)
    print(f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, load "
          f"{os.getloadavg()[0]:.1f}; {trials} typing kills, {max(trials // 8, 1) * 2} import kills of "
          f"{rows:,} rows", flush=True)
    table: list[Row] = []
    desks: list[Path] = []
    started = time.monotonic()
    steps: list[tuple[str, Callable[[], list[Row]]]] = [
        ("kill-draft", lambda: [kill_draft(trials, rng, desks)]),
        ("kill-import", lambda: kill_import(max(trials // 8, 1), rows, rng, desks)),
        ("faults", faults),
        ("templates", lambda: [templates()]),
        ("verify", lambda: [verify(desks)]),
    ]
    for name, step in steps:
        if name in only:
            t0 = time.monotonic()
            table += step()
            print(f"  {name}: {time.monotonic() - t0:.0f} s", flush=True)
    _print_table(table)
    print(f"\n{time.monotonic() - started:.0f} s in all, load {os.getloadavg()[0]:.1f}")
    sys.exit(0 if all(r["outcome"] in ("ok", "skipped") for r in table) else 1)


if __name__ == "__main__":
    main()
