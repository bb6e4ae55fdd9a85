"""Full-text search over the book catalogue (FTS5 on SQLite, tsvector on PostgreSQL)

Revision ID: 0013
Revises: 0012

SQLite: an FTS5 table over books' title, authors, summary and subjects that reads its text from
`books` (external content), kept in step by triggers. PostgreSQL: a stored tsvector column with the
`simple` configuration (no stemming: Hebrew, Arabic, Amharic, Russian... are split into words alike),
title weighted A, authors B, subjects C, summary D, and a GIN index on it. Both are built from the
books already there. groups_app/library/services/search.py queries them; none of this is in the
models (tests/test_migrations.py leaves these names out of its comparison).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

FIELDS = "title, authors, summary, subjects"  # the FTS5 columns, in bm25's weight order
OLD = "old.id, old.title, old.authors, old.summary, old.subjects"
NEW = "new.id, new.title, new.authors, new.summary, new.subjects"
SQLITE = [
    "CREATE VIRTUAL TABLE books_fts USING fts5(title, authors, summary, subjects, content='books', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER books_fts_insert AFTER INSERT ON books BEGIN "
    f"INSERT INTO books_fts(rowid, {FIELDS}) VALUES ({NEW}); END",
    f"CREATE TRIGGER books_fts_delete AFTER DELETE ON books BEGIN "
    f"INSERT INTO books_fts(books_fts, rowid, {FIELDS}) VALUES ('delete', {OLD}); END",
    f"CREATE TRIGGER books_fts_update AFTER UPDATE OF {FIELDS} ON books BEGIN "
    f"INSERT INTO books_fts(books_fts, rowid, {FIELDS}) VALUES ('delete', {OLD}); "
    f"INSERT INTO books_fts(rowid, {FIELDS}) VALUES ({NEW}); END",
    "INSERT INTO books_fts(books_fts) VALUES ('rebuild')",  # the books already in the catalogue
]
POSTGRESQL = [
    "ALTER TABLE books ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(authors, '')), 'B') || "
    "setweight(to_tsvector('simple', replace(coalesce(subjects, ''), ',', ' ')), 'C') || "
    "setweight(to_tsvector('simple', coalesce(summary, '')), 'D')) STORED",
    "CREATE INDEX books_search ON books USING gin (search_vector)",
]


def upgrade():
    for statement in POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS books_search")
        op.execute("ALTER TABLE books DROP COLUMN IF EXISTS search_vector")
    else:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS books_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS books_fts")
