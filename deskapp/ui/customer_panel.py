"""The open customer: who they are, what to watch out for, their cases, and opening a new case."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.domain.enums import CaseStatus, Channel, LabelledEnum, Priority, PurchasePhase, SupportStage
from deskapp.core.domain.profile_values import profile_value_label
from deskapp.core.i18n import N_, _, current_locale, language_name
from deskapp.ui.column_fit import ColumnFit
from deskapp.ui.customer_edit import ConflictView, CustomerEditForm
from deskapp.ui.duplicate_hint import DuplicateHint
from deskapp.ui.language import translate_ui
from deskapp.ui.merged_hint import MergedHint
from deskapp.ui.models import MASK, CasesModel, masked_name
from deskapp.ui.widgets import compact_rows, row_table, whole_items

if TYPE_CHECKING:
    from deskapp.core.services.cases.cases import CaseRow
    from deskapp.core.services.customers.profile import ProfileRow

PROFILE_LABELS = {
    "birth_year": N_("Birth year"), "age_band": N_("Age band"), "gender": N_("Gender"),
    "income_band": N_("Income band"), "lifestyle": N_("Lifestyle"), "occupation": N_("Occupation"),
}
PRIVATE_FIELDS = {"birth_year", "income_band"}


def fill_enum_combo(combo: QComboBox, enum_cls: type[LabelledEnum], keep: LabelledEnum | None = None) -> None:
    """(Re)fill ``combo`` with the translated labels of ``enum_cls``; keeps the current value."""
    current = combo.currentData() if keep is None else keep
    combo.blockSignals(True)
    combo.clear()
    for member in enum_cls:
        combo.addItem(member.label, member)
    index = combo.findData(current)
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)


class NewCaseForm(QGroupBox):
    """An inline form (no modal dialog): Ctrl+N, type a subject, Enter."""

    submitted = Signal(str, object, object, object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.subject = QLineEdit()
        self.subject.setMaxLength(200)
        self.phase, self.stage, self.channel, self.priority = QComboBox(), QComboBox(), QComboBox(), QComboBox()
        self.create_button = QPushButton()
        self.cancel = QPushButton()
        self.form = QFormLayout(self)
        # A label of its own for every field (addRow("", …) makes none: four combo boxes nobody could tell apart).
        self.labels = [QLabel() for _field in range(5)]
        for label, widget in zip(self.labels, (self.subject, self.phase, self.stage, self.channel, self.priority),
                                 strict=True):
            label.setBuddy(widget)
            self.form.addRow(label, widget)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.create_button)
        self.form.addRow(buttons)
        self.subject.returnPressed.connect(self._submit)
        self.create_button.clicked.connect(self._submit)
        self.cancel.clicked.connect(self.hide)
        self.station_channel = Channel.PHONE
        translate_ui(self)
        self.hide()

    def retranslate_ui(self) -> None:
        """Texts in the current UI language."""
        self.setTitle(_("New case"))
        labels = (_("Subject"), _("Purchase phase"), _("Support stage"), _("Channel"), _("Priority"))
        for label, text in zip(self.labels, labels, strict=True):
            label.setText(text)
        for widget, text in zip((self.subject, self.phase, self.stage, self.channel, self.priority), labels,
                                strict=True):
            widget.setAccessibleName(text)
        self.subject.setPlaceholderText(_("What is the customer asking about?"))
        fill_enum_combo(self.phase, PurchasePhase)
        fill_enum_combo(self.stage, SupportStage)
        fill_enum_combo(self.channel, Channel)
        fill_enum_combo(self.priority, Priority)
        self.create_button.setText(_("Create case"))
        self.cancel.setText(_("Cancel"))

    def open_form(self) -> None:
        """Show the form with the station's defaults, focus on the subject."""
        self.subject.clear()
        fill_enum_combo(self.phase, PurchasePhase, PurchasePhase.AFTER)
        fill_enum_combo(self.stage, SupportStage, SupportStage.TROUBLESHOOTING)
        fill_enum_combo(self.channel, Channel, self.station_channel)
        fill_enum_combo(self.priority, Priority, Priority.NORMAL)
        self.show()
        self.subject.setFocus()

    def _submit(self) -> None:
        subject = self.subject.text().strip()
        if not subject:
            self.subject.setFocus()
            self.subject.setPlaceholderText(_("A subject is needed to create a case"))
            return
        # Qt hands enum members back as plain strings; turn them into members again.
        self.submitted.emit(subject, PurchasePhase(self.phase.currentData()), SupportStage(self.stage.currentData()),
                            Channel(self.channel.currentData()), Priority(self.priority.currentData()))
        self.hide()


# Columns of the case history (see CasesModel): reference, opened, subject, ...
OPENED_COLUMN = 1
SUBJECT_COLUMN = 2


class CustomerPanel(QWidget):
    """Profile, alerts and case history of the customer being served."""

    case_selected = Signal(object)
    filter_changed = Signal(bool)
    status_requested = Signal(object, object)
    assign_requested = Signal(object)
    profile_shown = Signal()  # a customer (or none) is shown: the window may make room for their cases
    rating_requested = Signal(object)  # CaseRow: the customer rates it on the customer screen

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile: ProfileRow | None = None
        self.privacy = False
        self.name = QLabel()
        self.name.setStyleSheet("font-size:18px; font-weight:700;")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.alerts = QLabel()
        self.alerts.setWordWrap(True)
        self.alerts.setStyleSheet("background:#fde8e8; color:#7a1212; border:1px solid #e6a1a1;"
                                  "border-radius:4px; padding:6px; font-weight:700;")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)

        self.filter = QComboBox()
        self.cases_title = QLabel()
        self.cases_title.setStyleSheet("font-weight:600;")
        self.cases_model = CasesModel()
        self.cases = row_table(self.cases_model)
        self.cases.setWordWrap(False)
        self.cases.setAlternatingRowColors(True)
        compact_rows(self.cases)
        # The table takes the height it is given (its preferred height would make the scrolling panel
        # around it scroll), but never fewer than three rows.
        self.cases.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.cases.setMinimumHeight(self.cases.horizontalHeader().sizeHint().height()
                                    + 3 * self.cases.verticalHeader().defaultSectionSize() + 4)
        # The subject first, then when and whether it is still open; the subject takes what is left.
        self.case_columns = ColumnFit(self.cases, priority=(1, 0, 2, 3, 4, 5, 6), stretch=1)
        self.status = QComboBox()
        self.assign = QPushButton()
        self.rating = QPushButton()
        self.new_case_button = QPushButton()
        self.new_case = NewCaseForm()

        self.edit_button = QPushButton()
        self.edit_button.setFlat(True)
        self.edit_form = CustomerEditForm()
        self.edit_button.clicked.connect(self._edit_customer)
        self.conflict = ConflictView()
        name_row = QHBoxLayout()  # "Change details…" beside the name: one line less above the cases
        name_row.addWidget(self.name, 1)
        name_row.addWidget(self.edit_button)
        identity_layout = QVBoxLayout()
        identity_layout.addLayout(name_row)
        identity_layout.addWidget(self.summary)
        identity_layout.addWidget(self.alerts)
        self.duplicate_hint = DuplicateHint()
        identity_layout.addWidget(self.duplicate_hint)
        self.merged_hint = MergedHint()  # for supervisors: who was merged into this customer, undo
        identity_layout.addWidget(self.merged_hint)
        identity_layout.addWidget(self.details)
        identity_layout.addWidget(self.edit_form)
        identity_layout.addWidget(self.conflict)
        # The case bar holds the actions on the selected case too, so the table keeps that line.
        case_bar = QHBoxLayout()
        case_bar.addWidget(self.cases_title)
        case_bar.addStretch(1)
        case_bar.addWidget(self.filter)
        case_bar.addWidget(self.new_case_button)
        case_bar.addSpacing(12)
        case_bar.addWidget(self.status)
        case_bar.addWidget(self.assign)
        case_bar.addWidget(self.rating)
        for combo in (self.filter, self.status):
            whole_items(combo)
        self.identity = QFrame()
        self.identity.setLayout(identity_layout)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.addWidget(self.identity)
        self.history = QWidget()
        history_layout = QVBoxLayout(self.history)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.addLayout(case_bar)
        history_layout.addWidget(self.new_case)
        history_layout.addWidget(self.cases, 1)
        layout.addWidget(self.history, 1)

        self.cases.selectionModel().currentRowChanged.connect(self._on_case_row)
        self.filter.currentIndexChanged.connect(lambda _i: self.filter_changed.emit(self.open_only))
        self.status.activated.connect(self._on_status)
        self.assign.clicked.connect(lambda: self.assign_requested.emit(self.current_case()))
        self.rating.clicked.connect(lambda: self.rating_requested.emit(self.current_case()))
        self.new_case_button.clicked.connect(self.new_case.open_form)
        translate_ui(self)
        self.show_profile(None)

    @property
    def open_only(self) -> bool:
        """Whether the history shows open cases only."""
        return bool(self.filter.currentData())

    def retranslate_ui(self) -> None:
        """Texts in the current UI language."""
        keep = self.filter.currentData()
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.addItem(_("All cases"), False)
        self.filter.addItem(_("Open cases"), True)
        self.filter.setCurrentIndex(1 if keep else 0)
        self.filter.blockSignals(False)
        self.filter.setAccessibleName(_("Show cases"))
        self.cases_title.setText(_("Case history"))
        self.cases.setAccessibleName(_("Case history"))
        fill_enum_combo(self.status, CaseStatus)
        self.status.setAccessibleName(_("Status of the selected case"))
        self.status.setToolTip(_("Change the status of the selected case"))
        self.assign.setText(_("Assign to me"))
        self.rating.setText(_("Customer rating…"))
        self.rating.setToolTip(_("The customer rates the selected case on the customer screen (Ctrl+Shift+F)"))
        self.rating.setAccessibleName(_("Customer rating"))
        self.new_case_button.setText(_("New case…"))
        self.new_case_button.setToolTip(_("Open a new case for this customer (Ctrl+N)"))
        self.edit_button.setText(_("Change details…"))
        self.show_profile(self.profile)

    def needed_height(self, case_rows: int) -> int:
        """The height that shows the customer's details and ``case_rows`` rows of their cases."""
        table = self.cases
        rows = case_rows * table.verticalHeader().defaultSectionSize()
        table_height = table.horizontalHeader().sizeHint().height() + rows + 2 * table.frameWidth()
        return self.sizeHint().height() - table.minimumHeight() + table_height  # the hint counts its minimum

    def set_privacy(self, on: bool) -> None:
        """Mask phone, email, birth year and income while the customer can see the screen."""
        self.privacy = on
        self.merged_hint.set_privacy(on)
        self.show_profile(self.profile)

    def _edit_customer(self) -> None:
        if self.profile is not None:  # the button shows only with a customer open
            self.edit_form.open_for(self.profile)

    def show_profile(self, profile: ProfileRow | None) -> None:
        """Show ``profile`` (a ProfileRow) or the empty state."""
        self.profile = profile
        self.history.setVisible(profile is not None)
        self.edit_button.setVisible(profile is not None)
        if profile is None or profile.customer_id != getattr(self.edit_form.profile, "customer_id", None):
            self.edit_form.hide()
            self.conflict.hide()
        hint = self.duplicate_hint.pair
        if profile is None or (hint is not None and hint.keep.customer_id != profile.customer_id):
            self.duplicate_hint.show_pair(None)
        if profile is None or self.merged_hint.keep_id != profile.customer_id:
            self.merged_hint.show_rows(None, [])
        if profile is None:
            self.name.setText(_("No customer open"))
            self.summary.setText(_("Search by name, phone, email or account number, then press Enter."))
            self.alerts.hide()
            self.details.clear()
            self.cases_model.set_rows([])
            self.profile_shown.emit()
            return
        if self.privacy:
            self.name.setText(masked_name(profile.display_name) if profile.display_name else MASK)
        else:
            self.name.setText(profile.display_name or profile.account_number)
        kind = profile.kind.label
        if profile.organisation:
            kind = _("{kind} · {organisation}").format(kind=kind, organisation=profile.organisation)
        language = _("Speaks {customer_language} (you: {rep_language})").format(
            customer_language=language_name(profile.preferred_locale),
            rep_language=language_name(current_locale()))
        account = MASK if self.privacy else profile.account_number
        self.summary.setText(" · ".join((account, kind, profile.brand_name, language)))
        self.alerts.setVisible(bool(profile.alerts))
        self.alerts.setText("⚠ " + " · ".join(profile.alerts))
        lines = []
        from deskapp.core.search.phones import format_international  # phonenumbers loads after paint

        phones = [MASK if self.privacy else format_international(p) for p in profile.phones]
        emails = [MASK if self.privacy else e for e in profile.emails]
        if phones:
            lines.append((_("Phone"), ", ".join(phones)))
        if emails:
            lines.append((_("Email"), ", ".join(emails)))
        for key, value in profile.profile:
            shown = MASK if self.privacy and key in PRIVATE_FIELDS else profile_value_label(key, value)
            lines.append((_(PROFILE_LABELS.get(key, key)), shown))
        self.details.setText("<br>".join(f"<span style='color:#555'>{html.escape(label)}:</span> "
                                         f"{html.escape(value)}" for label, value in lines))
        self.profile_shown.emit()

    def show_cases(self, cases: list[CaseRow], select_id: int | None = None) -> None:
        """Fill the case history; re-select ``select_id`` (or the first case)."""
        self.cases_model.set_rows(cases)
        row = next((i for i, c in enumerate(cases) if c.id == select_id), 0 if cases else -1)
        if row >= 0:
            self.cases.selectRow(row)
        else:
            self.case_selected.emit(None)

    def current_case(self) -> CaseRow | None:
        """The selected case row, or None."""
        index = self.cases.currentIndex()
        return self.cases_model.row(index.row()) if index.isValid() else None

    def _on_case_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        case = self.cases_model.row(current.row()) if current.isValid() else None
        if case is not None:
            self.status.setCurrentIndex(max(self.status.findData(case.status), 0))
        self.case_selected.emit(case)

    def _on_status(self, _index: int) -> None:
        case = self.current_case()
        if case is not None and self.status.currentData() != case.status:
            # Qt hands enum members back as plain strings; turn it into a member again.
            self.status_requested.emit(case, CaseStatus(self.status.currentData()))
