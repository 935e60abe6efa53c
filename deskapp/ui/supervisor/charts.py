"""Two charts painted with QPainter: averages as horizontal bars, and volumes over time as lines.

Why painted and not QtCharts: QtCharts is not part of PySide6-Essentials, the wheel deskapp ships
with; pulling in PySide6-Addons for two simple charts would add well over a hundred megabytes to
every install and frozen bundle. A few hundred lines of QPainter draw exactly what a supervisor
needs to read at a glance, print the same everywhere, and follow the UI language and palette.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from deskapp.core.i18n import _
from deskapp.ui.supervisor.common import format_figure

# Colour-blind-safe (Okabe-Ito), darkest first so the busiest group reads best.
SERIES_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999")
GOOD, FAIR, POOR = QColor("#2e8b57"), QColor("#d9a400"), QColor("#c0392b")
GRID, AXIS_TEXT = QColor("#dddddd"), QColor("#555555")
MAX_SERIES = 6  # more lines than this are unreadable: the rest are summed as "Other groups"


@dataclass(frozen=True, slots=True)
class Bar:
    """One group's average (on the chart's scale) and how many scores it rests on."""

    label: str
    value: float
    count: int


@dataclass(frozen=True, slots=True)
class Series:
    """One group's counts per period."""

    label: str
    points: dict[dt.date, int]


def _empty(painter: QPainter, rect: QRectF) -> None:
    painter.setPen(AXIS_TEXT)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, _("No data for this period."))


class BarChart(QWidget):
    """Horizontal bars of averages on a fixed 1-5 scale, each with its value and count written beside it."""

    ROW = 26

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[Bar] = []
        self.low, self.high = 1.0, 5.0
        self.count_text: Callable[[int], str] = lambda n: f"n={n}"
        self.setMinimumHeight(120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_bars(self, bars: Sequence[Bar]) -> None:
        """Show ``bars`` (best first is easiest to read; the caller decides the order)."""
        self.bars = list(bars)
        self.setAccessibleDescription("; ".join(f"{b.label}: {self.value_text(b)}" for b in self.bars))
        self.updateGeometry()
        self.update()

    def value_text(self, bar: Bar) -> str:
        """What is written beside ``bar``: its average, as the table writes it, and its count."""
        return f"{format_figure(bar.value)}  ({self.count_text(bar.count)})"

    def sizeHint(self) -> QSize:
        return QSize(420, 40 + self.ROW * max(len(self.bars), 3))

    def colour(self, value: float) -> QColor:
        """Green from 4, amber from 3, red below: the usual CSAT reading."""
        return GOOD if value >= 4 else FAIR if value >= 3 else POOR

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        area = QRectF(self.rect()).adjusted(8, 8, -8, -8)
        if not self.bars:
            _empty(painter, area)
            return
        metrics = QFontMetrics(self.font())
        label_width = min(max(metrics.horizontalAdvance(b.label) for b in self.bars) + 12, area.width() * 0.35)
        value_width = max(metrics.horizontalAdvance(self.value_text(b))
                          for b in self.bars) + 10
        left, right = area.left() + label_width, area.right() - value_width
        axis_height = metrics.height() + 6
        row = min(self.ROW * 1.4, (area.height() - axis_height) / len(self.bars))
        span = self.high - self.low

        def x_of(value: float) -> float:
            return left + (right - left) * (max(self.low, min(value, self.high)) - self.low) / span

        bottom = area.top() + row * len(self.bars)
        for tick in range(int(self.low), int(self.high) + 1):
            x = x_of(tick)
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(QPointF(x, area.top()), QPointF(x, bottom))
            painter.setPen(AXIS_TEXT)
            painter.drawText(QRectF(x - 20, bottom + 2, 40, axis_height), Qt.AlignmentFlag.AlignHCenter, str(tick))
        for number, bar in enumerate(self.bars):
            top = area.top() + number * row
            painter.setPen(self.palette().windowText().color())
            name = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, int(label_width - 10))
            text_rect = QRectF(area.left(), top, label_width - 10, row)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, name)
            bar_rect = QRectF(left, top + row * 0.2, max(2.0, x_of(bar.value) - left), row * 0.6)
            painter.fillRect(bar_rect, self.colour(bar.value))
            painter.setPen(AXIS_TEXT)
            painter.drawText(QRectF(bar_rect.right() + 6, top, value_width + right - bar_rect.right(), row),
                             Qt.AlignmentFlag.AlignVCenter, self.value_text(bar))


class LineChart(QWidget):
    """Counts per period, one line per group (the biggest groups; the rest summed), with a legend."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.series: list[Series] = []
        self.periods: list[dt.date] = []
        self.period_text: Callable[[dt.date], str] = lambda day: day.strftime("%d.%m.")
        self.setMinimumHeight(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_series(self, series: Sequence[Series], other_label: str) -> None:
        """Show ``series``; beyond :data:`MAX_SERIES` groups the smallest are summed as ``other_label``."""
        ordered = sorted(series, key=lambda s: (-sum(s.points.values()), s.label))
        if len(ordered) > MAX_SERIES:
            rest: dict[dt.date, int] = {}
            for extra in ordered[MAX_SERIES - 1:]:
                for day, count in extra.points.items():
                    rest[day] = rest.get(day, 0) + count
            ordered = [*ordered[:MAX_SERIES - 1], Series(other_label, rest)]
        self.series = ordered
        self.periods = sorted({day for s in ordered for day in s.points})
        self.setAccessibleDescription("; ".join(f"{s.label}: {sum(s.points.values())}" for s in ordered))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(480, 240)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        area = QRectF(self.rect()).adjusted(8, 8, -8, -8)
        if not self.periods:
            _empty(painter, area)
            return
        metrics = QFontMetrics(self.font())
        line_height = metrics.height() + 4
        legend_rows = self._legend_rows(metrics, area.width())
        margin = metrics.horizontalAdvance("Nov 30") / 2 + 4  # room for the last period's label
        plot = area.adjusted(metrics.horizontalAdvance("0000") + 6, 4, -margin,
                             -(line_height * (len(legend_rows) + 1)))
        peak = max(max(s.points.values(), default=0) for s in self.series)
        step = _nice_step(peak)
        top_value = max(step, math.ceil(peak / step) * step)

        def y_of(count: float) -> float:
            return plot.bottom() - plot.height() * count / top_value

        def x_of(index: int) -> float:
            if len(self.periods) == 1:
                return plot.center().x()
            return plot.left() + plot.width() * index / (len(self.periods) - 1)

        for tick in range(0, int(top_value) + 1, int(step)):
            y = y_of(tick)
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(AXIS_TEXT)
            painter.drawText(QRectF(area.left(), y - line_height / 2, plot.left() - area.left() - 6, line_height),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(tick))
        label_every = max(1, math.ceil(len(self.periods) * metrics.horizontalAdvance("00.00.  ") / plot.width()))
        for index, day in enumerate(self.periods):
            if index % label_every == 0:
                x = x_of(index)
                painter.drawText(QRectF(x - 40, plot.bottom() + 2, 80, line_height), Qt.AlignmentFlag.AlignHCenter,
                                 self.period_text(day))
        for number, series in enumerate(self.series):
            colour = QColor(SERIES_COLOURS[number % len(SERIES_COLOURS)])
            painter.setPen(QPen(colour, 2.2))
            points = [QPointF(x_of(i), y_of(series.points.get(day, 0))) for i, day in enumerate(self.periods)]
            painter.drawPolyline(points)
            painter.setBrush(colour)
            for point in points:
                painter.drawEllipse(point, 2.5, 2.5)
            painter.setBrush(Qt.BrushStyle.NoBrush)
        y = plot.bottom() + line_height + 4
        for row in legend_rows:
            x = plot.left()
            for number, text, width in row:
                painter.fillRect(QRectF(x, y + line_height / 2 - 4, 14, 8),
                                 QColor(SERIES_COLOURS[number % len(SERIES_COLOURS)]))
                painter.setPen(self.palette().windowText().color())
                painter.drawText(QRectF(x + 18, y, width, line_height), Qt.AlignmentFlag.AlignVCenter, text)
                x += width + 30
            y += line_height

    def _legend_rows(self, metrics: QFontMetrics, width: float) -> list[list[tuple[int, str, int]]]:
        rows: list[list[tuple[int, str, int]]] = [[]]
        used = 0.0
        for number, series in enumerate(self.series):
            text = f"{series.label} ({sum(series.points.values())})"
            advance = metrics.horizontalAdvance(text)
            if rows[-1] and used + advance + 30 > width - 40:
                rows.append([])
                used = 0.0
            rows[-1].append((number, text, advance))
            used += advance + 30
        return rows


def _nice_step(peak: int) -> float:
    """A round step (1, 2, 5, 10, 20, …) giving about four gridlines up to ``peak``."""
    if peak <= 4:
        return 1
    raw = peak / 4
    magnitude = int(10 ** math.floor(math.log10(raw)))  # raw > 1 here: a whole power of ten
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
