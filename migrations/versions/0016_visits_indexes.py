"""Indexes for the home-visit case pages: a case's visits by day

Every case list and home section asks, per case, for its visits so far and its last visit: one
index on (case_id, visited_on) answers both from the index alone (the last visit is its last entry
for the case), instead of reading every visit log of the case. It replaces the index on case_id
alone, which it covers (the foreign key's cascade uses it too).

Revision ID: 0016
Revises: 0015
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visit_logs', schema=None) as batch_op:
        batch_op.create_index('ix_visit_logs_case_id_visited_on', ['case_id', 'visited_on'], unique=False)
        batch_op.drop_index(batch_op.f('ix_visit_logs_case_id'))


def downgrade():
    with op.batch_alter_table('visit_logs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_logs_case_id'), ['case_id'], unique=False)
        batch_op.drop_index('ix_visit_logs_case_id_visited_on')
