"""The localities' version (data_versions), changed by triggers whenever a locality's name in a list changes

Revision ID: 0025
Revises: 0024

The group directory, the attendance report and the list of home-visit cases each name every locality
in the reader's language for their filter (core.places.named_localities): a statement of its own on
every visit, though the localities change only when `flask content import` brings a new file. The row
named 'localities' of `data_versions` (migration 0018) takes a fresh random value in the same
transaction as any change of what a list shows, so each app process keeps the names for a version
and knows, with two columns read beside each page's own rows, whether they still hold.

What the triggers watch: localities added or removed, or an update of one of their four names. Not
their kind, council, coordinates or sources, which no list shows.

SQLite: row triggers, an update trigger firing only when a watched value really changed. PostgreSQL:
one statement trigger, changing the row once per transaction (see 0018 for why), with its own
transaction setting. Either way an upsert, so a deleted row comes back at the next change.

A later migration that rebuilds `localities` in batch mode on SQLite (a copy and rename) drops its
triggers: make them again (copy them from here).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

NAME = "localities"
TABLE = "localities"
COLUMNS = ("name_en", "name_he", "name_ar", "name_ru")

SQLITE_BUMP = (f"INSERT INTO data_versions (name, n) VALUES ('{NAME}', random()) "
               "ON CONFLICT (name) DO UPDATE SET n = excluded.n;")
POSTGRESQL_BUMP = f"""
CREATE FUNCTION localities_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('groups_app.localities_changed', true) IS DISTINCT FROM 'y' THEN
        INSERT INTO data_versions (name, n) VALUES ('{NAME}', floor(random() * 9e18)::bigint)
        ON CONFLICT (name) DO UPDATE SET n = excluded.n;
        PERFORM set_config('groups_app.localities_changed', 'y', true);
    END IF;
    RETURN NULL;
END
$$"""


def _sqlite_triggers():
    changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in COLUMNS)
    yield (f"CREATE TRIGGER localities_version_update AFTER UPDATE OF {', '.join(COLUMNS)} ON {TABLE} "
           f"WHEN {changed} BEGIN {SQLITE_BUMP} END")
    for kind in ("insert", "delete"):
        yield f"CREATE TRIGGER localities_version_{kind} AFTER {kind.upper()} ON {TABLE} BEGIN {SQLITE_BUMP} END"


def _postgresql_triggers():
    yield POSTGRESQL_BUMP
    yield (f"CREATE TRIGGER localities_version AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF {', '.join(COLUMNS)} "
           f"ON {TABLE} FOR EACH STATEMENT EXECUTE FUNCTION localities_version_bump()")


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
        op.execute(f"DROP TRIGGER IF EXISTS localities_version ON {TABLE}")
        op.execute("DROP FUNCTION IF EXISTS localities_version_bump()")
    else:
        for kind in ("update", "insert", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS localities_version_{kind}")
    op.execute(f"DELETE FROM data_versions WHERE name = '{NAME}'")
