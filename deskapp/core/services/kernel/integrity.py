"""The keyed hash chains behind the desk's history: the key, the hashes, and linking audit events.

Note revisions and audit events are append-only in the database itself (migrations 0004 and
0007); the chains are the second line of defence, for someone who drops those triggers. Each
hash is an HMAC-SHA256 under the desk's own random key, kept in the ``desk_secret`` table.

Why the key lives in the database: the CLI, CI and a team sharing a PostgreSQL server have no
common keyring, and a key kept on one computer would leave every other desk unable to verify.
What that buys, honestly: someone who changes a body without reading the key (a SQL console or
role without access to ``desk_secret``, a script working on exported rows, a careless fix) cannot
make the chain agree again. Someone who holds the whole database (a copy of the SQLite file, the
owner's PostgreSQL role) holds the key too and can rewrite history consistently; only backups
kept elsewhere defend against that. Neither chain notices its newest entries being removed
(nothing after them points back), except that ``deskapp verify`` compares each note with what
the audit log says was written.

Audit events are chained in the order of their ids. An event is linked when its session flushes
(:func:`_link_new_audit_events`), under a lock held until commit (an advisory lock on PostgreSQL,
SQLite's write lock), so two desks writing at once never link to the same predecessor; should
anything write without the lock, the unique index on ``prev_hash`` refuses the fork.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, event, insert, select, text
from sqlalchemy.orm import Session, UOWTransaction

from deskapp.core.domain.audit import AuditEvent, DeskSecret
from deskapp.core.domain.base import PG_WRITE_LOCK_ID, utcnow

KEY_NAME = "chain"
# The predecessor of the first audit event: a value no real hash has, so it is unique too.
GENESIS = "0" * 64
# deskapp's audit-chain lock among the server's advisory locks (case numbering shares it).
_PG_LOCK_ID = PG_WRITE_LOCK_ID
# Fields are joined with NUL, which never occurs in a stored body (it is stripped) nor in JSON
# text (it is escaped), so no two different field tuples hash the same text.
_SEPARATOR = "\x00"


# What an erased revision's body becomes (``deskapp customers erase``); migration 0011 lets exactly
# this one change through the append-only trigger.
ERASED_BODY = "[erased]"


@dataclass(frozen=True, slots=True)
class RevisionSeal:
    """What a new revision stores beside its body: a random salt, the body's digest, the chained hash."""

    body_salt: str
    body_digest: str
    hash: str


def seal_revision(key: bytes, prev_hash: str | None, author_id: int, created_at: dt.datetime,
                  body: str) -> RevisionSeal:
    """The salt, body digest and chained hash of a new note revision (chain v2, migration 0011).

    The chain runs over the body's digest, not the body, so erasing a customer can replace the
    body with :data:`ERASED_BODY` and the chain still verifies. The digest is keyed and salted
    with a random salt that is deleted with the body: once erased, not even someone holding the
    key can test a guess of what the text was.
    """
    salt = secrets.token_hex(16)
    digest = body_digest(key, salt, body)
    return RevisionSeal(salt, digest, revision_hash(key, prev_hash, author_id, created_at, digest))


def body_digest(key: bytes, salt: str, body: str) -> str:
    """HMAC-SHA256 of a revision's salt and body."""
    return _mac(key, "note-body-v2", salt, body)


def revision_hash(key: bytes, prev_hash: str | None, author_id: int, created_at: dt.datetime, digest: str) -> str:
    """The chained hash of a note revision: HMAC-SHA256 over previous hash, author, UTC time and body digest.

    Args:
        key: The desk's chain key (:func:`chain_key`).
        prev_hash: The previous revision's hash; ``None`` for revision 1.
        author_id: The revision's author.
        created_at: When it was written (naive values are taken as UTC).
        digest: The body's digest (:func:`body_digest`).

    Returns:
        64 lower-case hex digits.
    """
    return _mac(key, "note-revision-v2", prev_hash or "", str(author_id), _utc_text(created_at), digest)


def redaction_seal(key: bytes, revision: str, redacted_at: dt.datetime) -> str:
    """The keyed proof that the revision with hash ``revision`` was erased by deskapp at ``redacted_at``.

    Without it, anyone able to write the table could blank a body undetected; with it, only
    someone holding the key can.
    """
    return _mac(key, "note-redaction-v1", revision, _utc_text(redacted_at))


def audit_hash(key: bytes, prev_hash: str, *, at: dt.datetime, agent_id: int | None, action: str, entity: str,
               entity_id: int | None, detail: dict[str, Any]) -> str:
    """The chained hash of an audit event: HMAC-SHA256 over its predecessor's hash and every field.

    Returns:
        64 lower-case hex digits.
    """
    return _mac(key, "audit-event-v1", prev_hash, "" if agent_id is None else str(agent_id), action, entity,
                "" if entity_id is None else str(entity_id), _utc_text(at), canonical_json(detail))


def canonical_json(value: Any) -> str:
    """``value`` as JSON text with sorted keys and no spaces: one text for one value.

    ``value`` must be as the database gives it back (string keys, lists): the linking hook stores
    :func:`as_stored` of a detail, so the text hashed at insert is the text hashed when verifying.
    """
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def as_stored(value: Any) -> Any:
    """``value`` after a trip through JSON: integer keys become strings, tuples lists."""
    return json.loads(json.dumps(value))


def find_key(bind: Session | Connection) -> bytes | None:
    """The desk's chain key, or ``None`` when the database has none (it was deleted, or emptied)."""
    secret = _connection(bind).execute(
        select(DeskSecret.secret).where(DeskSecret.name == KEY_NAME)).scalar_one_or_none()
    return bytes.fromhex(secret) if secret else None


def chain_key(bind: Session | Connection) -> bytes:
    """The desk's chain key, made (random, 256 bits) in the caller's transaction if there is none.

    Migration 0007 makes the key, so a new one is needed only where the table was emptied: a
    test database, or one whose key was deleted (then nothing older verifies, as it should not).
    """
    connection = _connection(bind)
    key = find_key(connection)
    if key is None:
        lock_chain(connection)
        key = find_key(connection)  # someone else may have made it while we waited for the lock
        if key is None:
            secret = secrets.token_hex(32)
            connection.execute(insert(DeskSecret).values(name=KEY_NAME, secret=secret, created_at=utcnow()))
            key = bytes.fromhex(secret)
    return key


def lock_chain(connection: Connection) -> None:
    """Hold the chain's lock until the transaction ends, so the tail read next stays the tail."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK_ID})
    else:
        # A write that changes nothing still takes SQLite's one write lock (waiting busy_timeout).
        connection.execute(text("UPDATE desk_secret SET name = name WHERE 0"))


def add_audit_event(session: Session, audit_event: AuditEvent) -> None:
    """Add ``audit_event`` to the session; it is linked into the chain when the session flushes."""
    session.add(audit_event)


@event.listens_for(Session, "before_flush")
def _link_new_audit_events(session: Session, _context: UOWTransaction, _instances: object) -> None:
    new = [obj for obj in session.new if isinstance(obj, AuditEvent) and obj.hash is None]
    if not new:
        return
    # The flush inserts them in the order they were added, and ids follow that order.
    new.sort(key=lambda obj: _insert_order(obj))
    connection = session.connection()
    key = chain_key(connection)
    lock_chain(connection)
    prev = connection.execute(select(AuditEvent.hash).where(AuditEvent.hash.is_not(None))
                              .order_by(AuditEvent.id.desc()).limit(1)).scalar_one_or_none() or GENESIS
    for audit_event in new:
        audit_event.at = audit_event.at or utcnow()
        audit_event.entity = audit_event.entity or ""
        audit_event.detail = as_stored(audit_event.detail if audit_event.detail is not None else {})
        audit_event.prev_hash = prev
        audit_event.hash = prev = audit_hash(
            key, prev, at=audit_event.at, agent_id=audit_event.agent_id, action=audit_event.action,
            entity=audit_event.entity, entity_id=audit_event.entity_id, detail=audit_event.detail)


def _insert_order(obj: AuditEvent) -> int:
    from sqlalchemy import inspect

    return inspect(obj).insert_order or 0


def _connection(bind: Session | Connection) -> Connection:
    # Core statements on the session's connection: no autoflush in the middle of a service.
    return bind.connection() if isinstance(bind, Session) else bind


def _utc_text(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    elif moment.utcoffset():
        moment = moment.astimezone(dt.UTC)
    return moment.isoformat(timespec="microseconds")


def _mac(key: bytes, *fields: str) -> str:
    mac = _keyed(key).copy()
    mac.update(_SEPARATOR.join(fields).encode("utf-8"))
    return mac.hexdigest()


@functools.lru_cache(maxsize=8)
def _keyed(key: bytes) -> hmac.HMAC:
    # Setting up the key costs four times hashing a note; verify hashes every revision with one key.
    return hmac.new(key, digestmod=hashlib.sha256)
