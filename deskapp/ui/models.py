"""Thin Qt table models over lists of plain rows from core services.

Qt's ``Qt`` namespace is looked up when first needed (:func:`qt`), not imported here: importing it
builds every one of its ~100 Python enums (~50 ms), and the main window imports this module for
its first frame (bench/startup.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex

from deskapp.core.i18n import N_, _, language_name
from deskapp.ui.language import translate_ui

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

    from deskapp.core.services.cases.cases import CaseRow
    from deskapp.core.services.customers.lookup import LookupRow

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex
MASK = "••••"
DISPLAY_ROLE = 0  # Qt.ItemDataRole.DisplayRole, for default arguments
ACCESSIBLE_TEXT_ROLE = 11  # Qt.ItemDataRole.AccessibleTextRole (both fixed in Qt's API)
_TEXT_ROLES = frozenset({DISPLAY_ROLE, ACCESSIBLE_TEXT_ROLE})


@functools.cache
def qt() -> type[Qt]:
    """PySide6's ``Qt`` namespace (imported on first use, see the module docstring)."""
    from PySide6.QtCore import Qt

    return Qt


class RowsModel(QAbstractTableModel, Generic[R]):
    """A read-only table of ``rows``; each column is (untranslated header, row -> text)."""

    columns: Sequence[tuple[str, Callable[[R], str]]] = ()
    # Whether cell texts depend on the UI language (enum labels, dates) and need a refresh on switch.
    translated_cells = True

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[R] = []
        # Each row's cell texts, worked out when the row is first shown: a view asks data() for
        # about ten roles per visible cell on each paint, and those calls were most of the cost
        # of painting a new page of results while the rep types (bench/typing_latency.py).
        self._texts: list[tuple[str, ...] | None] = []
        self._has_extra = type(self).extra_data is not RowsModel.extra_data
        translate_ui(self)

    def set_rows(self, rows: Sequence[R]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self._texts = [None] * len(self._rows)
        self.endResetModel()

    def row(self, number: int) -> R:
        """The plain row behind table row ``number``."""
        return self._rows[number]

    def rows(self) -> list[R]:
        """All rows."""
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> object:
        if role not in _TEXT_ROLES and not self._has_extra:
            return None  # the common case first: no Python work for roles left to the style
        row, column = index.row(), index.column()
        if not index.isValid() or row >= len(self._rows) or column >= len(self.columns):
            return None
        if role in _TEXT_ROLES:
            texts = self._texts[row]
            if texts is None:
                item = self._rows[row]
                texts = self._texts[row] = tuple(cell(item) for _title, cell in self.columns)
            return texts[column]
        return self.extra_data(self._rows[row], column, role)

    def extra_data(self, row: R, column: int, role: int) -> object:
        """Roles other than display (colours, tooltips); none by default."""
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY_ROLE) -> object:
        Qt = qt()
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.columns)):
            return _(self.columns[section][0])
        return None

    def retranslate_ui(self) -> None:
        """Headers and cells are translated when asked for: tell the views to ask again."""
        if self.columns:
            self.headerDataChanged.emit(qt().Orientation.Horizontal, 0, len(self.columns) - 1)
        if self._rows and self.translated_cells:
            self.refresh_cells()

    def refresh_cells(self) -> None:
        """Tell the views every cell may read differently now."""
        self._texts = [None] * len(self._rows)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.columns) - 1))


# The results' column titles (untranslated): the window's first frame shows them before a model.
RESULT_TITLES = (N_("Name"), N_("Account"), N_("Phone"), N_("Email"), N_("Organisation"), N_("Language"),
                 N_("Brand"))


def masked_name(name: str) -> str:
    """The name as "Jukka M.": enough for the rep to pick the right row, too little for a passer-by."""
    first, *rest = name.split() or [""]
    return " ".join([first, *(f"{word[0]}." for word in rest)])


class ResultsModel(RowsModel["LookupRow"]):
    """Lookup results. With privacy on, phone and email are masked."""

    translated_cells = True  # the customer's language is named in the rep's

    def __init__(self) -> None:
        super().__init__()
        self.privacy = False
        cells: tuple[Callable[[LookupRow], str], ...] = (
            lambda r: ("⚠ " if r.has_alerts else "") + (masked_name(r.name) if self.privacy else r.name),
            lambda r: MASK if self.privacy else r.account_number,
            lambda r: MASK if self.privacy and r.phone else (r.phone_formatted or ""),
            lambda r: MASK if self.privacy and r.email else (r.email or ""),
            lambda r: r.organisation or "",
            lambda r: language_name(r.preferred_locale) if r.preferred_locale else "",
            lambda r: r.brand,
        )
        self.columns = tuple(zip(RESULT_TITLES, cells, strict=True))

    def set_privacy(self, on: bool) -> None:
        """Mask or unmask personal contact data."""
        self.privacy = on
        self.refresh_cells()


def _opened(case: CaseRow) -> str:
    from deskapp.core.i18n.formatting import format_date  # Babel's date data stays off the start-up path

    return format_date(case.opened_at, width="medium")


class CasesModel(RowsModel["CaseRow"]):
    """A customer's case history."""

    columns = (
        # What a rep scans first comes first: the reference the customer quotes, when, what, and
        # whether it is still open.
        (N_("Reference"), lambda c: c.reference),
        (N_("Opened"), _opened),
        (N_("Subject"), lambda c: c.subject),
        (N_("Status"), lambda c: c.status.label),
        (N_("Support stage"), lambda c: c.support_stage.label),
        (N_("Purchase phase"), lambda c: c.purchase_phase.label),
        (N_("Channel"), lambda c: c.channel.label),
        (N_("Owner"), lambda c: c.owner_name or "—"),
    )
