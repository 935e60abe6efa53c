"""The review queue: which cases to review, their notes' history, and the review form beside them.

The queue is a repeatable random sample per rep (``sampling.sampling_queue``), filtered by period,
channel, brand, support stage and the customer's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypedDict

from PySide6.QtCore import QItemSelection, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.i18n import CUSTOMER_LOCALES, N_, _, language_name, ngettext
from deskapp.ui.column_fit import ColumnFit
from deskapp.ui.jobs import JobRunner
from deskapp.ui.language import translate_ui
from deskapp.ui.supervisor.models import QueueModel
from deskapp.ui.supervisor.note_history import NoteHistoryView
from deskapp.ui.supervisor.review_form import ReviewForm
from deskapp.ui.widgets import compact_rows, row_table, whole_items
from deskapp.ui.window_layout import scrolling

if TYPE_CHECKING:
    from deskapp.core.services.desk import Desk
    from deskapp.core.services.reviews.sampling import QueueRow

PERIODS = ((7, N_("Last 7 days")), (30, N_("Last 30 days")), (90, N_("Last 90 days")), (365, N_("Last 12 months")))


class QueueFilters(TypedDict):
    """The keyword arguments of ``reviews.sampling_queue`` that the filters stand for."""

    per_rep: int
    since: dt.date
    until: dt.date
    channel: str | None
    brand: str | None
    stage: str | None
    locale: str | None


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class ReviewQueueTab(QWidget):
    """Filters and the queue on the left; notes with their revisions, and the review form, on the right."""

    def __init__(self, runner: JobRunner, desk: Desk, describe: Callable[[Exception], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._desk, self._describe = runner, desk, describe
        self.brands: list[str] = []
        self.period, self.channel, self.brand = QComboBox(), QComboBox(), QComboBox()
        self.stage, self.language = QComboBox(), QComboBox()
        self.per_rep = QSpinBox()
        self.per_rep.setRange(1, 20)
        self.per_rep.setValue(3)
        self.per_rep.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.filter_labels = [QLabel() for _i in range(6)]
        self.refresh = QPushButton()
        self.model = QueueModel()
        self.table = row_table(self.model)
        self.table.setAlternatingRowColors(True)
        compact_rows(self.table)
        # Who, what and when first; the subject takes what is left, the rest is in the row's tooltip.
        self.columns = ColumnFit(self.table, priority=(0, 2, 1, 3, 4, 6, 5), stretch=2)
        self.count = QLabel()
        self.count.setStyleSheet("color:#555;")
        self.history = NoteHistoryView(runner, desk, describe)
        self.form = ReviewForm(runner, desk, describe)

        # Two lines of three filters: one line of six is wider than a 1200-pixel window in Finnish.
        filters = QGridLayout()
        for i, (label, widget) in enumerate(zip(self.filter_labels, (self.period, self.channel, self.brand,
                                                                     self.stage, self.language, self.per_rep),
                                                strict=True)):
            label.setBuddy(widget)
            filters.addWidget(label, i // 3, 2 * (i % 3))
            filters.addWidget(widget, i // 3, 2 * (i % 3) + 1)
        filters.setColumnStretch(6, 1)
        filters.addWidget(self.refresh, 1, 7)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.history)
        self.form_scroll = scrolling(self.form)  # the rubric scrolls rather than make the window taller
        right.addWidget(self.form_scroll)
        right.setStretchFactor(0, 2)
        right.setStretchFactor(1, 3)
        right.setSizes([300, 450])  # the scoring form needs more room than the diff
        self.right = right
        self._form_sized = False  # the supervisor moved the divider: their choice stays
        right.splitterMoved.connect(lambda _pos, _index: setattr(self, "_form_sized", True))
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([560, 640])
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 1)

        for combo in (self.period, self.channel, self.brand, self.stage, self.language):
            whole_items(combo)
            combo.activated.connect(lambda _i: self.load())
        self.per_rep.valueChanged.connect(lambda _v: self.load())
        self.refresh.clicked.connect(self.load)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.form.saved.connect(lambda _review: self.load())
        translate_ui(self)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self._size_form)

    def _size_form(self) -> None:
        """Room for the whole form, down to its Save button, unless the supervisor moved the divider."""
        if self._form_sized:
            return
        total = sum(self.right.sizes())
        want = min(self.form.sizeHint().height() + 2 * self.form_scroll.frameWidth() + 4, total - 150)
        if want > self.right.sizes()[1]:  # the notes and the diff keep a few lines each
            self.right.setSizes([total - want, want])

    def retranslate_ui(self) -> None:
        """Texts in the current UI language (the choices keep their selection)."""
        from deskapp.core.domain.enums import Channel, SupportStage

        texts = (_("&Period"), _("C&hannel"), _("&Brand"), _("&Stage"), _("Customer lan&guage"), _("Cases per &rep"))
        for label, text in zip(self.filter_labels, texts, strict=True):
            label.setText(text)
        self._fill(self.period, [(days, _(text)) for days, text in PERIODS], default=90)
        self._fill(self.channel, [(None, _("All channels")), *((c.value, c.label) for c in Channel)])
        self._fill(self.brand, [(None, _("All brands")), *((b, b) for b in self.brands)])
        self._fill(self.stage, [(None, _("All stages")), *((s.value, s.label) for s in SupportStage)])
        self._fill(self.language, [(None, _("All languages")),
                                   *((code, language_name(code)) for code in CUSTOMER_LOCALES)])
        self.refresh.setText(_("Refresh"))
        self.table.setAccessibleName(_("Cases to review"))
        self._update_count()

    @staticmethod
    def _fill(combo: QComboBox, items: Sequence[tuple[object, str]], default: object = None) -> None:
        keep = combo.currentData() if combo.count() else default
        combo.clear()
        for data, text in items:
            combo.addItem(text, data)
        combo.setCurrentIndex(max(combo.findData(keep), 0))

    def start(self) -> None:
        """Load the brands, then the queue."""
        from deskapp.core.services.customers.csv_import import brand_defaults

        desk = self._desk

        def brands() -> list[str]:
            if desk.engine is None:
                raise RuntimeError("Desk.open() was not called")
            return sorted(brand_defaults(desk.engine))

        self._runner.submit(brands, self._set_brands, self._failed)
        self.load()

    def _set_brands(self, brands: list[str]) -> None:
        self.brands = brands
        self._fill(self.brand, [(None, _("All brands")), *((b, b) for b in brands)])

    def filters(self) -> QueueFilters:
        """The ``sampling_queue`` keyword arguments the filters stand for."""
        until = _today()
        return {"per_rep": self.per_rep.value(), "since": until - dt.timedelta(days=int(self.period.currentData()) - 1),
                "until": until, "channel": self.channel.currentData(), "brand": self.brand.currentData(),
                "stage": self.stage.currentData(), "locale": self.language.currentData()}

    def load(self) -> None:
        """Fetch the queue for the current filters."""
        from deskapp.core.services.reviews.sampling import sampling_queue

        desk, filters = self._desk, self.filters()
        self._runner.submit(lambda: desk.as_agent(lambda s, me: sampling_queue(s, me, **filters)),
                            self._show_queue, self._failed, key="review_queue")

    def _show_queue(self, rows: list[QueueRow]) -> None:
        keep = self.selected_case_id()
        self.model.set_rows(rows)
        self._update_count()
        ids = [row.case_id for row in rows]
        if keep in ids:
            self.table.selectRow(ids.index(keep))
        elif keep is not None:  # the chosen case left the queue (reviewed, or filtered out)
            self._show_case(None)

    def _update_count(self) -> None:
        n = self.model.rowCount()
        self.count.setText(ngettext("{n} case to review", "{n} cases to review", n).format(n=n) if n else
                           _("No unreviewed resolved or closed cases match these filters."))

    def selected_case_id(self) -> int | None:
        """The case chosen in the queue."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()).case_id if rows else None

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        self._show_case(self.model.row(rows[0].row()) if rows else None)

    def _show_case(self, row: QueueRow | None) -> None:
        case_id = row.case_id if row is not None else None
        if case_id == self.history.case_id and case_id == self.form.case_id:
            return
        self.history.set_case(case_id)
        title = f"{row.case_reference} · {row.subject} — {row.owner_name}" if row is not None else ""
        self.form.set_case(case_id, title)
        QTimer.singleShot(0, self._size_form)

    def _failed(self, exc: Exception) -> None:
        self.count.setText(self._describe(exc))
