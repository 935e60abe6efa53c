"""Table columns that fit their view: whole texts, no horizontal scrolling, the rest in a tooltip.

A table of whole rows in a narrow pane (the search results, a customer's cases, the review queue)
used fixed column widths: long words of one language were elided ("Oston jälk…", "23.11.2…") and
columns past the edge were cut off. :class:`ColumnFit` gives each column the width its header and
the cells in view need, in the order of what a reader needs most, shows the columns that fit
whole, hides the rest and gives what is left over to one column. A hidden column's value, and
any text still too long, is in the row's tooltip.

Only the rows in view are measured (about twenty), when the rows, the language or the view's size
change: measuring every cell of every result list made each keystroke slow (bench/typing_latency.py).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QHelpEvent
from PySide6.QtWidgets import QHeaderView, QStyle, QTableView, QToolTip

# Width a text needs beyond its advance, beside the style's own margins (rounding, the focus frame).
_SLACK = 4


def header_metrics(header: QHeaderView) -> QFontMetrics:
    """The metrics a header title is drawn with: bold, as Qt sizes sections (a highlighted one is bold)."""
    font = QFont(header.font())
    font.setBold(True)
    return QFontMetrics(font)


class ColumnFit(QObject):
    """Keeps ``view``'s columns fitted; ``priority`` lists columns most needed first, ``stretch`` takes the rest."""

    def __init__(self, view: QTableView, priority: Sequence[int], stretch: int, *, minimum: int = 48) -> None:
        super().__init__(view)
        self._view = view
        self._priority = list(priority)
        self._stretch = stretch
        self._minimum = minimum
        self.hidden: list[int] = []
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.viewport().installEventFilter(self)
        # One fit per burst of changes (a reset, a header change and a resize arrive together).
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)
        self._pending.timeout.connect(self.fit)
        self._watched_model: QObject | None = None
        self._watch_model()
        view.verticalScrollBar().valueChanged.connect(lambda _v: self.request())

    def _watch_model(self) -> None:
        model = self._view.model()
        if model is None or model is self._watched_model:
            return
        self._watched_model = model
        for signal in (model.modelReset, model.layoutChanged, model.rowsInserted, model.dataChanged,
                       model.headerDataChanged):
            signal.connect(self.request)

    def request(self, *_args: object) -> None:
        """Fit again once the current burst of changes is over."""
        self._pending.start()

    def needed(self, column: int, rows: Sequence[int]) -> int:
        """The width ``column``'s header and its cells in ``rows`` need, whole."""
        view, model = self._view, self._view.model()
        header = view.horizontalHeader()
        style = view.style()
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        width = header_metrics(header).horizontalAdvance(title) + 2 * margin + _SLACK
        cell_margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        metrics = view.fontMetrics()
        for row in rows:
            text = str(model.data(model.index(row, column, QModelIndex())) or "")
            if text:
                width = max(width, metrics.horizontalAdvance(text) + 2 * cell_margin + _SLACK)
        return max(width, self._minimum)

    def rows_in_view(self) -> list[int]:
        """The rows shown now (at least the first, so an empty view still fits its headers)."""
        view = self._view
        model = view.model()
        if model is None:
            return []
        first = max(view.rowAt(0), 0)
        last = view.rowAt(view.viewport().height() - 1)
        last = model.rowCount() - 1 if last < 0 else last
        return list(range(first, min(last, model.rowCount() - 1) + 1))

    def fit(self) -> None:
        """Show the columns that fit whole, in priority order, up to the first that does not.

        The stretch column takes what is left over.
        """
        self._watch_model()
        view = self._view
        model = view.model()
        if model is None:
            return
        available = view.viewport().width()
        rows = self.rows_in_view()
        widths: dict[int, int] = {}
        used = 0
        for column in self._priority:
            if column >= model.columnCount():
                continue
            need = self.needed(column, rows)
            if used + need > available:
                break  # what is needed more is never dropped for what is needed less
            widths[column] = need
            used += need
        shown = sorted(widths)
        if shown:
            extra = available - used
            widths[self._stretch if self._stretch in widths else shown[-1]] += max(extra, 0)
        self.hidden = [c for c in range(model.columnCount()) if c not in widths]
        header = view.horizontalHeader()
        for column in range(model.columnCount()):
            hide = column not in widths
            if header.isSectionHidden(column) != hide:
                view.setColumnHidden(column, hide)
            if not hide and header.sectionSize(column) != widths[column]:
                header.resizeSection(column, widths[column])

    def tooltip(self, row: int) -> str:
        """The hidden columns' values of ``row`` (and any shown text too long for its cell)."""
        view, model = self._view, self._view.model()
        metrics = view.fontMetrics()
        lines = []
        for column in range(model.columnCount()):
            text = str(model.data(model.index(row, column, QModelIndex())) or "")
            too_long = metrics.horizontalAdvance(text) + 8 > view.columnWidth(column)
            if text and (column in self.hidden or too_long):
                title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
                lines.append(f"<b>{html.escape(title)}:</b> {html.escape(text)}")
        return "<br>".join(lines)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.request()
        elif event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self._view.indexAt(event.pos())
            text = self.tooltip(index.row()) if index.isValid() else ""
            if text:
                QToolTip.showText(event.globalPos(), text, self._view.viewport())
            else:
                QToolTip.hideText()
            return True
        return False
