"""The attendance figures' version (data_versions), changed by triggers whenever a fact the coordinator's report counts changes

Revision ID: 0019
Revises: 0018

The coordinator's attendance report counts, per group and month, the meetings held, who came, who
came for the first time, who was pregnant or breastfeeding that day, and the regulars over the last
six meetings. Those figures change only when one of these facts changes: each app process keeps the
figures it computed for a version of them (groups_app/groups/services/attendance_report.py), and
the row named 'attendance' of `data_versions` (migration 0018) takes a fresh random value in the same
transaction as any such change, so one cheap read says whether what a process kept still holds.

What the triggers watch: meetings and attendances added or removed (a group deleted takes its
meetings with it, a person erased takes her attendances: the cascades fire these triggers too); an
update of meetings.group_id, status or starts_at, of attendances.meeting_id, user_id or guest_id; of
users.due_date or baby_birth_date (pregnant or breastfeeding on the day she came) and of
guests.stage; users and guests removed. Nothing else: a meeting's topic, notes or place, a sign-in,
a profile's other fields change no figure. The passing of time (a meeting's start passing) is not a
change of data: the report keeps, with each group's figures, when its next meeting starts.

SQLite: row triggers, an update trigger firing only when a watched value really changed. PostgreSQL:
one statement trigger per table, changing the row once per transaction (see 0018 for why), with its
own transaction setting. Either way an upsert, so a deleted row comes back at the next change.

A later migration that rebuilds one of these tables in batch mode on SQLite (a copy and rename)
drops its triggers: make them again (copy them from here).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

NAME = "attendance"
WATCHED = {  # table: (the columns whose update changes a figure, whether a row added changes one)
    "meetings": (("group_id", "status", "starts_at"), True),
    "attendances": (("meeting_id", "user_id", "guest_id"), True),
    "users": (("due_date", "baby_birth_date"), False),  # a new person has come to nothing yet
    "guests": (("stage",), False),  # nor a new guest, until her attendance is written
}

SQLITE_BUMP = (f"INSERT INTO data_versions (name, n) VALUES ('{NAME}', random()) "
               "ON CONFLICT (name) DO UPDATE SET n = excluded.n;")
POSTGRESQL_BUMP = f"""
CREATE FUNCTION attendance_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('groups_app.attendance_changed', true) IS DISTINCT FROM 'y' THEN
        INSERT INTO data_versions (name, n) VALUES ('{NAME}', floor(random() * 9e18)::bigint)
        ON CONFLICT (name) DO UPDATE SET n = excluded.n;
        PERFORM set_config('groups_app.attendance_changed', 'y', true);
    END IF;
    RETURN NULL;
END
$$"""


def _sqlite_triggers():
    for table, (columns, rows_counted) in WATCHED.items():
        changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in columns)
        yield (f"CREATE TRIGGER attendance_version_{table}_update AFTER UPDATE OF {', '.join(columns)} ON {table} "
               f"WHEN {changed} BEGIN {SQLITE_BUMP} END")
        for kind in ("insert", "delete") if rows_counted else ("delete",):
            yield f"CREATE TRIGGER attendance_version_{table}_{kind} AFTER {kind.upper()} ON {table} BEGIN {SQLITE_BUMP} END"


def _postgresql_triggers():
    yield POSTGRESQL_BUMP
    for table, (columns, rows_counted) in WATCHED.items():
        rows = "INSERT OR DELETE" if rows_counted else "DELETE"
        yield (f"CREATE TRIGGER attendance_version AFTER {rows} OR TRUNCATE OR UPDATE OF {', '.join(columns)} "
               f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION attendance_version_bump()")


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
            op.execute(f"DROP TRIGGER IF EXISTS attendance_version ON {table}")
        op.execute("DROP FUNCTION IF EXISTS attendance_version_bump()")
    else:
        for table in WATCHED:
            for kind in ("update", "insert", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS attendance_version_{table}_{kind}")
    op.execute(f"DELETE FROM data_versions WHERE name = '{NAME}'")
