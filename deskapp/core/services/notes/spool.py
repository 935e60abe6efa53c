"""Drafts kept on this computer while the team's database server is away.

:class:`LocalDraftSpool` keeps the note drafts autosaved while offline in a JSON-lines file in
the user data folder, written atomically and fsynced, one draft per (agent, case, note) as on
the server. :meth:`LocalDraftSpool.flush` hands them to the server when it is back. Flushing is
idempotent: a draft is an upsert on the server, and it leaves the spool only after its
transaction committed, so a crash in between writes the same text again, never a second copy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
import threading
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from deskapp.core.config import data_dir
from deskapp.core.domain.models import Draft
from deskapp.core.errors import DeskappError, RecordErased
from deskapp.core.services.notes import notes
from deskapp.core.storage.connectivity import is_connection_error

SPOOL_NAME = "offline-drafts.jsonl"

# SQLSTATE classes and codes that mean the connection, not the statement, failed: 08 connection
# exception; 57P01-57P03 server shutting down or starting; 53300 too many connections.

@dataclass(frozen=True, slots=True)
class SpooledDraft:
    """A draft typed while offline."""

    uid: str
    agent_id: int
    case_id: int | None
    note_id: int | None
    body: str
    saved_at: str  # ISO 8601, UTC
    desk: str = ""  # the desk it was typed on (Desk.desk_id); "" in spools written before it was kept

    @property
    def key(self) -> tuple[int, int | None, int | None]:
        """One draft per agent, case and note, as on the server."""
        return (self.agent_id, self.case_id, self.note_id)


@dataclass(frozen=True, slots=True)
class FlushResult:
    """What :meth:`LocalDraftSpool.flush` did."""

    saved: int = 0
    skipped_newer: int = 0  # the server already had a newer draft for the same note
    failed: int = 0  # refused by the server (e.g. the case is gone); kept in the spool
    remaining: int = 0
    offline: bool = False  # the server went away again during the flush


class LocalDraftSpool:
    """Drafts kept on this computer while the server is unreachable (see the module docstring).

    Safe to use from several threads of one process; one deskapp process per user data folder.
    """

    def __init__(self, path: Path | None = None) -> None:
        """Use ``path``, by default ``offline-drafts.jsonl`` in the user data folder."""
        self.path = path if path is not None else data_dir() / SPOOL_NAME
        self._lock = threading.Lock()

    def save(self, agent_id: int, case_id: int | None, body: str, note_id: int | None = None, *,
             desk: str = "") -> SpooledDraft:
        """Keep the text being typed; replaces the previous offline draft of the same note.

        Returns once the spool file is on disk (written to a temporary file, fsynced, renamed).
        """
        draft = SpooledDraft(uid=uuid.uuid4().hex, agent_id=agent_id, case_id=case_id, note_id=note_id,
                             body=body.replace("\x00", ""), saved_at=_now(), desk=desk)
        with self._lock:
            drafts = [d for d in self._read() if d.key != draft.key]
            drafts.append(draft)
            self._write(drafts)
        return draft

    def pending(self) -> list[SpooledDraft]:
        """The drafts not yet handed to the server, oldest first."""
        with self._lock:
            return self._read()

    def flush(self, session_factory: Callable[[], Session], agent_id: int, desk: str = "") -> FlushResult:
        """Save the signed-in agent's spooled drafts of this desk on it (as :func:`notes.save_draft`) and forget them.

        Only drafts typed by ``agent_id`` on the desk ``desk`` are sent: the spool file is plain
        text in the user's folder, so a draft is never trusted to say who wrote it or where, and a
        draft kept from a database that was deleted or replaced never lands on the wrong case of
        another one. A server draft newer than the spooled one wins (the rep typed on after
        reconnecting). Stops at the first connection error; what is left stays for the next flush.
        """
        saved = skipped = failed = 0
        offline = False
        mine = [d for d in self.pending() if d.agent_id == agent_id and d.desk in ("", desk)]
        for draft in mine:
            try:
                with session_factory() as session:
                    if _server_is_newer(session, draft):
                        skipped += 1
                    else:
                        notes.save_draft(session, draft.agent_id, draft.case_id, draft.body, draft.note_id)
                        saved += 1
            except RecordErased:  # the customer was erased: the text must not outlive them here either
                self._forget(draft.uid)
                failed += 1
                continue
            except (DeskappError, IntegrityError):  # the case or note is gone, the agent disabled
                failed += 1
                continue
            except Exception as exc:
                if is_connection_error(exc):
                    offline = True
                    break
                raise
            self._forget(draft.uid)
        return FlushResult(saved=saved, skipped_newer=skipped, failed=failed,
                           remaining=len(self.pending()), offline=offline)

    def forget_cases(self, case_ids: set[int], note_ids: set[int]) -> int:
        """Drop every spooled draft of these cases or notes (an erased customer's); returns how many."""
        with self._lock:
            drafts = self._read()
            kept = [d for d in drafts if d.case_id not in case_ids and d.note_id not in note_ids]
            if len(kept) != len(drafts):
                self._write(kept)
        return len(drafts) - len(kept)

    def _forget(self, uid: str) -> None:
        with self._lock:
            self._write([d for d in self._read() if d.uid != uid])

    def _read(self) -> list[SpooledDraft]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        drafts = []
        for line in lines:
            with contextlib.suppress(ValueError, TypeError, KeyError):  # a torn line is skipped, not fatal
                drafts.append(SpooledDraft(**json.loads(line)))
        return drafts

    def _write(self, drafts: list[SpooledDraft]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = "".join(json.dumps(asdict(d), ensure_ascii=False) + "\n" for d in drafts)
        fd, tmp = tempfile.mkstemp(prefix=".offline-drafts.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _fsync_dir(self.path.parent)


def _server_is_newer(session: Session, draft: SpooledDraft) -> bool:
    query = select(Draft.saved_at).where(Draft.agent_id == draft.agent_id)
    query = query.where(Draft.case_id.is_(None) if draft.case_id is None else Draft.case_id == draft.case_id)
    query = query.where(Draft.note_id.is_(None) if draft.note_id is None else Draft.note_id == draft.note_id)
    newest = session.scalars(query.order_by(Draft.saved_at.desc()).limit(1)).first()
    if newest is None:
        return False
    spooled = dt.datetime.fromisoformat(draft.saved_at)
    server = newest if newest.tzinfo is not None else newest.replace(tzinfo=dt.UTC)
    return server > spooled


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _fsync_dir(folder: Path) -> None:
    # The rename is durable only once the folder's entry is on disk (POSIX); Windows has no
    # directory handles to sync and its rename is already durable.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
