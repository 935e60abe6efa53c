"""Article Markdown to HTML that is safe to show: markdown-it-py parses, nh3 keeps only an allow-list.

Raw HTML in the Markdown is not interpreted (it comes out as text), and the HTML markdown-it-py
writes is then cleaned by nh3 (ammonia): no ``<script>``, no event attributes, no
``javascript:``/``data:`` links. Images are never loaded: an image becomes its alt text, so an
article cannot make the desk fetch a remote address (a tracking pixel, a leak of who read what).
Tables are bounded (rows and columns) so a pasted spreadsheet cannot freeze the panel, and so is
the text parsed at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from deskapp.core.i18n import _

MAX_MARKDOWN_CHARS = 100_000
MAX_TABLE_ROWS = 50
MAX_TABLE_COLUMNS = 8
ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "strong",
        "em",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "s",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.add_render_rule("image", _image_as_text)
    return md


def _image_as_text(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    alt = "".join(child.content for child in tokens[idx].children or ())
    return escapeHtml(_("[image: {alt}]").format(alt=alt or "?"))


_MD = _parser()


def bound_tables(tokens: list[Token]) -> list[Token]:
    """``tokens`` with every table cut to :data:`MAX_TABLE_ROWS` rows and :data:`MAX_TABLE_COLUMNS` columns.

    A cut table ends with one row saying how many rows were left out.
    """
    kept: list[Token] = []
    rows = cells = hidden_rows = 0
    skip_row = skip_cell = False
    for token in tokens:
        kind = token.type
        if kind == "table_open":
            rows = hidden_rows = 0
        elif kind == "tr_open":
            rows += 1
            cells = 0
            skip_row = rows > MAX_TABLE_ROWS + 1  # the header row does not count
            hidden_rows += skip_row
        elif kind in ("th_open", "td_open"):
            cells += 1
            skip_cell = cells > MAX_TABLE_COLUMNS
        if kind == "table_close" and hidden_rows:
            kept.extend(_more_rows_note(hidden_rows))
        if not (skip_row or skip_cell):
            kept.append(token)
        if kind == "tr_close":
            skip_row = False
        elif kind in ("th_close", "td_close"):
            skip_cell = False
    return kept


def _more_rows_note(hidden: int) -> list[Token]:
    text = Token("text", "", 0, content=_("… {count} more rows not shown").format(count=hidden))
    inline = Token("inline", "", 0, content=text.content, children=[text])
    return [
        Token("tbody_open", "tbody", 1),
        Token("tr_open", "tr", 1),
        Token("td_open", "td", 1),
        inline,
        Token("td_close", "td", -1),
        Token("tr_close", "tr", -1),
        Token("tbody_close", "tbody", -1),
    ]


def render_markdown(text: str) -> str:
    """Safe HTML for an article body (see the module's notes); over-long text is cut first."""
    tokens = bound_tables(_MD.parse(text[:MAX_MARKDOWN_CHARS]))
    html = _MD.renderer.render(tokens, _MD.options, {})
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    )


def plain_text(text: str) -> str:
    """The words of an article body without Markdown markup (for notes, search and previews)."""
    words: list[str] = []
    for token in _MD.parse(text[:MAX_MARKDOWN_CHARS]):
        if token.type == "inline":
            words.extend(child.content for child in token.children or () if child.type in ("text", "code_inline"))
        elif token.type in ("fence", "code_block"):
            words.append(token.content)
    return " ".join(" ".join(words).split())
