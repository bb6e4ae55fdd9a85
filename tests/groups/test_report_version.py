"""The attendance report keeps each group's figures per version of the facts it counts (migration
0019) and the clock: a second look at the same page counts nothing again; any change of a counted
fact (a form, a Core update, a delete, a cascade, a rollback), or a meeting's start passing, shows at
once; a change of anything else keeps what was counted."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, select, update

from groups_app.accounts.models import User
from groups_app.core.timeutil import set_clock
from groups_app.groups.models import Attendance, Guest, Meeting
from groups_app.groups.services import attendance_report
from groups_app.groups.services.attendance import GuestEntry, take_attendance
from groups_app.main.models import ATTENDANCE, DataVersion
from tests.conftest import (
    PASSWORD,
    _empty_tables,
    add_members,
    count_queries,
    login,
    make_group,
    make_mother,
    make_test_app,
    make_user,
)

# Tuesday 15 December 2026, 07:00 UTC (09:00 in Israel): the groups below meet on Tuesdays at 10:00
# Israel time (08:00 UTC), so this morning's meeting has not started yet
BEFORE_TUESDAY = datetime(2026, 12, 15, 7, 0, tzinfo=UTC)
DECEMBER = date(2026, 12, 1)
COLUMNS = ("meetings", "attendances", "distinct", "first_time", "pregnant", "breastfeeding", "regulars")


def _figures(name: str = "Rahat mornings", month: date = DECEMBER) -> dict[str, int]:
    """The group's row of the report's first page, as the page's service gives it."""
    (row,) = [r for r in attendance_report.report_page(month).items if r.name == name]
    return dict(zip(COLUMNS, row[3:], strict=True))


def _counted(statements: list[str]) -> bool:
    """Whether the figures' statements ran (they read the attendances; the groups' statement does not)."""
    return any("attendances" in s for s in statements)


def _shown(client, name: str = "Rahat mornings", month: str = "2026-12") -> list[str]:
    """The group's figures on the coordinator's page, as she reads them (English)."""
    html = client.get(f"/coordinator/attendance?month={month}").get_data(as_text=True)
    row = re.search(re.escape(name) + r"</a>.*?</tr>", html, re.S)
    return re.findall(r"<td>([^<]*)</td>", row.group(0))


def _held_meetings(app, facilitator, mothers, *, weeks: int = 2):
    """A group meeting on Tuesdays, with `weeks` meetings already held this month (the 1st and the
    8th), each attended by the mothers."""
    set_clock(app, BEFORE_TUESDAY - timedelta(days=15))  # Monday 30 November: the group's meetings start the day after
    group = make_group(facilitator, name="Rahat mornings", place="Rahat", weekday=1)
    add_members(group, *mothers)
    set_clock(app, BEFORE_TUESDAY)
    meetings = _meetings(group)
    december = [m for m in meetings if m.starts_at.replace(tzinfo=UTC) >= datetime(2026, 12, 1, tzinfo=UTC)]
    for meeting in december[:weeks]:
        take_attendance(meeting, {m.id for m in mothers}, [], by=facilitator)
    return group, december


def _meetings(group) -> list[Meeting]:
    from groups_app.extensions import db

    return list(db.session.scalars(select(Meeting).where(Meeting.group_id == group.id).order_by(Meeting.starts_at)))


def test_a_second_look_counts_nothing_again_and_attendance_taken_on_the_form_shows_at_once(app, db):
    facilitator = make_user("facilitator")
    first, second = make_mother(name="Amal"), make_mother(name="Huda")
    group, december = _held_meetings(app, facilitator, [first])
    coordinator = app.test_client()
    login(coordinator, make_user("coordinator", language="en"))
    assert _shown(coordinator)[:3] == ["2", "2", "1"]
    with count_queries(db.engine) as counted:
        assert _shown(coordinator)[:3] == ["2", "2", "1"]
    assert not _counted(counted.statements)
    add_members(group, second)
    facilitator_client = app.test_client()
    login(facilitator_client, facilitator)
    answer = facilitator_client.post(f"/meetings/{december[1].id}/attendance",
                                     data={"present": [str(first.id), str(second.id)]})
    assert answer.status_code == 302
    assert _shown(coordinator)[:4] == ["2", "3", "2", "2"]  # Huda: one more attendance, first here this month too


def test_a_meeting_that_starts_between_two_looks_counts_once_it_has_started_and_not_before(app, db):
    facilitator = make_user("facilitator")
    _held_meetings(app, facilitator, [make_mother()])
    assert _figures()["meetings"] == 2
    set_clock(app, BEFORE_TUESDAY + timedelta(minutes=59))  # 09:59 in Israel: still two, from what was kept
    with count_queries(db.engine) as counted:
        assert _figures()["meetings"] == 2
    assert not _counted(counted.statements)
    set_clock(app, BEFORE_TUESDAY + timedelta(hours=1))  # 10:00: this morning's meeting has started
    assert _figures()["meetings"] == 3
    set_clock(app, BEFORE_TUESDAY + timedelta(minutes=30))  # a clock set back is never answered from later figures
    assert _figures()["meetings"] == 2


def test_a_month_that_is_over_is_not_counted_again_as_time_passes(app, db):
    facilitator = make_user("facilitator")
    _held_meetings(app, facilitator, [make_mother()])
    set_clock(app, datetime(2027, 1, 20, 12, 0, tzinfo=UTC))
    assert _figures()["meetings"] == 5  # every Tuesday of December
    set_clock(app, datetime(2027, 3, 1, 12, 0, tzinfo=UTC))  # meetings have started since: December's stay
    with count_queries(db.engine) as counted:
        assert _figures()["meetings"] == 5
    assert not _counted(counted.statements)


def test_each_counted_fact_changed_by_a_core_statement_shows_at_once(app, db):
    facilitator = make_user("facilitator")
    mothers = [make_mother(name="Amal"), make_mother(name="Huda"), make_mother(name="Noa")]
    group, december = _held_meetings(app, facilitator, mothers, weeks=1)
    take_attendance(december[1], {mothers[0].id}, [GuestEntry("Rivka", "pregnant")], by=facilitator)
    assert _figures() == dict(meetings=2, attendances=5, distinct=4, first_time=4, pregnant=1, breastfeeding=0,
                              regulars=0)
    db.session.execute(update(User).where(User.id == mothers[1].id).values(due_date=date(2027, 2, 1)))
    db.session.commit()
    assert _figures()["pregnant"] == 2
    db.session.execute(update(User).where(User.id == mothers[1].id).values(due_date=None,
                                                                           baby_birth_date=date(2026, 10, 1)))
    db.session.commit()
    assert (_figures()["pregnant"], _figures()["breastfeeding"]) == (1, 1)
    db.session.execute(update(Guest).values(stage="breastfeeding"))
    db.session.commit()
    assert (_figures()["pregnant"], _figures()["breastfeeding"]) == (0, 2)
    db.session.execute(delete(Attendance).where(Attendance.guest_id.is_not(None)))
    db.session.commit()
    assert (_figures()["attendances"], _figures()["distinct"]) == (4, 3)
    db.session.execute(update(Meeting).where(Meeting.id == december[1].id).values(status="cancelled"))
    db.session.commit()
    assert (_figures()["meetings"], _figures()["attendances"]) == (1, 3)
    db.session.execute(update(Meeting).where(Meeting.id == december[0].id)
                       .values(starts_at=datetime(2026, 11, 24, 8, 0, tzinfo=UTC)))  # moved into November
    db.session.commit()
    assert (_figures()["meetings"], _figures()["attendances"]) == (0, 0)
    db.session.execute(update(Meeting).where(Meeting.id == december[0].id)
                       .values(starts_at=datetime(2026, 12, 1, 8, 0, tzinfo=UTC)))
    db.session.commit()
    assert _figures()["distinct"] == 3
    db.session.execute(delete(User).where(User.id == mothers[2].id))  # her attendances go with her (a cascade)
    db.session.commit()
    assert _figures()["distinct"] == 2
    db.session.execute(delete(Meeting).where(Meeting.id == december[0].id))
    db.session.commit()
    assert _figures()["meetings"] == 0


def test_a_change_of_anything_else_keeps_what_was_counted(app, db):
    facilitator = make_user("facilitator")
    mother = make_mother(name="Amal")
    group, december = _held_meetings(app, facilitator, [mother])
    before = db.session.scalar(select(DataVersion.n).where(DataVersion.name == ATTENDANCE))
    assert before is not None
    assert _figures()["attendances"] == 2
    db.session.execute(update(User).where(User.id == mother.id).values(name="Amal Abu", language="ar"))
    db.session.execute(update(Meeting).where(Meeting.id == december[0].id).values(plan="Sleep, then weaning", sequence=Meeting.sequence + 1))
    group.name = "Rahat mornings"  # the same value written again
    db.session.commit()
    assert db.session.scalar(select(DataVersion.n).where(DataVersion.name == ATTENDANCE)) == before
    with count_queries(db.engine) as counted:
        assert _figures()["attendances"] == 2
    assert not _counted(counted.statements)


def test_a_change_rolled_back_is_counted_in_its_transaction_and_never_after(app, db):
    facilitator = make_user("facilitator")
    group, december = _held_meetings(app, facilitator, [make_mother()])
    assert _figures()["meetings"] == 2
    december[0].status = "cancelled"  # flushed by the report, not committed
    assert _figures()["meetings"] == 1
    db.session.rollback()
    assert _figures()["meetings"] == 2
    assert _figures()["meetings"] == 2


def test_two_changes_in_one_transaction_with_a_look_between_are_both_counted_after_it(app, db):
    facilitator = make_user("facilitator")
    group, december = _held_meetings(app, facilitator, [make_mother()])
    assert _figures()["meetings"] == 2
    december[0].status = "cancelled"
    assert _figures()["meetings"] == 1
    db.session.execute(update(Meeting).where(Meeting.id == december[1].id).values(status="cancelled"))
    db.session.commit()
    assert _figures()["meetings"] == 0


def test_another_process_sees_a_change_made_by_this_one_at_once(app, db, tmp_path):
    other_app = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], str(tmp_path))
    facilitator = make_user("facilitator")
    mother = make_mother()
    group, december = _held_meetings(app, facilitator, [mother])
    set_clock(other_app, BEFORE_TUESDAY)
    coordinator = make_user("coordinator", language="en")
    here, there = app.test_client(), other_app.test_client()
    login(here, coordinator)
    there.post("/login", data={"identifier": coordinator.email, "password": PASSWORD})
    for _ in range(2):  # each keeps its own
        assert _shown(here)[:2] == _shown(there)[:2] == ["2", "2"]
    take_attendance(december[1], set(), [GuestEntry("Rivka", "pregnant")], by=facilitator)
    assert _shown(here)[:2] == _shown(there)[:2] == ["2", "2"]  # her tick replaced by a guest's: 2 attendances
    assert _shown(here)[2] == _shown(there)[2] == "2"


def test_the_csv_shows_a_change_at_once_too(app, db):
    facilitator = make_user("facilitator")
    group, december = _held_meetings(app, facilitator, [make_mother()])
    coordinator = app.test_client()
    login(coordinator, make_user("coordinator", language="en"))
    assert _shown(coordinator)[:2] == ["2", "2"]  # kept
    db.session.execute(delete(Attendance))
    db.session.commit()
    csv = coordinator.get("/coordinator/attendance.csv?month=2026-12").get_data(as_text=True)
    assert "Rahat mornings,Rahat,2,0,0,0,0,0,0" in csv


def test_emptied_tables_or_a_missing_version_row_keep_nothing(app, db):
    facilitator = make_user("facilitator")
    _held_meetings(app, facilitator, [make_mother()])
    assert _figures()["attendances"] == 2
    db.session.execute(delete(DataVersion))
    db.session.commit()
    for _ in range(2):
        with count_queries(db.engine) as counted:
            assert _figures()["attendances"] == 2
        assert _counted(counted.statements)
    db.session.remove()
    _empty_tables(app)
    set_clock(app, BEFORE_TUESDAY)
    assert attendance_report.report_page(DECEMBER).items == []
