"""What the main window builds after its first paint, and how the parts are wired to it.

The customer panel above the note; beside the note the responses, the call script and the
knowledge base (tabs the window adds to the note editor's saved notes); the phone tab beside the
search results with its menu and due callbacks; the customer rating screen; and the Case,
Account, Supervisor and Admin menus. :func:`build_side_panels` makes them once and connects them
to the window and to each other; :class:`SidePanels` holds them and shows or hides the tabs the
signed-in role may use. The window keeps its own names for the parts (``window.panel``,
``window.notes`` …), as tests, bench/*.py and scripts/*.py use them.

Imported on first use only (``MainWindow.build_side_panels``): the first frame never loads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea

from deskapp.core.i18n import _
from deskapp.core.security.permissions import allowed
from deskapp.ui.customer_panel import CustomerPanel
from deskapp.ui.kb_panel import KbPanel
from deskapp.ui.note_editor import NoteEditor
from deskapp.ui.phone_station import PhoneStation
from deskapp.ui.response_panel import ResponsePanel
from deskapp.ui.script_panel import ScriptPanel
from deskapp.ui.survey_launcher import SurveyLauncher
from deskapp.ui.window_menus import WindowMenus

if TYPE_CHECKING:
    from deskapp.core.domain.enums import Role
    from deskapp.ui.main_window import MainWindow

# The tabs the window puts beside the note, in their order, before the note editor's saved notes.
RESPONSES_TAB, SCRIPT_TAB, KNOWLEDGE_TAB = 0, 1, 2


@dataclass
class SidePanels:
    """The parts built after the first paint."""

    panel: CustomerPanel
    panel_scroll: QScrollArea  # the customer panel scrolls in its pane
    notes: NoteEditor
    responses: ResponsePanel
    scripts: ScriptPanel
    knowledge: KbPanel
    menus: WindowMenus
    phone: PhoneStation
    survey: SurveyLauncher

    def offer_role(self, role: Role) -> None:
        """Show the tabs ``role`` may use: an administrator works no cases (deny by default)."""
        can_respond, can_script = allowed(role, "response.use"), allowed(role, "script.run")
        tabs = self.notes.side_tabs
        tabs.setTabVisible(tabs.indexOf(self.responses), can_respond)
        tabs.setTabVisible(tabs.indexOf(self.scripts), can_script)
        self.responses.active = can_respond
        self.responses.set_can_edit(allowed(role, "response.edit"))
        self.scripts.active = can_script
        self.knowledge.active = allowed(role, "kb.use")
        tabs.setTabVisible(tabs.indexOf(self.knowledge), self.knowledge.active)
        self.knowledge.set_role(allowed(role, "kb.flag"), allowed(role, "kb.edit"))
        if can_script:
            self.scripts.refresh_list()

    def retranslate_tabs(self) -> None:
        """The titles of the tabs the window put beside the note."""
        tabs = self.notes.side_tabs
        tabs.setTabText(RESPONSES_TAB, _("Responses"))
        tabs.setTabText(SCRIPT_TAB, _("Call script"))
        tabs.setTabText(KNOWLEDGE_TAB, _("Knowledge base"))
        tabs.setTabToolTip(KNOWLEDGE_TAB, _("Knowledge base"))  # the tab's text may be cut


def build_side_panels(window: MainWindow) -> SidePanels:
    """Make the parts, put them in ``window`` and connect them (once per window)."""
    access, describe, context = window.access, window.access.describe_error, window.case_flow.response_context
    panel = CustomerPanel()
    notes = NoteEditor(access.runner, access.late_desk(), describe)
    responses = ResponsePanel(access.runner, access.late_desk(), context, describe)
    scripts = ScriptPanel(access.runner, access.late_desk(), context, describe)
    knowledge = KbPanel(access.runner, access.late_desk(), context, describe)
    notes.side_tabs.insertTab(RESPONSES_TAB, responses, _("Responses"))
    notes.side_tabs.insertTab(SCRIPT_TAB, scripts, _("Call script"))
    notes.side_tabs.insertTab(KNOWLEDGE_TAB, knowledge, _("Knowledge base"))
    knowledge.watch_note(notes.editor)
    knowledge.insert_requested.connect(window.case_flow.insert_into_note)
    knowledge.article_shown.connect(lambda: notes.side_tabs.setCurrentWidget(knowledge))
    notes.side_tabs.setCurrentIndex(RESPONSES_TAB)
    scripts.finished.connect(lambda _result: notes.reload_notes())
    window.customer_search.use_results_model()
    window.right.setOrientation(Qt.Orientation.Vertical)
    panel_scroll = window.layout_memory.place_panel(panel)  # in place of the first frame's stand-in
    window.right.addWidget(notes)
    window.right.setStretchFactor(0, 3)
    window.right.setStretchFactor(1, 2)
    # The case, account and supervisor menus (sign-in, reviews, PDF).
    menus = WindowMenus(access, window, lambda: (notes.case_id, notes.case_reference), window.offers_sign_in)
    menus.signed_in.connect(window.signed_in)
    menus.switching_user.connect(window.next_caller)
    menus.language_chosen.connect(window.set_language)
    menus.signed_out.connect(window.update_status)
    # The phone tab beside the results, its menu (after Case and Account), `deskapp call`, due callbacks.
    phone = PhoneStation(access, window, window.split, window.search, open_customer=window.open_customer,
                         context=context)
    window.modes.privacy_changed.connect(phone.set_privacy)
    window.case_flow.attach(panel, notes, responses)
    survey = SurveyLauncher(access, window, lambda: notes.case_id, window.view_menu)
    panel.rating_requested.connect(lambda _case: survey.start())
    window.modes.attach(panel, notes)
    notes.storage_failed.connect(access.show_error)
    notes.note_saved.connect(window.note_saved)
    notes.went_offline.connect(window.connection.offline)
    window.setTabOrder(window.results, panel.cases)
    window.setTabOrder(panel.cases, notes.editor)
    window.layout_memory.attach(panel)  # the divider above the note follows the customer shown
    return SidePanels(panel, panel_scroll, notes, responses, scripts, knowledge, menus, phone, survey)
