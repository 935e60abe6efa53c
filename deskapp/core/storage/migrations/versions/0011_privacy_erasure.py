"""privacy erasure: note chains over salted body digests, one allowed redaction, customer tombstones.

* ``note_revision`` gains ``body_salt``, ``body_digest``, ``redacted_at`` and ``redaction_seal``.
  The keyed chain now runs over the body's digest (chain v2) instead of the body, so erasing a
  customer can replace a body with the marker ``[erased]`` and the chain still verifies. Every
  revision is moved to v2 as 0007 moved them to keyed hashes: a revision whose v1 hash still
  verifies gets a v2 hash, one that did not keeps its old hash (it stays reported as broken), and
  a link that did not match still does not.
* The append-only UPDATE trigger of 0004 is replaced by one that refuses every UPDATE except
  exactly that erasure: body to the marker, salt to NULL, ``redacted_at`` and the seal set once,
  every other column unchanged. DELETE, REPLACE and TRUNCATE stay refused.
* ``customer_erasure`` marks an erased customer's tombstone; ``brand_retention`` is a brand's own period.

The hash functions are copies, frozen as of this migration, of ``integrity``'s.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-05 07:00:00
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

MARKER = '[erased]'
MESSAGE = 'note revisions are append-only'
PG_REFUSE = 'deskapp_refuse_change'  # 0004's: raises its first argument
PG_GUARD = 'deskapp_note_revision_guard'
BATCH_NOTES = 1000
_UNCHANGED = ('id', 'note_id', 'number', 'author_id', 'created_at', 'prev_hash', 'hash', 'body_digest')
SQLITE_GUARD = (
    'CREATE TRIGGER note_revision_no_update BEFORE UPDATE ON note_revision WHEN NOT ('
    f"OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL AND NEW.body = '{MARKER}' "
    'AND NEW.body_salt IS NULL AND NEW.redaction_seal IS NOT NULL AND '
    + ' AND '.join(f'NEW.{c} IS OLD.{c}' for c in _UNCHANGED)
    + f") BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
)
SQLITE_PLAIN = (f'CREATE TRIGGER note_revision_no_update BEFORE UPDATE ON note_revision '
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
PG_GUARD_FUNCTION = (
    f'CREATE OR REPLACE FUNCTION {PG_GUARD}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
    "IF TG_OP = 'UPDATE' AND OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL "
    f"AND NEW.body = '{MARKER}' AND NEW.body_salt IS NULL AND NEW.redaction_seal IS NOT NULL AND "
    + ' AND '.join(f'NEW.{c} IS NOT DISTINCT FROM OLD.{c}' for c in _UNCHANGED)
    + f" THEN RETURN NEW; END IF; RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; "
    'END $$'
)

revisions_t = sa.table('note_revision', sa.column('id', sa.Integer), sa.column('note_id', sa.Integer),
                       sa.column('number', sa.Integer), sa.column('author_id', sa.Integer),
                       sa.column('created_at', sa.DateTime(timezone=True)), sa.column('body', sa.Text),
                       sa.column('prev_hash', sa.String), sa.column('hash', sa.String),
                       sa.column('body_salt', sa.String), sa.column('body_digest', sa.String),
                       sa.column('redacted_at', sa.DateTime(timezone=True)))
# (prev, row) -> (hash, extra columns to store) or None when the row does not verify under it
Checker = Callable[[str | None, Any], bool]
Maker = Callable[[str | None, Any], tuple[str, dict[str, Any]]]


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == 'sqlite'
    _drop_update_guard(bind)
    for name, length in (('body_salt', 32), ('body_digest', 64), ('redaction_seal', 64)):
        op.add_column('note_revision', sa.Column(name, sa.String(length=length), nullable=True))
    op.add_column('note_revision', sa.Column('redacted_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'customer_erasure',
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('pseudonym', sa.String(length=40), nullable=False),
        sa.Column('erased_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_erasure_customer_id_customer')),
        sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_customer_erasure')),
        sa.UniqueConstraint('pseudonym', name=op.f('uq_customer_erasure_pseudonym')),
    )
    op.create_table(
        'brand_retention',
        sa.Column('brand_id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(['brand_id'], ['brand.id'], name=op.f('fk_brand_retention_brand_id_brand')),
        sa.PrimaryKeyConstraint('brand_id', name=op.f('pk_brand_retention')),
    )
    key = _key(bind)
    if key is not None:
        _rechain(bind, lambda prev, row: row.hash == _v1(key, prev, row), lambda prev, row: _v2(key, prev, row))
    if sqlite:
        op.execute(sa.text(SQLITE_GUARD))
    else:
        op.execute(sa.text(PG_GUARD_FUNCTION))
        op.execute(sa.text(f'CREATE TRIGGER note_revision_append_only BEFORE UPDATE OR DELETE ON note_revision '
                           f'FOR EACH ROW EXECUTE FUNCTION {PG_GUARD}()'))


def downgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == 'sqlite'
    _drop_update_guard(bind)
    if not sqlite:
        op.execute(sa.text(f'DROP FUNCTION IF EXISTS {PG_GUARD}()'))
    key = _key(bind)
    if key is not None:  # an erased body cannot go back to v1: it stays reported as broken
        _rechain(bind, lambda prev, row: _v2_verifies(key, prev, row),
                 lambda prev, row: (_v1(key, prev, row), {}))
    op.drop_table('brand_retention')
    op.drop_table('customer_erasure')
    for table, column in (('note_revision', 'redaction_seal'), ('note_revision', 'redacted_at'),
                          ('note_revision', 'body_digest'), ('note_revision', 'body_salt')):
        # Plain ALTER TABLE, not a batch rebuild: a rebuilt table would lose 0004's and 0007's triggers.
        op.execute(sa.text(f'ALTER TABLE {table} DROP COLUMN {column}'))
    if sqlite:
        op.execute(sa.text(SQLITE_PLAIN))
    else:
        op.execute(sa.text(f'CREATE TRIGGER note_revision_append_only BEFORE UPDATE OR DELETE ON note_revision '
                           f"FOR EACH ROW EXECUTE FUNCTION {PG_REFUSE}('{MESSAGE}')"))


def _drop_update_guard(bind: Any) -> None:
    if bind.dialect.name == 'sqlite':
        op.execute(sa.text('DROP TRIGGER IF EXISTS note_revision_no_update'))
    else:
        op.execute(sa.text('DROP TRIGGER IF EXISTS note_revision_append_only ON note_revision'))


def _key(bind: Any) -> bytes | None:
    secret = bind.execute(sa.text("SELECT secret FROM desk_secret WHERE name = 'chain'")).scalar()
    return bytes.fromhex(secret) if secret else None


def _rechain(bind: Any, verifies: Checker, make: Maker) -> None:
    """Move every revision to the hashes ``make`` gives, keeping each break a break (as 0007 did)."""
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
            digest, extra = make(link, row)
            if not verifies(row.prev_hash, row):
                digest = row.hash
            updates.append({'rid': row.id, 'p': link, 'h': digest, 's': extra.get('body_salt', row.body_salt),
                            'd': extra.get('body_digest', row.body_digest)})
            old_prev, new_prev = row.hash, digest
        if updates:
            bind.execute(revisions_t.update().where(revisions_t.c.id == sa.bindparam('rid'))
                         .values(prev_hash=sa.bindparam('p'), hash=sa.bindparam('h'),
                                 body_salt=sa.bindparam('s'), body_digest=sa.bindparam('d')), updates)


def _v1(key: bytes, prev: str | None, row: Any) -> str:
    return _mac(key, 'note-revision-v1', prev or '', str(row.author_id), _utc_text(row.created_at), row.body)


def _v2(key: bytes, prev: str | None, row: Any) -> tuple[str, dict[str, Any]]:
    salt = secrets.token_hex(16)
    digest = _mac(key, 'note-body-v2', salt, row.body)
    return (_mac(key, 'note-revision-v2', prev or '', str(row.author_id), _utc_text(row.created_at), digest),
            {'body_salt': salt, 'body_digest': digest})


def _v2_verifies(key: bytes, prev: str | None, row: Any) -> bool:
    if row.redacted_at is not None or row.body_salt is None or row.body_digest is None:
        return False
    if _mac(key, 'note-body-v2', row.body_salt, row.body) != row.body_digest:
        return False
    return bool(row.hash == _mac(key, 'note-revision-v2', prev or '', str(row.author_id),
                                 _utc_text(row.created_at), row.body_digest))


def _mac(key: bytes, *fields: str) -> str:
    return hmac.new(key, '\x00'.join(fields).encode('utf-8'), hashlib.sha256).hexdigest()


def _utc_text(moment: Any) -> str:
    if isinstance(moment, str):  # SQLite hands back the stored text through a plain table()
        moment = dt.datetime.fromisoformat(moment)
    utc = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    return str(utc.isoformat(timespec='microseconds'))
