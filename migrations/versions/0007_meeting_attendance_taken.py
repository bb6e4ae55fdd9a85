"""when a meeting's attendance was taken, so that past meetings show whether it is still to do

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 11:00:00.000000

Meetings that already have attendance rows get the time of their first row.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # Adding a nullable column needs no table rebuild, on SQLite or PostgreSQL.
    with op.batch_alter_table('meetings', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('attendance_taken_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE meetings SET attendance_taken_at = "
        "(SELECT MIN(attendances.recorded_at) FROM attendances WHERE attendances.meeting_id = meetings.id) "
        "WHERE EXISTS (SELECT 1 FROM attendances WHERE attendances.meeting_id = meetings.id)"
    )


def downgrade():
    with op.batch_alter_table('meetings', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('attendance_taken_at')
