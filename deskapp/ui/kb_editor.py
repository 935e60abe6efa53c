"""Supervisors write knowledge-base articles: one language at a time, the others marked when out of date."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from deskapp.core.i18n import _
from deskapp.ui.editor_parts import LanguageEditor, label_rows
from deskapp.ui.jobs import JobRunner

if TYPE_CHECKING:
    from deskapp.core.services.desk import Desk
    from deskapp.core.services.knowledge.articles import ArticleDetail, ArticleText
    from deskapp.core.services.knowledge.authoring import ArticleDraft

_ROWS = ("key", "language", "title", "short", "body", "brand", "audience", "tags")


class ArticleEditor(LanguageEditor):
    """Inline editor for one article (no modal dialog): pick a language, change its texts, save."""

    def __init__(
        self, runner: JobRunner, desk: Desk, describe: Callable[[Exception], str], parent: QWidget | None = None
    ) -> None:
        super().__init__(runner, desk, describe, parent)
        self.detail: ArticleDetail | None = None
        self.key_edit = QLineEdit()
        self.short = QPlainTextEdit()
        self.short.setTabChangesFocus(True)
        self.short.setFixedHeight(60)
        self.brand = QLineEdit()
        self.audience = QComboBox()
        self.audience.addItem("", "customer")
        self.audience.addItem("", "internal")
        self.tags = QLineEdit()
        self._fields = (self.key_edit, self.locale_combo, self.title_edit, self.short, self.body, self.brand,
                        self.audience, self.tags)
        self.finish_form(self._fields, self.save_text)

    def _labels(self) -> tuple[str, ...]:
        return (
            _("Key"),
            _("Language"),
            _("Title"),
            _("Short answer"),
            _("Text (Markdown)"),
            _("Brand"),
            _("Audience"),
            _("Tags"),
        )

    def retranslate_ui(self) -> None:
        """Texts in the current UI language."""
        self.setTitle(_("Edit the article"))
        label_rows(self.form, list(zip(self._labels(), self._fields, strict=True)))
        self.brand.setPlaceholderText(_("empty: the whole desk"))
        self.tags.setPlaceholderText(_("comma-separated"))
        self.audience.setItemText(0, _("Customers (may be read out)"))
        self.audience.setItemText(1, _("Internal only"))
        self.retranslate_buttons()

    def open_for(self, key: str) -> None:
        """Load article ``key`` and show the editor."""
        from deskapp.core.services.knowledge.articles import get_article

        desk = self._desk
        self._runner.submit(lambda: desk.as_agent(get_article, key), self._loaded, self._failed)

    def open_draft(self, draft: ArticleDraft) -> None:
        """Start a new article from ``draft`` (a case's subject and notes)."""
        self.detail = None
        self.key_edit.setReadOnly(False)
        self.key_edit.setText(draft.key)
        self.locale_combo.setCurrentIndex(max(0, self.locale_combo.findData(draft.locale)))
        self.title_edit.setText(draft.title)
        self.short.setPlainText(draft.short_answer)
        self.body.setPlainText(draft.body)
        self.brand.setText(draft.brand or "")
        self.audience.setCurrentIndex(1)
        self.tags.clear()
        self.problem.clear()
        self.show_stale()
        self.show()
        self.title_edit.setFocus()

    def _loaded(self, detail: ArticleDetail) -> None:
        self.detail = detail
        self.key_edit.setText(detail.key)
        self.key_edit.setReadOnly(True)
        self.brand.setText(detail.brand or "")
        self.audience.setCurrentIndex(max(0, self.audience.findData(detail.audience.value)))
        self.tags.setText(", ".join(detail.tags))
        self.show_loaded()

    def fill(self) -> None:
        """Show the chosen language's title, short answer and text."""
        if self.detail is None:
            return
        variant = self.detail.variant(self.locale_combo.currentData())
        self.title_edit.setText(variant.title if variant else "")
        self.short.setPlainText(variant.short_answer if variant else "")
        self.body.setPlainText(variant.body if variant else "")
        self.show_stale()

    def translations(self) -> Iterable[ArticleText]:
        """The article's texts (none for a new article)."""
        return self.detail.variants if self.detail is not None else ()

    def save_text(self) -> None:
        """Save the shown language (a new version); problems are shown and the text is kept."""
        from deskapp.core.services.knowledge.articles import get_article, save_article

        key, locale, desk = self.key_edit.text().strip(), self.locale_combo.currentData(), self._desk
        title, short, body = self.title_edit.text(), self.short.toPlainText(), self.body.toPlainText()
        brand, audience = self.brand.text().strip() or None, self.audience.currentData()
        tags = [t.strip() for t in self.tags.text().split(",") if t.strip()]

        def work() -> ArticleDetail:
            desk.as_agent(
                save_article,
                key,
                locale,
                title=title,
                short_answer=short,
                body=body,
                brand=brand,
                audience=audience,
                tags=tags,
            )
            return desk.as_agent(get_article, key)

        self._runner.submit(work, self._saved, self._failed)

    def _saved(self, detail: ArticleDetail) -> None:
        self.detail = detail
        self.key_edit.setReadOnly(True)
        self.show_saved(detail.key)

    def _failed(self, exc: Exception) -> None:
        self.problem.setText(self._describe(exc))
