"""The knowledge base's search indexes: the same FTS5 index shape as the customer lookup's, on articles."""

from __future__ import annotations

from deskapp.core.search.fts import FtsIndex

# Articles are found by words of their titles (ranked first) and of all their text, with the
# customer lookup's prefix indexes: "sahko" would otherwise merge every term from "sahkoa" to
# "sahkolaskun" before reading a row (1.7 ms instead of 0.2 ms at 10,000 articles, bench/kb_search.py).
KB_INDEX = FtsIndex("kb_article_fts", "kb_article", ("title_text", "search_text"))
# PostgreSQL: trigram GIN indexes on the same normalised columns (index name -> column).
TRIGRAM_INDEXES = {"ix_kb_article_title_text_trgm": "title_text", "ix_kb_article_search_text_trgm": "search_text"}

