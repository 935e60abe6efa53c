"""Scripted responses beside the note: find one, fill in its blanks, insert it in the customer's language."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.i18n import _, current_locale, language_name
from deskapp.ui.jobs import JobRunner
from deskapp.ui.language import translate_ui
from deskapp.ui.response_editor import ResponseEditor
from deskapp.ui.widgets import localise_date_edit

if TYPE_CHECKING:
    from deskapp.core.services.desk import Desk
    from deskapp.core.services.desk_library import ResponsePreview
    from deskapp.core.services.responses.prompts import PromptSpec
    from deskapp.core.services.responses.responses import RenderedResponse, ResponseDetail, ResponseRow


class ResponsePanel(QWidget):
    """Search as you type; Enter inserts the selected response into the note; Ctrl+C copies it."""

    insert_requested = Signal(str)
    failed = Signal(str)

    def __init__(self, runner: JobRunner, desk: Desk, context: Callable[[], tuple[int | None, int | None]],
                 describe: Callable[[Exception], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._desk, self._context, self._describe = runner, desk, context, describe
        self._detail: ResponseDetail | None = None
        self._preview: ResponsePreview | None = None
        self._rows: list[ResponseRow] | None = None
        self.active = False
        self._inputs: dict[str, QLineEdit | QDateEdit] = {}
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.prompts = QFormLayout()
        self.customer_label, self.customer_text = QLabel(), QLabel()
        self.rep_label, self.rep_text = QLabel(), QLabel()
        for label in (self.customer_label, self.rep_label):
            label.setStyleSheet("color:#555; font-weight:600;")
        for text in (self.customer_text, self.rep_text):
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rep_text.setStyleSheet("color:#555;")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color:#8a5a00;")
        self.insert = QPushButton()
        self.copy = QPushButton()
        self.edit = QPushButton()
        self.edit.hide()  # shown to supervisors (set_can_edit)
        self.editor = ResponseEditor(runner, desk, describe)
        self.editor.saved.connect(self._response_edited)
        self.edit.clicked.connect(self._edit_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit)
        buttons.addStretch(1)
        buttons.addWidget(self.copy)
        buttons.addWidget(self.insert)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 2)
        layout.addLayout(self.prompts)
        layout.addWidget(self.customer_label)
        layout.addWidget(self.customer_text)
        layout.addWidget(self.rep_label)
        layout.addWidget(self.rep_text)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        layout.addWidget(self.editor)
        layout.addStretch(1)

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.timeout.connect(self.refresh_preview)
        self.search.textChanged.connect(lambda _text: self.refresh_list())
        self.search.returnPressed.connect(self.insert_selected)
        self.search.installEventFilter(self)
        self.list.currentItemChanged.connect(lambda _cur, _prev: self._on_selected())
        self.list.itemActivated.connect(lambda _item: self.insert_selected())
        self.insert.clicked.connect(self.insert_selected)
        self.copy.clicked.connect(self.copy_selected)
        copy_shortcut = QShortcut(QKeySequence.StandardKey.Copy, self.list)
        copy_shortcut.activated.connect(self.copy_selected)
        translate_ui(self)

    def retranslate_ui(self) -> None:
        """Texts in the current UI language; the preview's rep side follows the new language."""
        self.search.setPlaceholderText(_("Find a response: title, tag or words (Ctrl+R)"))
        self.search.setToolTip(self.search.placeholderText())  # the whole hint, where the field is narrow
        self.search.setAccessibleName(_("Response search"))
        for clear in self.search.findChildren(QToolButton):  # the box's clear button
            clear.setAccessibleName(_("Clear the search"))
        self.list.setAccessibleName(_("Responses"))
        self.insert.setText(_("Insert into note"))
        self.insert.setToolTip(_("Insert the customer's version at the cursor in the note (Enter)"))
        self.copy.setText(_("Copy"))
        self.edit.setText(_("Edit…"))
        self.edit.setToolTip(_("Change this response's text in each language (supervisors)"))
        self.copy.setToolTip(_("Copy the customer's version to the clipboard (Ctrl+C)"))
        for spec_name, widget in self._inputs.items():
            widget.setAccessibleName(self._prompt_label(spec_name))
        if self._preview is not None:
            self._label_preview(self._preview)
            if self._preview.rep_locale != current_locale():  # the rep's side is in the new language
                self.refresh_preview()
        if self._rows is not None:  # titles in the new language, in place: no query, same selection
            by_key = {row.key: row for row in self._rows}
            for index in range(self.list.count()):
                item = self.list.item(index)
                row = by_key.get(str(item.data(Qt.ItemDataRole.UserRole)))
                if row is not None:
                    item.setText(self._item_text(row))
                    item.setToolTip(item.text())

    def _edit_selected(self) -> None:
        key = self.selected_key()
        if key:
            self.editor.open_for(key)

    def _response_edited(self, _key: str) -> None:
        self.refresh_list()
        self.refresh_preview()

    def set_can_edit(self, can: bool) -> None:
        """Whether the signed-in agent may edit the library (the core checks again on save)."""
        self.edit.setVisible(can)
        if not can:
            self.editor.hide()

    # --- list -----------------------------------------------------------------------------
    def refresh_list(self) -> None:
        """Search again (also when the UI language changed, for the titles)."""
        if not self.active:  # the database is not open yet
            return
        query, desk = self.search.text().strip(), self._desk
        self._runner.submit(lambda: desk.find_responses(query), self._show_list, self._failed, key="responses")

    def _show_list(self, rows: list[ResponseRow]) -> None:
        self._rows = rows
        keep = self._detail.key if self._detail is not None else None
        self.list.blockSignals(True)
        self.list.clear()
        for row in rows:
            item = QListWidgetItem(self._item_text(row))
            item.setToolTip(item.text())  # the pane may be too narrow for a long title: the whole of it
            item.setData(Qt.ItemDataRole.UserRole, row.key)
            self.list.addItem(item)
        self.list.blockSignals(False)
        index = next((i for i, r in enumerate(rows) if r.key == keep), 0 if rows else -1)
        if index >= 0 and rows[index].key == keep:
            # The same response again (a refreshed list): keep what the rep typed in its fill-ins.
            self.list.blockSignals(True)
            self.list.setCurrentRow(index)
            self.list.blockSignals(False)
            self.refresh_preview()
        elif index >= 0:
            self.list.setCurrentRow(index)
        else:
            self._show_preview(None)

    @staticmethod
    def _item_text(row: ResponseRow) -> str:
        text = f"{row.title_in(current_locale())} · {row.category.label}"
        if row.stale:
            text += "  " + _("(translation out of date: {locales})").format(locales=", ".join(row.stale))
        return text

    def selected_key(self) -> str | None:
        """Key of the selected response."""
        item = self.list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.search and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress
                and self.list.count()):
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                step = 1 if key == Qt.Key.Key_Down else -1
                self.list.setCurrentRow(max(0, min(self.list.currentRow() + step, self.list.count() - 1)))
                return True
        return super().eventFilter(watched, event)

    # --- fill-ins and preview -------------------------------------------------------------
    def _on_selected(self) -> None:
        self._detail = None
        self._build_prompts(())
        self.refresh_preview()

    def _build_prompts(self, specs: tuple[PromptSpec, ...]) -> None:
        while self.prompts.rowCount():
            self.prompts.removeRow(0)
        self._inputs = {}
        for spec in specs:
            widget: QLineEdit | QDateEdit
            if spec.type == "date":
                widget = QDateEdit(QDate.currentDate())
                widget.setCalendarPopup(True)
                localise_date_edit(widget)
                widget.dateChanged.connect(lambda _d: self._preview_timer.start(250))
            else:
                widget = QLineEdit()
                if spec.type in {"money", "number"}:
                    widget.setPlaceholderText("0.00")
                widget.textChanged.connect(lambda _t: self._preview_timer.start(250))
                widget.returnPressed.connect(self.insert_selected)
            widget.setAccessibleName(spec.label())
            self._inputs[spec.name] = widget
            self.prompts.addRow(spec.label(), widget)
        # Tab from the search goes straight to the fill-ins, then Insert: Up and Down already pick
        # the response from the search box, and new widgets would otherwise come last in the order.
        chain = [self.search, *self._inputs.values(), self.insert, self.copy, self.list]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _prompt_label(self, name: str) -> str:
        specs = self._detail.prompts if self._detail is not None else ()
        return next((s.label() for s in specs if s.name == name), name)

    def prompt_values(self) -> dict[str, str]:
        """What the rep typed in the fill-ins (dates as YYYY-MM-DD)."""
        values: dict[str, str] = {}
        for name, widget in self._inputs.items():
            if isinstance(widget, QDateEdit):
                day = widget.date()
                values[name] = dt.date(day.year(), day.month(), day.day()).isoformat()
            else:
                values[name] = widget.text().replace(",", ".").strip()
        return values

    def clear_for_next_caller(self) -> None:
        """Forget what was typed for the previous caller: fill-ins empty, the preview filled in again.

        The preview shows the previous customer's name and amounts until it is refreshed; the
        next caller (or someone looking over the counter) must not see them.
        """
        self._preview_timer.stop()
        for widget in self._inputs.values():
            if isinstance(widget, QLineEdit):
                widget.clear()
            else:
                widget.setDate(QDate.currentDate())
        self.customer_text.clear()
        self.rep_text.clear()
        self.refresh_preview()

    def refresh_preview(self) -> None:
        """Fill in the selected response for the open customer, in both languages."""
        key = self.selected_key()
        if key is None:
            self._show_preview(None)
            return
        customer_id, case_id = self._context()
        prompts, rep, desk = self.prompt_values(), current_locale(), self._desk
        self._runner.submit(lambda: desk.response_preview(key, customer_id, case_id, rep, prompts),
                            self._show_preview, self._failed, key="response_preview")

    def _show_preview(self, preview: ResponsePreview | None) -> None:
        has = preview is not None
        for widget in (self.customer_label, self.customer_text, self.insert, self.copy):
            widget.setVisible(has)
        if preview is None:
            self.rep_label.hide()
            self.rep_text.hide()
            self.problem.hide()
            return
        if (self._detail is None or self._detail.key != preview.detail.key
                or self._detail.prompts != preview.detail.prompts):
            typed = self.prompt_values() if self._detail is not None and \
                self._detail.key == preview.detail.key else {}
            self._detail = preview.detail
            self._build_prompts(preview.detail.prompts)
            for name, value in typed.items():  # an edited response keeps the fill-ins it still has
                field = self._inputs.get(name)
                if isinstance(field, QLineEdit):
                    field.setText(value)
        self._preview = preview
        self._label_preview(preview)
        self.customer_text.setText(preview.customer_text)
        same = preview.rep_locale == preview.customer_locale
        self.rep_label.setVisible(not same)
        self.rep_text.setVisible(not same)
        self.rep_text.setText(preview.rep_text)
        self.problem.setVisible(bool(preview.problem))
        self.problem.setText(preview.problem or "")

    def _label_preview(self, preview: ResponsePreview) -> None:
        self.customer_label.setText(_("For the customer ({language})").format(
            language=language_name(preview.customer_locale)))
        self.rep_label.setText(_("For you ({language})").format(
            language=language_name(preview.rep_locale)))

    # --- using a response -----------------------------------------------------------------
    def insert_selected(self) -> None:
        """Render in the customer's language and hand the text to the note (counted in the usage figures)."""
        self._use(self.insert_requested.emit, counted=True)

    def copy_selected(self) -> None:
        """Render in the customer's language and put it on the clipboard."""
        self._use(lambda text: QGuiApplication.clipboard().setText(text))

    def _use(self, deliver: Callable[[str], None], counted: bool = False) -> None:
        from deskapp.core.services.knowledge.usage import record_response_use

        key = self.selected_key()
        if key is None:
            return
        customer_id, case_id = self._context()
        prompts, desk = self.prompt_values(), self._desk

        def work() -> RenderedResponse:
            rendered = desk.render_response(key, customer_id, case_id, prompts)
            if counted:
                desk.as_agent(record_response_use, key, case_id=case_id, locale=rendered.locale)
            return rendered

        self._runner.submit(work, lambda rendered: deliver(rendered.text), self._failed)

    def _failed(self, exc: Exception) -> None:
        self.problem.setText(self._describe(exc))
        self.problem.show()
        self.failed.emit(self._describe(exc))
