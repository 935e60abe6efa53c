"""case reference: every case gets the number of the reference a customer quotes ("C-1042").

Existing cases get their id, so references already given out (exports printed ``C-<id>``) stay
valid; new cases continue from the highest number (see ``models._number_new_cases``).

No table is rebuilt: SQLite's batch mode would drop ``support_case``, which notes, drafts,
feedback and reviews point to, and the foreign keys refuse that. SQLite adds a NOT NULL column
only with a default, so there the column keeps ``DEFAULT 0``, which deskapp never relies on (the
ORM numbers every case; the unique index refuses a second 0 from a hand-written INSERT).
PostgreSQL adds it nullable, fills it, then sets NOT NULL.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE support_case ADD COLUMN reference_number INTEGER NOT NULL DEFAULT 0')
        op.execute('UPDATE support_case SET reference_number = id')
    else:
        op.add_column('support_case', sa.Column('reference_number', sa.Integer(), nullable=True))
        op.execute('UPDATE support_case SET reference_number = id')
        op.alter_column('support_case', 'reference_number', existing_type=sa.Integer(), nullable=False)
    op.create_index('ix_support_case_reference_number', 'support_case', ['reference_number'], unique=True)


def downgrade() -> None:
    op.drop_index('ix_support_case_reference_number', table_name='support_case')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE support_case DROP COLUMN reference_number')  # SQLite 3.35+, no rebuild
    else:
        op.drop_column('support_case', 'reference_number')
