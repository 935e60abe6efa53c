"""A rep's own coaching: the reviews of their cases, the scores and comments, and "I have read this"."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.i18n import _, current_locale
from deskapp.ui.jobs import JobRunner
from deskapp.ui.language import translate_ui
from deskapp.ui.supervisor.common import format_figure
from deskapp.ui.supervisor.models import ReviewsModel
from deskapp.ui.supervisor.review_form import SCORES
from deskapp.ui.widgets import row_table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from deskapp.core.services.desk import Desk
    from deskapp.core.services.reviews.reviews import CriterionRow, ReviewRow, RubricView


class MyReviewsDialog(QDialog):
    """The signed-in rep's reviews, newest first; unread ones in bold until acknowledged."""

    def __init__(self, runner: JobRunner, desk: Desk, describe: Callable[[Exception], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("myReviews")
        self._runner, self._desk, self._describe = runner, desk, describe
        self.criteria: dict[str, CriterionRow] = {}
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.model = ReviewsModel()
        self.table = row_table(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.detail = QTextBrowser()
        self.acknowledge = QPushButton()
        self.acknowledge.setEnabled(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.close_button = QPushButton()
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setSizes([520, 380])
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.acknowledge)
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.acknowledge.clicked.connect(self.acknowledge_selected)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.resize(940, 520)
        self._loaded = False  # the reviews are fetched when the dialog is first shown
        translate_ui(self)

    def retranslate_ui(self) -> None:
        """Texts in the current UI language."""
        self.setWindowTitle(_("My reviews"))
        self.intro.setText(_("Your supervisor's reviews of your cases. Read the coaching, then confirm that "
                             "you have read it."))
        self.acknowledge.setText(_("I have read this review"))
        self.close_button.setText(_("Close"))
        self._show_detail()
        if self._loaded:
            self.load()  # criterion titles in the new language

    def load(self) -> None:
        """Fetch the reviews of the signed-in rep's cases and the rubric to name their criteria."""
        from deskapp.core.services.reviews.reviews import reviews_for_agent, rubric_criteria

        self._loaded = True
        desk, locale = self._desk, current_locale()

        def work(session: Session, me: int) -> tuple[list[ReviewRow], RubricView]:
            return reviews_for_agent(session, me, me), rubric_criteria(session, me, locale)

        self._runner.submit(lambda: desk.as_agent(work), self._show, self._failed, key="my_reviews")

    def _show(self, result: tuple[list[ReviewRow], RubricView]) -> None:
        rows, rubric = result
        keep = self.selected()
        self.criteria = {c.key: c for c in rubric.criteria}
        self.model.set_rows(rows)
        ids = [r.id for r in rows]
        self.table.selectRow(ids.index(keep.id) if keep is not None and keep.id in ids else 0)
        if not rows:
            self.detail.setPlainText(_("No reviews yet."))

    def selected(self) -> ReviewRow | None:
        """The review chosen in the list."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.row(rows[0].row()) if rows else None

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        review = self.selected()
        self.acknowledge.setEnabled(review is not None and review.acknowledged_at is None)
        if review is None:
            return
        rows = "".join(
            f"<tr><td style='padding:2px 12px 2px 0'>{html.escape(self._criterion(key))}</td>"
            f"<td><b>{score}</b> {html.escape(_(SCORES[score]) if 0 <= score < len(SCORES) else '')}</td></tr>"
            for key, score in review.scores.items())
        comment = html.escape(review.coaching_comment or _("No comment.")).replace("\n", "<br>")
        # Translated outside the f-string: Babel's extractor cannot see calls inside one on Python 3.11.
        total = html.escape(_("Total: {total} / 100").format(total=format_figure(review.total, 1)))
        coaching = html.escape(_("Coaching"))
        self.detail.setHtml(
            f"<h3>{html.escape(review.case_reference)} {html.escape(review.case_subject)}</h3>"
            f"<p>{total}</p><table>{rows}</table><h4>{coaching}</h4><p>{comment}</p>")

    def _criterion(self, key: str) -> str:
        criterion = self.criteria.get(key)
        return criterion.title if criterion is not None else key

    def acknowledge_selected(self) -> None:
        """Confirm that the chosen review was read."""
        review = self.selected()
        if review is None:
            return
        from deskapp.core.services.reviews.reviews import acknowledge_review

        desk, review_id = self._desk, review.id
        self.acknowledge.setEnabled(False)
        self._runner.submit(lambda: desk.as_agent(acknowledge_review, review_id), lambda _row: self.load(),
                            self._failed)

    def _failed(self, exc: Exception) -> None:
        self.message.setStyleSheet("color:#a11; font-weight:600;")
        self.message.setText(self._describe(exc))
