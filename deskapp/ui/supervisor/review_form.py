"""Scoring a case against the rubric: one row of 0-4 choices per criterion, the weighted total live.

The criteria come in the supervisor's UI language (English where the rubric has no translation)
and are reloaded when the language changes; the scores already chosen are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.i18n import N_, _, current_locale
from deskapp.ui.jobs import JobRunner
from deskapp.ui.language import translate_ui
from deskapp.ui.supervisor.common import format_figure

if TYPE_CHECKING:
    from deskapp.core.services.desk import Desk
    from deskapp.core.services.reviews.reviews import CriterionRow, ReviewRow, RubricView

SCORES = (N_("Not done"), N_("Poor"), N_("Fair"), N_("Good"), N_("Excellent"))  # 0-4, as reviews.py defines


class ReviewForm(QWidget):
    """Rubric scores and a coaching comment for one case; ``saved`` carries the stored ``ReviewRow``."""

    saved = Signal(object)

    def __init__(self, runner: JobRunner, desk: Desk, describe: Callable[[Exception], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._desk, self._describe = runner, desk, describe
        self.case_id: int | None = None
        self._case_title = ""
        self.criteria: tuple[CriterionRow, ...] = ()
        self.groups: dict[str, QButtonGroup] = {}
        self.scores: dict[str, int] = {}
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight:700;")
        self.case_label = QLabel()
        self.case_label.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(10)
        self.total = QLabel()
        self.total.setObjectName("reviewTotal")
        self.total.setStyleSheet("font-size:15px; font-weight:700;")
        self.comment_label = QLabel()
        self.comment = QPlainTextEdit()
        self.comment.setTabChangesFocus(True)
        self.comment.setMaximumHeight(110)
        # Three lines at the least: the Save button below stays in view on a 768-pixel screen.
        self.comment.setMinimumHeight(self.comment.fontMetrics().lineSpacing() * 3 + 12)
        self.comment_label.setBuddy(self.comment)
        self.message = QLabel()
        self._said: Callable[[], str] | None = None
        self.message.setWordWrap(True)
        self.save = QPushButton()
        self.save.setEnabled(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.total, 1)
        bottom.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.case_label)
        layout.addLayout(self.grid)
        layout.addWidget(self.comment_label)
        layout.addWidget(self.comment)
        layout.addLayout(bottom)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.save.clicked.connect(self.submit)
        translate_ui(self)

    def retranslate_ui(self) -> None:
        """Texts in the current UI language; the criteria are fetched again in it."""
        self.heading.setText(_("Review"))
        self.comment_label.setText(_("&Coaching comment for the representative"))
        self.comment.setAccessibleName(_("Coaching comment"))
        self.save.setText(_("Save the review"))
        if self.message.text() and self._said is not None:
            self.message.setText(self._said())
        self._show_case()
        self._rebuild()
        self.load_rubric()

    def load_rubric(self) -> None:
        """Fetch the newest rubric in the UI language."""
        from deskapp.core.services.reviews.reviews import rubric_criteria

        desk, locale = self._desk, current_locale()
        self._runner.submit(lambda: desk.as_agent(rubric_criteria, locale),
                            self._set_rubric, self._failed, key="review_rubric")

    def _set_rubric(self, view: RubricView) -> None:
        self.criteria = view.criteria
        self._rebuild()

    def _rebuild(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # deleted later, but never painted again meanwhile
                widget.deleteLater()
        for old in self.groups.values():
            old.deleteLater()
        self.groups = {}
        for column, name in enumerate(SCORES):
            header = QLabel(f"{column}\n{_(name)}")
            header.setStyleSheet("color:#555; font-size:11px;")
            self.grid.addWidget(header, 0, 2 + column)
        weight_header = QLabel(_("Weight"))
        weight_header.setStyleSheet("color:#555; font-size:11px;")
        self.grid.addWidget(weight_header, 0, 1)
        for row, criterion in enumerate(self.criteria, start=1):
            title = QLabel(criterion.title)
            title.setWordWrap(True)
            title.setToolTip(criterion.guidance)
            self.grid.addWidget(title, row, 0)
            self.grid.addWidget(QLabel(f"×{criterion.weight}"), row, 1)
            group = QButtonGroup(self)
            for score in range(len(SCORES)):
                button = QRadioButton(str(score))
                button.setAccessibleName(f"{criterion.title}: {score} {_(SCORES[score])}")
                group.addButton(button, score)
                self.grid.addWidget(button, row, 2 + score)
                if self.scores.get(criterion.key) == score:
                    button.setChecked(True)
            group.idClicked.connect(lambda score, key=criterion.key: self.set_score(key, score))
            self.groups[criterion.key] = group
        self.grid.setColumnStretch(0, 1)
        self._update_total()

    def set_score(self, key: str, score: int) -> None:
        """Score criterion ``key`` (0-4); the total follows."""
        self.scores[key] = score
        button = self.groups[key].button(score) if key in self.groups else None
        if button is not None and not button.isChecked():
            button.setChecked(True)
        self._update_total()

    def weighted_total(self) -> float | None:
        """The 0-100 total of the scores so far, or ``None`` until every criterion is scored."""
        if not self.criteria or any(c.key not in self.scores for c in self.criteria):
            return None
        from deskapp.core.services.reviews.reviews import weighted_total

        return weighted_total(self.criteria, self.scores)

    def _update_total(self) -> None:
        total = self.weighted_total()
        scored = sum(1 for c in self.criteria if c.key in self.scores)
        if total is None:
            self.total.setText(_("Weighted total: {scored} of {count} criteria scored").format(
                scored=scored, count=len(self.criteria)))
        else:
            self.total.setText(_("Weighted total: {total} / 100").format(total=format_figure(total, 1)))
        self.save.setEnabled(self.case_id is not None and total is not None)

    def set_case(self, case_id: int | None, title: str = "") -> None:
        """Review ``case_id`` (``None``: nothing chosen); the scores start empty."""
        self.case_id, self._case_title = case_id, title
        self.scores = {}
        self.comment.clear()
        if case_id is not None:  # "review saved" stays until the next case is chosen
            self.message.clear()
        self._show_case()
        self._rebuild()

    def _show_case(self) -> None:
        if self.case_id is None:
            self.case_label.setText(_("Choose a case in the queue to review it."))
        else:
            self.case_label.setText(self._case_title)  # "C-1042 · subject — rep" (the queue names it)

    def submit(self) -> None:
        """Store the review for the case's owner."""
        case_id = self.case_id
        if case_id is None or self.weighted_total() is None:
            self._say(lambda: _("Score every criterion before saving."), error=True)
            return
        from deskapp.core.services.reviews.reviews import create_review

        desk, scores, comment = self._desk, dict(self.scores), self.comment.toPlainText()
        self.save.setEnabled(False)
        self._runner.submit(lambda: desk.as_agent(create_review, case_id, scores, comment), self._saved, self._failed)

    def _saved(self, review: ReviewRow) -> None:
        self.set_case(None)
        self._say(lambda: _("Review saved for {name}: {total} / 100.").format(
            name=review.agent_name or "—", total=format_figure(review.total, 1)))
        self.saved.emit(review)

    def _failed(self, exc: Exception) -> None:
        self._say(lambda: self._describe(exc), error=True)
        self._update_total()

    def _say(self, text: Callable[[], str], error: bool = False) -> None:
        """Show ``text()`` now, and again in the new language after a switch while it is shown."""
        self._said = text
        self.message.setStyleSheet("color:#a11; font-weight:600;" if error else "color:#1d6b35; font-weight:600;")
        self.message.setText(text())
