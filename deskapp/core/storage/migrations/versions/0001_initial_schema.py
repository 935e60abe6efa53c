"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 15:20:19.776312
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('agent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('rep', 'supervisor', 'admin', name='role_value', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('ui_locale', sa.String(length=10), nullable=False),
    sa.Column('languages', sa.String(length=60), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('preferences', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent')),
    sa.UniqueConstraint('username', name=op.f('uq_agent_username'))
    )
    op.create_table('brand',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('default_region', sa.String(length=2), nullable=False),
    sa.Column('default_locale', sa.String(length=10), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_brand')),
    sa.UniqueConstraint('code', name=op.f('uq_brand_code'))
    )
    op.create_table('rubric',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rubric')),
    sa.UniqueConstraint('key', 'version', name='uq_rubric_key_version')
    )
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_audit_event_agent_id_agent')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_at_action', ['at', 'action'], unique=False)

    op.create_table('call_script',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=True),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['brand_id'], ['brand.id'], name=op.f('fk_call_script_brand_id_brand')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_script')),
    sa.UniqueConstraint('key', 'version', name='uq_call_script_key_version')
    )
    with op.batch_alter_table('call_script', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_script_key'), ['key'], unique=False)

    op.create_table('customer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('external', 'internal', name='customerkind_value', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('account_number', sa.String(length=40), nullable=False),
    sa.Column('given_name', sa.String(length=100), nullable=False),
    sa.Column('family_name', sa.String(length=100), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=True),
    sa.Column('preferred_locale', sa.String(length=10), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('age_band', sa.String(length=20), nullable=True),
    sa.Column('gender', sa.String(length=30), nullable=True),
    sa.Column('income_band', sa.String(length=30), nullable=True),
    sa.Column('lifestyle', sa.String(length=100), nullable=True),
    sa.Column('occupation', sa.String(length=100), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('family_key', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['brand_id'], ['brand.id'], name=op.f('fk_customer_brand_id_brand')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer')),
    sa.UniqueConstraint('account_number', name=op.f('uq_customer_account_number'))
    )
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_brand_id'), ['brand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_family_key'), ['family_key'], unique=False)

    op.create_table('response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('category', sa.Enum('greeting', 'identity_check', 'apology', 'troubleshooting', 'installation', 'training', 'maintenance', 'upgrade', 'return_disposal', 'billing', 'internal_request', 'closing', name='responsecategory_value', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('tags', sa.String(length=400), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=True),
    sa.Column('source_locale', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['brand_id'], ['brand.id'], name=op.f('fk_response_brand_id_brand')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response')),
    sa.UniqueConstraint('key', name=op.f('uq_response_key'))
    )
    op.create_table('customer_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_alert_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_alert'))
    )
    with op.batch_alter_table('customer_alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_alert_customer_id'), ['customer_id'], unique=False)

    op.create_table('customer_email',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('address_key', sa.String(length=254), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_email_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_email'))
    )
    with op.batch_alter_table('customer_email', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_email_address_key'), ['address_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_email_customer_id'), ['customer_id'], unique=False)

    op.create_table('customer_phone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('e164', sa.String(length=20), nullable=False),
    sa.Column('digits_reversed', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_phone_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_phone'))
    )
    with op.batch_alter_table('customer_phone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_phone_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_phone_digits_reversed'), ['digits_reversed'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_phone_e164'), ['e164'], unique=False)

    op.create_table('response_variant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('translated_from_revision', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_response_variant_response_id_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_variant')),
    sa.UniqueConstraint('response_id', 'locale', name='uq_response_variant_locale')
    )
    with op.batch_alter_table('response_variant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_variant_response_id'), ['response_id'], unique=False)

    op.create_table('support_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('purchase_phase', sa.Enum('before', 'during', 'after', name='purchasephase_value', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('support_stage', sa.Enum('planning', 'installation', 'training', 'troubleshooting', 'maintenance', 'upgrading', 'disposal', 'other', name='supportstage_value', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('channel', sa.Enum('counter', 'phone', 'on_site', 'email', 'chat', 'self_service', name='channel_value', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('priority', sa.Enum('low', 'normal', 'high', 'urgent', name='priority_value', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('status', sa.Enum('open', 'waiting', 'resolved', 'closed', name='casestatus_value', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['brand_id'], ['brand.id'], name=op.f('fk_support_case_brand_id_brand')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_support_case_customer_id_customer')),
    sa.ForeignKeyConstraint(['owner_id'], ['agent.id'], name=op.f('fk_support_case_owner_id_agent')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_case'))
    )
    with op.batch_alter_table('support_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_case_brand_id'), ['brand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_case_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_case_opened_at'), ['opened_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_case_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_case_status'), ['status'], unique=False)

    op.create_table('case_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('text', 'script_run', name='notekind_value', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('script_key', sa.String(length=80), nullable=True),
    sa.Column('script_version', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['agent.id'], name=op.f('fk_case_note_author_id_agent')),
    sa.ForeignKeyConstraint(['case_id'], ['support_case.id'], name=op.f('fk_case_note_case_id_support_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_note'))
    )
    with op.batch_alter_table('case_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_note_case_id'), ['case_id'], unique=False)

    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('channel', sa.Enum('counter', 'phone', 'on_site', 'email', 'chat', 'self_service', name='channel_value', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('captured_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_feedback_score_range')),
    sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_feedback_agent_id_agent')),
    sa.ForeignKeyConstraint(['case_id'], ['support_case.id'], name=op.f('fk_feedback_case_id_support_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_captured_at'), ['captured_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_case_id'), ['case_id'], unique=False)

    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=False),
    sa.Column('rubric_id', sa.Integer(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('total', sa.Double(), nullable=False),
    sa.Column('coaching_comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['support_case.id'], name=op.f('fk_review_case_id_support_case')),
    sa.ForeignKeyConstraint(['rubric_id'], ['rubric.id'], name=op.f('fk_review_rubric_id_rubric')),
    sa.ForeignKeyConstraint(['supervisor_id'], ['agent.id'], name=op.f('fk_review_supervisor_id_agent')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review'))
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_case_id'), ['case_id'], unique=False)

    op.create_table('draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('note_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_draft_agent_id_agent')),
    sa.ForeignKeyConstraint(['case_id'], ['support_case.id'], name=op.f('fk_draft_case_id_support_case')),
    sa.ForeignKeyConstraint(['note_id'], ['case_note.id'], name=op.f('fk_draft_note_id_case_note')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft'))
    )
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_draft_case_id'), ['case_id'], unique=False)

    op.create_table('note_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=True),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['agent.id'], name=op.f('fk_note_revision_author_id_agent')),
    sa.ForeignKeyConstraint(['note_id'], ['case_note.id'], name=op.f('fk_note_revision_note_id_case_note')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_note_revision')),
    sa.UniqueConstraint('note_id', 'number', name='uq_note_revision_note_number')
    )
    with op.batch_alter_table('note_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_note_revision_note_id'), ['note_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('note_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_note_revision_note_id'))

    op.drop_table('note_revision')
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_case_id'))
        batch_op.drop_index(batch_op.f('ix_draft_agent_id'))

    op.drop_table('draft')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_case_id'))

    op.drop_table('review')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_case_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_captured_at'))
        batch_op.drop_index(batch_op.f('ix_feedback_agent_id'))

    op.drop_table('feedback')
    with op.batch_alter_table('case_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_note_case_id'))

    op.drop_table('case_note')
    with op.batch_alter_table('support_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_case_status'))
        batch_op.drop_index(batch_op.f('ix_support_case_owner_id'))
        batch_op.drop_index(batch_op.f('ix_support_case_opened_at'))
        batch_op.drop_index(batch_op.f('ix_support_case_customer_id'))
        batch_op.drop_index(batch_op.f('ix_support_case_brand_id'))

    op.drop_table('support_case')
    with op.batch_alter_table('response_variant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_variant_response_id'))

    op.drop_table('response_variant')
    with op.batch_alter_table('customer_phone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_phone_e164'))
        batch_op.drop_index(batch_op.f('ix_customer_phone_digits_reversed'))
        batch_op.drop_index(batch_op.f('ix_customer_phone_customer_id'))

    op.drop_table('customer_phone')
    with op.batch_alter_table('customer_email', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_email_customer_id'))
        batch_op.drop_index(batch_op.f('ix_customer_email_address_key'))

    op.drop_table('customer_email')
    with op.batch_alter_table('customer_alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_alert_customer_id'))

    op.drop_table('customer_alert')
    op.drop_table('response')
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_family_key'))
        batch_op.drop_index(batch_op.f('ix_customer_brand_id'))

    op.drop_table('customer')
    with op.batch_alter_table('call_script', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_script_key'))

    op.drop_table('call_script')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_at_action')

    op.drop_table('audit_event')
    op.drop_table('rubric')
    op.drop_table('brand')
    op.drop_table('agent')

