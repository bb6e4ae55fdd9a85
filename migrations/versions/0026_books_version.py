"""The books' version (data_versions), changed by triggers whenever what a catalogue search finds or ranks changes

Revision ID: 0026
Revises: 0025

A catalogue search ranks every book that has her words (657 of the 5,000 books of the benchmark's
catalogue for one Hebrew word), and a mother who pages through the results, or the next mother who
searches for the same word, had them ranked again. The row named 'books' of `data_versions`
(migration 0018) takes a fresh random value in the same transaction as any change to what a search
finds or how it orders it, so each app process keeps the ranked list of a search for a version and
knows, with two columns read beside the page's books, whether it still holds
(library.services.catalogue).

What the triggers watch: books added or removed, or an update of their title, authors, summary,
subjects (what the full-text index holds) or language (a filter of the search). Not the ISBN,
publisher, year or source, which a search neither finds nor orders by, and not copies: what a
result says of its copies is read at every visit.

SQLite: row triggers, an update trigger firing only when a watched value really changed. PostgreSQL:
one statement trigger, changing the row once per transaction (see 0018 for why), with its own
transaction setting. Either way an upsert, so a deleted row comes back at the next change.

A later migration that rebuilds `books` in batch mode on SQLite (a copy and rename) drops its
triggers, these and the full-text index's (0024): make them again (copy them from here).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

NAME = "books"
TABLE = "books"
COLUMNS = ("title", "authors", "summary", "subjects", "language")

SQLITE_BUMP = (f"INSERT INTO data_versions (name, n) VALUES ('{NAME}', random()) "
               "ON CONFLICT (name) DO UPDATE SET n = excluded.n;")
POSTGRESQL_BUMP = f"""
CREATE FUNCTION books_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('groups_app.books_changed', true) IS DISTINCT FROM 'y' THEN
        INSERT INTO data_versions (name, n) VALUES ('{NAME}', floor(random() * 9e18)::bigint)
        ON CONFLICT (name) DO UPDATE SET n = excluded.n;
        PERFORM set_config('groups_app.books_changed', 'y', true);
    END IF;
    RETURN NULL;
END
$$"""


def _sqlite_triggers():
    changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in COLUMNS)
    yield (f"CREATE TRIGGER books_version_update AFTER UPDATE OF {', '.join(COLUMNS)} ON {TABLE} "
           f"WHEN {changed} BEGIN {SQLITE_BUMP} END")
    for kind in ("insert", "delete"):
        yield f"CREATE TRIGGER books_version_{kind} AFTER {kind.upper()} ON {TABLE} BEGIN {SQLITE_BUMP} END"


def _postgresql_triggers():
    yield POSTGRESQL_BUMP
    yield (f"CREATE TRIGGER books_version AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF {', '.join(COLUMNS)} "
           f"ON {TABLE} FOR EACH STATEMENT EXECUTE FUNCTION books_version_bump()")


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    # A program's database gets its row now; a new, empty one at its first change (see 0018)
    op.execute(f"INSERT INTO data_versions (name, n) SELECT '{NAME}', "
               + ("floor(random() * 9e18)::bigint" if postgresql else "random()")
               + f" WHERE EXISTS (SELECT 1 FROM {TABLE})")
    for statement in _postgresql_triggers() if postgresql else _sqlite_triggers():
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS books_version ON {TABLE}")
        op.execute("DROP FUNCTION IF EXISTS books_version_bump()")
    else:
        for kind in ("update", "insert", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS books_version_{kind}")
    op.execute(f"DELETE FROM data_versions WHERE name = '{NAME}'")
