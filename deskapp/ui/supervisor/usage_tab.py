"""Which articles and responses reps use, by brand and language, which are never used, which are flagged.

The table comes from ``knowledge.usage.usage_report`` (with the CSAT average of the cases each was
used on); below it, the open "outdated / wrong" flags: resolve one, or open its article in the editor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.i18n import _
from deskapp.ui.jobs import JobRunner
from deskapp.ui.kb_editor import ArticleEditor
from deskapp.ui.language import NATIVE_NAMES, translate_ui
from deskapp.ui.supervisor.common import day_picker, format_figure, localise_day_picker, picked_day

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from deskapp.core.services.desk import Desk
    from deskapp.core.services.knowledge.usage import FlagRow, UsageRow

DEFAULT_DAYS = 90


class UsageTab(QWidget):
    """Usage of the knowledge base and the response library since a day, and the open flags."""

    def __init__(
        self, runner: JobRunner, desk: Desk, describe: Callable[[Exception], str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._runner, self._desk, self._describe = runner, desk, describe
        self.rows: list[UsageRow] = []
        self.flags: list[FlagRow] = []
        self.since_label = QLabel()
        self.since = day_picker(DEFAULT_DAYS)
        self.since_label.setBuddy(self.since)
        self.refresh = QPushButton()
        self.summary = QLabel()
        self.table = QTableWidget(0, 8)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.flags_title = QLabel()
        self.flags_title.setStyleSheet("font-weight:700;")
        self.flag_list = QListWidget()
        self.flag_list.setWordWrap(True)
        self.resolve, self.edit = QPushButton(), QPushButton()
        self.editor = ArticleEditor(runner, desk, describe)
        self.message = QLabel()
        self.message.setStyleSheet("color:#a11;")
        self.message.hide()
        top = QHBoxLayout()
        top.addWidget(self.since_label)
        top.addWidget(self.since)
        top.addWidget(self.refresh)
        top.addSpacing(18)
        top.addWidget(self.summary, 1)
        flag_buttons = QHBoxLayout()
        flag_buttons.addStretch(1)
        flag_buttons.addWidget(self.edit)
        flag_buttons.addWidget(self.resolve)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.flags_title)
        layout.addWidget(self.flag_list, 1)
        layout.addLayout(flag_buttons)
        layout.addWidget(self.editor)
        self.refresh.clicked.connect(self.load)
        self.since.dateChanged.connect(lambda _d: self.load())
        self.resolve.clicked.connect(self.resolve_selected)
        self.edit.clicked.connect(self.edit_selected)
        self.editor.saved.connect(lambda _key: self.load())
        translate_ui(self)

    def retranslate_ui(self) -> None:
        """Texts in the current UI language; the figures held are shown again (no new query)."""
        self.since_label.setText(_("&Since"))
        self.since.setAccessibleName(_("Since"))
        localise_day_picker(self.since)
        self.refresh.setText(_("Refresh"))
        self.table.setAccessibleName(_("Use of articles and responses"))
        self.table.setHorizontalHeaderLabels(
            [_("Kind"), _("Key"), _("Title"), _("Brand"), _("Uses"), _("Languages"), _("Flags"), _("CSAT")]
        )
        self.flags_title.setText(_("Flagged as outdated or wrong"))
        self.flag_list.setAccessibleName(_("Flagged as outdated or wrong"))
        self.resolve.setText(_("Mark as dealt with"))
        self.edit.setText(_("Edit article…"))
        self._show()

    def load(self) -> None:
        """Fetch the usage since the chosen day and the open flags."""
        from deskapp.core.services.knowledge.usage import open_flags, usage_report

        desk, since = self._desk, picked_day(self.since)

        def work(session: Session, me: int) -> tuple[list[UsageRow], list[FlagRow]]:
            return usage_report(session, me, since), open_flags(session, me)

        self._runner.submit(lambda: desk.as_agent(work), self._loaded, self._failed, key="usage")

    def _loaded(self, result: tuple[list[UsageRow], list[FlagRow]]) -> None:
        self.rows, self.flags = result
        self.message.hide()
        self._show()

    def _show(self) -> None:
        kinds = {"article": _("article"), "response": _("response")}
        self.table.setRowCount(len(self.rows))
        for index, row in enumerate(self.rows):
            cells = (
                kinds[row.kind.value],
                row.key,
                row.title,
                row.brand or "–",
                str(row.uses),
                ", ".join(f"{NATIVE_NAMES.get(k, k)} {v}" for k, v in row.by_language.items()) or "–",
                str(row.flags) if row.flags else "",
                format_figure(row.csat) if row.csat is not None else "–",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in (4, 6, 7):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(index, column, item)
        never = sum(1 for row in self.rows if row.uses == 0)
        self.summary.setText(_("Never used: {count}").format(count=never) if self.rows else "")
        self.flag_list.clear()
        for flag in self.flags:
            entry = QListWidgetItem(
                f"{flag.title} ({flag.key}, {NATIVE_NAMES.get(flag.locale, flag.locale)}) — "
                f"{flag.reporter}: {flag.comment}"
            )
            entry.setData(Qt.ItemDataRole.UserRole, flag.id)
            entry.setData(Qt.ItemDataRole.UserRole + 1, flag.key)
            self.flag_list.addItem(entry)
        has = bool(self.flags)
        self.resolve.setEnabled(has)
        self.edit.setEnabled(has)

    def resolve_selected(self) -> None:
        """Mark the selected flag as dealt with."""
        from deskapp.core.services.knowledge.usage import resolve_flag

        item = self.flag_list.currentItem()
        if item is None:
            return
        flag_id, desk = int(item.data(Qt.ItemDataRole.UserRole)), self._desk
        self._runner.submit(lambda: desk.as_agent(resolve_flag, flag_id), lambda _none: self.load(), self._failed)

    def edit_selected(self) -> None:
        """Open the flagged article in the editor."""
        item = self.flag_list.currentItem()
        if item is not None:
            self.editor.open_for(str(item.data(Qt.ItemDataRole.UserRole + 1)))

    def _failed(self, exc: Exception) -> None:
        self.message.setText(self._describe(exc))
        self.message.show()
