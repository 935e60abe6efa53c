"""The layout report: build a window at a given size and language, open a customer, measure it.

``deskapp layout-report`` prints what :func:`layout_report` returns; the layout tests call it in
process. The window acts as the first active agent of the window's role (a rep for the main
window, a supervisor for the supervisor window) without a sign-in prompt, and only reads: it
types nothing, saves nothing and neither reads nor writes remembered window state, so every run
of the same desk lays out the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMainWindow

from deskapp.core.errors import DeskappError
from deskapp.core.i18n import _, later
from deskapp.ui.language import switch_language
from deskapp.ui.layout_measure import entry_json, measure, rows_in_view

if TYPE_CHECKING:
    from deskapp.ui.main_window import MainWindow
    from deskapp.ui.supervisor.window import SupervisorWindow

Which = Literal["main", "supervisor"]
DEFAULT_SIZE = (1200, 760)  # the main window's own default size
TIMEOUT_MS = 60_000


class LayoutReportError(DeskappError):
    """The window could not be built or the customer not opened (a sentence for the user)."""


def _wait(until: Callable[[], bool], failure: str, timeout_ms: int = TIMEOUT_MS) -> None:
    """Run the event loop until ``until()`` holds; after ``timeout_ms``, a :class:`LayoutReportError` (``failure``)."""
    timer = QTimer()
    timer.setSingleShot(True)
    timer.start(timeout_ms)
    while not until():
        if not timer.isActive():
            raise LayoutReportError(failure)
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def _settle(window: MainWindow) -> None:
    """Let queued jobs deliver and every layout request run (twice: one layout may ask for another)."""
    for _round in range(3):
        window.runner.wait()
        loop = QEventLoop()
        QTimer.singleShot(50, loop.quit)
        loop.exec()
        QApplication.processEvents()


def open_main_window(db: str | None, size: tuple[int, int], role: str = "rep") -> MainWindow:
    """A ready main window of ``size`` on ``db``, acting as the first active agent of ``role``."""
    from deskapp.core.domain.enums import Role
    from deskapp.ui.main_window import MainWindow

    window = MainWindow(db, follow_agent_language=False, sign_in=False)
    window.layout_memory.enabled = False  # the same layout on every run; nothing written
    window.connection.act_as_role = Role(role)
    failures: list[str] = []
    window.failed.connect(failures.append)
    window.resize(*size)
    window.show()
    window.build_side_panels()
    window.start()
    _wait(lambda: window.is_ready or bool(failures), _("The database did not open in time."))
    if failures:
        window.close()
        raise LayoutReportError(failures[0])
    if window.banner.kind != "error":  # a "notes from last time" offer is no part of the layout
        window.banner.hide()
    return window


def open_account(window: MainWindow, account: str | None) -> bool:
    """Open the customer with ``account`` (else the one with the most cases); whether one was opened."""
    from deskapp.core.services.cases.cases import busiest_customer
    from deskapp.core.services.customers.profile import customer_profile

    desk = window.desk
    assert desk is not None, "the window is ready"
    number = account or desk.as_agent(busiest_customer)
    if number is None:
        return False
    try:
        customer_id = desk.as_agent(customer_profile, number).customer_id
    except DeskappError as exc:
        raise LayoutReportError(later("No customer with account number {account}: {reason}",
                                      account=number, reason=exc.retranslated)) from exc
    window.search.setText(number)  # as a rep finds them: the results show the hit
    _wait(lambda: window.results_model.rowCount() > 0, _("The search found nothing in time."))
    window.open_customer(customer_id)
    _wait(lambda: window.panel.profile is not None and window.panel.profile.customer_id == customer_id,
          _("The customer did not open in time."))
    return True


def open_supervisor_window(window: MainWindow, size: tuple[int, int]) -> SupervisorWindow:
    """The supervisor window of ``window``'s agent at ``size``, its review queue loaded, first case chosen."""
    window.menus.show_supervisor_window()
    supervisor = window.menus.supervisor_window
    if supervisor is None:
        raise LayoutReportError(later("This desk has no active supervisor to show the supervisor window for."))
    supervisor.resize(*size)
    supervisor.show()
    _settle(window)
    queue = supervisor.page("queue")
    table = getattr(queue, "table", None)
    if table is not None and table.model().rowCount():
        table.selectRow(0)
    return supervisor


def layout_report(db: str | None, lang: str = "en", size: tuple[int, int] = DEFAULT_SIZE, *,
                  account: str | None = None, which: Which = "main", png: str | None = None) -> dict[str, object]:
    """Build the window, lay it out at ``size`` in ``lang``, open ``account``, and measure it.

    Without ``account`` the customer with the most cases is opened (the first such one), so the
    case history has rows to show. Returns the report's JSON object (see ``deskapp layout-report``).
    """
    switch_language(lang)
    main, window = open_for_report(db, size, account=account, which=which)
    try:
        report = measure_window(window, main, size)
        if png:
            window.grab().save(png)
        return report
    finally:
        main.close()
        QApplication.processEvents()


def open_for_report(db: str | None, size: tuple[int, int], *, account: str | None = None,
                    which: Which = "main") -> tuple[MainWindow, QMainWindow]:
    """The main window with ``account`` open, and the window to measure (itself, or its supervisor window)."""
    main = open_main_window(db, size, "supervisor" if which == "supervisor" else "rep")
    try:
        open_account(main, account)
        window: QMainWindow = main
        if which == "supervisor":
            window = open_supervisor_window(main, size)
    except BaseException:
        main.close()
        raise
    return main, window


def measure_window(window: QMainWindow, main: MainWindow, size: tuple[int, int]) -> dict[str, object]:
    """Lay ``window`` out at ``size`` in the current language and measure it (the report's JSON object)."""
    from deskapp.core.i18n import current_locale

    window.resize(*size)
    if window is main:
        _settle(main)
        main.layout_memory.reset()  # the dividers for this size, as a fresh window would have them
    _settle(main)
    screen = window.screen().availableGeometry()
    frame = window.frameGeometry()
    case_view: QAbstractItemView | None
    result_view: QAbstractItemView | None
    if window is main:
        case_view, result_view = main.panel.cases, main.results
    else:
        queue = getattr(window, "pages", {}).get("queue")
        case_view = getattr(queue, "table", None)
        history = getattr(queue, "history", None)
        result_view = getattr(history, "notes", None)
    return {
        "lang": current_locale(),
        "size": list(size),
        "screen": [screen.width(), screen.height()],
        "window": [frame.width(), frame.height()],
        "case_rows_visible": rows_in_view(case_view) if case_view is not None else 0,
        "result_rows_visible": rows_in_view(result_view) if result_view is not None else 0,
        "widgets": [entry_json(entry) for entry in measure(window)],
    }
