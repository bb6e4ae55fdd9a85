"""thanks: dedications from mothers to mentor mothers, and the tree of thanks' settings

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dedications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('writer_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=True),
    sa.Column('mentor_kind', sa.String(length=12), nullable=False),
    sa.Column('mentor_name', sa.String(length=120), nullable=False),
    sa.Column('mentor_email', sa.String(length=254), nullable=True),
    sa.Column('mentor_language', sa.String(length=5), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('volunteer_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('signed_as', sa.String(length=60), nullable=False),
    sa.Column('consent', sa.String(length=10), nullable=False),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review', sa.String(length=10), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("mentor_kind IN ('facilitator', 'volunteer', 'outside')", name=op.f('ck_dedications_known_mentor_kind')),
    sa.CheckConstraint("consent IN ('waiting', 'agreed', 'declined')", name=op.f('ck_dedications_known_consent')),
    sa.CheckConstraint("review IN ('waiting', 'approved', 'rejected')", name=op.f('ck_dedications_known_review')),
    sa.CheckConstraint('mentor_id IS NOT NULL OR mentor_email IS NOT NULL', name=op.f('ck_dedications_mentor_known')),
    sa.CheckConstraint('mentor_id IS NULL OR mentor_id <> writer_id', name=op.f('ck_dedications_not_to_herself')),
    sa.CheckConstraint('length(message) BETWEEN 1 AND 500', name=op.f('ck_dedications_message_length')),
    sa.ForeignKeyConstraint(['writer_id'], ['users.id'], name=op.f('fk_dedications_writer_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentor_id'], ['users.id'], name=op.f('fk_dedications_mentor_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_dedications_group_id_groups'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_dedications_volunteer_id_volunteers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_dedications_reviewed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dedications'))
    )
    with op.batch_alter_table('dedications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dedications_writer_id'), ['writer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dedications_mentor_id'), ['mentor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dedications_mentor_email'), ['mentor_email'], unique=False)
        batch_op.create_index(batch_op.f('ix_dedications_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dedications_volunteer_id'), ['volunteer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dedications_consent'), ['consent'], unique=False)
        batch_op.create_index(batch_op.f('ix_dedications_review'), ['review'], unique=False)
        batch_op.create_index(batch_op.f('ix_dedications_created_at'), ['created_at'], unique=False)

    op.create_table('thanks_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('goal BETWEEN 1 AND 100000', name=op.f('ck_thanks_settings_goal_1_to_100000')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_thanks_settings_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thanks_settings'))
    )


def downgrade():
    op.drop_table('thanks_settings')
    with op.batch_alter_table('dedications', schema=None) as batch_op:
        for column in ('created_at', 'review', 'consent', 'volunteer_id', 'group_id', 'mentor_email', 'mentor_id',
                       'writer_id'):
            batch_op.drop_index(batch_op.f(f'ix_dedications_{column}'))
    op.drop_table('dedications')
