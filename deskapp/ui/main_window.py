"""The representative's window: find the caller, see who they are, open a case, write the note.

The first frame is the search box, the results and the menu bar: what a rep looks at first. The
customer, note, response and script panels, the case/account/supervisor menus, the banner and the
shortcut card are built right after the first paint (``build_side_panels``, called by ``run_app``),
or earlier by whatever first uses them, so the window shows about as fast as a bare Qt window
(bench/startup.py). Their modules are imported then too. Nothing of the first frame touches Qt's
``Qt`` namespace, whose first use builds ~100 Python enums (~50 ms): hence the local imports of
``Qt``, and a plain header model standing in for the results model until then (a Python
model's ``headerData`` receives a ``Qt.Orientation``).

The window lays out its parts and hands the work to helpers, each in its own module:
``customer_search`` (the search box and results), ``case_flow`` (the open customer and cases),
``desk_connection`` (opening the database, ready, outages), ``window_modes`` (privacy, compact,
language), ``window_actions`` (shortcuts and the Language and View menus) and ``side_panels`` (the
parts built after the first paint and their wiring). None of them knows
this window: each gets what it works with in its constructor (``desk_access``: the runner, the desk
and the banner for errors; the panels it acts on) and tells the window the rest through signals.
Their modules import nothing heavy, as they are part of the first frame.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

from deskapp.core.i18n import _
from deskapp.ui.case_flow import CaseFlow
from deskapp.ui.customer_search import CustomerSearch
from deskapp.ui.desk_access import DeskAccess
from deskapp.ui.desk_connection import DeskConnection
from deskapp.ui.language import translate_ui
from deskapp.ui.window_actions import SHORTCUTS, WindowActions, shortcut_rows
from deskapp.ui.window_layout import WindowLayout
from deskapp.ui.window_modes import WindowModes

if TYPE_CHECKING:
    from deskapp.core.services.desk import Desk
    from deskapp.core.services.desk_session import DeskInfo
    from deskapp.core.services.notes.notes import NoteRow
    from deskapp.ui.customer_panel import CustomerPanel
    from deskapp.ui.jobs import JobRunner
    from deskapp.ui.kb_panel import KbPanel
    from deskapp.ui.note_editor import NoteEditor
    from deskapp.ui.phone_station import PhoneStation
    from deskapp.ui.response_panel import ResponsePanel
    from deskapp.ui.script_panel import ScriptPanel
    from deskapp.ui.side_panels import SidePanels
    from deskapp.ui.survey_launcher import SurveyLauncher
    from deskapp.ui.widgets import Banner, ShortcutOverlay
    from deskapp.ui.window_menus import WindowMenus

__all__ = ["SHORTCUTS", "MainWindow"]

# How long after ready the window waits before loading what searching does not need.
AFTER_READY_MS = 600


class MainWindow(QMainWindow):
    """Paints at once; the database opens in the background and the window becomes ready."""

    ready = Signal()
    failed = Signal(str)

    def __init__(self, db: str | None = None, follow_agent_language: bool = True, sign_in: bool = False) -> None:
        super().__init__()
        self.offers_sign_in = sign_in  # the Account menu offers "sign out" only then
        self.setObjectName("mainWindow")
        self.access = access = DeskAccess(self, lambda: self.banner)
        # Built after the first paint, or when first used (see the module docstring).
        self._side: SidePanels | None = None
        self._panel: CustomerPanel | None = None
        self._notes: NoteEditor | None = None
        self._responses: ResponsePanel | None = None
        self._scripts: ScriptPanel | None = None
        self._knowledge: KbPanel | None = None
        self._menus: WindowMenus | None = None
        self.survey: SurveyLauncher | None = None  # the customer rating screen
        self._phone: PhoneStation | None = None
        self._banner: Banner | None = None
        self._overlay: ShortcutOverlay | None = None
        self.connection = connection = DeskConnection(access, self.statusBar(), self, db=db, sign_in=sign_in,
                                                      follow_agent_language=follow_agent_language)
        connection.sign_in_needed.connect(lambda: self.menus.ask_sign_in())
        connection.signed_in.connect(self._offer_role)
        connection.became_ready.connect(self._became_ready)
        connection.failed.connect(self.failed)
        connection.open_case_requested.connect(lambda customer, case: self.open_customer(customer, case))
        self.case_flow = CaseFlow(access)

        self.customer_search = finder = CustomerSearch(access)
        finder.open_requested.connect(self.open_customer)
        self.case_flow.customers_changed.connect(lambda: finder.on_text(finder.box.text()))  # an undone merge
        # The window's own names for its parts, as tests, bench/*.py and scripts/screenshots.py use them.
        self.search, self.results, self.results_model, self.results_hint = \
            finder.box, finder.results, finder.model, finder.hint
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.results, 1)
        left_layout.addWidget(self.results_hint)
        self.right = QSplitter()  # the customer panel above the note, once built
        self.right.addWidget(QWidget())  # holds the right side's place (an empty splitter gets no room)
        self.split = QSplitter()
        self.split.addWidget(left)
        self.split.addWidget(self.right)
        self.split.setStretchFactor(0, 2)
        self.split.setStretchFactor(1, 3)
        self._central = QWidget()
        self._central_layout = QVBoxLayout(self._central)
        self._central_layout.setContentsMargins(8, 8, 8, 4)
        self._central_layout.addWidget(self.search)
        self._central_layout.addWidget(self.split, 1)
        self.setCentralWidget(self._central)
        self.status_agent = QLabel()
        self.statusBar().addPermanentWidget(self.status_agent)
        self.window_actions = actions = WindowActions(self, {
            "focus_search": self.focus_search, "search_clipboard": self.search_clipboard,
            "new_case": self.new_case, "focus_note": lambda: self.notes.editor.setFocus(),
            "save_note": lambda: self.notes.save_note(), "next_caller": self.next_caller,
            "privacy": self.toggle_privacy, "compact": self.toggle_compact,
            "help": lambda: self.overlay.popup(), "quit": self.close, "language": self.next_language,
            "responses": self.focus_responses, "customer_rating": self.ask_customer_rating,
            "knowledge": lambda: self.knowledge.open_popup(),
            "next_callback": lambda: self.phone.next_due_callback(),
        }, lambda code: self.set_language(code))
        self.actions_by_name, self.language_menu, self.language_actions, self.view_menu = \
            actions.by_name, actions.language_menu, actions.language_actions, actions.view_menu
        self.layout_memory = WindowLayout(self, self.split, self.right)
        self.modes = WindowModes(access, self, actions.by_name, finder, splitters=(self.split, self.right),
                                 restore_layout=self.layout_memory.reset)
        self.modes.privacy_changed.connect(lambda _on: self.update_status())
        self.setTabOrder(self.search, self.results)
        self.resize(1200, 760)
        self.layout_memory.reset()
        translate_ui(self)
        self.search.setEnabled(True)
        self.search.setFocus()

    # --- built after the first paint ------------------------------------------------------
    def build_side_panels(self) -> None:
        """Build the customer, note, response, script, knowledge and phone parts and the signed-in menus (once)."""
        if self._side is not None:
            return
        from deskapp.ui.side_panels import build_side_panels

        self._side = side = build_side_panels(self)
        self._panel, self._notes, self._responses, self._scripts, self._knowledge, self._menus, self._phone = (
            side.panel, side.notes, side.responses, side.scripts, side.knowledge, side.menus, side.phone)
        self.survey, self.panel_scroll = side.survey, side.panel_scroll
        self.update_status()

    def note_saved(self, _note: NoteRow) -> None:
        """A saved note proves the database is writable again: an error about it is out of date."""
        if self._banner is not None and self._banner.kind == "error":
            self._banner.hide()

    def _offer_role(self, info: DeskInfo) -> None:
        """Offer what the signed-in agent's role may use."""
        self.menus.set_role(info.agent_role)
        self.panel.new_case.station_channel = info.station_channel
        assert self._side is not None  # built by self.menus
        self._side.offer_role(info.agent_role)

    def _became_ready(self) -> None:
        self.update_status()
        self.phone.start()
        if self.search.text().strip():
            self.customer_search.on_text(self.search.text())
        # Modules, mappers, compiled statements and widgets made so far live as long as the window:
        # moved out of the collector's sight, they no longer make its full passes tens of ms long
        # pauses in the middle of someone's typing (bench/typing_latency.py).
        gc.freeze()
        # What is not needed to search waits for a quiet moment after ready, so the rep's first
        # search does not queue behind it on the single worker.
        QTimer.singleShot(AFTER_READY_MS, self._after_ready)
        self.ready.emit()

    def _after_ready(self) -> None:
        """The response list (it loads the template modules, ~0.1 s) and phonenumbers (50-100 ms)."""
        from deskapp.core.search import phones

        if not self.is_ready:
            return
        if self.responses.active:
            self.responses.refresh_list()
        self.runner.submit(phones.load)

    # --- what the parts share, by the names tests, bench/*.py and scripts/*.py use -------------
    @property
    def desk(self) -> Desk | None:
        """The desk, once the database is open."""
        return self.access.desk

    @property
    def info(self) -> DeskInfo | None:
        """Who is signed in, once the database is open."""
        return self.access.info

    @property
    def is_ready(self) -> bool:
        """Whether someone is signed in and the search answers."""
        return self.access.is_ready

    @property
    def runner(self) -> JobRunner:
        """The one worker thread for database work (started by the first job)."""
        return self.access.runner

    @property
    def _runner(self) -> JobRunner | None:
        return self.access.started_runner

    @property
    def panel(self) -> CustomerPanel:
        """The open customer: profile, alerts, cases."""
        self.build_side_panels()
        assert self._panel is not None
        return self._panel

    @property
    def notes(self) -> NoteEditor:
        """The note editor, with the saved notes, responses and call script beside it."""
        self.build_side_panels()
        assert self._notes is not None
        return self._notes

    @property
    def responses(self) -> ResponsePanel:
        """The scripted responses tab."""
        self.build_side_panels()
        assert self._responses is not None
        return self._responses

    @property
    def scripts(self) -> ScriptPanel:
        """The call script tab."""
        self.build_side_panels()
        assert self._scripts is not None
        return self._scripts

    @property
    def knowledge(self) -> KbPanel:
        """The knowledge-base tab (Ctrl+K, or ?? in the note, searches it)."""
        self.build_side_panels()
        assert self._knowledge is not None
        return self._knowledge

    @property
    def phone(self) -> PhoneStation:
        """The phone tab, ``deskapp call`` and the due callbacks."""
        self.build_side_panels()
        assert self._phone is not None
        return self._phone

    @property
    def menus(self) -> WindowMenus:
        """The Case, Account and Supervisor menus."""
        self.build_side_panels()
        assert self._menus is not None
        return self._menus

    @property
    def banner(self) -> Banner:
        """The message strip above the search box (made when there is first something to say)."""
        if self._banner is None:
            from deskapp.ui.widgets import Banner

            self._banner = Banner()
            self._banner.action_clicked.connect(lambda: self.connection.banner_action())
            self._central_layout.insertWidget(0, self._banner)
        return self._banner

    @property
    def overlay(self) -> ShortcutOverlay:
        """The F1 card of every shortcut (made when first asked for)."""
        if self._overlay is None:
            from deskapp.ui.widgets import ShortcutOverlay

            self._overlay = ShortcutOverlay(self._central, shortcut_rows())
        return self._overlay

    # --- what shortcuts, menus and callers ask of the window; its parts do the work ---------
    def start(self, password: str | None = None, remember: bool = False) -> None:
        """Open the database in the background (imports SQLAlchemy off the paint path)."""
        self.connection.start(password, remember)

    def signed_in(self, info: DeskInfo) -> None:
        """Someone signed in (or switched user): act as them from now on."""
        self.access.info = info
        self.connection.become_ready()

    def describe_error(self, exc: Exception) -> str:
        """A sentence for the rep; the storage-aware describer arrives with the database."""
        return self.access.describe_error(exc)

    def try_reconnect(self) -> None:
        """Send the drafts kept on this computer; when all are through, the banner goes."""
        self.connection.try_reconnect()

    def focus_search(self) -> None:
        """Ctrl+L / F3: back to the search box, text selected for typing over."""
        self.customer_search.focus()

    def search_clipboard(self) -> None:
        """Ctrl+Shift+V: search for what is on the clipboard (a number copied from the phone system)."""
        self.customer_search.search_clipboard()

    def open_selected(self) -> None:
        """Enter: open the selected (or first) result."""
        self.customer_search.open_selected()

    def open_customer(self, customer_id: int, select_case: int | None = None) -> None:
        """Load the customer's profile and cases."""
        self.build_side_panels()
        self.case_flow.open_customer(customer_id, select_case)

    def new_case(self) -> None:
        """Ctrl+N: the inline new-case form for the open customer."""
        self.build_side_panels()
        self.case_flow.new_case()

    def next_caller(self) -> None:
        """Ctrl+Shift+N: keep the note safe, clear the customer, search again."""
        self.build_side_panels()
        self.case_flow.close_customer()
        self.scripts.reset()  # a script run belongs to the previous call
        self.search.clear()
        self.focus_search()

    def focus_responses(self) -> None:
        """Ctrl+R: the response search, beside the note."""
        self.notes.side_tabs.setCurrentWidget(self.responses)
        self.responses.search.setFocus()
        self.responses.search.selectAll()

    def ask_customer_rating(self) -> None:
        """Ctrl+Shift+F: the customer rates the selected case on the customer screen."""
        self.build_side_panels()
        assert self.survey is not None
        self.survey.start()

    def toggle_privacy(self) -> None:
        """Mask personal data while the customer can see the screen."""
        self.build_side_panels()
        self.modes.toggle_privacy()

    def toggle_compact(self) -> None:
        """A small always-on-top window: search, current customer and note."""
        self.build_side_panels()
        self.modes.toggle_compact()

    def set_language(self, code: str) -> None:
        """Switch the whole UI to ``code`` now, and remember it for this agent."""
        self.modes.set_language(code)

    def next_language(self) -> None:
        """Ctrl+Shift+L: the next language in the menu."""
        self.modes.next_language()

    # --- texts ----------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        """The window's own texts in the current UI language; its parts translate themselves."""
        self.setWindowTitle(_("deskapp — service desk"))
        self.window_actions.retranslate_ui()
        if self._overlay is not None:
            self._overlay.set_shortcuts(shortcut_rows())
        if self._side is not None:
            self._side.retranslate_tabs()
        self.update_status()

    def update_status(self) -> None:
        """Who is signed in, and whether the privacy mask is on, at the right of the status bar."""
        parts = []
        if self.info is not None:
            parts.append(_("Signed in as {name}").format(name=self.info.agent_name))
        if self._panel is not None and self._panel.privacy:
            parts.append(_("Privacy mask on"))
        self.status_agent.setText(" · ".join(parts))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._notes is not None:
            self._notes.flush()
        if self._phone is not None:
            self._phone.close()
        if self._runner is not None:
            self._runner.close()
        if self.desk is not None:
            self.desk.close()
        super().closeEvent(event)

