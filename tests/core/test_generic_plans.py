"""On PostgreSQL, the statements a page runs again and again are planned once (a generic plan), not on
every run: the paged lists write their page size and offset into the statement's text
(core.sql.page_window), and a group's page and her home page find a group's next meeting by a
plain LIMIT (follow_up.next_meetings, groups.home), so the generic plan costs what a plan for the values does; and a request
that only read, a WITH included, keeps what psycopg prepared (core/read_only_end.py). Each test of a
plan fails on the code before its change, over tables of a program's size."""
from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, event, insert, select, text

from groups_app.core.read_only_end import _reads_only
from tests.conftest import add_members, login, make_group, make_mother, make_user

POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")
postgresql_only = pytest.mark.skipif(not POSTGRESQL, reason="PostgreSQL only: prepared statements and their plans")


class _Connections:
    """The driver connections the app's statements ran on while this is open."""

    def __init__(self, engine):
        self.engine, self.seen, self.statements = engine, set(), []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._ran)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._ran)

    def _ran(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.add(conn.connection.dbapi_connection)
        self.statements.append(statement)

    def prepared(self, fragment: str = "") -> dict[str, tuple[int, int]]:
        """Each statement prepared on those connections whose text contains `fragment` (every one,
        without it), with its generic and custom plans so far."""
        plans = {}
        for connection in self.seen:  # idle in the pool, between transactions
            rows = connection.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements "
                                      "WHERE position(%s in statement) > 0", (fragment,), prepare=False).fetchall()
            connection.commit()  # a read: a rollback would make psycopg forget what it prepared
            plans.update({statement: (generic, custom) for statement, generic, custom in rows})
        return plans


def _planned_once(db, client, path: str, fragment: str) -> None:
    """The page read twelve times more ran its statement containing `fragment` on a generic plan.
    psycopg prepares a statement at its fifth run; PostgreSQL plans the next five for their values,
    then keeps the generic plan if it costs no more; each change below made one that cost more, so
    that every run was planned again (custom plans only). Statements other tests left prepared on
    the pooled connection are told apart by their plans not changing."""
    with _Connections(db.engine) as connections:
        assert client.get(path).status_code == 200
        before = connections.prepared(fragment)
        for _ in range(12):
            assert client.get(path).status_code == 200
    assert len(connections.seen) == 1  # the pool's last returned (config._pool)
    ran = [plans for statement, plans in connections.prepared(fragment).items() if before.get(statement) != plans]
    assert len(ran) == 1 and ran[0][0] >= 1, ran


def _program_sized(db, model, rows: list[dict]) -> None:
    """Rows enough for the planner's guesses to be a program's (a tenth of the table for an unseen
    LIMIT is more than a page), and the table's statistics read again."""
    db.session.execute(insert(model), rows)
    db.session.execute(text(f"ANALYZE {model.__tablename__}"))
    db.session.commit()


def _groups(db, n: int):
    """A region's groups: the first made as any test's, the others copied from it in one insert."""
    from groups_app.groups.models import Group

    group = make_group(name="Group 0")
    copied = ("venue_kind", "locality_id", "languages", "frequency", "weekday", "start_time", "schedule_from")
    _program_sized(db, Group, [{"name": f"Group {n}", **{c: getattr(group, c) for c in copied}} for n in range(1, n)])
    return group


def _two_years_of_meetings(db) -> None:
    """Every group with two years of weekly meetings behind it and twelve weeks ahead, in one insert."""
    from datetime import UTC, datetime

    from groups_app.groups.models import Group, Meeting

    start = datetime.now(UTC).replace(microsecond=0) - timedelta(weeks=104)
    db.session.execute(delete(Meeting))
    _program_sized(db, Meeting, [{"group_id": g, "starts_at": start + timedelta(weeks=w, minutes=n), "duration_minutes": 90,
                                  "occurrence": (start + timedelta(weeks=w)).date()}
                                 for n, g in enumerate(db.session.scalars(select(Group.id)).all()) for w in range(116)])


def _signed_in(app, user):
    client = app.test_client()
    login(client, user)
    return client


@postgresql_only
def test_the_directorys_page_is_planned_once_not_on_every_visit(app, db):
    _groups(db, 300)
    _planned_once(db, _signed_in(app, make_mother()), "/groups/", "groups.open, groups.weekday")


@postgresql_only
def test_the_coordinators_list_of_cases_is_planned_once_not_on_every_visit(app, db):
    from groups_app.visits.models import Case
    from tests.visits.conftest import make_case, make_volunteer

    make_case(volunteer=make_volunteer(name="Volunteer Rina"))
    _program_sized(db, Case, [{"status": "waiting" if n % 4 else "closed", "opened_on": date(2026, 1, 1) + timedelta(days=n % 300),
                               "closed_on": None if n % 4 else date(2026, 11, 1), "languages": "he", "source": "nurse"}
                              for n in range(2000)])
    _planned_once(db, _signed_in(app, make_user("coordinator")), "/visits/cases", "cases.status, cases.languages")


@postgresql_only
def test_a_group_pages_next_meetings_are_planned_once_not_on_every_visit(app, db):
    """300 groups with two years of meetings each (the large scale)."""
    group = _groups(db, 300)
    _two_years_of_meetings(db)
    _planned_once(db, _signed_in(app, make_mother()), f"/groups/{group.id}", "meetings.attendance_taken_at")


@postgresql_only
def test_her_home_pages_groups_are_planned_once_not_on_every_visit(app, db):
    """15 groups with two years of meetings each (the small scale, where a window over her groups'
    meetings from the moment was priced higher for any moment than for the one at hand)."""
    group = _groups(db, 15)
    _two_years_of_meetings(db)
    mother = make_mother()
    add_members(group, mother)
    _planned_once(db, _signed_in(app, mother), "/", "memberships.position")


def test_a_with_reads_unless_one_of_its_parts_changes_data():
    assert _reads_only("  SELECT users.updated_at FROM users")
    assert _reads_only("WITH came AS (SELECT meetings.updated_at, meetings.id FROM meetings) SELECT * FROM came")
    assert _reads_only("with recursive n(i) as (select 1) select i from n")
    assert not _reads_only("WITH gone AS (DELETE FROM loans RETURNING id) SELECT count(*) FROM gone")
    assert not _reads_only("with moved as (update users set name = 'x' returning id) select * from moved")
    assert not _reads_only("WITH added AS (INSERT INTO t (n) VALUES (1) RETURNING n) SELECT n FROM added")
    assert not _reads_only("UPDATE users SET name = 'x'")
    assert not _reads_only("INSERT INTO audit_events (action) VALUES ('x')")


@postgresql_only
def test_the_reports_counts_read_with_a_with_and_keep_what_was_prepared(app, db):
    """The report counts its figures with a WITH; taken for a write, the request rolled back, and
    psycopg forgot every statement prepared on the connection (each to be run five times again)."""
    make_group(name="Rahat mornings", place="Rahat")
    client = _signed_in(app, make_user("coordinator", language="en"))
    with _Connections(db.engine) as connections:
        for _ in range(8):  # her session's statement and her home's are prepared
            assert client.get("/").status_code == 200
        before = len(connections.prepared())
        connections.statements.clear()
        assert client.get("/coordinator/attendance").status_code == 200
    assert any(s.lstrip().upper().startswith("WITH") for s in connections.statements)  # the counts, this once
    assert before >= 1 and len(connections.prepared()) >= before
