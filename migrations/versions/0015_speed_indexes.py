"""Indexes for the coordinator's figures (attendance report, CSV, program overview)

meetings(group_id, status, starts_at): the report's meetings of a month, each group's sixth latest
meeting held (its regulars) and the meetings before a month (its first-timers) are read from
the index alone, on SQLite and PostgreSQL.
user_roles(role, user_id) and users(active, language, locality_id, due_date, baby_birth_date,
first_time_mother): the program overview counts people by role and active mothers by language,
locality and stage from indexes alone, without sorting (SQLite; PostgreSQL's hash joins need none).

Revision ID: 0015
Revises: 0014
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_group_id_status_starts_at', ['group_id', 'status', 'starts_at'], unique=False)
    with op.batch_alter_table('user_roles', schema=None) as batch_op:
        batch_op.create_index('ix_user_roles_role_user_id', ['role', 'user_id'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_active_language_locality_id',
                              ['active', 'language', 'locality_id', 'due_date', 'baby_birth_date', 'first_time_mother'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_active_language_locality_id')
    with op.batch_alter_table('user_roles', schema=None) as batch_op:
        batch_op.drop_index('ix_user_roles_role_user_id')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_group_id_status_starts_at')
