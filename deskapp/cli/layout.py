"""``deskapp layout-report``: lay the window out offscreen and say which texts do not fit.

    deskapp --db DB layout-report [--lang L] [--size WxH] [--open ACCOUNT] [--window main|supervisor] --json

Prints one JSON object: ``lang``, ``size``, ``screen``, ``window``, ``case_rows_visible``,
``result_rows_visible`` and ``widgets`` (``class``, ``name``, ``text``, ``accessible_name``, ``x``,
``y``, ``width``, ``height``, ``needed_width``, ``cut``, ``interactive``, ``visible``). Translators
use it to check their work; the layout tests assert it for every language at 1366×768 and 1200×760.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from deskapp.core.i18n import UI_LOCALES, _

if TYPE_CHECKING:
    from deskapp.cli import Subcommands

_SIZE = re.compile(r"\s*(\d{3,5})\s*[x×X]\s*(\d{3,5})\s*")


def _size(text: str) -> tuple[int, int]:
    match = _SIZE.fullmatch(text)
    if match is None:
        raise argparse.ArgumentTypeError(_("expected a size such as 1366x768, got {value!r}").format(value=text[:40]))
    return int(match[1]), int(match[2])


def _lang(text: str) -> str:
    from deskapp.core.i18n import normalise_locale

    code = normalise_locale(text)
    if code not in UI_LOCALES:
        raise argparse.ArgumentTypeError(_("expected one of {choices}, got {value!r}").format(
            choices=", ".join(UI_LOCALES), value=text[:40]))
    return code


def register(subparsers: Subcommands) -> None:
    """Add the ``layout-report`` command."""
    parser = subparsers.add_parser(
        "layout-report", help=_("lay the window out offscreen and report every text that does not fit"),
    )
    parser.add_argument("--lang", dest="report_lang", type=_lang, default="en", metavar="LOCALE",
                        help=_("user-interface language: en, fi, fil or es (default: en)"))
    parser.add_argument("--size", type=_size, default=(1200, 760), metavar="WxH",
                        help=_("window size in pixels (default: 1200x760, the window's own)"))
    parser.add_argument("--open", dest="account", metavar="ACCOUNT",
                        help=_("account number of the customer to open (default: the one with the most cases)"))
    parser.add_argument("--window", choices=("main", "supervisor"), default="main",
                        help=_("which window to measure (default: main)"))
    parser.add_argument("--json", action="store_true", help=_("print the whole report as one JSON object"))
    parser.add_argument("--png", metavar="FILE", help=_("also save a picture of the measured window"))
    parser.set_defaults(handler=run)


def virtual_screen(size: tuple[int, int]) -> None:
    """Without a display of its own, Qt's offscreen platform with a screen of ``size``.

    The offscreen platform's default screen is 800×600; a screen the size asked for (with no window
    frame: no window manager draws one) shows whether the window keeps within it. Another platform
    named in ``QT_QPA_PLATFORM`` (an X server, Xvfb) is used as it is, and the report gives its
    real screen. Only before the first ``QApplication``: a running one keeps its screen.
    """
    platform = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    if platform.split(":")[0] != "offscreen":
        return
    width, height = size
    screen = {"name": "deskapp-layout", "x": 0, "y": 0, "width": width, "height": height,
              "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    config = {"windowFrameMargins": False, "screens": [screen]}
    folder = Path(tempfile.mkdtemp(prefix="deskapp-layout-"))
    path = folder / "screen.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={path}"


def run(args: argparse.Namespace) -> int:
    """Print the layout report (JSON with ``--json``, else the texts that do not fit)."""
    virtual_screen(args.size)
    from PySide6.QtWidgets import QApplication

    from deskapp.ui.layout_report import layout_report

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("deskapp")
    report = layout_report(args.db, args.report_lang, args.size, account=args.account, which=args.window, png=args.png)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    widgets = report["widgets"]
    assert isinstance(widgets, list)
    cut = [w for w in widgets if w["visible"] and w["cut"]]
    unnamed = [w for w in widgets if w["visible"] and w["interactive"] and not w["accessible_name"]]
    print(_("{lang} {width}×{height}: window {w}×{h} on a {sw}×{sh} screen; {cases} case rows and {results} result "
            "rows visible; {cut} texts cut; {unnamed} controls without an accessible name").format(
        lang=report["lang"], width=args.size[0], height=args.size[1], w=report["window"][0],  # type: ignore[index]
        h=report["window"][1], sw=report["screen"][0], sh=report["screen"][1],  # type: ignore[index]
        cases=report["case_rows_visible"], results=report["result_rows_visible"], cut=len(cut), unnamed=len(unnamed)))
    for widget in cut:
        print(_("  cut: {cls} {name} {text!r}: needs {needed} px, has {width}").format(
            cls=widget["class"], name=widget["name"], text=widget["text"], needed=widget["needed_width"],
            width=widget["width"]))
    for widget in unnamed:
        print(_("  no accessible name: {cls} {name}").format(cls=widget["class"], name=widget["name"]))
    return 0
