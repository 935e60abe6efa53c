"""Start the Qt application: paint the window first, open the database after."""

from __future__ import annotations

import sys
from typing import Any


def _start_after_first_paint(window: Any) -> None:
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
                QTimer.singleShot(0, window.start)

    watcher = FirstPaint()
    window.installEventFilter(watcher)
    QTimer.singleShot(500, watcher.start)


def run_app(db: str | None = None, smoke_test: bool = False, lang: str | None = None) -> int:
    """Open the main window; with ``smoke_test``, exit 0 once painted and the database is ready."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from deskapp import APP_ID
    from deskapp.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("deskapp")
    app.setOrganizationName("deskapp")
    app.setDesktopFileName(APP_ID)
    from importlib import resources

    from PySide6.QtGui import QIcon

    icon = resources.files("deskapp") / "resources" / "icons" / "deskapp.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    if lang:
        from deskapp.ui.language import switch_language

        switch_language(lang)
    # Sign-in comes once the database is open (after the first paint); the smoke test acts as today.
    window = MainWindow(db, follow_agent_language=not lang, sign_in=not smoke_test)
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
    # Open the database (and import SQLAlchemy) only once the window has painted, so the rep sees
    # the window at once; a fallback timer covers a platform that never sends a paint event.
    _start_after_first_paint(window)
    code = app.exec()
    return outcome["code"] or int(code)
