"""Start the Qt application (placeholder window until the representative's window lands)."""

from __future__ import annotations


def run_app(db: str | None = None, smoke_test: bool = False, lang: str | None = None) -> int:
    """Open the main window; with ``smoke_test`` close it once shown and return 0."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel

    from deskapp.core.i18n import _

    app = QApplication.instance() or QApplication([])
    window = QLabel(_("deskapp"))
    window.resize(640, 400)
    window.show()
    if smoke_test:
        QTimer.singleShot(0, app.quit)
    return int(app.exec())
