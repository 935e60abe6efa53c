"""The knowledge base's search indexes: the same FTS5 index shape as the customer lookup's, on articles."""

from __future__ import annotations

from deskapp.core.search.fts import FtsIndex

# Articles are found by words of their titles (ranked first) and of all their text, with the
# customer lookup's prefix indexes: "sahko" would otherwise merge every term from "sahkoa" to
# "sahkolaskun" before reading a row (1.7 ms instead of 0.2 ms at 10,000 articles, bench/kb_search.py).
KB_INDEX = FtsIndex("kb_article_fts", "kb_article", ("title_text", "search_text"))
# PostgreSQL: trigram GIN indexes on the same normalised columns (index name -> column).
TRIGRAM_INDEXES = {"ix_kb_article_title_text_trgm": "title_text", "ix_kb_article_search_text_trgm": "search_text"}


def brand_token(brand_id: int | None) -> str:
    """The index word that says whose an article is: a brand's ("kbrandbc" for brand 12) or the whole desk's.

    Indexed with the article's words, so a search for one customer's brand is one more term for the
    full-text index to intersect, instead of a test of every matching row (bench/kb_search.py: a
    branded "sahko" 5.8 -> 1 ms at 10,000 articles). Letters only, as the index splits words from numbers.
    """
    if brand_id is None:
        return "kbranddesk"
    return "kbrand" + "".join(chr(ord("a") + int(digit)) for digit in str(brand_id))
