"""What changed between two revisions of a note, as chunks a view can colour.

The diff is computed with :mod:`difflib` over words (default: words, the spaces between them and
punctuation, so an edited figure shows as one deleted and one inserted word) or over whole lines.
A replaced run comes out as a ``delete`` chunk followed by an ``insert`` chunk; joining the
``equal`` and ``delete`` chunks gives the old text, ``equal`` and ``insert`` the new one.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.domain.models import Agent, NoteRevision
from deskapp.core.errors import RecordNotFound
from deskapp.core.i18n import later
from deskapp.core.security.permissions import require

Op = Literal["equal", "insert", "delete"]
_WORDS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True, slots=True)
class DiffChunk:
    """A run of text that is unchanged, added or removed."""

    op: Op
    text: str


@dataclass(frozen=True, slots=True)
class RevisionMeta:
    """Who wrote a revision, and when."""

    number: int
    author_id: int
    author_name: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class NoteDiff:
    """The change from revision ``old`` to revision ``new`` of a note."""

    note_id: int
    old: RevisionMeta
    new: RevisionMeta
    chunks: tuple[DiffChunk, ...]


def diff_texts(old: str, new: str, granularity: Literal["word", "line"] = "word") -> tuple[DiffChunk, ...]:
    """The chunks that turn ``old`` into ``new`` (adjacent chunks of one kind merged)."""
    split = (lambda text: text.splitlines(keepends=True)) if granularity == "line" else _WORDS.findall
    a, b = split(old), split(new)
    chunks: list[DiffChunk] = []

    def add(op: Op, parts: list[str]) -> None:
        text = "".join(parts)
        if not text:
            return
        if chunks and chunks[-1].op == op:
            chunks[-1] = DiffChunk(op, chunks[-1].text + text)
        else:
            chunks.append(DiffChunk(op, text))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            add("equal", a[i1:i2])
        else:
            add("delete", a[i1:i2])
            add("insert", b[j1:j2])
    return tuple(chunks)


def note_diff(session: Session, actor_id: int, note_id: int, from_rev: int, to_rev: int, *,
              granularity: Literal["word", "line"] = "word") -> NoteDiff:
    """Compare revision ``from_rev`` of a note with revision ``to_rev`` (``note.history``).

    Raises:
        RecordNotFound: The note has no such revision.
    """
    require(session, actor_id, "note.history")
    query = (select(NoteRevision, Agent.display_name).join(Agent, Agent.id == NoteRevision.author_id)
             .where(NoteRevision.note_id == note_id, NoteRevision.number.in_((from_rev, to_rev))))
    found = {rev.number: (rev, name) for rev, name in session.execute(query)}
    if from_rev not in found or to_rev not in found:
        raise RecordNotFound(later("This note has no revision {number}.",
                                   number=from_rev if from_rev not in found else to_rev))
    (old, old_name), (new, new_name) = found[from_rev], found[to_rev]
    return NoteDiff(
        note_id=note_id,
        old=RevisionMeta(old.number, old.author_id, old_name, old.created_at),
        new=RevisionMeta(new.number, new.author_id, new_name, new.created_at),
        chunks=diff_texts(old.body, new.body, granularity),
    )
