"""Changing a customer's details, and the conflict view when someone else saved first."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from deskapp.core.i18n import N_, UI_LOCALES, _, language_name
from deskapp.ui.language import translate_ui

if TYPE_CHECKING:
    from deskapp.core.services.customers.profile import ProfileRow

# (field, label) in the order a rep reads them; preferred_locale is a choice, the rest text.
FIELDS: tuple[tuple[str, str], ...] = (
    ("given_name", N_("Given name")),
    ("family_name", N_("Family name")),
    ("organisation", N_("Organisation or department")),
    ("preferred_locale", N_("Preferred language")),
    ("occupation", N_("Occupation")),
    ("lifestyle", N_("Lifestyle")),
    # Lists, one line each: checked as a customer import checks them (phonenumbers, addresses).
    ("phones", N_("Phone")),
    ("emails", N_("Email")),
    ("alerts", N_("Alerts")),
)
LISTS = frozenset({"phones", "emails", "alerts"})


def _current(profile: ProfileRow, field: str) -> str:
    value = getattr(profile, field) if hasattr(profile, field) else dict(profile.profile).get(field)
    if isinstance(value, tuple):
        if field == "phones":
            from deskapp.core.search.phones import format_international  # phonenumbers: after paint

            value = tuple(format_international(number) for number in value)
        return "; ".join(str(item) for item in value)
    return "" if value is None else str(value)


def _shown(field: str, value: str) -> str:
    """A field's value for people: a language code by its name, an empty value as a dash."""
    if not value:
        return "—"
    return language_name(value) if field == "preferred_locale" else value


class CustomerEditForm(QGroupBox):
    """Inline form (no modal dialog); Enter in any field saves, only changed fields are sent."""

    submitted = Signal(int, dict, int)  # customer id, changes, the version the rep was looking at

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile: ProfileRow | None = None
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        self.form = QFormLayout(self)
        for field, _label in FIELDS:
            widget: QLineEdit | QComboBox
            if field == "preferred_locale":
                widget = QComboBox()
                for code in UI_LOCALES:
                    widget.addItem(code, code)  # named in retranslate_ui
            else:
                widget = QLineEdit()
                widget.returnPressed.connect(self._submit)
            self.inputs[field] = widget
            self.form.addRow(QLabel(), widget)
        self.save = QPushButton()
        self.cancel = QPushButton()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.save)
        self.form.addRow(buttons)
        self.save.clicked.connect(self._submit)
        self.cancel.clicked.connect(self.hide)
        translate_ui(self)
        self.hide()

    def retranslate_ui(self) -> None:
        """Texts in the current UI language."""
        self.setTitle(_("Change customer details"))
        for row, (field, label) in enumerate(FIELDS):
            item = self.form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            shown = item.widget() if item is not None else None
            if isinstance(shown, QLabel):
                shown.setText(_(label))
            self.inputs[field].setAccessibleName(_(label))
            widget = self.inputs[field]
            if field in LISTS and isinstance(widget, QLineEdit):
                widget.setPlaceholderText(_("Separate several with ;"))
        languages = self.inputs["preferred_locale"]
        assert isinstance(languages, QComboBox)  # FIELDS makes it a choice
        for index in range(languages.count()):  # the customer's language, named in the rep's
            languages.setItemText(index, language_name(str(languages.itemData(index))))
        self.save.setText(_("Save changes"))
        self.cancel.setText(_("Cancel"))

    def open_for(self, profile: ProfileRow) -> None:
        """Show the form filled with ``profile``."""
        self.profile = profile
        for field, widget in self.inputs.items():
            value = _current(profile, field)
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(widget.findData(value), 0))
            else:
                widget.setText(value)
        self.show()
        self.inputs["given_name"].setFocus()

    def changes(self) -> dict[str, str]:
        """Only what the rep changed."""
        result: dict[str, str] = {}
        if self.profile is None:  # nobody's details are open
            return result
        for field, widget in self.inputs.items():
            value = widget.currentData() if isinstance(widget, QComboBox) else widget.text().strip()
            if value != _current(self.profile, field):
                result[field] = value
        return result

    def _submit(self) -> None:
        changes = self.changes()
        if self.profile is None or not changes:
            self.hide()
            return
        self.submitted.emit(self.profile.customer_id, changes, self.profile.version_id)


class ConflictView(QGroupBox):
    """Their saved version beside mine, field by field; keep mine where ticked, then save or discard."""

    resolved = Signal(int, dict, int)  # customer id, changes to save, the version they are based on
    discarded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet("QGroupBox {border: 2px solid #d9a400; border-radius: 4px; margin-top: 14px;}"
                           "QGroupBox::title {color: #7a5a00; font-weight: 700;}")
        self.grid = QGridLayout(self)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.keep: dict[str, QCheckBox] = {}
        self.mine: dict[str, str] = {}
        self.theirs: ProfileRow | None = None
        self.save = QPushButton()
        self.discard = QPushButton()
        self.save.clicked.connect(self._save)
        self.discard.clicked.connect(self._discard)
        translate_ui(self)
        self.hide()

    def retranslate_ui(self) -> None:
        """Texts in the current UI language."""
        self.setTitle(_("Someone else changed this customer"))
        self.explain.setText(_("Their version is saved. Tick what you want to keep from yours, then save; "
                               "or discard your changes."))
        self.save.setText(_("Save my choices"))
        self.discard.setText(_("Discard my changes"))
        if self.theirs is not None:
            self.show_conflict(self.mine, self.theirs)

    def show_conflict(self, mine: dict[str, str], theirs: ProfileRow) -> None:
        """Lay out field | theirs | mine (ticked: keep mine)."""
        self.mine, self.theirs = dict(mine), theirs
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None and widget not in (self.explain, self.save, self.discard):
                widget.deleteLater()
        self.keep = {}
        self.grid.addWidget(self.explain, 0, 0, 1, 4)
        for column, title in enumerate((_("Field"), _("Saved by someone else"), _("Yours"), _("Keep yours"))):
            header = QLabel(f"<b>{html.escape(title)}</b>")
            self.grid.addWidget(header, 1, column)
        labels = dict(FIELDS)
        for row, (field, value) in enumerate(self.mine.items(), start=2):
            self.grid.addWidget(QLabel(_(labels.get(field, field))), row, 0)
            self.grid.addWidget(QLabel(_shown(field, _current(theirs, field))), row, 1)
            self.grid.addWidget(QLabel(_shown(field, str(value))), row, 2)
            box = QCheckBox()
            box.setChecked(True)
            box.setAccessibleName(_("Keep yours: {field}").format(field=_(labels.get(field, field))))
            self.keep[field] = box
            self.grid.addWidget(box, row, 3)
        last = len(self.mine) + 2
        self.grid.addWidget(self.discard, last, 2)
        self.grid.addWidget(self.save, last, 3)
        self.show()
        self.save.setFocus()

    def _save(self) -> None:
        chosen = {field: value for field, value in self.mine.items() if self.keep[field].isChecked()}
        self.hide()
        if chosen and self.theirs is not None:  # shown only with both sides
            self.resolved.emit(self.theirs.customer_id, chosen, self.theirs.version_id)
        else:
            self.discarded.emit()

    def _discard(self) -> None:
        self.hide()
        self.discarded.emit()
