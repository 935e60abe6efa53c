"""The one way the UI does database work: off the UI thread, results delivered back on it.

Like Anki's CollectionOp: ``runner.submit(work, on_done, on_failed)`` runs ``work()`` on a worker
thread and calls ``on_done(result)`` or ``on_failed(exc)`` on the UI thread. One worker thread
keeps writes in the order they were asked for (a draft queued before a save lands before it).
Submissions with a ``key`` supersede older ones with the same key: a stale lookup is skipped if it
has not started, and its result is dropped if it has, so it can never replace a newer one.
Keyed jobs are the ones whose result only matters while someone looks at it (lookups, lists,
previews); jobs without a key (saving a draft or a note) always run, also when the window closes.

Lookups (key ``"lookup"``, one per keystroke) run on a second worker thread of their own, with their
own database connection, so an autosave never waits behind one (issue 23: on a busy team server a
lookup can take tens of milliseconds). They only read, and nothing queued waits for them.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

T = TypeVar("T")
log = logging.getLogger(__name__)
# Keys whose jobs run on their own worker thread (see the module docstring).
OWN_THREAD_KEYS = frozenset({"lookup"})


class _Signals(QObject):
    # (hand_over, exception): hand_over gives the result to whoever asked for it, on the UI thread.
    # The result travels inside it, so its type survives the trip through Qt's untyped signal.
    finished = Signal(object, object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Callable[[], None]], signals: _Signals,
                 is_current: Callable[[], bool]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._work = work
        self._signals = signals
        self._is_current = is_current

    def run(self) -> None:
        if not self._is_current():
            self._deliver(None, _Superseded())
            return
        try:
            hand_over = self._work()
        except Exception as exc:  # every failure is delivered to the UI thread
            log.debug("background job failed", exc_info=True)
            self._deliver(None, exc)
        else:
            self._deliver(hand_over, None)

    def _deliver(self, hand_over: Callable[[], None] | None, exc: Exception | None) -> None:
        # The window that asked may have closed while this ran; then there is nobody to tell.
        with contextlib.suppress(RuntimeError):
            self._signals.finished.emit(hand_over, exc)


class _Superseded(Exception):
    """A newer job with the same key was submitted before this one ran."""


class JobRunner(QObject):
    """Runs callables on one worker thread (lookups on a second one) and reports back on the UI thread."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._lookups = QThreadPool(self)
        self._lookups.setMaxThreadCount(1)
        self._generation: dict[str, int] = {}
        self._live: set[_Signals] = set()
        self._closed = False

    def submit(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_failed: Callable[[Exception], None] | None = None,
        key: str | None = None,
    ) -> None:
        """Run ``work`` in the background; see the module docstring."""
        if self._closed:  # the window has closed (and its database with it)
            log.debug("job submitted after close: not run")
            return
        generation = self._generation.get(key, 0) + 1 if key else 0
        if key:
            self._generation[key] = generation

        def is_current() -> bool:
            return key is None or self._generation.get(key) == generation

        signals = _Signals()
        self._live.add(signals)
        if len(self._live) == 1:
            self.busy_changed.emit(True)

        def run_work() -> Callable[[], None]:  # on the worker thread
            result = work()

            def hand_over() -> None:  # on the UI thread
                if on_done is not None:
                    on_done(result)

            return hand_over

        def deliver(hand_over: Callable[[], None] | None, exc: Exception | None) -> None:
            self._live.discard(signals)
            if not self._live:
                self.busy_changed.emit(False)
            if isinstance(exc, _Superseded) or not is_current():
                return
            if exc is not None:
                if on_failed is not None:
                    on_failed(exc)
                else:
                    log.error("background job failed: %s", type(exc).__name__)
            elif hand_over is not None:
                hand_over()

        signals.finished.connect(deliver)
        pool = self._lookups if key in OWN_THREAD_KEYS else self._pool
        pool.start(_Job(run_work, signals, is_current))

    def wait(self, msecs: int = 30000) -> bool:
        """Block until every queued job ran (for shutdown and tests)."""
        started = time.monotonic()
        done = self._pool.waitForDone(msecs)
        left = max(0, msecs - int((time.monotonic() - started) * 1000))
        return bool(self._lookups.waitForDone(left)) and bool(done)

    def close(self, msecs: int = 30000) -> bool:
        """For a closing window: drop keyed jobs not started yet, finish the rest, start nothing new.

        Nobody will see what a queued lookup or list would show; saves (jobs without a key) run.
        """
        self._closed = True
        for key in self._generation:
            self._generation[key] += 1
        return self.wait(msecs)
