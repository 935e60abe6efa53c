"""Phone-station benchmark: a call announced to a running window, until the caller is painted.

    python -m bench.call_to_paint                       # 1,000,000 customers (database built once, reused)
    python -m bench.call_to_paint --customers 100000    # a quicker run
    python -m bench.call_to_paint --rounds 40 --via call

One process, ``QT_QPA_PLATFORM=offscreen``: the real :class:`deskapp.ui.main_window.MainWindow`
opens the database and becomes ready; its CTI listener runs on 127.0.0.1 and its local socket
answers ``deskapp call``. Each sample announces one caller (a different customer every time,
picked from bench/_data.py so they exist) from a client thread, the way a PBX bridge or a
softphone does, and waits until the window has painted that customer's name:

* ``--via cti``: an HTTP POST ``newCall`` (Zammad's generic CTI payload, form-encoded) to the
  listener, which logs the call, matches the number and tells the window;
* ``--via call``: what ``deskapp call NUMBER`` sends over the local socket (QLocalSocket);
* ``--via both`` (default): alternately.

*painted* is the end of the paint pass in which the customer panel's name label first shows the
caller's name, measured from just before the request is sent. Baseline, in the same run: the
service work alone on the main thread (``record_call`` for the same number, as the window's
agent: parse, match in the index, insert and commit the log row) plus the profile and case
history reads the window then makes. The ratio shows what the station adds (HTTP or socket, two
thread hops, the panel's layout and paint). Goal: painted p95 < 150 ms at 1,000,000 customers.

The database is ``bench/.data/calls-N.sqlite3``: a copy of bench/lookup.py's or
bench/typing_latency.py's finished database of the same size when there is one, else built here.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA_DIR = ROOT / "bench" / ".data"
GOAL_P95_MS = 150.0
TOKEN = "bench-token-0123456789abcdef"


def database(n: int) -> Path:
    """bench/.data/calls-N.sqlite3 (a copy of a finished shared database, or built here)."""
    from bench.typing_latency import _build, _copy, _shared_is_complete

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / f"calls-{n}.sqlite3"
    done = path.with_suffix(".json")
    if path.exists() and done.exists():
        return path
    began = time.perf_counter()
    shared = _shared_is_complete(n)
    typing_db = DATA_DIR / f"typing-{n}.sqlite3"
    if shared is not None:
        _copy(shared, path)
    elif typing_db.exists() and typing_db.with_suffix(".json").exists():
        _copy(typing_db, path)
    else:
        print(f"building {path.name} from bench/_data.py ...", flush=True)
        partial = path.with_name(path.name + ".building")
        _build(n, partial)
        shutil.move(partial, path)
    done.write_text(json.dumps({"customers": n, "seconds": time.perf_counter() - began}))
    return path


def callers(db: Path, n: int, count: int) -> list[tuple[str, str]]:
    """(E.164, display name) of ``count`` customers spread over the database whose number is theirs alone.

    A number two customers share pops the candidates, not a customer: not what is measured here.
    """
    import sqlite3

    from bench._data import customer

    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    i = 0
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        while len(found) < count and i < 50 * count:
            record = customer((i * 104_729 + 17) % n)
            i += 1
            name = f"{record.given_name} {record.family_name}".strip()
            if not (record.phones and record.given_name and record.family_name) or record.phones[0] in seen:
                continue
            owners = connection.execute("SELECT count(DISTINCT customer_id) FROM customer_phone WHERE e164 = ?",
                                        (record.phones[0],)).fetchone()[0]
            if owners == 1:
                seen.add(record.phones[0])
                found.append((record.phones[0], name))
    return found


def _paint_watch() -> type:
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QLabel

    class Watch(QObject):
        """Request sent -> the label paints the caller's name -> the end of that paint pass."""

        def __init__(self, label: QLabel) -> None:
            super().__init__()
            self.label, self.expected, self.done_at = label, "", None
            label.installEventFilter(self)

        def arm(self, name: str) -> None:
            self.expected, self.done_at = name, None

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and self.expected and self.expected in self.label.text():
                QTimer.singleShot(0, self.finished)
            return False

        def finished(self) -> None:
            self.done_at = self.done_at or time.perf_counter()

        def wait(self, timeout: float) -> bool:
            deadline = time.perf_counter() + timeout
            while self.done_at is None and time.perf_counter() < deadline:
                QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
            return self.done_at is not None

    return Watch


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=30, help="timed calls (after two warm-up calls)")
    parser.add_argument("--via", choices=("cti", "call", "both"), default="both")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for one caller")
    args = parser.parse_args(argv)

    db = database(args.customers)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["DESKAPP_STATION_NAME"] = f"deskapp-bench-{os.getpid()}"
    import getpass

    getpass.getuser = lambda: "bench"  # the window acts as (and creates) this rep

    from PySide6.QtCore import QEventLoop, QTimer, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from deskapp.core.i18n import set_locale
    from deskapp.core.services.calls.log import record_call
    from deskapp.ui.main_window import MainWindow

    qInstallMessageHandler(lambda _k, _c, message: None if "propagateSizeHints" in message
                           else print(message, file=sys.stderr))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    set_locale("en")
    PaintWatch = _paint_watch()
    window = MainWindow(str(db))
    problems: list[str] = []
    window.failed.connect(problems.append)
    window.show()
    began = time.perf_counter()
    window.start()
    while not (window.is_ready or problems) and time.perf_counter() - began < 120:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    if not window.is_ready:
        print(f"the window did not open the database: {problems}", file=sys.stderr)
        return 1
    window.phone.cti.start_cti(0, TOKEN)
    assert window.phone.cti.listener is not None
    port = window.phone.cti.listener.port
    ready_ms = (time.perf_counter() - began) * 1000
    print(f"{args.customers:,} customers in {db.name} ({db.stat().st_size / 1e6:,.0f} MB): window ready after "
          f"{ready_ms:.0f} ms, CTI listening on port {port}; {os.cpu_count()} CPUs, "
          f"platform {os.environ['QT_QPA_PLATFORM']}")

    probe = PaintWatch(window.panel.name)
    heartbeat = QTimer(interval=50)  # wakes the waiting loop below when nothing else happens
    heartbeat.start()

    def post(number: str, call_id: str) -> None:
        body = urllib.parse.urlencode({"event": "newCall", "from": number, "to": "+35891234567",
                                       "direction": "in", "callId": call_id, "user[]": "bench"})
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("POST", f"/api/v1/cti/{TOKEN}", body,
                           {"Content-Type": "application/x-www-form-urlencoded"})
        connection.getresponse().read()
        connection.close()

    station = window.phone.server.full_name

    def call(number: str) -> None:
        # What `deskapp call NUMBER` sends (deskapp.ui.call_link), over the same Unix socket. Not
        # QLocalSocket: its blocking waits keep the GIL, so in this process the window could not answer.
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(10)
            client.connect(station)
            client.sendall((json.dumps({"number": number, "direction": "in"}) + "\n").encode())
            client.recv(65536)

    people = callers(db, args.customers, args.rounds + 2)
    samples: dict[str, list[float]] = {"cti": [], "call": []}
    for index, (number, name) in enumerate(people):
        via = args.via if args.via != "both" else ("cti", "call")[index % 2]
        window.next_caller()  # a fresh screen, as between two calls (seconds apart: the worker is idle)
        window.runner.wait()
        QApplication.processEvents()
        probe.arm(name)
        start = time.perf_counter()
        if via == "cti":
            sender = threading.Thread(target=post, args=(number, f"bench-{os.getpid()}-{index}"))
        else:
            sender = threading.Thread(target=call, args=(number,))
        sender.start()
        ok = probe.wait(args.timeout)
        deadline = time.perf_counter() + args.timeout
        while sender.is_alive() and time.perf_counter() < deadline:  # the window answers once it has logged
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        if not ok or probe.done_at is None:
            print(f"  {via} {number}: {name!r} not painted within {args.timeout} s", file=sys.stderr)
            continue
        if index >= 2:  # two warm-up calls
            samples[via].append((probe.done_at - start) * 1000)
    window.runner.wait()

    desk = window.desk
    assert desk is not None
    baseline: list[float] = []
    opened: list[tuple[int, str]] = []
    for number, name in people[2:]:
        start = time.perf_counter()
        result = desk.as_agent(record_call, number)
        customer = result.matches[0].customer_id
        desk.profile(customer)
        desk.case_history(customer, True)
        baseline.append((time.perf_counter() - start) * 1000)
        opened.append((customer, name))
    base = statistics.median(baseline)
    print(f"baseline (service work on the main thread): p50 {base:.1f} ms, p95 {pct(baseline, 0.95):.1f} ms")
    # The window's own part: the same customers opened as Enter in the results does, no call involved.
    window_only: list[float] = []
    for customer, name in opened:
        window.next_caller()
        window.runner.wait()
        QApplication.processEvents()
        probe.arm(name)
        start = time.perf_counter()
        window.open_customer(customer)
        if probe.wait(args.timeout) and probe.done_at is not None:
            window_only.append((probe.done_at - start) * 1000)
    window.runner.wait()
    print(f"opening the customer in the window alone (no call): p50 {statistics.median(window_only):.1f} ms, "
          f"p95 {pct(window_only, 0.95):.1f} ms")
    everything = samples["cti"] + samples["call"]
    for via, values in (*samples.items(), ("all", everything)):
        if not values:
            continue
        p50, p95 = statistics.median(values), pct(values, 0.95)
        print(f"{via:>4}: n={len(values):3d}  painted p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  max {max(values):6.1f} ms"
              f"  ratio p50/baseline {p50 / base:4.1f}x")
    if everything:
        p95 = pct(everything, 0.95)
        verdict = "meets" if p95 < GOAL_P95_MS else "MISSES"
        print(f"goal p95 < {GOAL_P95_MS:.0f} ms at {args.customers:,} customers: {verdict} ({p95:.1f} ms)")
    window.phone.cti.stop_cti()
    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
