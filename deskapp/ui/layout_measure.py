"""Measure a laid-out window: every text that needs more width than it has, and what a screen reader hears.

What the layout report prints (``deskapp layout-report``) and the layout tests assert. A *cut* text
needs more width than its widget (or tab, header section, table cell in view) gives it, so Qt
elides or clips it. Widths come from the same font metrics and style margins Qt uses to draw.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollBar,
    QStyle,
    QTabBar,
    QTableView,
    QWidget,
)

from deskapp.ui.column_fit import header_metrics


@dataclass
class WidgetEntry:
    """One row of the report's ``widgets`` list (the contract's keys, in its order)."""

    cls: str  # "class" in the report (a Python keyword here)
    name: str
    text: str
    accessible_name: str
    x: int
    y: int
    width: int
    height: int
    needed_width: int
    cut: bool
    interactive: bool
    visible: bool

    def set(self, **values: object) -> None:
        """Change several fields at once."""
        for key, value in values.items():
            setattr(self, key, value)


def entry_json(entry: WidgetEntry) -> dict[str, object]:
    """The entry with the contract's key names (``class`` instead of ``cls``)."""
    data = asdict(entry)
    return {"class": data.pop("cls"), **data}


def _plain(text: str) -> str:
    """A text as drawn: an ``&`` marks the accelerator, ``&&`` is a literal ampersand."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def accessible_name(widget: QWidget) -> str:
    """What assistive technology hears as the widget's name (Qt also uses a buddy label or the text)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    name = interface.text(QAccessible.Text.Name) if interface is not None and interface.isValid() else ""
    return _plain(name or widget.accessibleName()).strip()


def is_interactive(widget: QWidget) -> bool:
    """Whether a person can act on the widget: it takes focus by keyboard or mouse and is no scroll bar."""
    if isinstance(widget, QScrollBar) or widget.objectName().startswith("qt_"):
        return False
    if isinstance(widget, QLineEdit) and isinstance(widget.parentWidget(), (QComboBox, QAbstractSpinBox)):
        return False  # the editor inside a combo box or spin box: the outer widget is named
    if isinstance(widget, QTabBar):
        return False  # each tab is listed, named by its title
    return widget.focusPolicy() != Qt.FocusPolicy.NoFocus or isinstance(widget, QAbstractButton)


def _text_of(widget: QWidget) -> str:
    if isinstance(widget, (QLabel, QAbstractButton)):
        return _plain(widget.text()) if not isinstance(widget, QLabel) else widget.text()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QLineEdit):
        return widget.text() or widget.placeholderText()
    return ""


def _label_need(label: QLabel) -> tuple[int, bool]:
    """(needed width, cut) of a label: one that wraps is cut only when its lines need more height."""
    if not label.text() or (label.pixmap() is not None and not label.pixmap().isNull()):
        return 0, False
    if label.wordWrap():
        needed = label.minimumSizeHint().width()
        lines_fit = label.heightForWidth(label.width()) <= label.height() + 1
        return needed, needed > label.width() or not lines_fit
    needed = label.sizeHint().width()
    return needed, needed > label.width()


def _button_need(button: QAbstractButton) -> int:
    style, metrics = button.style(), button.fontMetrics()
    text = metrics.horizontalAdvance(_plain(button.text()))
    icon = button.iconSize().width() + 4 if not button.icon().isNull() else 0
    if isinstance(button, (QCheckBox, QRadioButton)):
        return button.sizeHint().width() if button.text() else 0
    if isinstance(button, QPushButton):
        margin = style.pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, None, button)
        frame = style.pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, button)
        return text + icon + 2 * margin + 2 * frame if button.text() else 0
    return min(button.sizeHint().width(), text + icon + 8) if button.text() else 0


def _combo_need(combo: QComboBox) -> int:
    """The width the shown item needs: its text plus the box's arrow and frame, as its size hint counts them."""
    metrics = combo.fontMetrics()
    longest = max((metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())), default=0)
    chrome = combo.sizeHint().width() - max(longest, metrics.horizontalAdvance("x") * combo.minimumContentsLength())
    return metrics.horizontalAdvance(combo.currentText()) + max(chrome, 0)


def _base(widget: QWidget, window: QWidget, cls: str, name: str, text: str) -> WidgetEntry:
    at = widget.mapTo(window, QPoint(0, 0))
    return WidgetEntry(cls=cls, name=name, text=text, accessible_name="", x=at.x(), y=at.y(),
                       width=widget.width(), height=widget.height(), needed_width=0, cut=False,
                       interactive=False, visible=widget.isVisibleTo(window))


def _shown_width(widget: QWidget) -> int | None:
    """How much of the widget's width its ancestors (a scroll area's viewport, a pane) let a person see.

    ``None`` for a widget scrolled wholly out of view up or down: a person scrolls to it, it is not
    cut. One pushed past a side is (0 when wholly past it).
    """
    window = widget.window()
    at = widget.mapTo(window, QPoint(0, 0))
    left, top, right, bottom = at.x(), at.y(), at.x() + widget.width(), at.y() + widget.height()
    parent = widget.parentWidget()
    while parent is not None:
        corner = parent.mapTo(window, QPoint(0, 0)) if parent is not window else QPoint(0, 0)
        left, top = max(left, corner.x()), max(top, corner.y())
        right, bottom = min(right, corner.x() + parent.width()), min(bottom, corner.y() + parent.height())
        if parent is window:
            break
        parent = parent.parentWidget()
    return None if bottom <= top else max(right - left, 0)


def _name(widget: QWidget) -> str:
    """The object name, else the class and the nearest named ancestor (so an entry can be found again)."""
    if widget.objectName():
        return widget.objectName()
    parent = widget.parentWidget()
    while parent is not None and not parent.objectName():
        parent = parent.parentWidget()
    owner = parent.objectName() if parent is not None else ""
    return f"{owner}/{type(widget).__name__}" if owner else type(widget).__name__


def _tabs(bar: QTabBar, window: QWidget) -> list[WidgetEntry]:
    entries = []
    hspace = bar.style().pixelMetric(QStyle.PixelMetric.PM_TabBarTabHSpace, None, bar)
    for i in range(bar.count()):
        rect = bar.tabRect(i)
        text = _plain(bar.tabText(i))
        entry = _base(bar, window, "QTabBar", f"{_name(bar)}#tab{i}", text)
        at = bar.mapTo(window, rect.topLeft())
        needed = bar.fontMetrics().horizontalAdvance(text) + hspace
        shown = entry.visible and bar.isTabVisible(i)
        entry.set(x=at.x(), y=at.y(), width=rect.width(), height=rect.height(), needed_width=needed,
                     cut=shown and needed > rect.width(), interactive=bar.isTabEnabled(i), visible=shown,
                     accessible_name=text)
        entries.append(entry)
    return entries


def _sections(header: QHeaderView, window: QWidget) -> list[WidgetEntry]:
    """Horizontal header sections whose left edge is in view (the rest are scrolled out of sight)."""
    entries: list[WidgetEntry] = []
    model = header.model()
    if model is None or header.orientation() != Qt.Orientation.Horizontal:
        return entries
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    view_width = header.viewport().width()
    for logical in range(header.count()):
        if header.isSectionHidden(logical):
            continue
        left = header.sectionViewportPosition(logical)
        size = header.sectionSize(logical)
        text = str(model.headerData(logical, Qt.Orientation.Horizontal) or "")
        entry = _base(header, window, "QHeaderView", f"{_name(header)}#section{logical}", text)
        seen = max(0, min(left + size, view_width) - max(left, 0))
        needed = header_metrics(header).horizontalAdvance(text) + 2 * margin
        in_view = entry.visible and 0 <= left < view_width
        at = header.viewport().mapTo(window, QPoint(left, 0))
        entry.set(x=at.x(), y=at.y(), width=seen, needed_width=needed, visible=in_view,
                     cut=in_view and needed > seen)
        entries.append(entry)
    return entries


def _cells(view: QTableView, window: QWidget) -> list[WidgetEntry]:
    """Cells of the rows and columns in view, each with the width its text needs."""
    entries: list[WidgetEntry] = []
    model = view.model()
    if model is None or not view.isVisibleTo(window):
        return entries
    viewport = view.viewport()
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    metrics = view.fontMetrics()
    for row in range(model.rowCount()):
        top = view.rowViewportPosition(row)
        if top >= viewport.height():
            break
        if top < 0 or view.isRowHidden(row):
            continue
        for column in range(model.columnCount()):
            left, size = view.columnViewportPosition(column), view.columnWidth(column)
            if view.isColumnHidden(column) or not 0 <= left < viewport.width():
                continue
            text = str(model.data(model.index(row, column, QModelIndex())) or "")
            seen = min(left + size, viewport.width()) - left
            needed = metrics.horizontalAdvance(text) + 2 * margin if text else 0
            at = viewport.mapTo(window, QPoint(left, top))
            entries.append(WidgetEntry(
                cls=type(view).__name__, name=f"{_name(view)}#cell{row},{column}", text=text, accessible_name="",
                x=at.x(), y=at.y(), width=seen, height=view.rowHeight(row), needed_width=needed,
                cut=needed > seen, interactive=False, visible=True))
    return entries


def rows_in_view(view: QAbstractItemView) -> int:
    """How many rows of the view's row height fit wholly in its viewport (0 when it is not shown)."""
    if not view.isVisible():
        return 0
    height = view.viewport().height()
    if isinstance(view, QTableView):
        row_height = view.verticalHeader().defaultSectionSize()
    else:
        row_height = max(view.sizeHintForRow(0), view.fontMetrics().height() + 4)
    return max(0, height // max(row_height, 1))


def measure(window: QWidget) -> list[WidgetEntry]:
    """Every text-bearing or interactive widget of ``window`` (popups and other windows left out)."""
    entries: list[WidgetEntry] = []
    for widget in window.findChildren(QWidget):
        if widget.window() is not window:
            continue
        if isinstance(widget, QTabBar):
            entries.extend(_tabs(widget, window))
            continue
        if isinstance(widget, QHeaderView):
            entries.extend(_sections(widget, window))
            continue
        if isinstance(widget, QTableView) and widget.isVisibleTo(window):
            entries.extend(_cells(widget, window))
        text = _text_of(widget)
        interactive = is_interactive(widget)
        if not text and not interactive:
            continue
        entry = _base(widget, window, type(widget).__name__, _name(widget), text)
        needed, cut = 0, False
        if isinstance(widget, QLabel):
            needed, cut = _label_need(widget)
        elif isinstance(widget, QAbstractButton):
            needed = _button_need(widget)
            cut = needed > widget.width()
        elif isinstance(widget, QComboBox) and not widget.isEditable():
            needed = _combo_need(widget)
            cut = needed > widget.width()
        shown = _shown_width(widget) if text else None
        if shown is not None and shown < (min(needed, widget.width()) if needed else widget.width()):
            cut = True
            entry.set(width=shown)  # what a person sees of it
        entry.set(needed_width=needed, cut=entry.visible and cut, interactive=interactive,
                     accessible_name=accessible_name(widget) if interactive or text else "")
        entries.append(entry)
    return entries


def unnamed(entries: list[WidgetEntry]) -> list[WidgetEntry]:
    """Visible interactive entries without an accessible name."""
    return [e for e in entries if e.visible and e.interactive and not e.accessible_name]


def cut(entries: list[WidgetEntry]) -> list[WidgetEntry]:
    """Visible entries whose text needs more width than it has."""
    return [e for e in entries if e.visible and e.cut]


__all__ = ["WidgetEntry", "cut", "entry_json", "measure", "rows_in_view", "unnamed"]
