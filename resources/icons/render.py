"""Render deskapp.svg to the hicolor PNG sizes with Qt's own SVG renderer (QtSvg is in Essentials).

    QT_QPA_PLATFORM=offscreen python resources/icons/render.py

The PNGs are committed: a build never needs to run this, only whoever changes the SVG.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

APP_ID = "io.github.deskapp.Deskapp"
SIZES = (16, 32, 48, 64, 128, 256)


def main() -> int:
    here = Path(__file__).resolve().parent
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(here / "deskapp.svg"))
    if not renderer.isValid():
        print("deskapp.svg is not a valid SVG", file=sys.stderr)
        return 1
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = here / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            print(f"could not write {target}", file=sys.stderr)
            return 1
        print(target.relative_to(here))
    return 0


if __name__ == "__main__":
    sys.exit(main())
