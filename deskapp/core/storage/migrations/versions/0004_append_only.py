"""append-only: the database itself refuses to change or delete note revisions and audit events.

The services only ever insert these rows; the triggers make that a property of the database, so
a script, a SQL console or a buggy migration cannot rewrite history either. (Someone who owns the
database file can still drop a trigger: the notes' hash chain is the second line of defence.)

A later migration that rebuilds ``note_revision`` or ``audit_event`` with SQLite's batch mode
(copy, drop, rename) loses these triggers and must create them again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# table -> the message a refused UPDATE or DELETE fails with
TABLES = {
    'note_revision': 'note revisions are append-only',
    'audit_event': 'audit events are append-only',
}
PG_FUNCTION = 'deskapp_refuse_change'


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for table, message in TABLES.items():
            for event in ('UPDATE', 'DELETE'):
                op.execute(sa.text(
                    f'CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} '
                    f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
                ))
    elif bind.dialect.name == 'postgresql':
        # integrity_constraint_violation, so both backends fail with an IntegrityError.
        op.execute(sa.text(
            f'CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ '
            "BEGIN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation'; END $$"
        ))
        for table, message in TABLES.items():
            op.execute(sa.text(
                f'CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} '
                f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}('{message}')"
            ))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for table in TABLES:
            for event in ('update', 'delete'):
                op.execute(sa.text(f'DROP TRIGGER IF EXISTS {table}_no_{event}'))
    elif bind.dialect.name == 'postgresql':
        for table in TABLES:
            op.execute(sa.text(f'DROP TRIGGER IF EXISTS {table}_append_only ON {table}'))
        op.execute(sa.text(f'DROP FUNCTION IF EXISTS {PG_FUNCTION}()'))
