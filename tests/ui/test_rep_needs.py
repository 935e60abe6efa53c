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
