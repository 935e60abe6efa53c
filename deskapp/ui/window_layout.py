"""How a window shares its room: splitter sizes that follow what is shown, remembered, within the screen.

* The customer panel scrolls inside its pane (forms opened in it, "New case…" or "Change
  details…", scroll there instead of making the window taller than the screen).
* When a customer opens, the pane above the note is made tall enough for their details and at
  least :data:`CASE_ROWS` cases, unless the rep has moved the divider themselves.
* A divider the rep moves is remembered (QSettings, in the user data folder) for next time.
* A window is never larger than its screen's available area (:func:`keep_on_screen`).

Part of the main window's first frame: nothing here touches Qt's ``Qt`` namespace at import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSettings, QSize
from PySide6.QtWidgets import QMainWindow, QScrollArea, QSplitter, QWidget

if TYPE_CHECKING:
    from deskapp.ui.customer_panel import CustomerPanel

CASE_ROWS = 7  # the case history shows at least this many rows when a customer opens (6 are promised)
NOTE_MIN_HEIGHT = 190  # the note keeps at least this much when the case history grows
RESULTS_SHARE = 0.42  # the search results' share of the window's width (name, phone, email, account at 1366)


def settings() -> QSettings:
    """Window state (divider positions) beside the user's data: an INI file in the data folder."""
    from deskapp.core.config import data_dir

    return QSettings(str(data_dir() / "window-state.ini"), QSettings.Format.IniFormat)


class _DownScroll(QScrollArea):
    """Scrolls up and down only: it asks its pane for the width its widget needs, so nothing is cut at the side.

    (Scrolling sideways hid the end of the case bar, "Customer rating…", in Filipino at 1200 px.)
    """

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        inner = self.widget()
        if inner is None:
            return hint
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(max(hint.width(), inner.minimumSizeHint().width() + bar), hint.height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # a new language or customer may need another width
        return super().eventFilter(watched, event)


def scrolling(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area that gives it the whole pane and scrolls (down) only when it must."""
    area = _DownScroll()
    area.setHorizontalScrollBarPolicy(area.horizontalScrollBarPolicy().ScrollBarAlwaysOff)
    area.setObjectName(f"{widget.objectName() or 'panel'}Scroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setFocusPolicy(area.focusPolicy().NoFocus)  # the fields inside take the focus, not the frame
    area.setWidget(widget)
    return area


class _ScreenCap(QObject):
    """Keeps a window's maximum size at its screen's available area (minus the window frame)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._watching_screen = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Show:
            # Once shown, the screen's own signal says when it changes: no filter on every later event.
            self._window.removeEventFilter(self)
            self.apply()
        return False

    def apply(self) -> None:
        window = self._window
        handle = window.windowHandle()
        if handle is not None and not self._watching_screen:
            handle.screenChanged.connect(lambda _screen: self.apply())
            self._watching_screen = True
        screen = window.screen()
        if screen is None:
            return
        area = screen.availableGeometry()
        frame, inner = window.frameGeometry(), window.geometry()
        width = max(area.width() - (frame.width() - inner.width()), 200)
        height = max(area.height() - (frame.height() - inner.height()), 200)
        window.setMaximumSize(width, height)
        if window.width() > width or window.height() > height:
            window.resize(min(window.width(), width), min(window.height(), height))


def keep_on_screen(window: QWidget) -> None:
    """Never let ``window`` grow past its screen's available area (a taller form scrolls instead)."""
    _ScreenCap(window)


class WindowLayout(QObject):
    """The main window's two dividers: results | customer and note, customer above note."""

    def __init__(self, window: QMainWindow, split: QSplitter, right: QSplitter) -> None:
        super().__init__(window)
        self.enabled = True  # remember and restore dividers (the layout report turns this off)
        self._window, self._split, self._right = window, split, right
        self._user_sized = False
        self._panel: CustomerPanel | None = None
        split.splitterMoved.connect(lambda _pos, _index: self._moved("split", split))
        right.splitterMoved.connect(lambda _pos, _index: self._moved("right", right))
        keep_on_screen(window)

    def _moved(self, key: str, splitter: QSplitter) -> None:
        """The rep moved a divider: keep their choice, now and next time."""
        if key == "right":
            self._user_sized = True
        if self.enabled:
            settings().setValue(f"main/{key}", splitter.sizes())

    def _remembered(self, key: str) -> list[int] | None:
        if not self.enabled:
            return None
        value = settings().value(f"main/{key}")
        if isinstance(value, list) and len(value) == 2:
            try:
                sizes = [int(v) for v in value]
            except (TypeError, ValueError):
                return None
            return sizes if min(sizes) > 0 else None
        return None

    def place_panel(self, panel: CustomerPanel) -> QScrollArea:
        """Put ``panel``, scrolling, in the place the first frame kept for it above the note.

        A form opened in the panel then scrolls there, and the window keeps its size.
        """
        area = scrolling(panel)
        placeholder = self._right.replaceWidget(0, area)
        if placeholder is not None:  # always: the first frame put it there
            placeholder.deleteLater()
        return area

    def attach(self, panel: CustomerPanel) -> None:
        """The customer panel (built after the first paint): its cases decide the divider above the note."""
        self._panel = panel
        panel.profile_shown.connect(self.fit_customer)
        remembered = self._remembered("right")
        if remembered is not None:
            self._user_sized = True
        self._right.setSizes(remembered or [310, 450])

    def reset(self) -> None:
        """The dividers as remembered, else in proportion to the window (the results a third of it)."""
        width = max(self._split.width(), self._window.width())
        self._split.setSizes(self._remembered("split") or [int(width * RESULTS_SHARE),
                                                           width - int(width * RESULTS_SHARE)])
        self.fit_customer()

    def fit_customer(self) -> None:
        """Make the pane above the note tall enough for the customer and :data:`CASE_ROWS` cases."""
        panel = self._panel
        if panel is None or self._user_sized:
            return
        total = sum(self._right.sizes())
        if total <= 0:
            return
        top = min(panel.needed_height(CASE_ROWS), total - NOTE_MIN_HEIGHT)
        self._right.setSizes([top, total - top])
