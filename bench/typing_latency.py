"""Typing benchmark: keystroke to results painted in deskapp's main window, on a big database.

    python -m bench.typing_latency                      # 1,000,000 customers (database built once, reused)
    python -m bench.typing_latency --customers 20000    # a quick run
    python -m bench.typing_latency --rounds 5 --gap-ms 0

One process, ``QT_QPA_PLATFORM=offscreen``: the real :class:`deskapp.ui.main_window.MainWindow`
opens the database (``window.start``, as ``run_app`` does), waits for ``ready``, then types a fixed
mix of what reps type ("mäkinen", "dela cruz", "munoz", "jukka mak", phone numbers in national
format, email addresses) one character at a time: ``QTest.keyClick`` for ASCII characters (a real
key event through the line edit), ``QLineEdit.insert`` for the others (QTest cannot type "ä").

Per keystroke it measures, from just before the key is sent:

* *results*: the results model was reset with the rows of that keystroke's lookup
  (``modelReset``; the lookup ran on the window's ``JobRunner`` worker thread);
* *painted*: the results view's viewport then received its paint event and the paint pass
  finished (an event filter on the viewport posts a zero-timer that runs after the pass).

The next key is sent once the previous one is painted (plus ``--gap-ms``), so no lookup is
superseded: this is the latency of one keystroke, not the throughput of fast typing.

Baseline, measured in the same run after each typing round: the service call alone,
``window.desk.lookup(query)`` on the main thread for exactly the queries the window issued.
The ratio UI / service shows what the window adds (thread hop, model reset, layout, paint).
Goal: painted p95 <= 20 ms.

The database is ``bench/.data/typing-N.sqlite3``: a copy (SQLite backup API) of bench/lookup.py's
finished ``lookup-N.sqlite3`` when there is one (same customers: bench/_data.py), else built here
from bench/_data.py. It is a copy because opening it in the window writes to it (the acting
agent is created on first open), and lookup.py's file is not ours to change.
"""

from __future__ import annotations

import os
import sys

# Run as `python bench/typing_latency.py`, this file's folder would come first on sys.path and this
# module would shadow the standard library's `typing` for everything imported after it.
if __name__ == "__main__" and sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

import argparse
import json
import sqlite3
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA_DIR = ROOT / "bench" / ".data"
GOAL_P95_MS = 20.0
CHUNK = 50_000


# --- the database -----------------------------------------------------------------------------
def _shared_is_complete(n: int) -> Path | None:
    shared = DATA_DIR / f"lookup-{n}.sqlite3"
    meta = shared.with_suffix(".json")
    try:
        return shared if shared.exists() and json.loads(meta.read_text()).get("optimized") else None
    except (OSError, ValueError):
        return None


def _shared_is_being_built(n: int) -> bool:
    shared = DATA_DIR / f"lookup-{n}.sqlite3"
    files = [shared, Path(f"{shared}-wal"), shared.with_suffix(".json")]
    newest = max((f.stat().st_mtime for f in files if f.exists()), default=0.0)
    return time.time() - newest < 90


def _copy(source: Path, target: Path) -> None:
    print(f"copying {source.name} -> {target.name} (SQLite backup) ...", flush=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    partial.replace(target)


def _build(n: int, path: Path) -> None:
    """Build the n-customer database from bench/_data.py (resumable, like bench/lookup.py)."""
    from sqlalchemy import event

    from bench._data import customers
    from deskapp.core.services.customers.store import write_customers
    from deskapp.core.storage import migrate
    from deskapp.core.storage.engine import make_engine

    def fast(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.execute("PRAGMA cache_size = -1000000")
        dbapi_connection.execute("PRAGMA synchronous = OFF")

    engine = make_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", fast)
    migrate.upgrade(engine)
    with engine.connect() as connection:
        last = connection.exec_driver_sql("SELECT max(account_number) FROM customer").scalar()
    start = int(last[1:]) + 1 if last else 0
    began = time.perf_counter()
    while start < n:
        stop = min(n, start + CHUNK)
        write_customers(engine, customers(start, stop))
        print(f"  {stop:>10,} customers written ({time.perf_counter() - began:.0f} s)", flush=True)
        start = stop
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO customer_fts(customer_fts) VALUES ('optimize')")
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()


def database(n: int, wait_minutes: float) -> Path:
    """bench/.data/typing-N.sqlite3, copied from lookup.py's database or built here."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / f"typing-{n}.sqlite3"
    done = path.with_suffix(".json")
    if path.exists() and done.exists():
        return path
    deadline = time.time() + wait_minutes * 60
    while _shared_is_complete(n) is None and _shared_is_being_built(n) and time.time() < deadline:
        print(f"bench/lookup.py is still building lookup-{n}.sqlite3; waiting ...", flush=True)
        time.sleep(20)
    began = time.perf_counter()
    shared = _shared_is_complete(n)
    if shared is not None:
        _copy(shared, path)
        source = shared.name
    else:
        print(f"building {path.name} from bench/_data.py ...", flush=True)
        _build(n, path)
        source = "bench/_data.py"
    done.write_text(json.dumps({"customers": n, "source": source, "seconds": time.perf_counter() - began}))
    return path


# --- what the reps type -----------------------------------------------------------------------
def national(e164: str) -> str:
    """+358401234567 -> 0401234567, as a rep reads a number off a caller display."""
    for code in ("358", "63", "34", "44"):
        if e164.startswith("+" + code):
            rest = e164[1 + len(code):]
            return rest if code == "34" else "0" + rest
    return e164


def typed_strings(n: int) -> list[str]:
    """The fixed mix: names (with and without diacritics), a phone, phones and emails that exist."""
    from bench._data import customer

    strings = ["mäkinen", "dela cruz", "munoz", "jukka mak", "0401234567"]
    phones: list[str] = []
    emails: list[str] = []
    for i in range(min(n, 50_000)):
        record = customer((i * 7919) % n)
        if len(phones) < 2 and record.phones and record.phones[0].startswith(("+358", "+63")):
            phones.append(national(record.phones[0]))
        if len(emails) < 2 and record.emails:
            emails.append(record.emails[0])
        if len(phones) >= 2 and len(emails) >= 2:
            break
    return strings + phones + emails


# --- measuring --------------------------------------------------------------------------------
def _fixed_columns(window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QHeaderView

    header = window.results.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for column, width in enumerate((220, 100, 150, 240, 150, 70)):
        header.resizeSection(column, width)


def _static_hint(window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QSizePolicy

    hint = window.results_hint
    hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
    hint.setFixedHeight(hint.sizeHint().height())


EXPERIMENTS = {
    "fixed-columns": ("results header Interactive with fixed widths instead of ResizeToContents",
                      _fixed_columns),
    "static-hint": ("results hint label with a fixed size policy, so a new count does not relayout",
                    _static_hint),
}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    k = (len(ordered) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the mix (after one warm-up)")
    parser.add_argument("--gap-ms", type=int, default=10, help="pause after each painted keystroke")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for one keystroke")
    parser.add_argument("--wait-build", type=float, default=30.0,
                        help="minutes to wait for bench/lookup.py to finish the shared database")
    parser.add_argument("--worst", type=int, default=8, help="slowest keystrokes to list")
    parser.add_argument("--experiment", action="append", default=[], choices=sorted(EXPERIMENTS),
                        help="patch the window instance (NOT deskapp as shipped) to test a fix; repeatable")
    args = parser.parse_args(argv)

    db = database(args.customers, args.wait_build)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer, qInstallMessageHandler
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from deskapp.core.i18n import set_locale
    from deskapp.ui.main_window import MainWindow

    quiet = {"propagateSizeHints": 0}

    def messages(_kind, _context, message: str) -> None:  # type: ignore[no-untyped-def]
        # The offscreen platform warns on every window size-hint change; count, don't print.
        if "propagateSizeHints" in message:
            quiet["propagateSizeHints"] += 1
        else:
            print(message, file=sys.stderr)

    qInstallMessageHandler(messages)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    set_locale("en")
    window = MainWindow(str(db))
    for name in args.experiment:
        print(f"EXPERIMENT (not deskapp as shipped): {name}: {EXPERIMENTS[name][0]}")
        EXPERIMENTS[name][1](window)
    window.show()
    loop = QEventLoop()
    began = time.perf_counter()
    window.ready.connect(loop.quit)
    window.failed.connect(lambda message: (print(f"failed to open: {message}", file=sys.stderr), loop.quit()))
    QTimer.singleShot(0, window.start)
    loop.exec()
    if not window.is_ready:
        return 1
    print(f"database {db} ({db.stat().st_size / 1e6:,.0f} MB), {args.customers:,} customers; "
          f"window ready in {(time.perf_counter() - began) * 1000:.0f} ms; "
          f"QT_QPA_PLATFORM={os.environ['QT_QPA_PLATFORM']}, {os.cpu_count()} CPUs")

    class Probe(QObject):
        """Keystroke -> modelReset -> first viewport paint -> end of that paint pass."""

        def __init__(self) -> None:
            super().__init__()
            self.loop = QEventLoop()
            self.timer = QTimer(self)
            self.timer.setSingleShot(True)
            self.timer.timeout.connect(self.loop.quit)
            self.armed = False
            self.reset_at: float | None = None
            self.paint_at: float | None = None
            self.done_at: float | None = None
            window.results_model.modelReset.connect(self._reset)
            window.results.viewport().installEventFilter(self)

        def arm(self) -> None:
            self.armed = True
            self.reset_at = self.paint_at = self.done_at = None

        def _reset(self) -> None:
            if self.armed and self.reset_at is None:
                self.reset_at = time.perf_counter()

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if (self.armed and event.type() == QEvent.Type.Paint and self.reset_at is not None
                    and self.paint_at is None):
                self.paint_at = time.perf_counter()
                QTimer.singleShot(0, self._done)
            return False

        def _done(self) -> None:
            self.done_at = time.perf_counter()
            self.armed = False
            self.loop.quit()

        def wait(self, timeout: float) -> bool:
            if self.done_at is None:
                self.timer.start(int(timeout * 1000))
                self.loop.exec()
                self.timer.stop()
            self.armed = False
            return self.done_at is not None

    probe = Probe()
    search = window.search
    strings = typed_strings(args.customers)
    print("typed: " + ", ".join(repr(s) for s in strings))

    def settle(ms: int) -> None:
        QTest.qWait(ms) if ms > 0 else app.processEvents()

    def type_round() -> list[tuple[str, str, float, float, float, int]]:
        """(typed string, query, results ms, painted ms, paint ms, rows) per keystroke."""
        samples = []
        for text in strings:
            search.clear()
            settle(50)
            for ch in text:
                probe.arm()
                start = time.perf_counter()
                if ch.isascii():
                    QTest.keyClick(search, ch)
                else:
                    search.insert(ch)
                query = search.text().strip()
                if not probe.wait(args.timeout):
                    print(f"  keystroke {query!r}: no results painted within {args.timeout} s", file=sys.stderr)
                    continue
                assert probe.reset_at is not None
                assert probe.paint_at is not None
                assert probe.done_at is not None
                samples.append((text, query, (probe.reset_at - start) * 1000, (probe.done_at - start) * 1000,
                                (probe.done_at - probe.paint_at) * 1000, window.results_model.rowCount()))
                settle(args.gap_ms)
        search.clear()
        settle(50)
        return samples

    def service_round(queries: list[str]) -> dict[str, float]:
        times: dict[str, float] = {}
        for query in queries:
            start = time.perf_counter()
            window.desk.lookup(query)
            times[query] = (time.perf_counter() - start) * 1000
        return times

    warm = type_round()  # warm-up: page cache, SQLite statement cache, Qt font cache
    service_round([s[1] for s in warm])
    ui: list[tuple[str, str, float, float, float, int]] = []
    service: list[float] = []
    service_by_query: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        samples = type_round()
        ui.extend(samples)
        times = service_round([s[1] for s in samples])
        for query, ms in times.items():
            service_by_query.setdefault(query, []).append(ms)
        service.extend(times[s[1]] for s in samples)

    if not ui:
        print("no keystroke was measured")
        return 1
    results_ms = [s[2] for s in ui]
    painted_ms = [s[3] for s in ui]
    paint_ms = [s[4] for s in ui]
    overhead = [s[3] - statistics.median(service_by_query[s[1]]) for s in ui]

    print(f"\n{len(ui)} keystrokes ({args.rounds} rounds x {len(ui) // args.rounds}), ms:")
    print(f"  {'':44} {'p50':>7} {'p95':>7} {'max':>7}")
    rows = (
        ("keystroke -> results model updated", results_ms),
        ("keystroke -> results painted (the goal)", painted_ms),
        ("  of which the paint pass", paint_ms),
        ("baseline: desk.lookup() in-thread", service),
        ("painted - service median (UI overhead)", overhead),
    )
    for label, values in rows:
        print(f"  {label:44} {pct(values, .5):7.1f} {pct(values, .95):7.1f} {max(values):7.1f}")
    p50_ratio = pct(painted_ms, .5) / pct(service, .5)
    p95_ratio = pct(painted_ms, .95) / pct(service, .95)
    print(f"  ratio painted / service: p50 {p50_ratio:.2f}x, p95 {p95_ratio:.2f}x")
    p95 = pct(painted_ms, .95)
    print(f"  goal: painted p95 <= {GOAL_P95_MS:.0f} ms: {'MET' if p95 <= GOAL_P95_MS else 'NOT MET'} ({p95:.1f} ms)")

    print("\nper typed string (painted ms p50 / p95 / max; service p95):")
    for text in strings:
        mine = [s[3] for s in ui if s[0] == text]
        svc = [ms for q in {s[1] for s in ui if s[0] == text} for ms in service_by_query[q]]
        if mine:
            print(f"  {text!r:34} {pct(mine, .5):6.1f} / {pct(mine, .95):6.1f} / {max(mine):6.1f};"
                  f" service {pct(svc, .95):6.1f}")
    print(f"\nslowest {args.worst} keystrokes (query: painted ms, service median ms, rows):")
    for _text, query, _res, painted, _paint, count in sorted(ui, key=lambda s: -s[3])[:args.worst]:
        print(f"  {query!r:34} {painted:7.1f}  service {statistics.median(service_by_query[query]):6.1f}  rows {count}")

    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
