"""The background-job wrapper delivers on the UI thread and drops superseded results."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from deskapp.ui.jobs import JobRunner


def test_result_arrives_on_the_ui_thread(qtbot: QtBot) -> None:
    runner = JobRunner()
    seen: dict[str, object] = {}
    ui_thread = QThread.currentThread()

    def work() -> int:
        seen["worker"] = threading.current_thread() is not threading.main_thread()
        return 42

    runner.submit(work, lambda result: seen.update(result=result, on_ui=QThread.currentThread() is ui_thread))
    qtbot.waitUntil(lambda: "result" in seen)
    assert seen == {"worker": True, "result": 42, "on_ui": True}


def test_failures_are_delivered_not_raised(qtbot: QtBot) -> None:
    runner = JobRunner()
    errors: list[Exception] = []
    runner.submit(lambda: 1 / 0, on_failed=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ZeroDivisionError)


def test_a_slow_old_lookup_cannot_replace_a_newer_one(qtbot: QtBot) -> None:
    runner = JobRunner()
    shown: list[str] = []
    running, release = threading.Event(), threading.Event()

    def slow() -> str:
        running.set()
        assert release.wait(10)
        return "old"

    runner.submit(slow, shown.append, key="lookup")
    assert running.wait(10)  # the slow job is running now: the newer ones queue behind it
    runner.submit(lambda: "newer", shown.append, key="lookup")
    runner.submit(lambda: "newest", shown.append, key="lookup")
    # Not busy any more: every one of the three jobs has been delivered (or dropped) on the UI thread.
    with qtbot.waitSignal(runner.busy_changed, timeout=10000, check_params_cb=lambda busy: not busy):
        release.set()
    assert shown == ["newest"]


def test_a_save_does_not_wait_behind_a_running_lookup(qtbot: QtBot) -> None:
    runner = JobRunner()
    done: list[str] = []
    running, release = threading.Event(), threading.Event()

    def slow_lookup() -> str:
        running.set()
        release.wait(10)
        return "lookup"

    runner.submit(slow_lookup, done.append, key="lookup")
    assert running.wait(10)
    runner.submit(lambda: "draft saved", done.append)  # an autosave: no key
    qtbot.waitUntil(lambda: done == ["draft saved"], timeout=5000)
    release.set()
    assert runner.wait()
    qtbot.waitUntil(lambda: done == ["draft saved", "lookup"], timeout=5000)
