"""Supervisors adjust the QA rubric: weights, and titles and guidance in their own language."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget

from deskapp.core.i18n import _, current_locale
from deskapp.ui.jobs import JobRunner
from deskapp.ui.language import translate_ui

if TYPE_CHECKING:
    from deskapp.core.services.desk import Desk


def show_start(line: QLineEdit) -> None:
    """Show a long line from its start (Qt shows where the cursor is: the end), the whole of it in a tooltip."""
    line.setCursorPosition(0)
    line.setToolTip(line.text())
    line.textChanged.connect(line.setToolTip)


class RubricTab(QWidget):
    """Each criterion's weight, title and guidance; saving stores the next rubric version.

    Texts in other languages are kept as they are: a translator updates them in the library file.
    """

    def __init__(self, runner: JobRunner, desk: Desk, describe: Callable[[Exception], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._desk, self._describe = runner, desk, describe
        self.criteria: list[dict[str, Any]] = []
        self.version = 0
        self.rows: dict[str, tuple[QSpinBox, QLineEdit, QLineEdit]] = {}
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight:600;")
        self.grid = QGridLayout()
        self.total = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.save = QPushButton()
        self.save.clicked.connect(self.save_rubric)
        bottom = QHBoxLayout()
        bottom.addWidget(self.total)
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.grid)
        layout.addLayout(bottom)
        layout.addStretch(1)
        translate_ui(self)

    def retranslate_ui(self) -> None:
        """Texts in the current UI language (the criteria follow at the next load)."""
        self.heading.setText(_("Rubric version {version}: weights, titles and guidance").format(version=self.version))
        self.save.setText(_("Save as a new version"))
        self._update_total()

    def start(self) -> None:
        """Load the newest rubric (called when the tab is first shown)."""
        from deskapp.core.services.reviews.reviews import rubric_source

        desk = self._desk
        self._runner.submit(lambda: desk.as_agent(rubric_source), self._loaded, self._failed)

    def _loaded(self, result: tuple[int, list[dict[str, Any]]]) -> None:
        self.version, self.criteria = result
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.rows = {}
        locale = current_locale()
        for column, heading in enumerate((_("Weight"), _("Criterion"), _("Guidance for reviewers"))):
            self.grid.addWidget(QLabel(f"<b>{heading}</b>"), 0, column)
        for row, criterion in enumerate(self.criteria, start=1):
            weight = QSpinBox()
            weight.setRange(1, 100)
            weight.setValue(int(criterion["weight"]))
            weight.valueChanged.connect(lambda _v: self._update_total())
            title = QLineEdit(criterion["title"].get(locale) or criterion["title"].get("en", ""))
            guidance = QLineEdit(criterion["guidance"].get(locale) or criterion["guidance"].get("en", ""))
            names = (_("Weight"), _("Criterion"), _("Guidance for reviewers"))
            for field, name in zip((weight, title, guidance), names, strict=True):
                field.setAccessibleName(f"{name}: {criterion['key']}")
            for line in (title, guidance):
                show_start(line)
            self.grid.addWidget(weight, row, 0)
            self.grid.addWidget(title, row, 1)
            self.grid.addWidget(guidance, row, 2)
            self.rows[criterion["key"]] = (weight, title, guidance)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 2)
        self.retranslate_ui()

    def _update_total(self) -> None:
        total = sum(weight.value() for weight, _title, _guide in self.rows.values())
        self.total.setText(_("Weights add up to {total}").format(total=total))

    def edited_criteria(self) -> list[dict[str, Any]]:
        """The criteria with this tab's changes, in the supervisor's language; other languages kept."""
        locale = current_locale()
        edited = []
        for criterion in self.criteria:
            weight, title, guidance = self.rows[criterion["key"]]
            titles = {**criterion["title"], locale: title.text().strip()}
            guides = {**criterion["guidance"], locale: guidance.text().strip()}
            edited.append({**criterion, "weight": weight.value(), "title": titles, "guidance": guides})
        return edited

    def save_rubric(self) -> None:
        """Store the changes as the next version (an unchanged rubric stores nothing)."""
        from deskapp.core.services.reviews.reviews import rubric_source, save_rubric

        criteria, desk = self.edited_criteria(), self._desk
        self._runner.submit(lambda: (desk.as_agent(save_rubric, criteria), desk.as_agent(rubric_source)),
                            lambda result: self._saved(result[1]), self._failed)

    def _saved(self, source: tuple[int, list[dict[str, Any]]]) -> None:
        self._loaded(source)
        self.message.setText(_("Saved as version {version}. New reviews use it.").format(version=self.version))

    def _failed(self, exc: Exception) -> None:
        self.message.setText(self._describe(exc))
