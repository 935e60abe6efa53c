"""An error or status message shown before a language switch is shown in the new language after it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from deskapp.core.errors import InvalidInput
from deskapp.core.i18n import _, load_catalog
from deskapp.core.services.cases import cases
from deskapp.core.services.customers import profile as customer_profiles
from deskapp.ui.language import switch_language

pytestmark = pytest.mark.usefixtures("english_afterwards")

SUBJECT = "Write a subject for the case."


def test_an_error_in_the_banner_follows_each_language_switch(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    desk = window.access.open_desk
    customer = desk.as_agent(customer_profiles.customer_profile, "FI-000001").customer_id
    with pytest.raises(InvalidInput) as raised:  # raised (and written) in English, on a real database
        desk.as_agent(cases.open_case, customer, "  ", "after", "troubleshooting", "phone")
    window.access.show_error(raised.value)
    banner = window.banner
    assert banner.label.text() == SUBJECT
    for code in ("fi", "es", "en"):
        switch_language(code)
        assert banner.label.text() == load_catalog(code).gettext(SUBJECT)
        assert banner.accessibleDescription() == banner.label.text()
    assert load_catalog("fi").gettext(SUBJECT) != SUBJECT  # the catalog is installed: the check above bit


def test_a_status_bar_message_follows_a_switch_while_it_is_shown(qtbot: QtBot, open_window: Any,
                                                                 desk_db: Path) -> None:
    window = open_window(str(desk_db))
    status = window.statusBar()
    window.connection.show_status(lambda: _("Not connected"))
    switch_language("fi")
    assert status.currentMessage() == load_catalog("fi").gettext("Not connected") != "Not connected"
    status.showMessage("someone else's message")  # not ours any more: left alone by the next switch
    switch_language("en")
    assert status.currentMessage() == "someone else's message"


def test_the_merge_dialog_says_its_error_again_in_the_new_language(qtbot: QtBot, open_window: Any,
                                                                   desk_db: Path) -> None:
    from deskapp.ui.merge_dialog import MergeDialog

    window = open_window(str(desk_db))
    customer = window.access.open_desk.as_agent(customer_profiles.customer_profile, "FI-000001").customer_id
    dialog = MergeDialog(window.access, customer, 999_999, window)  # the other customer does not exist
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: bool(dialog.message.text()), timeout=10000)
    english = dialog.message.text()
    switch_language("fi")
    assert dialog.message.text() not in ("", english)
    switch_language("en")
    assert dialog.message.text() == english
