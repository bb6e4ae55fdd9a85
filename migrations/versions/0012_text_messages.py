"""Text messages: the outbox of texts (text_outbox) and the log of inbound texts (text_inbound)

How each mother is told is already on users (contact_by_email, contact_by_sms).

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('text_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('to', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('encoding', sa.String(length=5), nullable=False),
    sa.Column('segments', sa.Integer(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('provider_message_id', sa.String(length=64), nullable=True),
    sa.Column('undeliverable', sa.Boolean(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=120), nullable=True),
    sa.CheckConstraint("encoding IN ('GSM-7', 'UCS-2')", name=op.f('ck_text_outbox_encoding')),
    sa.CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name=op.f('ck_text_outbox_status')),
    sa.CheckConstraint('segments >= 1', name=op.f('ck_text_outbox_segments_positive')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_text_outbox_group_id_groups'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_text_outbox_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_text_outbox')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_text_outbox_dedupe_key'))
    )
    with op.batch_alter_table('text_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_text_outbox_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_text_outbox_sent_at'), ['sent_at'], unique=False)
        batch_op.create_index('ix_text_outbox_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_text_outbox_user_id'), ['user_id'], unique=False)

    op.create_table('text_inbound',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('from_number', sa.String(length=32), nullable=False),
    sa.Column('body', sa.String(length=320), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('provider_message_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_text_inbound_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_text_inbound'))
    )
    with op.batch_alter_table('text_inbound', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_text_inbound_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_text_inbound_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('text_inbound', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_text_inbound_user_id'))
        batch_op.drop_index(batch_op.f('ix_text_inbound_received_at'))
    op.drop_table('text_inbound')
    with op.batch_alter_table('text_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_text_outbox_user_id'))
        batch_op.drop_index('ix_text_outbox_status_next_attempt_at')
        batch_op.drop_index(batch_op.f('ix_text_outbox_sent_at'))
        batch_op.drop_index(batch_op.f('ix_text_outbox_group_id'))
    op.drop_table('text_outbox')
