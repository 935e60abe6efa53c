"""knowledge base: articles per language with their versions, flags, usage; searched like customers.

Five new tables, nothing rebuilt. ``kb_version`` is append-only, as note revisions are (0004,
0007). Search: on SQLite an FTS5 index over the article's normalised title and text words
(``search/fts.py``, the same tokenizer and prefix indexes as the customer lookup); on PostgreSQL
trigram GIN indexes on the same two columns (created only where pg_trgm is available, as 0002).

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-05 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from deskapp.core.search import trigram
from deskapp.core.search.kb_index import KB_INDEX, TRIGRAM_INDEXES

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

PG_FUNCTION = 'deskapp_refuse_change'  # created by 0004
APPEND_ONLY_MESSAGE = 'article versions are append-only'


def upgrade() -> None:
    op.create_table(
        'kb_article',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('brand_id', sa.Integer(), nullable=True),
        sa.Column('audience', sa.Enum('internal', 'customer', name='audience_value', native_enum=False,
                                      create_constraint=True, length=10), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('tags', sa.String(length=400), nullable=False),
        sa.Column('source_locale', sa.String(length=10), nullable=False),
        sa.Column('title_text', sa.Text(), nullable=False),
        sa.Column('search_text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['brand_id'], ['brand.id'], name=op.f('fk_kb_article_brand_id_brand')),
        sa.ForeignKeyConstraint(['owner_id'], ['agent.id'], name=op.f('fk_kb_article_owner_id_agent')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_article')),
        sa.UniqueConstraint('key', name=op.f('uq_kb_article_key')),
    )
    op.create_index(op.f('ix_kb_article_brand_id'), 'kb_article', ['brand_id'], unique=False)
    op.create_table(
        'kb_variant',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('locale', sa.String(length=10), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('short_answer', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('translated_from_revision', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_kb_variant_article_id_kb_article'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_variant')),
        sa.UniqueConstraint('article_id', 'locale', name='uq_kb_variant_locale'),
    )
    op.create_index(op.f('ix_kb_variant_article_id'), 'kb_variant', ['article_id'], unique=False)
    op.create_table(
        'kb_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('locale', sa.String(length=10), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('short_answer', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_kb_version_article_id_kb_article')),
        sa.ForeignKeyConstraint(['author_id'], ['agent.id'], name=op.f('fk_kb_version_author_id_agent')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_version')),
        sa.UniqueConstraint('article_id', 'locale', 'revision', name='uq_kb_version_revision'),
    )
    op.create_index(op.f('ix_kb_version_article_id'), 'kb_version', ['article_id'], unique=False)
    op.create_table(
        'kb_flag',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('locale', sa.String(length=10), nullable=False),
        sa.Column('agent_id', sa.Integer(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('resolved_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_kb_flag_agent_id_agent')),
        sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_kb_flag_article_id_kb_article')),
        sa.ForeignKeyConstraint(['resolved_by_id'], ['agent.id'], name=op.f('fk_kb_flag_resolved_by_id_agent')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_flag')),
    )
    op.create_index(op.f('ix_kb_flag_article_id'), 'kb_flag', ['article_id'], unique=False)
    op.create_table(
        'library_use',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('article', 'response', name='usekind_value', native_enum=False,
                                  create_constraint=True, length=10), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=True),
        sa.Column('response_id', sa.Integer(), nullable=True),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('agent_id', sa.Integer(), nullable=False),
        sa.Column('locale', sa.String(length=10), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('(article_id IS NULL) <> (response_id IS NULL)', name=op.f('ck_library_use_one_item')),
        sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_library_use_agent_id_agent')),
        sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_library_use_article_id_kb_article')),
        sa.ForeignKeyConstraint(['case_id'], ['support_case.id'], name=op.f('fk_library_use_case_id_support_case')),
        sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_library_use_response_id_response')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_library_use')),
    )
    for column in ('article_id', 'response_id', 'case_id'):
        op.create_index(op.f(f'ix_library_use_{column}'), 'library_use', [column], unique=False)
    op.create_index('ix_library_use_used_at', 'library_use', ['used_at'], unique=False)
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        KB_INDEX.create(bind)
        for event in ('UPDATE', 'DELETE'):
            op.execute(sa.text(f'CREATE TRIGGER kb_version_no_{event.lower()} BEFORE {event} ON kb_version '
                               f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"))
    elif bind.dialect.name == 'postgresql':
        op.execute(sa.text('CREATE TRIGGER kb_version_append_only BEFORE UPDATE OR DELETE ON kb_version '
                           f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}('{APPEND_ONLY_MESSAGE}')"))
        op.execute(sa.text('CREATE TRIGGER kb_version_no_truncate BEFORE TRUNCATE ON kb_version '
                           f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}('{APPEND_ONLY_MESSAGE}')"))
        trigram.create_trigram_indexes(bind, 'kb_article', TRIGRAM_INDEXES)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        KB_INDEX.drop(bind)
        for event in ('update', 'delete'):
            op.execute(sa.text(f'DROP TRIGGER IF EXISTS kb_version_no_{event}'))
    elif bind.dialect.name == 'postgresql':
        for name in TRIGRAM_INDEXES:
            op.execute(sa.text(f'DROP INDEX IF EXISTS {name}'))
    for table in ('library_use', 'kb_flag', 'kb_version', 'kb_variant', 'kb_article'):
        op.drop_table(table)
