"""The program overview's version (data_versions), changed by triggers whenever a counted fact changes

Revision ID: 0018
Revises: 0017

The coordinator's overview counts every active mother; its counts change only when one of the facts
it counts changes, far less often than coordinators open it. `data_versions` holds a row per kind of
figure; the row named 'overview' takes a fresh random value in the same transaction as any change
of a counted fact, so each app process keeps the computed overview for a version and knows, with
one cheap read, whether it is still right (groups_app/main/services.py).

Triggers, not ORM events: they catch every write path (the ORM, Core updates, bulk loads, erasure
jobs, a psql session). What they watch: users and user_roles rows added or removed; an update of
users.active, language, locality_id, due_date, baby_birth_date or first_time_mother, of
user_roles.role or user_id (not of anything else: a sign-in writes users and changes no count);
and the names of localities (the overview keeps each locality's names with its count).

SQLite: row triggers (the only kind it has), an update trigger firing only when a watched value
really changed. PostgreSQL: one statement trigger per table (once per statement, however many rows), on INSERT,
DELETE, TRUNCATE and UPDATE OF the watched columns, changing the row once per transaction. Either
way the row is written with an upsert, so a deleted row comes back at the next change.

A later migration that rebuilds users, user_roles or localities in batch mode on SQLite (a copy
and rename) drops their triggers: make them again (copy them from here).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

WATCHED = {  # table: the columns whose update changes the overview
    "users": ("active", "language", "locality_id", "due_date", "baby_birth_date", "first_time_mother"),
    "user_roles": ("role", "user_id"),
    "localities": ("name_en", "name_he", "name_ar", "name_ru"),
}
ROWS_COUNTED = ("users", "user_roles")  # rows added or removed change the counts; a new locality does not

SQLITE_BUMP = ("INSERT INTO data_versions (name, n) VALUES ('overview', random()) "
               "ON CONFLICT (name) DO UPDATE SET n = excluded.n;")
# Once per transaction: a setting local to the transaction says it is done. Writing the one row
# again for each statement of a bulk load (psycopg sends one per row) made the load ten times slower
# (every update of a row in one transaction walks the versions it left before). The overview never
# keeps counts made in a transaction that has this setting (main.services), so no counts are kept
# under a version that later statements of the same transaction leave unchanged.
POSTGRESQL_BUMP = """
CREATE FUNCTION overview_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('groups_app.overview_changed', true) IS DISTINCT FROM 'y' THEN
        INSERT INTO data_versions (name, n) VALUES ('overview', floor(random() * 9e18)::bigint)
        ON CONFLICT (name) DO UPDATE SET n = excluded.n;
        PERFORM set_config('groups_app.overview_changed', 'y', true);
    END IF;
    RETURN NULL;
END
$$"""


def _sqlite_triggers():
    for table, columns in WATCHED.items():
        changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in columns)
        yield (f"CREATE TRIGGER overview_version_{table}_update AFTER UPDATE OF {', '.join(columns)} ON {table} "
               f"WHEN {changed} BEGIN {SQLITE_BUMP} END")
        kinds = ("insert", "delete") if table in ROWS_COUNTED else ("delete",)
        for kind in kinds:
            yield f"CREATE TRIGGER overview_version_{table}_{kind} AFTER {kind.upper()} ON {table} BEGIN {SQLITE_BUMP} END"


def _postgresql_triggers():
    yield POSTGRESQL_BUMP
    for table, columns in WATCHED.items():
        rows = "INSERT OR DELETE" if table in ROWS_COUNTED else "DELETE"
        yield (f"CREATE TRIGGER overview_version AFTER {rows} OR TRUNCATE OR UPDATE OF {', '.join(columns)} "
               f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION overview_version_bump()")


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table('data_versions',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_data_versions'))
    )
    # A program's database gets its row now; a new, empty one at its first change (the triggers' upsert),
    # so that it still counts as empty for `flask restore`
    op.execute("INSERT INTO data_versions (name, n) SELECT 'overview', "
               + ("floor(random() * 9e18)::bigint" if postgresql else "random()")
               + " WHERE EXISTS (SELECT 1 FROM users)")
    for statement in _postgresql_triggers() if postgresql else _sqlite_triggers():
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS overview_version ON {table}")
        op.execute("DROP FUNCTION IF EXISTS overview_version_bump()")
    else:
        for table in WATCHED:
            for kind in ("update", "insert", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS overview_version_{table}_{kind}")
    op.drop_table('data_versions')
