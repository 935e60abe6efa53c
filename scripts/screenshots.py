"""Refresh the README screenshots: a demo database, the main window driven like a rep, grabbed to PNG.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py [--lang fi] [--out docs/screenshots]

Works on any Qt platform (offscreen, or a real X server / Xvfb with QT_QPA_PLATFORM=xcb).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="en")
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--query", default="maki")
    parser.add_argument("--article", default="router", help="words the knowledge-base shot searches for")
    parser.add_argument("--size", type=int, nargs=2, default=(1366, 768), metavar=("W", "H"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="deskapp-shots-"))
    os.environ["DESKAPP_DATA_DIR"] = str(work)
    db = str(work / "demo.sqlite3")

    from deskapp.cli import main as cli_main
    from deskapp.cli.layout import virtual_screen

    virtual_screen(tuple(args.size))  # offscreen: a screen of the window's size, not 800×600
    from deskapp.core.i18n import set_locale

    cli_main(["--db", db, "demo", "--customers", "400"])
    set_locale(args.lang)

    import getpass

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    getpass.getuser = lambda: "anna"  # the demo rep, until sign-in arrives
    from deskapp.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])

    def settle(ms: int = 400) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        window.runner.wait()
        app.processEvents()

    window = MainWindow(db)
    window.resize(*args.size)
    window.show()
    window.start()
    settle(800)
    window.banner.hide()
    window.search.setText(args.query)
    settle()
    window.open_selected()
    settle()
    window.notes.editor.setPlainText("Customer's router restarts every evening around 20:00.\n"
                                     "Checked the firmware version with them; will send a technician.")
    settle(1200)
    window.grab().save(str(out / f"main-window-{args.lang}.png"))
    window.toggle_privacy()
    settle()
    window.grab().save(str(out / f"privacy-{args.lang}.png"))
    window.toggle_privacy()
    window.toggle_compact()
    settle()
    window.grab().save(str(out / f"compact-{args.lang}.png"))
    window.toggle_compact()
    window.overlay.popup()
    settle()
    window.grab().save(str(out / f"shortcuts-{args.lang}.png"))
    window.overlay.hide()
    # The phone tab beside the results, and an article of the knowledge base beside the note.
    profile = window.panel.profile
    number = profile.phones[0] if profile is not None and profile.phones else "+358401234567"
    window.phone.handle_call(number, "in")  # the open customer calls: the log has a row
    settle()
    window.phone.add_callback("+30 min", False)
    settle()
    window.phone.tabs.setCurrentWidget(window.phone.panel)
    window.knowledge.open_popup()
    settle()
    popup = window.knowledge.popup
    popup.search.setText(args.article)
    settle(800)
    if popup.list.count():
        from PySide6.QtCore import Qt

        window.knowledge.show_article(str(popup.list.item(0).data(Qt.ItemDataRole.UserRole)))
    popup.hide()
    window.notes.side_tabs.setCurrentWidget(window.knowledge)
    settle(800)
    window.grab().save(str(out / f"phone-knowledge-{args.lang}.png"))
    window.close()
    print(f"screenshots written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
