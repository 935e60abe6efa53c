"""keyed chains: a desk key, HMAC-chained note revisions and audit events, no REPLACE or TRUNCATE.

* ``desk_secret`` holds a random 256-bit key made here (why in the database: see
  ``deskapp.core.services.kernel.integrity``). Its row can be neither changed nor deleted.
* Note revisions are re-chained with HMAC-SHA256 under that key, except where the old (unkeyed
  SHA-256) chain was already broken: a revision whose text no longer matches keeps its old hash,
  a link that did not match still does not, so ``deskapp verify`` goes on reporting a forgery
  made before the upgrade instead of this migration blessing it.
* Audit events gain ``prev_hash``/``hash`` and become a chain too; the events already there are
  sealed as this migration finds them (nothing vouched for them before).
* The append-only triggers of 0004 had two gaps. SQLite's ``REPLACE`` (and ``INSERT OR REPLACE``)
  deletes a conflicting row without firing delete triggers: a BEFORE INSERT trigger now refuses
  any insert that would conflict on a primary or unique key, before the conflict is resolved.
  PostgreSQL's ``TRUNCATE`` skips row triggers: a statement trigger now refuses it. (PostgreSQL's
  ``INSERT … ON CONFLICT DO UPDATE`` already fires the BEFORE UPDATE trigger and is refused.)

These hash functions are copies, frozen as of this migration, of ``integrity.revision_hash``
and ``integrity.audit_hash``: later code may change, what this migration wrote may not.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

PG_FUNCTION = 'deskapp_refuse_change'  # made by 0004: raises its first argument
GENESIS = '0' * 64
BATCH_NOTES = 1000
# table -> (message, the columns of each primary or unique key)
GUARDED = {
    'note_revision': ('note revisions are append-only', (('id',), ('note_id', 'number'))),
    'audit_event': ('audit events are append-only', (('id',), ('prev_hash',))),
    'desk_secret': ('desk secrets are append-only', (('name',),)),
}

revisions_t = sa.table('note_revision', sa.column('id', sa.Integer), sa.column('note_id', sa.Integer),
                       sa.column('number', sa.Integer), sa.column('author_id', sa.Integer),
                       sa.column('created_at', sa.DateTime(timezone=True)), sa.column('body', sa.Text),
                       sa.column('prev_hash', sa.String), sa.column('hash', sa.String))
events_t = sa.table('audit_event', sa.column('id', sa.Integer), sa.column('at', sa.DateTime(timezone=True)),
                    sa.column('agent_id', sa.Integer), sa.column('action', sa.String),
                    sa.column('entity', sa.String), sa.column('entity_id', sa.Integer),
                    sa.column('detail', sa.JSON), sa.column('prev_hash', sa.String), sa.column('hash', sa.String))
Hasher = Callable[[str | None, Any], str]


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        'desk_secret',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('secret', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_desk_secret')),
    )
    secret = secrets.token_hex(32)
    op.execute(sa.table('desk_secret', sa.column('name'), sa.column('secret'), sa.column('created_at')).insert()
               .values(name='chain', secret=secret, created_at=_stored_now(bind)))
    key = bytes.fromhex(secret)
    op.add_column('audit_event', sa.Column('prev_hash', sa.String(length=64), nullable=True))
    op.add_column('audit_event', sa.Column('hash', sa.String(length=64), nullable=True))
    op.create_index('ix_audit_event_prev_hash', 'audit_event', ['prev_hash'], unique=True)
    with _updates_allowed(bind, 'note_revision'):
        _rechain_notes(bind, _sha256, lambda prev, r: _revision_mac(key, prev, r))
    with _updates_allowed(bind, 'audit_event'):
        _seal_events(bind, key)
    if bind.dialect.name == 'sqlite':
        for table, (message, keys) in GUARDED.items():
            conflict = ' OR '.join('(' + ' AND '.join(f'{c} = NEW.{c}' for c in cols) + ')' for cols in keys)
            op.execute(sa.text(
                f'CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} '
                f'WHEN EXISTS (SELECT 1 FROM {table} WHERE {conflict}) '
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"))
        for event in ('UPDATE', 'DELETE'):
            op.execute(sa.text(
                f'CREATE TRIGGER desk_secret_no_{event.lower()} BEFORE {event} ON desk_secret '
                f"BEGIN SELECT RAISE(ABORT, '{GUARDED['desk_secret'][0]}'); END"))
    elif bind.dialect.name == 'postgresql':
        op.execute(sa.text(
            'CREATE TRIGGER desk_secret_append_only BEFORE UPDATE OR DELETE ON desk_secret '
            f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}('{GUARDED['desk_secret'][0]}')"))
        for table, (message, _keys) in GUARDED.items():
            op.execute(sa.text(
                f'CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} '
                f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}('{message}')"))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for table in GUARDED:
            op.execute(sa.text(f'DROP TRIGGER IF EXISTS {table}_no_replace'))
    elif bind.dialect.name == 'postgresql':
        for table in GUARDED:
            op.execute(sa.text(f'DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}'))
    secret = bind.execute(sa.text("SELECT secret FROM desk_secret WHERE name = 'chain'")).scalar()
    if secret:  # without the key no keyed chain verifies, so there is nothing to convert back
        key = bytes.fromhex(secret)
        with _updates_allowed(bind, 'note_revision'):
            _rechain_notes(bind, lambda prev, r: _revision_mac(key, prev, r), _sha256)
    op.drop_index('ix_audit_event_prev_hash', table_name='audit_event')
    # Plain ALTER TABLE, not a batch rebuild: a rebuilt table would lose 0004's triggers.
    op.execute(sa.text('ALTER TABLE audit_event DROP COLUMN hash'))
    op.execute(sa.text('ALTER TABLE audit_event DROP COLUMN prev_hash'))
    op.drop_table('desk_secret')  # its triggers go with it


@contextmanager
def _updates_allowed(bind: Any, table: str) -> Iterator[None]:
    """Set the table's UPDATE trigger (0004) aside for this migration's own rewrite, in its transaction."""
    if bind.dialect.name == 'postgresql':
        op.execute(sa.text(f'ALTER TABLE {table} DISABLE TRIGGER {table}_append_only'))
        yield
        op.execute(sa.text(f'ALTER TABLE {table} ENABLE TRIGGER {table}_append_only'))
        return
    name = f'{table}_no_update'
    sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :n"),
                       {'n': name}).scalar()
    if sql:
        op.execute(sa.text(f'DROP TRIGGER {name}'))
    yield
    if sql:
        op.execute(sa.text(sql))


def _rechain_notes(bind: Any, old: Hasher, new: Hasher) -> None:
    """Move every revision from hashes by ``old`` to hashes by ``new``, keeping each break a break.

    A revision whose text no longer matches its ``old`` hash keeps that hash (it fails under
    ``new`` too), and a link that did not match still does not: ``deskapp verify`` afterwards names
    exactly the revisions the old chain would have named, and the migration blesses nothing.
    """
    note_ids = list(bind.execute(sa.select(revisions_t.c.note_id).distinct().order_by(revisions_t.c.note_id))
                    .scalars())
    for start in range(0, len(note_ids), BATCH_NOTES):
        chunk = note_ids[start:start + BATCH_NOTES]
        rows = bind.execute(sa.select(revisions_t).where(revisions_t.c.note_id.between(chunk[0], chunk[-1]))
                            .order_by(revisions_t.c.note_id, revisions_t.c.number)).all()
        updates: list[dict[str, Any]] = []
        note, old_prev, new_prev = None, None, None
        for row in rows:
            if row.note_id != note:
                note, old_prev, new_prev = row.note_id, None, None
            link = new_prev if row.prev_hash == old_prev else row.prev_hash
            digest = new(link, row) if old(row.prev_hash, row) == row.hash else row.hash
            updates.append({'rid': row.id, 'p': link, 'h': digest})
            old_prev, new_prev = row.hash, digest
        if updates:
            bind.execute(revisions_t.update().where(revisions_t.c.id == sa.bindparam('rid'))
                         .values(prev_hash=sa.bindparam('p'), hash=sa.bindparam('h')), updates)


def _seal_events(bind: Any, key: bytes) -> None:
    prev = GENESIS
    last_id = 0
    while True:
        rows = bind.execute(sa.select(events_t).where(events_t.c.id > last_id).order_by(events_t.c.id)
                            .limit(BATCH_NOTES * 5)).all()
        if not rows:
            return
        updates = []
        for row in rows:
            digest = _mac(key, 'audit-event-v1', prev, '' if row.agent_id is None else str(row.agent_id),
                          row.action, row.entity, '' if row.entity_id is None else str(row.entity_id),
                          _utc_text(row.at), _canonical_json(row.detail))
            updates.append({'eid': row.id, 'p': prev, 'h': digest})
            prev = digest
        bind.execute(events_t.update().where(events_t.c.id == sa.bindparam('eid'))
                     .values(prev_hash=sa.bindparam('p'), hash=sa.bindparam('h')), updates)
        last_id = rows[-1].id


def _sha256(prev: str | None, row: Any) -> str:
    text = '\x00'.join((prev or '', str(row.author_id), _utc_text(row.created_at), row.body))
    return hashlib.sha256(text.encode('utf-8')).hexdigest()


def _revision_mac(key: bytes, prev: str | None, row: Any) -> str:
    return _mac(key, 'note-revision-v1', prev or '', str(row.author_id), _utc_text(row.created_at), row.body)


def _mac(key: bytes, *fields: str) -> str:
    return hmac.new(key, '\x00'.join(fields).encode('utf-8'), hashlib.sha256).hexdigest()


def _stored_now(bind: Any) -> Any:
    # As the models' UTCDateTime stores it: naive UTC text on SQLite (Python 3.12 deprecates
    # sqlite3's own datetime adapter), an aware timestamp on PostgreSQL.
    now = dt.datetime.now(dt.UTC)
    return now.replace(tzinfo=None).isoformat(sep=' ') if bind.dialect.name == 'sqlite' else now


def _utc_text(moment: dt.datetime) -> str:
    utc = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    return utc.isoformat(timespec='microseconds')


def _canonical_json(value: Any) -> str:
    return json.dumps(json.loads(json.dumps(value)), sort_keys=True, ensure_ascii=False, separators=(',', ':'))
