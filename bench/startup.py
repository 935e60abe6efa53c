"""Start-up benchmark: deskapp's first paint and time-to-ready against bare PySide6 baselines.

    python -m bench.startup                 # 10 runs of each variant, interleaved
    python -m bench.startup --runs 20
    python -m bench.startup --db FILE       # ready-to-search on an existing deskapp database

Every measurement is a fresh subprocess of the same interpreter with ``QT_QPA_PLATFORM=offscreen``
(override with ``--platform``). Runs of the variants are interleaved (A B A B ..., order flipped
every round) and the medians are compared: on a noisy machine the *ratio* measured in one run is
what means something, not the absolute milliseconds.

first paint
    From just before the parent starts the process (``time.time()`` passed in ``BENCH_T0``) to the
    end of the first paint pass of the main window. Both children install the same hook: PySide6's
    ``QWidget.show`` is wrapped so that the first ``QMainWindow`` shown gets an event filter; on its
    first ``Paint`` event the filter posts a zero-timer, which runs once the whole paint pass is
    done, and prints the time. The baseline shows an empty ``QMainWindow``; the deskapp child runs
    the real ``deskapp --db FILE`` code path (``deskapp.cli.main``: locale, argument parser,
    ``run_app``, ``MainWindow``) in the same process. The only difference to the console script is
    that the child creates the ``QApplication`` itself (so the hook can be installed), which
    ``run_app`` then reuses. Goal: deskapp <= 1.2x the baseline.

    ``--hook app`` measures as this bench did at first, with an application-wide Python event
    filter. That filter is not neutral: every event of every object goes through Python (~7 us
    each, ~3,400 events for deskapp's window, 37 for the bare one), and the first event of an
    object of a class private to Qt (a ``QMainWindow`` with a central widget creates one when it
    is shown) makes shiboken create every lazily-initialised Python type of QtCore, QtGui and
    QtWidgets (~180 enums, ~45 ms). Both costs fall on the window with content only, so the
    default hook watches the main window alone.

ready to search
    Whole-process wall time of ``deskapp --db DEMO --smoke-test`` (the console script: paints,
    opens and migrates the database on the worker thread, exits once ready) against a bare script
    that shows a ``QMainWindow``, then imports ``sqlalchemy.orm``, opens the same SQLite file and
    runs ``select 1``. Goal: deskapp <= 1.3x the baseline.

imports before first paint
    One extra deskapp run under ``python -X importtime``: every module imported up to the paint
    marker, the slowest top-level imports, and for each module we do not want before paint
    (SQLAlchemy, Alembic, babel.dates, phonenumbers) the chain of imports that pulled it in.

The demo database is built once with ``deskapp demo`` (2,000 customers) under bench/.data/.
deskapp's own modules are byte-compiled first (as ``pip install`` does), so that a checkout run
with ``PYTHONDONTWRITEBYTECODE=1`` does not time the compiling of deskapp's sources against a
baseline whose libraries come compiled.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / ".data"
PAINT_GOAL = 1.2
READY_GOAL = 1.3
# Modules that should not be imported before the window is painted.
UNWANTED = ("sqlalchemy", "alembic", "babel.dates", "phonenumbers")

# The same first-paint hook in both children. Prints (to stdout, and to stderr for -X importtime)
#   BENCH_PAINT <seconds since BENCH_T0> <seconds to QMainWindow Show> <seconds to first Paint>
#   BENCH_MODULES <json list of sys.modules at paint>
# then exits at once (the deskapp child would otherwise go on to open the database).
# HOOK_APP filters every event of the application in Python (the first version of this bench);
# HOOK_WINDOW (the default) wraps PySide6's QWidget.show and filters the first main window only.
_HOOK_COMMON = r"""
import os, sys, time, json
_T0 = float(os.environ["BENCH_T0"])
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

class _PaintHook(QObject):
    def __init__(self):
        super().__init__()
        self.shown = None
        self.painting = None

    def eventFilter(self, obj, event):
        kind = event.type()
        if self.painting is None and kind in (QEvent.Type.Show, QEvent.Type.Paint) \
                and isinstance(obj, QWidget) and isinstance(obj.window(), QMainWindow):
            now = time.time() - _T0
            if kind == QEvent.Type.Show and obj.isWindow() and self.shown is None:
                self.shown = now
            elif kind == QEvent.Type.Paint:
                self.painting = now
                QTimer.singleShot(0, self.painted)  # runs after the whole paint pass
        return False

    def painted(self):
        now = time.time() - _T0
        line = f"BENCH_PAINT {now:.6f} {self.shown or 0:.6f} {self.painting:.6f}"
        print(line, flush=True)
        print(line, file=sys.stderr, flush=True)
        print("BENCH_MODULES " + json.dumps(sorted(sys.modules)), flush=True)
        os._exit(0)

_app = QApplication(sys.argv[:1])
_hook = _PaintHook()
"""

HOOK_APP = _HOOK_COMMON + r"""
_app.installEventFilter(_hook)
"""

HOOK_WINDOW = _HOOK_COMMON + r"""
_show = QWidget.show
_watching = []

def _show_watched(self):
    if isinstance(self, QMainWindow) and not _watching:
        _watching.append(self)
        self.installEventFilter(_hook)
    _show(self)

QWidget.show = _show_watched
"""

HOOKS = {"window": HOOK_WINDOW, "app": HOOK_APP}

# What each first-paint child runs after the hook.
PAINT_BARE = r"""
_window = QMainWindow()
_window.resize(1200, 760)
_window.show()
_app.exec()
"""

PAINT_DESKAPP = r"""
from deskapp.cli import main
main(["--db", os.environ["BENCH_DB"]])
"""

# Experiment, not deskapp as shipped: the same, with MainWindow.start (the background database
# open that run_app schedules with a zero-timer) stubbed out, to show what the open costs the paint.
PAINT_DESKAPP_NO_START = r"""
import deskapp.ui.main_window
deskapp.ui.main_window.MainWindow.start = lambda self: None
from deskapp.cli import main
main(["--db", os.environ["BENCH_DB"]])
"""

READY_BARE = r"""
import os, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1200, 760)
window.show()

def open_database():
    import sqlalchemy as sa
    import sqlalchemy.orm  # noqa: F401
    engine = sa.create_engine("sqlite:///" + os.environ["BENCH_DB"])
    with engine.connect() as connection:
        assert connection.execute(sa.text("select 1")).scalar() == 1
    engine.dispose()
    app.quit()

QTimer.singleShot(0, open_database)
sys.exit(app.exec())
"""


def _env(platform: str, db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = platform
    env["BENCH_DB"] = str(db)
    env.pop("PYTHONSTARTUP", None)
    env.setdefault("LANG", "C.UTF-8")
    return env


def deskapp_command() -> list[str]:
    """The installed console script next to this interpreter, else the same entry point via -c."""
    script = Path(sys.executable).parent / "deskapp"
    if script.exists():
        return [str(script)]
    found = shutil.which("deskapp")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from deskapp.cli import main; sys.exit(main())"]


def demo_database() -> Path:
    """A small ``deskapp demo`` database (built once, then reused)."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "startup-demo.sqlite3"
    done = path.with_suffix(".done")
    if not done.exists():
        for stale in DATA_DIR.glob("startup-demo.sqlite3*"):
            stale.unlink()
        print(f"building {path} with `deskapp demo` ...", flush=True)
        began = time.perf_counter()
        subprocess.run([*deskapp_command(), "--db", str(path), "demo"], check=True,
                       stdout=subprocess.DEVNULL, env=_env("offscreen", path))
        done.write_text(f"{time.perf_counter() - began:.1f} s\n")
    return path


def paint_run(code: str, env: dict[str, str], extra: tuple[str, ...] = ()) -> tuple[dict, str]:
    """One first-paint child; returns its marker values and stderr."""
    env = dict(env)
    began = time.time()
    env["BENCH_T0"] = repr(began)
    proc = subprocess.run([sys.executable, *extra, "-c", code], env=env, capture_output=True, text=True, check=False,
                          timeout=120)
    result: dict = {"wall": time.time() - began}
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH_PAINT "):
            paint, shown, painting = (float(v) for v in line.split()[1:])
            result.update(paint=paint, shown=shown, painting=painting)
        elif line.startswith("BENCH_MODULES "):
            result["modules"] = json.loads(line[len("BENCH_MODULES "):])
    if "paint" not in result:
        raise RuntimeError(f"no paint marker (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return result, proc.stderr


def ready_run(command: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180, check=False)
    elapsed = time.perf_counter() - began
    if proc.returncode != 0:
        raise RuntimeError(f"{command} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return elapsed


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def _ms(v: float) -> str:
    return f"{v * 1000:8.1f}"


def report(title: str, base_name: str, base: list[float], name: str, values: list[float], goal: float) -> float:  # noqa: PLR0917
    ratio = statistics.median(values) / statistics.median(base)
    ratio95 = p95(values) / p95(base)
    print(f"\n{title}  ({len(values)} runs each, interleaved; ms)")
    print(f"  {'':34} {'median':>8} {'p95':>8} {'min':>8}")
    for label, vals in ((base_name, base), (name, values)):
        print(f"  {label:34} {_ms(statistics.median(vals))} {_ms(p95(vals))} {_ms(min(vals))}")
    verdict = "MET" if ratio <= goal else "NOT MET"
    print(f"  ratio of medians {ratio:.2f}x (p95 {ratio95:.2f}x); goal <= {goal}x: {verdict}")
    return ratio


def _importtime_tree(stderr: str) -> tuple[list[tuple[int, int, int, str]], bool]:
    """(self us, cumulative us, depth, module) for every import before the paint marker."""
    rows: list[tuple[int, int, int, str]] = []
    for line in stderr.splitlines():
        if line.startswith("BENCH_PAINT"):
            return rows, True
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative, name = line[len("import time:"):].split("|", 2)
        stripped = name.rstrip()
        depth = (len(stripped) - len(stripped.lstrip()) - 1) // 2  # 0 = imported at top level
        rows.append((int(self_us), int(cumulative), depth, stripped.strip()))
    return rows, False


def _chain(rows: list[tuple[int, int, int, str]], index: int) -> list[str]:
    """The module at ``index`` and the imports that pulled it in (importtime lists children first)."""
    chain = [rows[index][3]]
    depth = rows[index][2]
    for _self, _cum, d, name in rows[index + 1:]:
        if d < depth:
            chain.append(name)
            depth = d
            if d == 0:
                break
    return chain


def import_report(hook: str, env: dict[str, str], modules_at_paint: list[str]) -> None:
    _result, stderr = paint_run(hook + PAINT_DESKAPP, env, ("-X", "importtime"))
    rows, found = _importtime_tree(stderr)
    print("\nimports before first paint (deskapp, one run under -X importtime)")
    if not found:
        print("  (paint marker not found in the importtime output)")
        return
    total = sum(r[0] for r in rows)
    print(f"  {len(rows)} modules imported by the paint marker, {total / 1000:.0f} ms of import time "
          f"(importtime overhead included); sys.modules at paint: {len(modules_at_paint)} entries")
    top = sorted((r for r in rows if r[2] == 0), key=lambda r: -r[1])[:10]
    print("  slowest top-level imports (cumulative ms):")
    for _self, cumulative, _depth, name in top:
        print(f"    {cumulative / 1000:7.1f}  {name}")
    print("  deskapp modules (cumulative / self ms, >= 1 ms):")
    for self_us, cumulative, depth, name in rows:
        if name.startswith("deskapp") and cumulative >= 1000:
            print(f"    {cumulative / 1000:7.1f} / {self_us / 1000:5.1f}  {'  ' * depth}{name}")
    groups: dict[str, list[str]] = {}
    for mod in modules_at_paint:
        head = mod.split(".")[0]
        if head in ("deskapp", "babel", "PySide6", "shiboken6"):
            groups.setdefault(head, []).append(mod)
    print("  packages in sys.modules at paint: " + ", ".join(f"{k} ({len(v)})" for k, v in sorted(groups.items())))
    print("  unwanted before paint:")
    any_unwanted = False
    for unwanted in UNWANTED:
        hits = [m for m in modules_at_paint if m == unwanted or m.startswith(unwanted + ".")]
        if not hits:
            print(f"    {unwanted:14} not imported")
            continue
        any_unwanted = True
        index = next((i for i, r in enumerate(rows) if r[3] == unwanted), None)
        if index is None:
            index = next((i for i, r in enumerate(rows) if r[3] in hits), None)
        if index is None:
            print(f"    {unwanted:14} IMPORTED ({len(hits)} modules, not on the main thread's import tree: "
                  "a background thread imported it before paint)")
            continue
        chain = _chain(rows, index)
        root = next(r for r in rows if r[3] == chain[-1])
        where = "" if root[2] == 0 else (" -- still importing when the paint ended: a background thread "
                                         "(window.start's database open) imports it concurrently")
        print(f"    {unwanted:14} IMPORTED ({len(hits)} modules, {rows[index][1] / 1000:.1f} ms cumulative): "
              f"{' <- '.join(chain)}{where}")
    if not any_unwanted:
        print("    none")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10, help="runs of each variant (default 10)")
    parser.add_argument("--db", type=Path, help="deskapp database for the ready-to-search runs "
                        "(default: a 2,000-customer `deskapp demo` database under bench/.data/)")
    parser.add_argument("--platform", default="offscreen", help="QT_QPA_PLATFORM for the children")
    parser.add_argument("--skip-ready", action="store_true")
    parser.add_argument("--skip-imports", action="store_true")
    parser.add_argument("--hook", choices=sorted(HOOKS), default="window",
                        help="first-paint hook: filter the main window only (default) or, as this bench "
                        "first did, every event of the application (see the docstring)")
    args = parser.parse_args(argv)
    hook = HOOKS[args.hook]

    db = args.db.resolve() if args.db else demo_database()
    env = _env(args.platform, db)
    print(f"python {sys.version.split()[0]} ({sys.executable}), {os.cpu_count()} CPUs, "
          f"QT_QPA_PLATFORM={args.platform}, db {db}, {args.hook} hook")
    # As installed (pip byte-compiles), not as a fresh checkout under PYTHONDONTWRITEBYTECODE=1.
    compileall.compile_dir(ROOT / "deskapp", quiet=1)

    # Warm the OS file cache and the .pyc files once; not timed.
    paint_run(hook + PAINT_BARE, env)
    deskapp_paint, _ = paint_run(hook + PAINT_DESKAPP, env)

    bare: list[dict] = []
    desk: list[dict] = []
    no_start: list[dict] = []
    variants = [(hook + PAINT_BARE, bare), (hook + PAINT_DESKAPP, desk), (hook + PAINT_DESKAPP_NO_START, no_start)]
    for i in range(args.runs):
        for code, out in (variants if i % 2 == 0 else variants[::-1]):
            out.append(paint_run(code, env)[0])
    ratio_paint = report("first paint: process start -> end of first paint pass", "bare QMainWindow",
                         [r["paint"] for r in bare], "deskapp (cli.main -> MainWindow)",
                         [r["paint"] for r in desk], PAINT_GOAL)
    experiment = statistics.median(r["paint"] for r in no_start) / statistics.median(r["paint"] for r in bare)
    print(f"  experiment: deskapp with MainWindow.start stubbed (no database open racing the paint): "
          f"median {statistics.median(r['paint'] for r in no_start) * 1000:.1f} ms, {experiment:.2f}x")
    for label, runs in (("bare", bare), ("deskapp", desk), ("no start", no_start)):
        shown = statistics.median(r["shown"] for r in runs)
        painting = statistics.median(r["painting"] for r in runs)
        paint = statistics.median(r["paint"] for r in runs)
        print(f"    {label:8} median: window shown at {shown * 1000:.0f} ms, first Paint event at "
              f"{painting * 1000:.0f} ms, paint pass done at {paint * 1000:.0f} ms")

    ratio_ready = None
    if not args.skip_ready:
        bare_cmd = [sys.executable, "-c", READY_BARE]
        desk_cmd = [*deskapp_command(), "--db", str(db), "--smoke-test"]
        ready_run(bare_cmd, env)
        ready_run(desk_cmd, env)
        bare_ready: list[float] = []
        desk_ready: list[float] = []
        for i in range(args.runs):
            order = [(bare_cmd, bare_ready), (desk_cmd, desk_ready)]
            if i % 2:
                order.reverse()
            for cmd, out in order:
                out.append(ready_run(cmd, env))
        ratio_ready = report("ready to search: whole process wall time", "bare QMainWindow+sqlalchemy.orm",
                             bare_ready, "deskapp --db DEMO --smoke-test", desk_ready, READY_GOAL)

    if not args.skip_imports:
        import_report(hook, env, deskapp_paint.get("modules", []))

    print("\nsummary: first paint {:.2f}x (goal {}x){}".format(
        ratio_paint, PAINT_GOAL, "" if ratio_ready is None else
        f", ready to search {ratio_ready:.2f}x (goal {READY_GOAL}x)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
