"""Pieces the response and article editors share: a language picker, message lines, form labels."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget

from deskapp.core.i18n import UI_LOCALES, _, language_name
from deskapp.ui.language import NATIVE_NAMES


class _Translation(Protocol):
    @property
    def locale(self) -> str: ...

    @property
    def stale(self) -> bool: ...


def language_combo() -> QComboBox:
    """A picker of the desk's languages by their own names; the item data is the code."""
    combo = QComboBox()
    for code in UI_LOCALES:
        combo.addItem(NATIVE_NAMES[code], code)
    return combo


def message_line(colour: str) -> QLabel:
    """A wrapping label for a remark under a form (amber: out of date; red: a problem)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(f"color:{colour};")
    return label


def label_rows(form: QFormLayout, rows: Sequence[tuple[str, QWidget]]) -> None:
    """Set the label of the form's first rows, in order, and each field's accessible name to it."""
    for row, (text, widget) in enumerate(rows):
        item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        label = item.widget() if item is not None else None
        if isinstance(label, QLabel):
            label.setText(text)
        widget.setAccessibleName(text)


def show_stale(label: QLabel, variants: Iterable[_Translation]) -> None:
    """Say which languages are older than the source text (hidden when none is)."""
    stale = [language_name(v.locale) for v in variants if v.stale]  # in the rep's language
    label.setVisible(bool(stale))
    label.setText(
        _("Out of date compared with the source text: {languages}. Check and save them again.").format(
            languages=", ".join(stale)
        )
    )
