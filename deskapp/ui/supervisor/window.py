"""The supervisor's window: review queue, dashboard, audit log and export, as the role allows.

Its Tools menu checks the note history and the audit log (``HistoryCheck``), as ``deskapp verify`` does.

Each tab is shown only when the signed-in role may use it (``permissions.allowed``); the services
check again, so hiding a tab is a courtesy, not the protection. The window shares the main
window's job runner, so its database work queues behind (never beside) the rep's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QTabWidget, QVBoxLayout, QWidget

from deskapp.core.i18n import N_, _, current_locale
from deskapp.ui.jobs import JobRunner
from deskapp.ui.language import language_choices, next_language_code, translate_ui
from deskapp.ui.supervisor.audit_view import AuditTab
from deskapp.ui.supervisor.dashboard import DashboardTab
from deskapp.ui.supervisor.export_tab import ExportTab
from deskapp.ui.supervisor.review_queue import ReviewQueueTab
from deskapp.ui.supervisor.rubric_tab import RubricTab
from deskapp.ui.supervisor.survey_tab import SurveyTab
from deskapp.ui.supervisor.usage_tab import UsageTab
from deskapp.ui.supervisor.verify_action import HistoryCheck
from deskapp.ui.widgets import Banner
from deskapp.ui.window_layout import keep_on_screen

if TYPE_CHECKING:
    from deskapp.core.domain.enums import Role
    from deskapp.core.services.desk import Desk

Page = ReviewQueueTab | DashboardTab | SurveyTab | AuditTab | ExportTab | RubricTab | UsageTab

# (attribute, tab title, permission needed, class)
TABS: tuple[tuple[str, str, str, type[Page]], ...] = (
    ("queue", N_("Review queue"), "review.create", ReviewQueueTab),
    ("dashboard", N_("Dashboard"), "report.view", DashboardTab),
    ("surveys", N_("Customer feedback"), "report.view", SurveyTab),
    ("usage", N_("Knowledge and responses"), "kb.review_flags", UsageTab),
    ("audit", N_("Audit log"), "audit.view", AuditTab),
    ("export", N_("Export"), "export.cases", ExportTab),
    ("rubric", N_("Rubric"), "rubric.edit", RubricTab),
)


class SupervisorWindow(QMainWindow):
    """Tabs for the supervisor's (or administrator's) work, loaded when first shown.

    Its Language menu and Ctrl+Shift+L ask for a language with ``language_chosen``: the main
    window switches the whole UI and remembers the choice for the agent.
    """

    language_chosen = Signal(str)

    def __init__(self, runner: JobRunner, desk: Desk, describe: Callable[[Exception], str], role: Role,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from deskapp.core.security.permissions import allowed

        self.setObjectName("supervisorWindow")
        self._runner, self._desk, self._describe = runner, desk, describe
        self.banner = Banner()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.pages: dict[str, Page] = {}
        self._started: set[str] = set()
        for name, _title, action, cls in TABS:
            if allowed(role, action):
                page = cls(runner, desk, self._describe_and_show)
                self.pages[name] = page
                self.tabs.addTab(page, "")
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.tools_menu = self.menuBar().addMenu("")
        self.history_check: HistoryCheck | None = None
        if allowed(role, "audit.view"):
            self.history_check = HistoryCheck(runner, desk, self._describe_and_show, self.banner, self)
            self.tools_menu.addAction(self.history_check.action)
        self.tools_menu.menuAction().setVisible(self.history_check is not None)
        self.language_menu = self.menuBar().addMenu("")
        self.language_actions: dict[str, QAction] = {}
        for code, language in language_choices():
            choice = self.language_menu.addAction(language)
            choice.setCheckable(True)
            choice.triggered.connect(lambda _checked=False, code=code: self.language_chosen.emit(code))
            self.language_actions[code] = choice
        self.next_language = QAction(self)
        self.next_language.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.next_language.triggered.connect(lambda: self.language_chosen.emit(next_language_code()))
        self.addAction(self.next_language)
        self.tabs.currentChanged.connect(lambda _i: self._start_current())
        self.resize(1200, 760)  # as the main window: it fits a 1366×768 screen
        keep_on_screen(self)
        translate_ui(self)
        self._start_current()

    def page(self, name: str) -> Page | None:
        """The tab called ``name`` (queue, dashboard, audit, export), or ``None`` if the role lacks it."""
        return self.pages.get(name)

    def show_page(self, name: str) -> None:
        """Bring tab ``name`` to the front."""
        if name in self.pages:
            self.tabs.setCurrentWidget(self.pages[name])

    def _start_current(self) -> None:
        # Each tab loads when first shown; the audit log reloads every time (a review adds to it).
        for name, page in self.pages.items():
            if page is self.tabs.currentWidget():
                if name not in self._started:
                    self._started.add(name)
                    getattr(page, "start", getattr(page, "load", lambda: None))()
                elif isinstance(page, AuditTab):
                    page.load()

    def _describe_and_show(self, exc: Exception) -> str:
        return self._describe(exc)

    def retranslate_ui(self) -> None:
        """Every text in the current UI language."""
        self.setWindowTitle(_("deskapp — supervisor"))
        self.tools_menu.setTitle(_("&Tools"))
        self.tabs.setAccessibleName(_("Supervisor pages"))
        self.language_menu.setTitle(_("&Language"))
        self.next_language.setText(_("Next user-interface language"))
        for code, choice in self.language_actions.items():
            choice.setChecked(code == current_locale())
        for name, title, _action, _cls in TABS:
            if name in self.pages:
                self.tabs.setTabText(self.tabs.indexOf(self.pages[name]), _(title))
