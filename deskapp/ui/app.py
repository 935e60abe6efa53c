"""Start the Qt application: paint the window first; build the rest and open the database after."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deskapp.ui.main_window import MainWindow


def _after_first_paint(window: MainWindow) -> None:
    """Once the window has painted: its side panels, the window icon, then the database.

    The first frame is only what a rep looks at first (see ``deskapp.ui.main_window``); the
    panels are built, and SQLAlchemy imported on the worker thread, while the window is already
    on screen. A fallback timer covers a platform that never sends a paint event.
    """
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def __init__(self) -> None:
            super().__init__(window)
            self.started = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.start()
            return False

        def start(self) -> None:
            if not self.started:
                self.started = True
                window.removeEventFilter(self)
                QTimer.singleShot(0, self.finish_window)

        def finish_window(self) -> None:
            if not window.isVisible():  # closed before its first paint: nothing to build or open
                return
            window.build_side_panels()
            _set_window_icon()
            window.start()

    watcher = FirstPaint()
    window.installEventFilter(watcher)
    QTimer.singleShot(500, watcher.start)


def _set_window_icon() -> None:
    from importlib import resources

    from PySide6.QtGui import QGuiApplication, QIcon

    icon = resources.files("deskapp") / "resources" / "icons" / "deskapp.svg"
    if icon.is_file():
        QGuiApplication.setWindowIcon(QIcon(str(icon)))


def run_app(db: str | None = None, smoke_test: bool = False, lang: str | None = None) -> int:
    """Open the main window; with ``smoke_test``, exit 0 once painted and the database is ready."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from deskapp import APP_ID
    from deskapp.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("deskapp")
    app.setOrganizationName("deskapp")
    QGuiApplication.setDesktopFileName(APP_ID)  # a QGuiApplication setting, for the whole process
    if lang:
        from deskapp.ui.language import switch_language

        switch_language(lang)
    # Sign-in comes once the database is open (after the first paint); the smoke test acts as today.
    window = MainWindow(db, follow_agent_language=not lang, sign_in=not smoke_test)
    _after_first_paint(window)  # watching before show(): nothing is missed
    window.show()
    outcome = {"code": 0}
    if smoke_test:
        def failed(message: str) -> None:
            print(f"deskapp: {message}", file=sys.stderr)
            outcome["code"] = 1
            app.quit()

        window.ready.connect(lambda: QTimer.singleShot(0, window.close))
        window.failed.connect(failed)
        QTimer.singleShot(120_000, lambda: failed("timed out waiting for the database"))
    code = app.exec()
    return outcome["code"] or int(code)
