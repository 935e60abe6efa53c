"""The knowledge base beside the note: find an article, read it in two languages, insert its short answer.

``??`` typed in the note, or Ctrl+K, opens :class:`KbSearchPopup` over the note: type words (accents
optional), arrows move, Enter inserts the selected article's short answer with its reference
("KB nordtel.router-restart") and links the article to the case; Esc closes. The article stays
open in :class:`KbPanel` in the rep's language with the customer's language beside it. A rep can
flag it as outdated or wrong; a supervisor can edit it or start a new article from the case's notes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.i18n import _, current_locale
from deskapp.ui.jobs import JobRunner
from deskapp.ui.kb_editor import ArticleEditor
from deskapp.ui.language import NATIVE_NAMES, translate_ui

if TYPE_CHECKING:
    from deskapp.core.services.desk import Desk
    from deskapp.core.services.knowledge.articles import ArticleSideBySide
    from deskapp.core.services.knowledge.search import SearchHit
    from deskapp.core.services.knowledge.usage import ArticleInsert, CustomerContext

Context = Callable[[], tuple[int | None, int | None]]
TRIGGER = "??"


class KbSearchPopup(QDialog):
    """The search over articles the note opens: Enter picks, Esc closes, arrows move."""

    picked = Signal(str)
    shown_key = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kbSearchPopup")
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.answer = QLabel()
        self.answer.setWordWrap(True)
        self.answer.setStyleSheet("color:#444;")
        self.hint = QLabel()
        self.hint.setStyleSheet("color:#777;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.answer)
        layout.addWidget(self.hint)
        self.search.installEventFilter(self)
        self.search.returnPressed.connect(self._pick)
        self.list.itemActivated.connect(lambda _item: self._pick())
        self.list.currentItemChanged.connect(lambda current, _prev: self._current_changed(current))
        self.resize(560, 380)
        translate_ui(self)

    def retranslate_ui(self) -> None:
        """Texts in the current UI language."""
        self.setWindowTitle(_("Knowledge base"))
        self.search.setPlaceholderText(_("Words to find, in any language (accents optional)"))
        self.search.setAccessibleName(_("Knowledge-base search"))
        for clear in self.search.findChildren(QToolButton):  # the box's clear button
            clear.setAccessibleName(_("Clear the search"))
        self.list.setAccessibleName(_("Articles found"))
        self.answer.setAccessibleName(_("Short answer"))
        self.hint.setText(_("Enter inserts the short answer into the note · Esc closes"))

    def show_hits(self, hits: list[SearchHit]) -> None:
        """Replace the list with ``hits`` (best first) and select the first."""
        self.list.clear()
        for hit in hits:
            item = QListWidgetItem(hit.title + ("" if hit.brand is None else f"  · {hit.brand}"))
            item.setData(Qt.ItemDataRole.UserRole, hit.key)
            item.setData(Qt.ItemDataRole.UserRole + 1, hit.short_answer)
            item.setToolTip(hit.short_answer)
            self.list.addItem(item)
        if hits:
            self.list.setCurrentRow(0)
        else:
            self.answer.setText(_("No articles found.") if self.search.text().strip() else "")

    def _current_changed(self, item: QListWidgetItem | None) -> None:
        self.answer.setText(str(item.data(Qt.ItemDataRole.UserRole + 1)) if item is not None else "")
        if item is not None:
            self.shown_key.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def _pick(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.picked.emit(str(item.data(Qt.ItemDataRole.UserRole)))
            self.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.list.count():
                step = 1 if key == Qt.Key.Key_Down else -1
                self.list.setCurrentRow(max(0, min(self.list.currentRow() + step, self.list.count() - 1)))
                return True
        return super().eventFilter(watched, event)


class KbPanel(QWidget):
    """The article beside the note, in the customer's language and the rep's; flag, edit, create."""

    insert_requested = Signal(str)
    failed = Signal(str)
    article_shown = Signal()

    def __init__(
        self,
        runner: JobRunner,
        desk: Desk,
        context: Context,
        describe: Callable[[Exception], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner, self._desk, self._context, self._describe = runner, desk, context, describe
        self.active = False
        self.key: str | None = None
        self._pair: ArticleSideBySide | None = None
        self._customer: CustomerContext | None = None
        self.popup = KbSearchPopup(self)
        self.popup.search.textChanged.connect(lambda _text: self.search_now())
        self.popup.shown_key.connect(self.show_article)
        self.popup.picked.connect(self.insert_article)
        self.open_search = QPushButton()
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight:600;")
        self.customer_label, self.rep_label = QLabel(), QLabel()
        for label in (self.customer_label, self.rep_label):
            label.setStyleSheet("color:#555; font-weight:600;")
        self.customer_text, self.rep_text = QTextBrowser(), QTextBrowser()
        for view in (self.customer_text, self.rep_text):
            view.setOpenLinks(False)  # a link never opens from the desk; the rep reads the address
            view.setTabChangesFocus(True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color:#8a5a00;")
        self.insert, self.flag, self.edit, self.from_case = QPushButton(), QPushButton(), QPushButton(), QPushButton()
        self.edit.hide()
        self.from_case.hide()
        self.editor = ArticleEditor(runner, desk, describe)
        self.editor.saved.connect(self.show_article)
        # Two rows: a supervisor's editing buttons beside the rep's would make the pane wider than
        # the window has room for in Finnish and Spanish (the window would grow past the screen).
        buttons = QHBoxLayout()
        buttons.addWidget(self.flag)
        buttons.addStretch(1)
        buttons.addWidget(self.insert)
        editing = QHBoxLayout()
        editing.addWidget(self.edit)
        editing.addWidget(self.from_case)
        editing.addStretch(1)
        self._sides = sides = QHBoxLayout()
        for label, view in ((self.customer_label, self.customer_text), (self.rep_label, self.rep_text)):
            column = QVBoxLayout()
            column.addWidget(label)
            column.addWidget(view, 1)
            sides.addLayout(column, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.open_search)
        layout.addWidget(self.title)
        layout.addLayout(sides, 1)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        layout.addLayout(editing)
        layout.addWidget(self.editor)
        self.open_search.clicked.connect(self.open_popup)
        self.insert.clicked.connect(lambda: self.insert_article(self.key) if self.key else None)
        self.flag.clicked.connect(self.flag_article)
        self.edit.clicked.connect(lambda: self.editor.open_for(self.key) if self.key else None)
        self.from_case.clicked.connect(self.article_from_case)
        self._show_pair(None)
        translate_ui(self)

    def retranslate_ui(self) -> None:
        """Texts in the current UI language; the rep's side follows the new language."""
        # Short enough for the pane beside the note in every language; the ?? way in the tooltip.
        self.open_search.setText(_("Search the knowledge base… (Ctrl+K)"))
        self.open_search.setToolTip(_("Search the knowledge base… (Ctrl+K), or type ?? in the note"))
        self.open_search.setAccessibleName(_("Search the knowledge base"))
        self.insert.setText(_("Insert short answer"))
        self.insert.setToolTip(_("Insert the short answer in the customer's language and link the article to the case"))
        self.flag.setText(_("Flag as outdated / wrong…"))
        self.edit.setText(_("Edit article…"))
        self.from_case.setText(_("New article from this case…"))
        self.customer_text.setAccessibleName(_("Article for the customer"))
        self.rep_text.setAccessibleName(_("Article for you"))
        if self._pair is not None:
            self._label(self._pair)
            if self.key:
                self.show_article(self.key)

    def set_role(self, can_flag: bool, can_edit: bool) -> None:
        """What the signed-in agent may do here (the core checks again)."""
        self.flag.setVisible(can_flag)
        self.edit.setVisible(can_edit)
        self.from_case.setVisible(can_edit)
        if not can_edit:
            self.editor.hide()

    # --- searching ------------------------------------------------------------------------
    def open_popup(self) -> None:
        """Ctrl+K or ``??``: the search over articles, on top of the note."""
        if not self.active:
            return
        customer_id, _case = self._context()
        desk = self._desk

        def loaded(found: CustomerContext) -> None:
            self._customer = found
            self.search_now()

        from deskapp.core.services.knowledge.usage import customer_context

        self._runner.submit(lambda: desk.as_agent(customer_context, customer_id), loaded, self._failed)
        self.popup.search.selectAll()
        self.popup.show()
        self.popup.activateWindow()
        self.popup.search.setFocus()

    def search_now(self) -> None:
        """Search with what is typed in the popup, the customer's brand first."""
        from deskapp.core.services.knowledge.search import search_articles

        query, desk, customer = self.popup.search.text(), self._desk, self._customer
        brand = customer.brand if customer is not None else None
        lang = current_locale()
        self._runner.submit(
            lambda: desk.as_agent(search_articles, query, lang=lang, brand=brand),
            self.popup.show_hits,
            self._failed,
            key="kb_search",
        )

    def watch_note(self, editor: QPlainTextEdit) -> None:
        """Open the search when ``??`` is typed in ``editor`` (the two marks are taken out again)."""

        def changed() -> None:
            cursor = editor.textCursor()
            block, position = cursor.block().text(), cursor.positionInBlock()
            if position >= len(TRIGGER) and block[position - len(TRIGGER) : position] == TRIGGER and self.active:
                for _mark in TRIGGER:
                    cursor.deletePreviousChar()
                self.open_popup()

        editor.textChanged.connect(changed)

    # --- showing an article ---------------------------------------------------------------
    def show_article(self, key: str) -> None:
        """Show ``key`` in the customer's language and, beside it, the rep's."""
        from deskapp.core.services.knowledge.articles import article_side_by_side

        self.key = key
        customer, desk, rep = self._customer, self._desk, current_locale()
        self._runner.submit(
            lambda: desk.as_agent(
                article_side_by_side,
                key,
                customer_locale=customer.locale if customer else None,
                rep_locale=rep,
                brand_default=customer.brand_locale if customer else None,
            ),
            self._show_pair,
            self._failed,
            key="kb_article",
        )

    def _show_pair(self, pair: ArticleSideBySide | None) -> None:
        from deskapp.core.services.knowledge.render import render_markdown

        self._pair = pair
        for widget in (self.title, self.customer_label, self.customer_text, self.insert, self.flag):
            widget.setVisible(pair is not None)
        self.problem.hide()
        if pair is None:
            for widget in (self.rep_label, self.rep_text):
                widget.hide()
            return
        self._label(pair)
        self.title.setText(pair.rep.title)
        self.customer_text.setHtml(_article_html(pair.customer.short_answer, render_markdown(pair.customer.body)))
        self.rep_text.setHtml(_article_html(pair.rep.short_answer, render_markdown(pair.rep.body)))
        self.rep_label.setVisible(not pair.same_language)
        self.rep_text.setVisible(not pair.same_language)
        self._sides.setStretch(1, 0 if pair.same_language else 1)  # one language: it takes the whole width
        if pair.customer.stale or pair.rep.stale:
            self.problem.setText(_("This translation is older than the article's source text."))
            self.problem.show()
        self.article_shown.emit()

    def _label(self, pair: ArticleSideBySide) -> None:
        self.customer_label.setText(
            _("For the customer ({language})").format(
                language=NATIVE_NAMES.get(pair.customer.locale, pair.customer.locale)
            )
        )
        self.rep_label.setText(
            _("For you ({language})").format(language=NATIVE_NAMES.get(pair.rep.locale, pair.rep.locale))
        )

    # --- using, flagging, writing ---------------------------------------------------------
    def insert_article(self, key: str) -> None:
        """The short answer in the customer's language with the reference, into the note; linked to the case."""
        from deskapp.core.services.knowledge.usage import use_article

        _customer_id, case_id = self._context()
        customer, desk = self._customer, self._desk
        self.show_article(key)
        self._runner.submit(
            lambda: desk.as_agent(
                use_article,
                key,
                case_id=case_id,
                locale=customer.locale if customer else None,
                brand_default=customer.brand_locale if customer else None,
            ),
            lambda inserted: self._inserted(inserted),
            self._failed,
        )

    def _inserted(self, inserted: ArticleInsert) -> None:
        self.insert_requested.emit(inserted.text)

    def flag_article(self) -> None:
        """Ask what is outdated or wrong, and report it to the supervisors."""
        from deskapp.core.services.knowledge.usage import flag_article

        key = self.key
        if key is None:
            return
        comment, ok = QInputDialog.getMultiLineText(
            self, _("Flag as outdated / wrong"), _("What is outdated or wrong? A supervisor will see it.")
        )
        if not ok or not comment.strip():
            return
        desk, locale = self._desk, self._pair.rep.locale if self._pair else current_locale()
        self._runner.submit(
            lambda: desk.as_agent(flag_article, key, comment, locale),
            lambda _flag: self._say(_("Thank you: the article is flagged for a supervisor.")),
            self._failed,
        )

    def article_from_case(self) -> None:
        """A new article whose first text is the open case's subject and notes (supervisors)."""
        from deskapp.core.services.knowledge.authoring import draft_from_case

        _customer_id, case_id = self._context()
        if case_id is None:
            self._say(_("Open a case first: its notes become the new article's text."))
            return
        desk, locale = self._desk, current_locale()
        self._runner.submit(
            lambda: desk.as_agent(draft_from_case, case_id, locale), self.editor.open_draft, self._failed
        )

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()

    def _failed(self, exc: Exception) -> None:
        self._say(self._describe(exc))
        self.failed.emit(self._describe(exc))


def _article_html(short_answer: str, body_html: str) -> str:
    from html import escape

    return f"<p><b>{escape(short_answer)}</b></p>{body_html}"
