"""The coordinator's attendance figures in a fixed number of statements, each reading only the
month's and the last six meetings' rows: first-timers, regulars, zones and the CSV's rounds."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from groups_app.extensions import db as _db
from groups_app.groups.models import Attendance, Group, Guest, Meeting
from groups_app.groups.services import attendance_report
from tests.conftest import count_queries, make_group, make_mother

MONTH = date(2026, 3, 1)
AFTER = datetime(2026, 6, 1, 12, tzinfo=UTC)  # "now" for these figures: the month is over


def _meeting(group, at: datetime, status: str = "scheduled") -> Meeting:
    meeting = Meeting(group_id=group.id, starts_at=at, duration_minutes=90, status=status)
    _db.session.add(meeting)
    _db.session.flush()
    return meeting


def _came(meeting, *people) -> None:
    for person in people:
        if isinstance(person, Guest):
            _db.session.add(Attendance(meeting_id=meeting.id, guest_id=person.id))
        else:
            _db.session.add(Attendance(meeting_id=meeting.id, user_id=person.id))
    _db.session.flush()


def _guest(group, name: str) -> Guest:
    guest = Guest(group_id=group.id, first_name=name, stage="pregnant")
    _db.session.add(guest)
    _db.session.flush()
    return guest


def _row(group):
    [row] = [r for r in attendance_report.figures([group], MONTH, AFTER) if r.group.id == group.id]
    return row


def test_first_timers_never_came_to_a_meeting_of_this_group_before_the_month(app, db):
    group, other = make_group(name="Rahat"), make_group(name="Arad", place="Arad")
    back, elsewhere, after_cancelled, new = (make_mother() for _ in range(4))
    guest_back, guest_new = _guest(group, "Rivka"), _guest(group, "Sara")
    _came(_meeting(group, datetime(2026, 1, 10, 8, tzinfo=UTC)), back, guest_back)
    _came(_meeting(group, datetime(2026, 2, 20, 8, tzinfo=UTC), status="cancelled"), after_cancelled)
    _came(_meeting(other, datetime(2026, 2, 21, 8, tzinfo=UTC)), elsewhere)
    first = _meeting(group, datetime(2026, 3, 3, 8, tzinfo=UTC))
    _came(first, back, elsewhere, after_cancelled, guest_back)
    _came(_meeting(group, datetime(2026, 3, 10, 8, tzinfo=UTC)), back, new, guest_new)
    db.session.commit()
    row = _row(group)
    assert (row.meetings, row.attendances, row.distinct) == (2, 7, 6)
    assert row.first_time == 4  # elsewhere, after_cancelled, new and the new guest; not back nor the returning guest


def test_regulars_came_to_three_of_the_last_six_meetings_held_by_the_months_end(app, db):
    group = make_group()
    regular, long_ago, twice = make_mother(), make_mother(), make_mother()
    starts = [datetime(2026, 2, 1, 8, tzinfo=UTC) + timedelta(days=4 * n) for n in range(10)]  # to 9 March
    meetings = [_meeting(group, at) for at in starts]
    _meeting(group, datetime(2026, 3, 20, 8, tzinfo=UTC), status="cancelled")  # not one of the six
    _meeting(group, datetime(2026, 4, 2, 8, tzinfo=UTC))  # after the month: not one of them either
    for meeting in meetings[:3]:
        _came(meeting, long_ago)  # 3 meetings, but not among the last six
    for meeting in meetings[4], meetings[6], meetings[9]:
        _came(meeting, regular)  # the 5th and 7th meetings are the last six's first and third
    for meeting in meetings[8], meetings[9]:
        _came(meeting, twice)
    db.session.commit()
    assert _row(group).regulars == 1


def test_a_group_with_fewer_than_six_meetings_counts_its_regulars_over_all_of_them(app, db):
    group = make_group()
    mother = make_mother()
    for day in (2, 9, 16):
        _came(_meeting(group, datetime(2026, 3, day, 8, tzinfo=UTC)), mother)
    db.session.commit()
    row = _row(group)
    assert (row.meetings, row.regulars, row.first_time) == (3, 1, 1)


def test_each_group_counts_its_own_calendar_month(app, db):
    here = make_group(name="Beersheba")
    there = make_group(name="New York", timezone="America/New_York")
    mother = make_mother()
    at = datetime(2026, 3, 1, 2, tzinfo=UTC)  # 1 March in Israel, still 28 February in New York
    _came(_meeting(here, at), mother)
    _came(_meeting(there, at), mother)
    db.session.commit()
    figures = {r.group.name: r for r in attendance_report.figures([here, there], MONTH, AFTER)}
    assert (figures["Beersheba"].meetings, figures["Beersheba"].distinct) == (1, 1)
    assert (figures["New York"].meetings, figures["New York"].distinct) == (0, 0)


def test_figures_take_two_statements_whatever_the_groups_and_the_years_behind_them(app, db):
    def statements(groups) -> int:
        groups = _db.session.scalars(
            select(Group).where(Group.id.in_([g.id for g in groups])).order_by(Group.id)).unique().all()  # as the page loads them
        with count_queries(db.engine) as counted:
            attendance_report.figures(groups, MONTH, AFTER)
        return counted()

    groups = [make_group(name=f"Group {n}") for n in range(2)]
    mothers = [make_mother() for _ in range(6)]
    _came(_meeting(groups[0], datetime(2026, 3, 3, 8, tzinfo=UTC)), *mothers[:3])
    db.session.commit()
    few = statements(groups)
    groups += [make_group(name=f"Group {n}") for n in range(2, 5)]
    for group in groups:
        for week in range(30):
            _came(_meeting(group, datetime(2025, 9, 1, 8, tzinfo=UTC) + timedelta(weeks=week)), *mothers)
    db.session.commit()
    assert few == statements(groups) == 2


def test_the_csv_reads_its_groups_once_and_their_figures_per_chunk_with_no_empty_round(app, db):
    for n in range(4):
        make_group(name=f"Group {n}")
    with count_queries(db.engine) as counted:
        chunks = list(attendance_report.csv_chunks(MONTH, chunk=2, now=AFTER))
    assert len(chunks) == 3  # the heading, then two groups at a time
    assert counted() == 1 + 2 * 2  # the groups once (not joined and sorted again per round), then each round's figures
    assert b"".join(chunks).decode("utf-8-sig").count("\n") == 5
