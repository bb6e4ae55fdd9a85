"""Things done once (sent_once), and the volunteer's next visit on a case (cases.next_visit_at)

sent_once: one row per key claimed by core/once.py's claim_once ("meeting-tomorrow:<meeting>:<user>",
"visit-next:<case>:<date>"), pruned after 90 days. cases.next_visit_at: when the volunteer comes
next, set by her (or the case's supervisor or a coordinator), reminded the day before.

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sent_once',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_sent_once'))
    )
    with op.batch_alter_table('sent_once', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sent_once_done_at'), ['done_at'], unique=False)

    with op.batch_alter_table('cases', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('next_visit_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('cases', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('next_visit_at')

    with op.batch_alter_table('sent_once', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sent_once_done_at'))

    op.drop_table('sent_once')
