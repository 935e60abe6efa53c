"""Supervisors edit a response's text per language; broken templates are refused with line numbers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from deskapp.core.i18n import _, language_name
from deskapp.ui.editor_parts import LanguageEditor, label_rows
from deskapp.ui.jobs import JobRunner

if TYPE_CHECKING:
    from deskapp.core.services.desk import Desk
    from deskapp.core.services.responses.responses import ResponseDetail, VariantRow


class ResponseEditor(LanguageEditor):
    """Inline editor for one response: pick a language, change title and text, save (no modal dialog)."""

    def __init__(self, runner: JobRunner, desk: Desk, describe: Callable[[Exception], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, desk, describe, parent)
        self.detail: ResponseDetail | None = None
        self.finish_form((self.locale_combo, self.title_edit, self.body), self.save_variant)

    def retranslate_ui(self) -> None:
        """Texts in the current UI language."""
        for index in range(self.locale_combo.count()):  # the language a variant is written in
            self.locale_combo.setItemText(index, language_name(str(self.locale_combo.itemData(index))))
        self.setTitle(_("Edit the response"))
        label_rows(self.form, ((_("Language"), self.locale_combo), (_("Title"), self.title_edit),
                               (_("Text"), self.body)))
        self.retranslate_buttons()

    def open_for(self, key: str) -> None:
        """Load response ``key`` and show the editor."""
        desk = self._desk
        self._runner.submit(lambda: desk.response_detail(key), self._loaded, self._failed)

    def _loaded(self, detail: ResponseDetail) -> None:
        self.detail = detail
        self.show_loaded()

    def fill(self) -> None:
        """Show the chosen language's title and text."""
        if self.detail is None:
            return
        variant = self.detail.variant(self.locale_combo.currentData())
        self.title_edit.setText(variant.title if variant else self.detail.title)
        self.body.setPlainText(variant.body if variant else "")
        self.show_stale()

    def translations(self) -> Iterable[VariantRow]:
        """The response's variants (none before one is loaded)."""
        return self.detail.variants if self.detail is not None else ()

    def save_variant(self) -> None:
        """Save the shown language; problems (with line numbers) are shown and the text is kept."""
        if self.detail is None:
            return
        key, locale, desk = self.detail.key, self.locale_combo.currentData(), self._desk
        title, body = self.title_edit.text().strip(), self.body.toPlainText()
        self._runner.submit(lambda: (desk.save_variant(key, locale, title, body), desk.response_detail(key)),
                            lambda result: self._saved(result[1]), self._failed)

    def _saved(self, detail: ResponseDetail) -> None:
        self.detail = detail
        self.show_saved(detail.key)

    def _failed(self, exc: Exception) -> None:
        lines = [self._describe(exc)]
        lines += [p.message for p in getattr(exc, "problems", ())]
        self.problem.setText("\n".join(dict.fromkeys(lines)))
