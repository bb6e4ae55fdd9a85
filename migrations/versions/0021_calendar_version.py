"""The calendar feeds' version (data_versions), changed by triggers whenever a fact a member's feed shows changes

Revision ID: 0021
Revises: 0020

A mother's personal feed is fetched by her calendar program every few hours, and its ETag is a
digest of the rows its events are made from (groups_app/groups/calendar_versions.py): reading and
digesting those rows was more than half of a fetch. The row named 'calendar' of `data_versions`
(migration 0018) takes a fresh random value in the same transaction as any change of those facts,
so each app process keeps the digest of a feed's rows for a version and knows, with a column read
beside her feed's owner, whether it still holds.

What the triggers watch, which is everything the feed's rows read: meetings added or removed, and
an update of their group, start, length, topic, status, sequence or time of change; memberships
added or removed, or an update of their status, member or group (which groups' meetings she sees);
groups removed, or an update of their name, address, kind of venue, time zone or place; places
removed or renamed; topic texts added or removed, or an update of their topic, language, title or
description. Not her own account's fields: the feed reads those from her row on every fetch. The
passing of time (a meeting leaving the three months her feed keeps) is not a change of data: the
kept digest says until when it holds.

SQLite: row triggers, an update trigger firing only when a watched value really changed. PostgreSQL:
one statement trigger per table, changing the row once per transaction (see 0018 for why), with its
own transaction setting. Either way an upsert, so a deleted row comes back at the next change.

A later migration that rebuilds one of these tables in batch mode on SQLite (a copy and rename)
drops its triggers: make them again (copy them from here).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

NAME = "calendar"
WATCHED = {  # table: (the columns whose update changes a feed, whether a row added changes one)
    "meetings": (("group_id", "starts_at", "duration_minutes", "topic_id", "status", "sequence", "updated_at"), True),
    "memberships": (("status", "user_id", "group_id"), True),
    "groups": (("name", "address", "venue_kind", "timezone", "locality_id"), False),  # a new group has no members
    "localities": (("name_en", "name_he", "name_ar", "name_ru"), False),
    "topic_texts": (("topic_id", "language", "title", "description"), True),
}

SQLITE_BUMP = (f"INSERT INTO data_versions (name, n) VALUES ('{NAME}', random()) "
               "ON CONFLICT (name) DO UPDATE SET n = excluded.n;")
POSTGRESQL_BUMP = f"""
CREATE FUNCTION calendar_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('groups_app.calendar_changed', true) IS DISTINCT FROM 'y' THEN
        INSERT INTO data_versions (name, n) VALUES ('{NAME}', floor(random() * 9e18)::bigint)
        ON CONFLICT (name) DO UPDATE SET n = excluded.n;
        PERFORM set_config('groups_app.calendar_changed', 'y', true);
    END IF;
    RETURN NULL;
END
$$"""


def _sqlite_triggers():
    for table, (columns, rows_counted) in WATCHED.items():
        changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in columns)
        yield (f"CREATE TRIGGER calendar_version_{table}_update AFTER UPDATE OF {', '.join(columns)} ON {table} "
               f"WHEN {changed} BEGIN {SQLITE_BUMP} END")
        for kind in ("insert", "delete") if rows_counted else ("delete",):
            yield f"CREATE TRIGGER calendar_version_{table}_{kind} AFTER {kind.upper()} ON {table} BEGIN {SQLITE_BUMP} END"


def _postgresql_triggers():
    yield POSTGRESQL_BUMP
    for table, (columns, rows_counted) in WATCHED.items():
        rows = "INSERT OR DELETE" if rows_counted else "DELETE"
        yield (f"CREATE TRIGGER calendar_version AFTER {rows} OR TRUNCATE OR UPDATE OF {', '.join(columns)} "
               f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION calendar_version_bump()")


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    # A program's database gets its row now; a new, empty one at its first change (see 0018)
    op.execute(f"INSERT INTO data_versions (name, n) SELECT '{NAME}', "
               + ("floor(random() * 9e18)::bigint" if postgresql else "random()")
               + " WHERE EXISTS (SELECT 1 FROM meetings)")
    for statement in _postgresql_triggers() if postgresql else _sqlite_triggers():
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS calendar_version ON {table}")
        op.execute("DROP FUNCTION IF EXISTS calendar_version_bump()")
    else:
        for table in WATCHED:
            for kind in ("update", "insert", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS calendar_version_{table}_{kind}")
    op.execute(f"DELETE FROM data_versions WHERE name = '{NAME}'")
