"""locality names in Russian, and where the Arabic and Russian names come from

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 10:00:00.000000

The names themselves come from library/localities.csv: the starter-content import
(core.places.import_localities) fills these columns in an existing database, and the 14 missing
Arabic names, updating rows in place so that no user or group loses her locality.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('localities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_ru', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('source_ar', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('source_ru', sa.String(length=500), nullable=True))


def downgrade():
    # recreate="never": on SQLite a recreated table would be dropped with foreign keys on, which
    # would empty users.locality_id (ON DELETE SET NULL) and be refused by groups (RESTRICT).
    # SQLite 3.35+ drops a column in place, as PostgreSQL does.
    with op.batch_alter_table('localities', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('source_ru')
        batch_op.drop_column('source_ar')
        batch_op.drop_column('name_ru')
