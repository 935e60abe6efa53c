"""The representative's window: find the caller, see who they are, open a case, write the note.

The first frame is the search box, the results and the menu bar: what a rep looks at first. The
customer, note, response and script panels, the case/account/supervisor menus, the banner and the
shortcut card are built right after the first paint (``build_side_panels``, called by ``run_app``),
or earlier by whatever first uses them, so the window shows about as fast as a bare Qt window
(bench/startup.py). Their modules are imported then too. Nothing of the first frame touches Qt's
``Qt`` namespace, whose first use builds ~100 Python enums (~50 ms): hence the local imports of
``Qt`` below, and a plain header model standing in for the results model until then (a Python
model's ``headerData`` receives a ``Qt.Orientation``).
"""

from __future__ import annotations

import gc
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QStandardItemModel
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.i18n import N_, _, current_locale
from deskapp.ui.language import language_choices, switch_language
from deskapp.ui.models import RESULT_TITLES, ResultsModel
from deskapp.ui.widgets import row_table

# How long after ready the window waits before loading what searching does not need.
AFTER_READY_MS = 600

if TYPE_CHECKING:
    from deskapp.ui.customer_panel import CustomerPanel
    from deskapp.ui.jobs import JobRunner
    from deskapp.ui.note_editor import NoteEditor
    from deskapp.ui.response_panel import ResponsePanel
    from deskapp.ui.script_panel import ScriptPanel
    from deskapp.ui.supervisor.menus import WindowMenus
    from deskapp.ui.widgets import Banner, ShortcutOverlay

# (action name, shortcuts, description) — the F1 overlay lists exactly these.
SHORTCUTS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("focus_search", ("Ctrl+L", "F3"), N_("Find a customer")),
    ("search_clipboard", ("Ctrl+Shift+V",), N_("Search for the phone, account or email on the clipboard")),
    ("new_case", ("Ctrl+N",), N_("New case for the open customer")),
    ("focus_note", ("Ctrl+E",), N_("Write in the note")),
    ("save_note", ("Ctrl+S",), N_("Save the note")),
    ("responses", ("Ctrl+R",), N_("Find a scripted response (Enter inserts it into the note)")),
    ("next_caller", ("Ctrl+Shift+N",), N_("Next caller: clear and search again")),
    ("privacy", ("Ctrl+Shift+P",), N_("Privacy mask on or off (hides phone, email, birth year, income)")),
    ("compact", ("Ctrl+Shift+M",), N_("Compact always-on-top window on or off")),
    ("language", ("Ctrl+Shift+L",), N_("Next user-interface language")),
    ("help", ("F1",), N_("Show these shortcuts")),
    ("quit", ("Ctrl+Q",), N_("Quit")),
)


RECONNECT_MS = 10_000


class MainWindow(QMainWindow):
    """Paints at once; the database opens in the background and the window becomes ready."""

    ready = Signal()
    failed = Signal(str)

    def __init__(self, db: str | None = None, follow_agent_language: bool = True, sign_in: bool = False) -> None:
        super().__init__()
        self._sign_in = sign_in  # ask who is at the station once the database is open
        self._follow_agent_language = follow_agent_language
        self.setObjectName("mainWindow")
        self._db = db
        self.desk: Any = None
        self.info: Any = None
        self.customer_id: int | None = None
        self._describe = _plain_description
        self._runner: JobRunner | None = None
        self.is_ready = False
        self.compact = False
        # Built after the first paint, or when first used (see the module docstring).
        self._panel: CustomerPanel | None = None
        self._notes: NoteEditor | None = None
        self._responses: ResponsePanel | None = None
        self._scripts: ScriptPanel | None = None
        self._menus: WindowMenus | None = None
        self._banner: Banner | None = None
        self._overlay: ShortcutOverlay | None = None
        self._banner_action = self._restore_drafts

        self.search = QLineEdit()
        self.search.setMinimumHeight(34)
        self.search.setStyleSheet("font-size:15px; padding:2px 6px;")
        self.results_model = ResultsModel()
        self._results_header: QStandardItemModel | None = QStandardItemModel(0, len(RESULT_TITLES), self)
        self.results = row_table(self._results_header)  # the results model takes over after the first paint
        # Fixed starting widths: ResizeToContents measures every cell of every result list, which
        # made painting 50 results cost 5-10x the lookup itself (bench/typing_latency.py).
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self._column_widths = (170, 95, 130, 230, 140, 70)
        self.results.setAlternatingRowColors(True)
        self.results_hint = QLabel()
        self.results_hint.setStyleSheet("color:#666;")
        # A fixed height: a new count must not re-lay-out the whole window on every keystroke.
        self.results_hint.setFixedHeight(self.results_hint.fontMetrics().height() + 6)

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
        self.actions_by_name: dict[str, QAction] = {}
        self._make_actions()

        self.search.textChanged.connect(self._on_search_text)
        self.search.returnPressed.connect(self.open_selected)
        self.search.installEventFilter(self)
        self.results.activated.connect(lambda _index: self.open_selected())
        self._offline_since = 0.0
        self._reconnect = QTimer(self)
        self._reconnect.setInterval(RECONNECT_MS)
        self._reconnect.timeout.connect(self.try_reconnect)
        self.setTabOrder(self.search, self.results)
        self.resize(1200, 760)
        self.split.setSizes([430, 770])
        self.retranslate_ui()
        self.search.setEnabled(True)
        self.search.setFocus()

    # --- built after the first paint ------------------------------------------------------
    def build_side_panels(self) -> None:
        """Build the customer, note, response and script panels and the signed-in menus (once)."""
        if self._panel is not None:
            return
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QSizePolicy

        from deskapp.ui.customer_panel import CustomerPanel
        from deskapp.ui.note_editor import NoteEditor
        from deskapp.ui.response_panel import ResponsePanel
        from deskapp.ui.script_panel import ScriptPanel
        from deskapp.ui.supervisor.menus import WindowMenus

        self.search.setClearButtonEnabled(True)  # its button shows only once there is text
        self._panel = panel = CustomerPanel()
        self._notes = notes = NoteEditor(self.runner, _DeskProxy(self), self.describe_error)
        self._responses = responses = ResponsePanel(self.runner, _DeskProxy(self), self._response_context,
                                                    self.describe_error)
        notes.side_tabs.insertTab(0, responses, _("Responses"))
        self._scripts = scripts = ScriptPanel(self.runner, _DeskProxy(self), self._response_context,
                                              self.describe_error)
        notes.side_tabs.insertTab(1, scripts, _("Call script"))
        notes.side_tabs.setCurrentIndex(0)
        scripts.finished.connect(lambda _result: notes.reload_notes())
        responses.insert_requested.connect(self._insert_response)
        self.results.setModel(self.results_model)
        self._results_header = None
        # Nothing about the results may change the window's layout while the rep types: a scroll
        # bar that comes and goes with the count resizes the list on the keystroke that crosses a
        # screenful, and a longer hint would raise the minimum width of everything around it.
        # Either made that keystroke repaint the whole window (bench/typing_latency.py).
        self.results.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.results_hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._fit_result_headers()
        self.right.setOrientation(Qt.Orientation.Vertical)
        self.right.replaceWidget(0, panel).deleteLater()
        self.right.addWidget(notes)
        self.right.setStretchFactor(0, 3)
        self.right.setStretchFactor(1, 2)
        self._menus = WindowMenus(self)  # case, account and supervisor menus (sign-in, reviews, PDF)

        panel.case_selected.connect(self._on_case_selected)
        panel.filter_changed.connect(lambda _open: self._load_cases())
        panel.status_requested.connect(self._change_status)
        panel.assign_requested.connect(self._assign)
        panel.new_case.submitted.connect(self._create_case)
        panel.edit_form.submitted.connect(self._save_customer)
        panel.conflict.resolved.connect(self._save_customer)
        panel.conflict.discarded.connect(lambda: self.customer_id and self.open_customer(self.customer_id))
        notes.storage_failed.connect(lambda reason: self.banner.show_message(reason, "error"))
        notes.note_saved.connect(lambda _note: self._banner.hide()
                                 if self._banner is not None and self._banner.kind == "error" else None)
        notes.went_offline.connect(self._offline)
        self.setTabOrder(self.results, panel.cases)
        self.setTabOrder(panel.cases, notes.editor)
        self.right.setSizes([310, 450])  # compact mode, if on, set its own sizes after this
        self.menus.retranslate_ui()
        self._update_status()

    @property
    def runner(self) -> JobRunner:
        """The one worker thread for database work (started by the first job)."""
        if self._runner is None:
            from deskapp.ui.jobs import JobRunner

            self._runner = JobRunner(self)
        return self._runner

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
            self._banner.action_clicked.connect(lambda: self._banner_action())
            self._central_layout.insertWidget(0, self._banner)
        return self._banner

    @property
    def overlay(self) -> ShortcutOverlay:
        """The F1 card of every shortcut (made when first asked for)."""
        if self._overlay is None:
            from deskapp.ui.widgets import ShortcutOverlay

            self._overlay = ShortcutOverlay(self._central, self._shortcut_rows())
        return self._overlay

    # --- start-up -------------------------------------------------------------------------
    def start(self, password: str | None = None, remember: bool = False) -> None:
        """Open the database in the background (imports SQLAlchemy off the paint path)."""
        self.statusBar().showMessage(_("Opening the database…"))
        db = self._db

        def open_desk() -> tuple[Any, Any, Any]:
            from deskapp.core.services.desk import Desk
            from deskapp.core.storage.engine import describe_storage_error

            desk = Desk(db)
            try:
                return desk, desk.open(password=password, remember=remember), describe_storage_error
            except Exception as exc:
                desk.close()  # a half-open desk (a server that wants a password) keeps no connection
                exc.describe = describe_storage_error  # type: ignore[attr-defined]
                raise

        self.runner.submit(open_desk, self._on_ready, self._on_open_failed)

    def _on_ready(self, result: tuple[Any, Any, Any]) -> None:
        self.desk, self.info, self._describe = result
        if self._sign_in:
            self.menus.ask_sign_in()
        else:
            self._become_ready()

    def signed_in(self, info: Any) -> None:
        """Someone signed in (or switched user): act as them from now on."""
        self.info = info
        self._become_ready()

    def _become_ready(self) -> None:
        from deskapp.core.security.permissions import allowed

        self.is_ready = True
        self.menus.set_role(self.info.agent_role)
        self.panel.new_case.station_channel = self.info.station_channel
        role = self.info.agent_role
        # An administrator works no cases: no response or script tab to fail in (deny by default).
        can_respond, can_script = allowed(role, "response.use"), allowed(role, "script.run")
        tabs = self.notes.side_tabs
        tabs.setTabVisible(tabs.indexOf(self.responses), can_respond)
        tabs.setTabVisible(tabs.indexOf(self.scripts), can_script)
        self.responses.active = can_respond
        self.responses.set_can_edit(allowed(role, "response.edit"))
        self.scripts.active = can_script
        if can_script:
            self.scripts.refresh_list()
        self.try_reconnect()  # drafts kept on this computer during an earlier outage
        if self._follow_agent_language and self.info.ui_locale and self.info.ui_locale != current_locale():
            switch_language(self.info.ui_locale)
        self.statusBar().showMessage(_("Ready"), 3000)
        self._update_status()
        if self.info.pending_drafts:
            self._offer_drafts()
        if self.search.text().strip():
            self._on_search_text(self.search.text())
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

    def _on_open_failed(self, exc: Exception) -> None:
        describe = getattr(exc, "describe", _plain_description)
        message = describe(exc)
        if type(exc).__name__ == "AuthenticationFailed":  # a team server that wants a password
            self._banner_action = self._ask_password
            self.banner.show_message(message, "warning", _("Enter password…"))
            self.statusBar().showMessage(_("Not connected"))
            return
        self.banner.show_message(_("The database could not be opened: {reason}").format(reason=message), "error")
        self.statusBar().showMessage(_("Not connected"))
        self.failed.emit(message)

    def _ask_password(self) -> None:
        """The team server's password: asked here, remembered in the keyring only if the rep says so."""
        from PySide6.QtWidgets import QInputDialog, QMessageBox

        password, ok = QInputDialog.getText(self, _("Database password"), _("Password for the team database:"),
                                            QLineEdit.EchoMode.Password)
        if not ok or not password:
            return
        remember = QMessageBox.question(self, _("Database password"),
                                        _("Remember this password on this computer?")) == \
            QMessageBox.StandardButton.Yes
        self.banner.hide()
        self._banner_action = self._restore_drafts
        self.start(password=password, remember=remember)

    def _offer_drafts(self) -> None:
        count = len(self.info.pending_drafts)
        from deskapp.core.i18n import ngettext

        text = ngettext("You have {n} unsaved note from last time. Nothing was lost.",
                        "You have {n} unsaved notes from last time. Nothing was lost.", count).format(n=count)
        self.banner.show_message(text, "warning", _("Open it"))

    def _restore_drafts(self) -> None:
        drafts = [d for d in (self.info.pending_drafts if self.info else ()) if d.case_id is not None]
        if not drafts:
            self.banner.hide()
            return
        draft = drafts[0]
        self.banner.hide()
        desk = self.desk
        self.runner.submit(lambda: desk.case_customer(draft.case_id),
                           lambda customer_id: self.open_customer(customer_id, select_case=draft.case_id),
                           self._show_error)

    # --- actions and shortcuts ------------------------------------------------------------
    def _make_actions(self) -> None:
        handlers = {
            "focus_search": self.focus_search, "search_clipboard": self.search_clipboard,
            "new_case": self.new_case, "focus_note": lambda: self.notes.editor.setFocus(),
            "save_note": lambda: self.notes.save_note(), "next_caller": self.next_caller,
            "privacy": self.toggle_privacy, "compact": self.toggle_compact,
            "help": lambda: self.overlay.popup(), "quit": self.close, "language": self.next_language,
            "responses": self.focus_responses,
        }
        for name, keys, _text in SHORTCUTS:
            action = QAction(self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setCheckable(name in {"privacy", "compact"})
            action.triggered.connect(handlers[name])
            self.addAction(action)
            self.actions_by_name[name] = action
        self.language_menu = self.menuBar().addMenu("")
        self.language_actions: dict[str, QAction] = {}
        for code, name in language_choices():
            action = self.language_menu.addAction(name)
            action.setCheckable(True)
            action.triggered.connect(lambda _checked=False, code=code: self.set_language(code))
            self.language_actions[code] = action
        self.view_menu = self.menuBar().addMenu("")
        for name in ("privacy", "compact", "help"):
            self.view_menu.addAction(self.actions_by_name[name])

    def set_language(self, code: str) -> None:
        """Switch the whole UI to ``code`` now, and remember it for this agent."""
        used = switch_language(code)
        if self.desk is not None:
            desk = self.desk
            self.runner.submit(lambda: desk.set_ui_locale(used), None, self._show_error)

    def next_language(self) -> None:
        """Ctrl+Shift+L: the next language in the menu."""
        codes = [code for code, _name in language_choices()]
        self.set_language(codes[(codes.index(current_locale()) + 1) % len(codes)])

    def retranslate_ui(self) -> None:
        """Every text of the window in the current UI language (called on LanguageChange)."""
        self.setWindowTitle(_("deskapp — service desk"))
        self.search.setPlaceholderText(_("Find a customer: name, phone, email or account number (Ctrl+L)"))
        self.search.setAccessibleName(_("Customer search"))
        self.results.setAccessibleName(_("Search results"))
        for name, keys, text in SHORTCUTS:
            self.actions_by_name[name].setText(_(text))
            self.actions_by_name[name].setToolTip(f"{_(text)} ({', '.join(keys)})")
        if self._overlay is not None:
            self._overlay.set_shortcuts(self._shortcut_rows())
        self.language_menu.setTitle(_("&Language"))
        self.view_menu.setTitle(_("&View"))
        for code, action in self.language_actions.items():
            action.setChecked(code == current_locale())
        if self._results_header is not None:  # the first frame's stand-in
            self._results_header.setHorizontalHeaderLabels([_(title) for title in RESULT_TITLES])
        else:
            self.results_model.retranslate()
        self._fit_result_headers()
        # Panels not built yet read the current language when they are.
        if self._panel is not None and self._notes is not None and self._responses is not None \
                and self._scripts is not None and self._menus is not None:
            self._panel.retranslate_ui()
            self._notes.retranslate_ui()
            self._responses.retranslate_ui()
            self._scripts.retranslate_ui()
            self._notes.side_tabs.setTabText(0, _("Responses"))
            self._notes.side_tabs.setTabText(1, _("Call script"))
            self._menus.retranslate_ui()
        if self._banner is not None:
            self._banner.retranslate_ui()
        self._update_status()
        self._update_hint()

    @staticmethod
    def _shortcut_rows() -> list[tuple[str, str]]:
        return [(" / ".join(keys), _(text)) for _name, keys, text in SHORTCUTS]

    def _fit_result_headers(self) -> None:
        """Each column at least as wide as its (translated) header; cells are never measured."""
        header = self.results.horizontalHeader()
        metrics = header.fontMetrics()
        for column, width in enumerate(self._column_widths):
            title = _(RESULT_TITLES[column])
            header.resizeSection(column, max(width, metrics.horizontalAdvance(title) + 24))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _update_status(self) -> None:
        parts = []
        if self.info is not None:
            parts.append(_("Signed in as {name}").format(name=self.info.agent_name))
        if self._panel is not None and self._panel.privacy:
            parts.append(_("Privacy mask on"))
        self.status_agent.setText(" · ".join(parts))

    def _update_hint(self, count: int | None = None) -> None:
        from deskapp.core.i18n import ngettext

        text = self.search.text().strip()
        if count is None or not text:
            self.results_hint.setText(_("Press F1 for keyboard shortcuts."))
        elif count == 0:
            self.results_hint.setText(_("No customer matches “{query}”.").format(query=text))
        else:
            self.results_hint.setText(ngettext("{n} customer found. Enter opens the selected one.",
                                               "{n} customers found. Enter opens the selected one.",
                                               count).format(n=count))

    # --- searching ------------------------------------------------------------------------
    def _on_search_text(self, text: str) -> None:
        if not self.is_ready:
            return
        query = text.strip()
        if not query:
            self.results_model.set_rows([])
            self._update_hint()
            return
        desk = self.desk
        self.runner.submit(lambda: desk.lookup(query), self._show_results, self._show_error, key="lookup")

    def _show_results(self, rows: list[Any]) -> None:
        self.results_model.set_rows(rows)
        if rows:
            self.results.selectRow(0)
        self._update_hint(len(rows))

    def focus_search(self) -> None:
        """Ctrl+L / F3: back to the search box, text selected for typing over."""
        self.search.setFocus()
        self.search.selectAll()

    def search_clipboard(self) -> None:
        """Ctrl+Shift+V: search for what is on the clipboard (a number copied from the phone system)."""
        text = (QGuiApplication.clipboard().text() or "").strip().splitlines()
        self.search.setText(text[0][:200] if text else "")
        self.focus_search()

    def open_selected(self) -> None:
        """Enter: open the selected (or first) result."""
        index = self.results.currentIndex()
        row = index.row() if index.isValid() else 0
        if row < self.results_model.rowCount():
            self.open_customer(self.results_model.row(row).customer_id)

    def eventFilter(self, watched: Any, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            from PySide6.QtCore import Qt

            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results_model.rowCount():
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(self.results.currentIndex().row() + step, self.results_model.rowCount() - 1))
                self.results.selectRow(row)
                return True
        return super().eventFilter(watched, event)

    # --- the open customer and cases ------------------------------------------------------
    def open_customer(self, customer_id: int, select_case: int | None = None) -> None:
        """Load the customer's profile and cases."""
        self.notes.flush()
        self.customer_id = customer_id
        desk, open_only = self.desk, self.panel.open_only
        self.runner.submit(lambda: (desk.profile(customer_id), desk.case_history(customer_id, open_only)),
                           lambda result: self._show_customer(customer_id, select_case, *result),
                           self._show_error, key="customer")

    def _show_customer(self, customer_id: int, select_case: int | None, profile: Any, cases: list[Any]) -> None:
        if customer_id != self.customer_id:
            return
        self.panel.show_profile(profile)
        self.panel.show_cases(cases, select_case)
        self.responses.refresh_preview()
        if select_case is not None:
            self.notes.editor.setFocus()
        else:
            self.panel.cases.setFocus()

    def _load_cases(self, select_case: int | None = None) -> None:
        if self.customer_id is None:
            return
        customer_id, desk, open_only = self.customer_id, self.desk, self.panel.open_only
        keep = select_case or getattr(self.panel.current_case(), "id", None)
        self.runner.submit(lambda: desk.case_history(customer_id, open_only),
                           lambda cases: self.panel.show_cases(cases, keep), self._show_error)

    def _on_case_selected(self, case: Any) -> None:
        case_id = case.id if case is not None else None
        if case_id != self.notes.case_id:
            self.notes.set_case(case_id)
            self.responses.refresh_preview()  # the customer and case fill in the placeholders

    def new_case(self) -> None:
        """Ctrl+N: the inline new-case form for the open customer."""
        if self.customer_id is not None:
            self.panel.new_case.open_form()

    def _create_case(self, subject: str, phase: Any, stage: Any, channel: Any, priority: Any) -> None:
        customer_id, desk = self.customer_id, self.desk
        if customer_id is None:
            return
        self.runner.submit(lambda: desk.open_case(customer_id, subject, phase, stage, channel, priority),
                           self._case_created, self._show_error)

    def _case_created(self, case: Any) -> None:
        self._load_cases(case.id)
        self.notes.editor.setFocus()

    def _save_customer(self, customer_id: int, changes: dict[str, str], version: int) -> None:
        desk = self.desk
        self.runner.submit(lambda: desk.update_customer(customer_id, changes, version),
                           self._customer_saved, self._customer_conflict)

    def _customer_saved(self, profile: Any) -> None:
        self.panel.edit_form.hide()
        self.panel.show_profile(profile)

    def _customer_conflict(self, exc: Exception) -> None:
        theirs = getattr(exc, "theirs", None)
        if theirs is None:  # not a conflict: an ordinary error, the form stays open with the text
            self._show_error(exc)
            return
        self.panel.edit_form.hide()
        self.panel.show_profile(theirs)
        self.panel.conflict.show_conflict(getattr(exc, "mine", {}), theirs)

    def _change_status(self, case: Any, status: Any) -> None:
        desk = self.desk
        self.runner.submit(lambda: desk.set_status(case.id, status, case.version_id),
                           lambda row: self._load_cases(row.id), self._conflict_or_error)

    def _assign(self, case: Any) -> None:
        if case is None:
            return
        desk = self.desk
        self.runner.submit(lambda: desk.assign_to_me(case.id, case.version_id),
                           lambda row: self._load_cases(row.id), self._conflict_or_error)

    def _conflict_or_error(self, exc: Exception) -> None:
        self._show_error(exc)
        self._load_cases()

    def describe_error(self, exc: Exception) -> str:
        """A sentence for the rep; the storage-aware describer arrives with the database."""
        return self._describe(exc)

    def _show_error(self, exc: Exception) -> None:
        self.banner.show_message(self.describe_error(exc), "error")

    # --- offline --------------------------------------------------------------------------
    def _offline(self) -> None:
        self._offline_since = time.monotonic()
        self.banner.show_message(_("The database server cannot be reached. Your notes are kept on this computer "
                                   "and sent as soon as it is back."), "warning")
        self.banner.kind = "offline"
        if not self._reconnect.isActive():
            self._reconnect.start()

    def try_reconnect(self) -> None:
        """Send the drafts kept on this computer; when all are through, the banner goes."""
        desk, asked = self.desk, time.monotonic()
        self.runner.submit(desk.flush_offline_drafts, lambda result: self._flushed(result, asked),
                           lambda _exc: None, key="reconnect")

    def _flushed(self, result: Any, asked: float) -> None:
        # Only a flush asked for after the outage began can tell that the server is back.
        if result.offline or result.remaining or asked < self._offline_since:
            return
        self._reconnect.stop()
        if self.banner.kind == "offline":
            self.banner.show_message(_("The database server is back. Your notes were saved."), "info")

    # --- scripted responses ---------------------------------------------------------------
    def _response_context(self) -> tuple[int | None, int | None]:
        return self.customer_id, self.notes.case_id

    def focus_responses(self) -> None:
        """Ctrl+R: the response search, beside the note."""
        self.notes.side_tabs.setCurrentWidget(self.responses)
        self.responses.search.setFocus()
        self.responses.search.selectAll()

    def _insert_response(self, text: str) -> None:
        if self.notes.case_id is None:
            QGuiApplication.clipboard().setText(text)
            self.banner.show_message(_("Open or create a case to write a note; the response was copied "
                                       "to the clipboard instead."), "info")
            return
        self.notes.editor.insertPlainText(text)
        self.notes.editor.setFocus()

    # --- modes ----------------------------------------------------------------------------
    def next_caller(self) -> None:
        """Ctrl+Shift+N: keep the note safe, clear the customer, search again."""
        self.notes.flush()
        self.notes.set_case(None)
        self.customer_id = None
        self.panel.show_profile(None)
        self.search.clear()
        self.focus_search()

    def toggle_privacy(self) -> None:
        """Mask personal data while the customer can see the screen."""
        on = not self.panel.privacy
        self.actions_by_name["privacy"].setChecked(on)
        self.panel.set_privacy(on)
        self.results_model.set_privacy(on)
        self._update_status()

    def toggle_compact(self) -> None:
        """A small always-on-top window: search, current customer and note."""
        self.compact = not self.compact
        self.actions_by_name["compact"].setChecked(self.compact)
        self._apply_compact()
        self.show()

    def _apply_compact(self) -> None:
        from PySide6.QtCore import Qt

        for widget in (self.panel.history, self.panel.details, self.notes.splitter.widget(1)):
            widget.setVisible(not self.compact and (widget is not self.panel.history or bool(self.panel.profile)))
        self.split.setOrientation(Qt.Orientation.Vertical if self.compact else Qt.Orientation.Horizontal)
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, self.compact)
        if self.compact:
            self.resize(440, 680)
            self.split.setSizes([200, 420])
            self.right.setSizes([self.panel.identity.sizeHint().height(), 400])
        else:
            self.resize(1200, 760)
            self.split.setSizes([430, 770])
            self.right.setSizes([310, 450])

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._notes is not None:
            self._notes.flush()
        if self._runner is not None:
            self._runner.close()
        if self.desk is not None:
            self.desk.close()
        super().closeEvent(event)


class _DeskProxy:
    """Lets the note editor call the desk that opens later, without holding a stale reference."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window

    def __getattr__(self, name: str) -> Any:
        return getattr(self._window.desk, name)


def _plain_description(exc: BaseException) -> str:
    message = getattr(exc, "message", None)
    return str(message or exc)
