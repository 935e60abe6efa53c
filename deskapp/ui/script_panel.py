"""Call scripts beside the note: say what the step says, capture its fields, branch, save the run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.errors import DeskappError
from deskapp.core.i18n import _, current_locale
from deskapp.ui.jobs import JobRunner
from deskapp.ui.language import translate_ui
from deskapp.ui.widgets import localise_date_edit

if TYPE_CHECKING:
    from deskapp.core.services.desk import Desk
    from deskapp.core.services.scripts.call_scripts import ScriptRow, ScriptRun, ScriptRunResult
    from deskapp.core.services.scripts.definitions import FieldSpec

FieldWidget = QLineEdit | QDateEdit | QComboBox


class ScriptPanel(QWidget):
    """Pick a script, walk its steps with the keyboard (Alt+1…9 choose), finish to store it on the case."""

    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, runner: JobRunner, desk: Desk, context: Callable[[], tuple[int | None, int | None]],
                 describe: Callable[[Exception], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._desk, self._context, self._describe = runner, desk, context, describe
        self.run: ScriptRun | None = None
        self._rows: list[ScriptRow] | None = None
        self.active = False
        self._list_wanted = False
        self._fields: dict[str, FieldWidget] = {}
        self.picker = QComboBox()
        self.start = QPushButton()
        self.title = QLabel()
        self.title.setStyleSheet("font-weight:700;")
        self.say = QLabel()
        self.say.setWordWrap(True)
        self.say.setStyleSheet("font-size:14px;")
        self.say_rep = QLabel()
        self.say_rep.setWordWrap(True)
        self.say_rep.setStyleSheet("color:#555;")
        self.guidance = QLabel()
        self.guidance.setWordWrap(True)
        self.guidance.setStyleSheet("color:#35608a; font-style:italic;")
        self.form = QFormLayout()
        self.options = QVBoxLayout()
        self.back = QPushButton()
        self.finish = QPushButton()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color:#a11;")
        top = QHBoxLayout()
        top.addWidget(self.picker, 1)
        top.addWidget(self.start)
        bottom = QHBoxLayout()
        bottom.addWidget(self.back)
        bottom.addStretch(1)
        bottom.addWidget(self.finish)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        for widget in (self.title, self.say, self.say_rep, self.guidance):
            layout.addWidget(widget)
        layout.addLayout(self.form)
        layout.addLayout(self.options)
        layout.addWidget(self.message)
        layout.addLayout(bottom)
        layout.addStretch(1)
        self.start.clicked.connect(self.start_selected)
        self.back.clicked.connect(self.go_back)
        self.finish.clicked.connect(self.finish_run)
        translate_ui(self)

    def retranslate_ui(self) -> None:
        """Texts in the current UI language, the step being run included."""
        self.picker.setAccessibleName(_("Call script"))
        self.start.setText(_("Start"))
        self.back.setText(_("Back"))
        self.finish.setText(_("Finish and save to the case"))
        if self._rows is not None:  # titles in the new language, in place: no query
            titles = {row.key: row.titles.get(current_locale()) or row.title for row in self._rows}
            for index in range(self.picker.count()):
                self.picker.setItemText(index, titles.get(self.picker.itemData(index), self.picker.itemText(index)))
        if self.run is not None:  # the title, the rep's words, guidance, fields and options in the new language
            self.run.follow_rep_locale(current_locale())
        self._show_step()

    def refresh_list(self) -> None:
        """Load the scripts once the database is open, when the panel is (or next is) shown.

        Reading the seven scripts takes a tenth of a second of the worker's time, which the rep's
        first searches after start-up should not wait behind while the tab is not even open.
        """
        if not self.active:
            return
        if not self.isVisible():
            self._list_wanted = True
            return
        self._list_wanted = False
        desk = self._desk
        self._runner.submit(desk.scripts, self._fill_picker, self._failed, key="scripts")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._list_wanted:
            self.refresh_list()

    def _fill_picker(self, rows: list[ScriptRow]) -> None:
        self._rows = rows
        keep = self.picker.currentData()
        self.picker.clear()
        for row in rows:
            self.picker.addItem(row.titles.get(current_locale()) or row.title, row.key)
        self.picker.setCurrentIndex(max(self.picker.findData(keep), 0))

    def start_selected(self) -> None:
        """Begin the chosen script for the open customer and case."""
        key = self.picker.currentData()
        if key is None:
            return
        customer_id, case_id = self._context()
        desk, rep = self._desk, current_locale()
        self._runner.submit(lambda: desk.start_script(key, customer_id, case_id, rep), self._started, self._failed)

    def _started(self, run: ScriptRun) -> None:
        self.run = run
        self._show_step()

    def _show_step(self) -> None:
        run = self.run
        for shown in (self.title, self.say, self.back, self.finish, self.guidance):
            shown.setVisible(run is not None)
        self.message.clear()
        while self.form.rowCount():
            self.form.removeRow(0)
        while self.options.count():
            item = self.options.takeAt(0)
            button = item.widget() if item is not None else None
            if button is not None:
                button.deleteLater()
        self._fields = {}
        if run is None:
            self.say_rep.hide()
            return
        rep = run.rep_locale
        step = run.current
        self.title.setText(run.script.title(rep))
        said = run.say()
        self.say.setText(said.customer_text)
        self.say_rep.setText(said.rep_text)
        self.say_rep.setVisible(said.rep_locale != said.customer_locale)
        self.guidance.setText(run.note())
        self.guidance.setVisible(bool(run.note()))
        for spec in step.fields:
            widget = self._field_widget(spec, run.values.get(spec.name), rep)
            self._fields[spec.name] = widget
            label = spec.label(rep) + (" *" if spec.required else "")
            widget.setAccessibleName(label)
            self.form.addRow(label, widget)
        for number, option in enumerate(step.options, start=1):
            button = QPushButton(f"&{number}  {option.label(rep)}" if number < 10 else option.label(rep))
            button.clicked.connect(lambda _checked=False, index=number - 1: self.choose(index))
            self.options.addWidget(button)
        self.back.setEnabled(len(run.path) > 1)
        self.finish.setVisible(step.final)
        first = next(iter(self._fields.values()), None)
        if first is not None:
            first.setFocus()

    @staticmethod
    def _field_widget(spec: FieldSpec, value: object, locale: str) -> FieldWidget:
        if spec.type == "date":
            # A captured date is a datetime.date (call_scripts converts it on capture).
            day = QDate(value.year, value.month, value.day) if isinstance(value, dt.date) else QDate.currentDate()
            widget = QDateEdit(day)
            widget.setCalendarPopup(True)
            localise_date_edit(widget)
            return widget
        if spec.type in {"choice", "yesno"}:
            combo = QComboBox()
            combo.addItem("", None)
            choices = spec.options if spec.type == "choice" else ()
            for option in choices:
                combo.addItem(option.label(locale), option.value)
            if spec.type == "yesno":
                combo.addItem(_("yes"), "yes")
                combo.addItem(_("no"), "no")
            combo.setCurrentIndex(max(combo.findData(str(value) if value is not None else None), 0))
            return combo
        line = QLineEdit("" if value is None else str(value))
        return line

    def _capture(self, run: ScriptRun) -> bool:
        """Copy the field widgets into ``run``; False (with a message) when a value is wrong."""
        try:
            for name, widget in self._fields.items():
                value: object
                if isinstance(widget, QDateEdit):
                    value = widget.date().toPython()
                elif isinstance(widget, QComboBox):
                    value = widget.currentData()
                else:
                    value = widget.text()
                run.set_field(name, value)
            run.require_fields()
        except DeskappError as exc:  # a value that does not fit, or a required field left empty
            self.message.setText(self._describe(exc))
            return False
        return True

    def choose(self, index: int) -> None:
        """Take option ``index`` of the current step."""
        run = self.run
        if run is None or not self._capture(run):
            return
        run.choose(index)
        self._show_step()

    def go_back(self) -> None:
        """Return to the previous step."""
        if self.run is not None:
            self.run.back()
            self._show_step()

    def finish_run(self) -> None:
        """Store the run on the open case as a structured note (and the satisfaction score)."""
        run = self.run
        if run is None or not self._capture(run):
            return
        _customer_id, case_id = self._context()
        if case_id is None:
            self.message.setText(_("Open or create a case first: the script is saved to a case."))
            return
        desk = self._desk
        self._runner.submit(lambda: desk.finish_script(case_id, run), self._saved, self._failed)

    def reset(self) -> None:
        """Drop a run in progress (the next caller): its answers belong to the previous call."""
        self.run = None
        self._show_step()

    def _saved(self, result: ScriptRunResult) -> None:
        self.run = None
        self._show_step()
        # Said where the rep is looking: the steps disappear, and without a word it is not clear
        # whether the run was stored or thrown away.
        self.message.setText(_("Call script saved to case {reference}: see Saved notes.").format(
            reference=result.case_reference))
        self.finished.emit(result)

    def _failed(self, exc: Exception) -> None:
        self.message.setText(self._describe(exc))
        self.failed.emit(self._describe(exc))
