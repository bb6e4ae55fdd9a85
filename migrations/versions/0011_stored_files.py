"""Leaflet files kept in the database, so every app server sees them

Revision ID: 0011
Revises: 0010

The leaflet PDFs that this server kept in its folder (LEAFLET_FILES_DIR, by default
instance/leaflet-files) are copied into stored_files, and each language version and revision
refers to its file by id instead of by name. A name whose file is missing is left without a
file (its download answered 404 already). The folder is left as it was: delete it once the
upgrade has succeeded. Downgrading writes the files back to the folder under new names.
"""
import hashlib
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from flask import current_app

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

EDITIONS = ('leaflet_translations', 'leaflet_revisions')
OLD_NAME = r'[0-9a-f]{32}\.pdf'

stored_files = sa.table(
    'stored_files',
    sa.column('id', sa.Integer), sa.column('sha256', sa.String), sa.column('content_type', sa.String),
    sa.column('size', sa.Integer), sa.column('data', sa.LargeBinary), sa.column('created_at', sa.DateTime(timezone=True)),
)


def _edition(name):
    return sa.table(name, sa.column('id', sa.Integer), sa.column('pdf_name', sa.String),
                    sa.column('pdf_file_id', sa.Integer))


def _folder() -> Path:
    return Path(current_app.config.get('LEAFLET_FILES_DIR') or Path(current_app.instance_path) / 'leaflet-files')


def upgrade():
    op.create_table('stored_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('size >= 0', name=op.f('ck_stored_files_size_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_files'))
    )
    # recreate="never": on SQLite a recreated leaflet_translations would be dropped with foreign
    # keys on, and its revisions with it (ON DELETE CASCADE). SQLite adds a nullable column with
    # its foreign key in place (written in the column), and 3.35+ drops one in place.
    for table in EDITIONS:
        _add_file_column(table)
        with op.batch_alter_table(table, schema=None, recreate='never') as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_pdf_file_id'), ['pdf_file_id'], unique=False)

    connection = op.get_bind()
    folder = _folder()
    names = set()
    for table in EDITIONS:
        edition = _edition(table)
        names |= set(connection.scalars(sa.select(edition.c.pdf_name).where(edition.c.pdf_name.is_not(None))))
    for name in sorted(names):
        path = folder / name
        if not (re.fullmatch(OLD_NAME, name) and path.is_file()):
            continue
        data = path.read_bytes()
        created = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        file_id = connection.execute(sa.insert(stored_files).values(
            sha256=hashlib.sha256(data).hexdigest(), content_type='application/pdf', size=len(data), data=data,
            created_at=created).returning(stored_files.c.id)).scalar_one()
        for table in EDITIONS:
            edition = _edition(table)
            connection.execute(sa.update(edition).where(edition.c.pdf_name == name).values(pdf_file_id=file_id))

    for table in EDITIONS:
        with op.batch_alter_table(table, schema=None, recreate='never') as batch_op:
            batch_op.drop_column('pdf_name')


def _add_file_column(table):
    name = op.f(f'fk_{table}_pdf_file_id_stored_files')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE {table} ADD COLUMN pdf_file_id INTEGER '
                   f'CONSTRAINT {name} REFERENCES stored_files (id)')
        return
    with op.batch_alter_table(table, schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('pdf_file_id', sa.Integer(), nullable=True))
    op.create_foreign_key(name, table, 'stored_files', ['pdf_file_id'], ['id'])


def downgrade():
    for table in EDITIONS:
        with op.batch_alter_table(table, schema=None, recreate='never') as batch_op:
            batch_op.add_column(sa.Column('pdf_name', sa.String(length=80), nullable=True))

    connection = op.get_bind()
    folder = _folder()
    used = set()
    for table in EDITIONS:
        edition = _edition(table)
        used |= set(connection.scalars(sa.select(edition.c.pdf_file_id).where(edition.c.pdf_file_id.is_not(None))))
    if used:
        folder.mkdir(parents=True, exist_ok=True)
    for file_id in sorted(used):
        data = connection.scalar(sa.select(stored_files.c.data).where(stored_files.c.id == file_id))
        name = secrets.token_hex(16) + '.pdf'
        (folder / name).write_bytes(data)
        for table in EDITIONS:
            edition = _edition(table)
            connection.execute(sa.update(edition).where(edition.c.pdf_file_id == file_id).values(pdf_name=name))

    for table in EDITIONS:
        if connection.dialect.name != 'sqlite':
            op.drop_constraint(op.f(f'fk_{table}_pdf_file_id_stored_files'), table, type_='foreignkey')
        with op.batch_alter_table(table, schema=None, recreate='never') as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_pdf_file_id'))
            batch_op.drop_column('pdf_file_id')
    op.drop_table('stored_files')
