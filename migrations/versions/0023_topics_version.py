"""The topic bank's version (data_versions), changed by triggers whenever a topic's choice in a list changes

Revision ID: 0023
Revises: 0022

Every planner lists the whole topic bank in each facilitator's languages (topics.topic_choices): read
and ranked on every visit (432 texts at program scale, 0.5 ms of PostgreSQL's time and a sixth of
the planner's own), though staff change the bank a few times a year. The row named 'topics' of
`data_versions` (migration 0018) takes a fresh random value in the same transaction as any change of
what a list shows, so each app process keeps the lists for a version and knows, with a column read
beside the planner's own rows, whether they still hold.

What the triggers watch, which is everything a list reads: topics added or removed, or their short
name changed (a topic with no text is listed by it); topic texts added or removed, or an update of
their topic, language or title. Not a text's description or prompts, which no list shows.

SQLite: row triggers, an update trigger firing only when a watched value really changed. PostgreSQL:
one statement trigger per table, changing the row once per transaction (see 0018 for why), with its
own transaction setting. Either way an upsert, so a deleted row comes back at the next change.

A later migration that rebuilds one of these tables in batch mode on SQLite (a copy and rename)
drops its triggers: make them again (copy them from here).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

NAME = "topics"
WATCHED = {  # table: (the columns whose update changes a list, whether a row added changes one)
    "topics": (("slug",), True),
    "topic_texts": (("topic_id", "language", "title"), True),
}

SQLITE_BUMP = (f"INSERT INTO data_versions (name, n) VALUES ('{NAME}', random()) "
               "ON CONFLICT (name) DO UPDATE SET n = excluded.n;")
POSTGRESQL_BUMP = f"""
CREATE FUNCTION topics_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('groups_app.topics_changed', true) IS DISTINCT FROM 'y' THEN
        INSERT INTO data_versions (name, n) VALUES ('{NAME}', floor(random() * 9e18)::bigint)
        ON CONFLICT (name) DO UPDATE SET n = excluded.n;
        PERFORM set_config('groups_app.topics_changed', 'y', true);
    END IF;
    RETURN NULL;
END
$$"""


def _sqlite_triggers():
    for table, (columns, rows_counted) in WATCHED.items():
        changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in columns)
        yield (f"CREATE TRIGGER topics_version_{table}_update AFTER UPDATE OF {', '.join(columns)} ON {table} "
               f"WHEN {changed} BEGIN {SQLITE_BUMP} END")
        for kind in ("insert", "delete") if rows_counted else ("delete",):
            yield f"CREATE TRIGGER topics_version_{table}_{kind} AFTER {kind.upper()} ON {table} BEGIN {SQLITE_BUMP} END"


def _postgresql_triggers():
    yield POSTGRESQL_BUMP
    for table, (columns, rows_counted) in WATCHED.items():
        rows = "INSERT OR DELETE" if rows_counted else "DELETE"
        yield (f"CREATE TRIGGER topics_version AFTER {rows} OR TRUNCATE OR UPDATE OF {', '.join(columns)} "
               f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION topics_version_bump()")


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    # A program's database gets its row now; a new, empty one at its first change (see 0018)
    op.execute(f"INSERT INTO data_versions (name, n) SELECT '{NAME}', "
               + ("floor(random() * 9e18)::bigint" if postgresql else "random()")
               + " WHERE EXISTS (SELECT 1 FROM topics)")
    for statement in _postgresql_triggers() if postgresql else _sqlite_triggers():
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS topics_version ON {table}")
        op.execute("DROP FUNCTION IF EXISTS topics_version_bump()")
    else:
        for table in WATCHED:
            for kind in ("update", "insert", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS topics_version_{table}_{kind}")
    op.execute(f"DELETE FROM data_versions WHERE name = '{NAME}'")
