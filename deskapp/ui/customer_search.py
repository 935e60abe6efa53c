"""The search box and its results: what a rep looks at first, and what answers each keystroke.

Part of the first frame, so nothing here touches Qt's ``Qt`` namespace at import or construction
(see ``deskapp.ui.main_window``): a plain header model stands in for the results model until
:meth:`CustomerSearch.use_results_model` is called after the first paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QStandardItemModel
from PySide6.QtWidgets import QHeaderView, QLabel, QLineEdit, QToolButton

from deskapp.core.i18n import _
from deskapp.ui.language import translate_ui
from deskapp.ui.models import MASK, RESULT_TITLES, ResultsModel
from deskapp.ui.widgets import row_table

if TYPE_CHECKING:
    from deskapp.core.services.customers.lookup import LookupPage
    from deskapp.ui.desk_access import DeskAccess

# Fixed starting widths: ResizeToContents measures every cell of every result list, which made
# painting 50 results cost 5-10x the lookup itself (bench/typing_latency.py).
_COLUMN_WIDTHS = (170, 95, 130, 230, 140, 70)


class CustomerSearch(QObject):
    """Looks up what is typed (once the desk is ready); ``open_requested`` names the chosen customer."""

    open_requested = Signal(int)  # customer id

    def __init__(self, access: DeskAccess) -> None:
        super().__init__(access)
        self._access = access
        self.box = QLineEdit()
        self.box.setMinimumHeight(34)
        self.box.setStyleSheet("font-size:15px; padding:2px 6px;")
        self.model = ResultsModel()
        self._header_model: QStandardItemModel | None = QStandardItemModel(0, len(RESULT_TITLES), self)
        self.results = row_table(self._header_model)  # the results model takes over after the first paint
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.results.setAlternatingRowColors(True)
        self.hint = QLabel()
        self._shown: tuple[int | None, bool] = (None, False)  # the count and cap the hint shows
        self.privacy = False
        self.hint.setStyleSheet("color:#666;")
        # A fixed height: a new count must not re-lay-out the whole window on every keystroke.
        self.hint.setFixedHeight(self.hint.fontMetrics().height() + 6)

        self.box.textChanged.connect(self.on_text)
        self.box.returnPressed.connect(self.open_selected)
        self.box.installEventFilter(self)
        self.results.activated.connect(lambda _index: self.open_selected())
        translate_ui(self)

    def use_results_model(self) -> None:
        """After the first paint: the real results model, and a layout no keystroke can change."""
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QSizePolicy

        self.box.setClearButtonEnabled(True)  # its button shows only once there is text
        self.retranslate_ui()  # names the clear button
        self.results.setModel(self.model)
        self._header_model = None
        # Nothing about the results may change the window's layout while the rep types: a scroll
        # bar that comes and goes with the count resizes the list on the keystroke that crosses a
        # screenful, and a longer hint would raise the minimum width of everything around it.
        # Either made that keystroke repaint the whole window (bench/typing_latency.py).
        self.results.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        from deskapp.ui.column_fit import ColumnFit
        from deskapp.ui.widgets import compact_rows

        compact_rows(self.results)  # a third more results in view

        # Name, phone, email, then account (also in the open customer's summary); the rest in the row's tooltip.
        self.column_fit = ColumnFit(self.results, priority=(0, 2, 3, 1, 4, 6, 5), stretch=0)
        self.column_fit.fit()

    def retranslate_ui(self) -> None:
        """Placeholder, accessible names, column titles and the hint in the current UI language."""
        self.box.setPlaceholderText(_("Find a customer: name, phone, email or account number (Ctrl+L)"))
        self.box.setAccessibleName(_("Customer search"))
        clear = self.box.findChild(QToolButton)  # the box's clear button, once it has one
        if clear is not None:
            clear.setAccessibleName(_("Clear the search"))
        self.results.setAccessibleName(_("Search results"))
        if self._header_model is not None:  # the first frame's stand-in
            self._header_model.setHorizontalHeaderLabels([_(title) for title in RESULT_TITLES])
            self._fit_headers()
        self.update_hint()

    def _fit_headers(self) -> None:
        """The first frame's columns: each as wide as its (translated) header, and a little more."""
        header = self.results.horizontalHeader()
        metrics = header.fontMetrics()
        for column, width in enumerate(_COLUMN_WIDTHS):
            title = _(RESULT_TITLES[column])
            header.resizeSection(column, max(width, metrics.horizontalAdvance(title) + 24))

    def set_privacy(self, on: bool) -> None:
        """Mask what the rep typed (a name, a phone number) and the identifying columns of the results."""
        self.privacy = on
        self.box.setEchoMode(QLineEdit.EchoMode.Password if on else QLineEdit.EchoMode.Normal)
        self.model.set_privacy(on)
        self.update_hint()

    def update_hint(self, count: int | None = None, more: bool | None = None) -> None:
        """The line under the results: the count, no match, a capped page, or where to find the shortcuts."""
        from deskapp.core.i18n import ngettext

        if count is None:  # a language switch: the same count and cap, in the new language
            count, more = self._shown
        self._shown = (count, bool(more))
        text = self.box.text().strip()
        if count is None or not text:
            self.hint.setText(_("Press F1 for keyboard shortcuts."))
        elif count == 0:
            shown = MASK if self.privacy else text
            self.hint.setText(_("No customer matches “{query}”.").format(query=shown))
        elif more:
            # The page is capped: a count alone would read as "this is everyone".
            self.hint.setText(
                ngettext(
                    "{n} shown — type more to narrow",
                    "{n} shown — type more to narrow",
                    count,
                ).format(n=count)
            )
        else:
            self.hint.setText(ngettext("{n} customer found. Enter opens the selected one.",
                                       "{n} customers found. Enter opens the selected one.",
                                       count).format(n=count))

    def on_text(self, text: str) -> None:
        """Look up ``text`` on the worker (a newer keystroke replaces a queued lookup)."""
        access = self._access
        if not access.is_ready:
            return
        query = text.strip()
        if not query:
            self.model.set_rows([])
            self._shown = (None, False)
            self.update_hint()
            return
        desk = access.open_desk
        access.runner.submit(lambda: desk.lookup_page(query), self._show_results, access.show_error, key="lookup")

    def _show_results(self, page: LookupPage) -> None:
        rows = page.rows
        self.model.set_rows(rows)
        if rows:
            self.results.selectRow(0)
        self.update_hint(len(rows), page.more)

    def focus(self) -> None:
        """Back to the search box, text selected for typing over."""
        self.box.setFocus()
        self.box.selectAll()

    def search_clipboard(self) -> None:
        """Search for what is on the clipboard (a number copied from the phone system)."""
        from deskapp.ui.widgets import mime_text

        mime = QGuiApplication.clipboard().mimeData()
        text = (mime_text(mime) if mime is not None else "").strip().splitlines()
        self.box.setText(text[0][:200] if text else "")
        self.focus()

    def open_selected(self) -> None:
        """Open the selected (or first) result."""
        index = self.results.currentIndex()
        row = index.row() if index.isValid() else 0
        if row < self.model.rowCount():
            self.open_requested.emit(self.model.row(row).customer_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Up and Down in the search box move through the results without leaving it.
        if watched is self.box and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            from PySide6.QtCore import Qt

            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.model.rowCount():
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(self.results.currentIndex().row() + step, self.model.rowCount() - 1))
                self.results.selectRow(row)
                return True
        return super().eventFilter(watched, event)
