"""What a rep needs to see (issue 17): capped lookups say so, references, masks, drafts, greetings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from deskapp.core.services.customers.store import CustomerRecord, write_customers
from deskapp.core.storage.engine import make_engine


def _names(window: Any) -> list[str]:
    model = window.results_model
    return [model.data(model.index(r, 0)) for r in range(model.rowCount())]


def test_a_capped_lookup_says_type_more(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    engine = make_engine(f"sqlite:///{desk_db}")
    write_customers(
        engine,
        [
            CustomerRecord(
                account_number=f"FI-1{i:05d}",
                brand_code="nordic",
                given_name=f"Aino{i:02d}",
                family_name="Mäki-Petäjä",
                preferred_locale="fi",
            )
            for i in range(60)
        ],
    )
    engine.dispose()
    window = open_window(str(desk_db))
    window.search.insert("maki")
    qtbot.waitUntil(lambda: "type more to narrow" in window.results_hint.text(), timeout=5000)
    assert window.results_hint.text().startswith("50 shown")
    assert any("Jukka Mäkinen" in name for name in _names(window))
    window.search.insert("nen")  # "makinen": one customer, no cap
    qtbot.waitUntil(lambda: "1 customer found" in window.results_hint.text(), timeout=5000)


def _open(qtbot: QtBot, window: Any, query: str, name: str) -> None:
    from PySide6.QtCore import Qt

    window.search.clear()
    window.search.insert(query)
    qtbot.waitUntil(lambda: any(name in n for n in _names(window)), timeout=5000)
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: name in window.panel.name.text(), timeout=5000)


def test_the_case_reference_is_in_the_case_table_and_note_header(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open(qtbot, window, "maki", "Jukka Mäkinen")
    qtbot.waitUntil(lambda: window.notes.case_id is not None, timeout=5000)
    model = window.panel.cases_model
    reference = model.row(0).reference
    assert reference.startswith("C-") and model.data(model.index(0, 0)) == reference
    assert reference in window.notes.title.text()
    # Typing the reference finds the case's customer.
    window.search.clear()
    window.search.insert(reference)
    qtbot.waitUntil(lambda: _names(window) == ["⚠ Jukka Mäkinen"], timeout=5000)


def test_the_privacy_mask_hides_the_typed_query_and_identifying_columns(qtbot: QtBot, open_window: Any,
                                                                        desk_db: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLineEdit

    from deskapp.ui.models import MASK

    window = open_window(str(desk_db))
    _open(qtbot, window, "+358 40 1234567", "Jukka Mäkinen")
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.search.echoMode() == QLineEdit.EchoMode.Password  # the caller's number is not on screen
    model = window.results_model
    assert model.data(model.index(0, 0)) == "⚠ Jukka M." and model.data(model.index(0, 1)) == MASK
    assert window.panel.name.text() == "Jukka M." and "FI-000001" not in window.panel.summary.text()
    window.search.setText("0000000000")
    qtbot.waitUntil(lambda: "No customer matches" in window.results_hint.text(), timeout=5000)
    assert "0000000000" not in window.results_hint.text()
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.search.echoMode() == QLineEdit.EchoMode.Normal
    assert "0000000000" in window.results_hint.text()


def test_the_restore_banner_offers_every_unsaved_note(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    from PySide6.QtCore import Qt

    def leave_draft(text: str) -> None:
        qtbot.waitUntil(lambda: window.notes.case_id is not None and window.notes.editing.isEnabled(), timeout=5000)
        qtbot.keyClicks(window.notes.editor, text)
        qtbot.waitUntil(lambda: window.notes.status.text().startswith("Draft kept"), timeout=5000)

    window = open_window(str(desk_db))
    _open(qtbot, window, "maki", "Jukka Mäkinen")
    leave_draft("First draft")
    assert window.notes.notes_list.count() == 0  # a draft is not a saved note, and does not say "Saved"
    _open(qtbot, window, "munoz", "Dolores Muñoz")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.panel.new_case.subject, "Address change")
    qtbot.keyClick(window.panel.new_case.subject, Qt.Key.Key_Return)
    leave_draft("Second draft")
    window.close()

    again = open_window(str(desk_db))
    assert again.banner.isVisible() and "2 unsaved notes" in again.banner.label.text()
    seen = set()
    for _round in range(2):
        again.banner.action.click()
        qtbot.waitUntil(lambda: again.notes.editor.toPlainText() in {"First draft", "Second draft"}
                        and again.notes.editor.toPlainText() not in seen, timeout=5000)
        seen.add(again.notes.editor.toPlainText())
    assert seen == {"First draft", "Second draft"} and not again.banner.isVisible()


def test_an_html_only_clipboard_pastes_its_text_or_says_why_not(qtbot: QtBot, open_window: Any,
                                                                desk_db: Path) -> None:
    from PySide6.QtCore import QMimeData
    from PySide6.QtGui import QGuiApplication, QImage

    window = open_window(str(desk_db))
    _open(qtbot, window, "maki", "Jukka Mäkinen")
    qtbot.waitUntil(window.notes.editing.isEnabled)
    html_only = QMimeData()
    html_only.setHtml("<p>Order <b>4711</b> was sent</p><p>twice</p>")
    assert not html_only.hasText()
    window.notes.editor.insertFromMimeData(html_only)
    assert window.notes.editor.toPlainText() == "Order 4711 was sent\ntwice"
    picture = QMimeData()
    picture.setImageData(QImage(4, 4, QImage.Format.Format_RGB32))
    window.notes.editor.insertFromMimeData(picture)
    assert "Nothing was pasted" in window.notes.status.text()
    # The search box's clipboard search (a number copied from a web page) reads HTML too.
    number = QMimeData()
    number.setHtml("<span>+358 40 1234567</span>")
    QGuiApplication.clipboard().setMimeData(number)
    window.search_clipboard()
    assert window.search.text() == "+358 40 1234567"


def test_change_details_edits_phones_emails_and_alerts(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open(qtbot, window, "maki", "Jukka Mäkinen")
    window.panel.edit_button.click()
    form = window.panel.edit_form
    assert form.inputs["phones"].text() == "+358 40 1234567"
    form.inputs["phones"].setText("+358 40 1234567; 12")
    form.save.click()
    qtbot.waitUntil(lambda: "Phone: \"12\" is not a valid phone number" in window.banner.label.text(), timeout=5000)
    assert form.isVisible()  # the form stays open with what was typed
    form.inputs["phones"].setText("+358 40 1234567; 050 111 2233")
    form.inputs["alerts"].setText("Hard of hearing; VIP")
    form.save.click()
    qtbot.waitUntil(lambda: not form.isVisible(), timeout=5000)
    assert "+358 50 1112233" in window.panel.details.text() and "VIP" in window.panel.alerts.text()


def test_dates_are_shown_in_the_medium_form(qtbot: QtBot) -> None:
    import datetime as dt

    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QDateEdit

    from deskapp.core.i18n.formatting import format_date, format_datetime
    from deskapp.ui.widgets import localise_date_edit

    moment = dt.datetime(2026, 10, 13, 14, 3, tzinfo=dt.UTC)
    assert format_date(moment, "en") == "Oct 13, 2026" and "/" not in format_datetime(moment, "en")
    assert format_datetime(moment, "en").startswith("Oct 13, 2026, ")
    edit = QDateEdit(QDate(2026, 10, 13))
    qtbot.addWidget(edit)
    localise_date_edit(edit)
    assert edit.text() == "Oct 13, 2026"


def test_an_unsaved_change_to_a_saved_note_is_restored_too(qtbot: QtBot, open_window: Any, desk_db: Path) -> None:
    window = open_window(str(desk_db))
    _open(qtbot, window, "maki", "Jukka Mäkinen")
    notes = window.notes
    qtbot.waitUntil(lambda: notes.editing.isEnabled() and notes.case_reference != "", timeout=5000)
    notes.editor.setPlainText("Router replaced")
    notes.save_note()
    qtbot.waitUntil(lambda: notes.status.text().startswith("Note saved") and notes.notes_list.count(), timeout=5000)
    window.notes.notes_list.setCurrentRow(0)
    qtbot.waitUntil(lambda: window.notes.note_id is not None, timeout=5000)
    window.notes.editor.moveCursor(window.notes.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(window.notes.editor, " and tested")
    qtbot.waitUntil(lambda: window.notes.status.text().startswith("Draft kept"), timeout=5000)
    window.close()

    again = open_window(str(desk_db))
    assert "1 unsaved note" in again.banner.label.text()
    again.banner.action.click()
    qtbot.waitUntil(lambda: again.notes.editor.toPlainText() == "Router replaced and tested", timeout=5000)
    assert again.notes.note_id is not None and "Editing a saved note" in again.notes.title.text()
