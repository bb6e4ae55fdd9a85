"""The app's clock: every "today" is the group's or the program's, whatever the server's date.

Most tests here stop the clock at 23:30 UTC, when it is already the next day in Israel
(UTC+2 in winter), and check that the app's date logic follows the Israeli date.
"""
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from groups_app.accounts import services as accounts
from groups_app.core.errors import DomainError
from groups_app.core.timeutil import local_now, set_clock, today, utcnow
from groups_app.extensions import db
from groups_app.groups.models import Meeting
from groups_app.groups.services import meetings
from groups_app.library.calendar import due_date_events
from groups_app.library.services import circulation, reports
from groups_app.main.services import program_overview
from tests.conftest import add_members, login, make_book, make_copy, make_group, make_mother, make_user

LATE_MONDAY = datetime(2026, 12, 14, 23, 30, tzinfo=UTC)  # Tuesday 15 December, 01:30 in Israel
MONDAY, TUESDAY = 0, 1


@pytest.fixture
def clock(app):
    """Stop the app's clock: `clock(moment)`. It runs again after the test."""
    yield lambda moment: set_clock(app, moment)
    set_clock(app, None)


def _occurrences(group) -> list[date]:
    """The dates of the group's regular meetings, in order."""
    return list(db.session.scalars(select(Meeting.occurrence).where(Meeting.group_id == group.id,
                                                                    Meeting.occurrence.is_not(None))
                                   .order_by(Meeting.occurrence)))


def test_today_is_the_israeli_date_at_2330_utc(app, clock):
    clock(LATE_MONDAY)
    assert utcnow() == LATE_MONDAY
    assert today() == today("Asia/Jerusalem") == date(2026, 12, 15)
    assert local_now().time() == time(1, 30)
    assert today("UTC") == date(2026, 12, 14)
    assert today("No/Such_Zone") == date(2026, 12, 15)  # an unknown zone falls back to the program's


def test_the_clock_runs_again_once_released(app, clock):
    clock(LATE_MONDAY)
    set_clock(app, None)
    assert abs(utcnow() - datetime.now(UTC)) < timedelta(minutes=1)


def test_the_clock_takes_only_an_aware_moment(app):
    with pytest.raises(ValueError):
        set_clock(app, datetime(2026, 12, 14, 23, 30))


def test_a_group_created_at_2330_utc_starts_its_schedule_on_the_israeli_date(app, clock):
    clock(LATE_MONDAY)
    group = make_group(weekday=MONDAY)
    assert group.schedule_from == date(2026, 12, 15)
    days = _occurrences(group)
    assert date(2026, 12, 14) not in days  # Monday's meeting time is already past in Israel
    assert days[0] == date(2026, 12, 21)


def test_extending_reaches_the_horizon_counted_from_the_israeli_date(app, clock):
    clock(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    group = make_group(weekday=TUESDAY)
    assert _occurrences(group)[-1] == date(2027, 2, 23)  # twelve weeks from Tuesday 1 December
    clock(datetime(2026, 12, 7, 23, 30, tzinfo=UTC))  # Tuesday 8 December in Israel, still Monday in UTC
    assert meetings.extend_meetings(group) == 1
    assert _occurrences(group)[-1] == date(2027, 3, 2)


def test_a_new_schedule_cannot_start_on_a_day_already_over_in_israel(app, clock):
    clock(LATE_MONDAY)
    facilitator = make_user("facilitator")
    group = make_group(facilitator, weekday=TUESDAY)
    with pytest.raises(DomainError) as error:
        meetings.change_schedule(group, effective=date(2026, 12, 14), frequency="weekly", weekday=TUESDAY,
                                 at=time(18), duration=90, by=facilitator)
    assert error.value.field == "effective"
    meetings.change_schedule(group, effective=date(2026, 12, 15), frequency="weekly", weekday=TUESDAY,
                             at=time(18), duration=90, by=facilitator)
    assert _occurrences(group)[0] == date(2026, 12, 15)


def test_a_book_is_due_on_the_israeli_date_and_overdue_only_the_day_after(app, clock):
    facilitator, mother = make_user("facilitator"), make_mother()
    clock(datetime(2026, 11, 16, 23, 30, tzinfo=UTC))  # Tuesday 17 November, 01:30 in Israel
    group = make_group(facilitator)
    add_members(group, mother)
    book = make_book()
    for code in ("BS-1", "BS-2", "BS-3"):
        make_copy(book, group, code)
    loan = circulation.checkout("BS-1", group, mother, by=facilitator)  # 28 days: 14 December 23:30 UTC
    assert loan.due_day == date(2026, 12, 15)
    assert due_date_events(mother)[0]["dtstart"].dt == date(2026, 12, 15)

    clock(datetime(2026, 12, 15, 12, 0, tzinfo=UTC))  # its due day in Israel, after the hour it was lent
    assert not loan.overdue
    assert circulation.send_reminders() == {"due_soon": 1, "overdue": 0}
    circulation.checkout("BS-2", group, mother, by=facilitator)  # a book due today does not block another

    clock(datetime(2026, 12, 15, 22, 30, tzinfo=UTC))  # 16 December, 00:30 in Israel
    assert loan.overdue
    assert circulation.send_reminders() == {"due_soon": 0, "overdue": 1}
    with pytest.raises(DomainError) as error:
        circulation.checkout("BS-3", group, mother, by=facilitator)
    assert error.value.field == "override"


def test_a_loan_made_at_2330_utc_on_the_last_day_counts_in_the_new_month(app, clock):
    facilitator, mother = make_user("facilitator"), make_mother()
    clock(datetime(2026, 11, 30, 23, 30, tzinfo=UTC))  # 1 December, 01:30 in Israel
    group = make_group(facilitator, name="Rahat evenings", place="Rahat")
    add_members(group, mother)
    make_copy(make_book(), group, "RH-1")
    circulation.checkout("RH-1", group, mother, by=facilitator)
    assert reports.loans_per_month(date(2026, 12, 1)) == [("Rahat evenings", date(2026, 12, 1), 1)]


def test_the_home_page_shows_the_next_meeting_by_the_clock(app, client, clock):
    clock(LATE_MONDAY)
    mother = make_mother()
    add_members(make_group(weekday=TUESDAY, start_time=time(10)), mother)
    login(client, mother)
    html = client.get("/").get_data(as_text=True)
    assert "Tuesday, December 15, 2026" in html


def test_the_coordinator_report_opens_on_the_month_already_begun_in_israel(app, client, clock):
    clock(datetime(2026, 12, 31, 23, 30, tzinfo=UTC))  # 1 January 2027, 01:30 in Israel
    login(client, make_user("coordinator"))
    assert 'value="2027-01"' in client.get("/coordinator/attendance").get_data(as_text=True)
    response = client.get("/coordinator/attendance.csv")
    assert "attendance-2027-01.csv" in response.headers["Content-Disposition"]


def test_the_overview_counts_pregnancies_by_the_israeli_date(app, clock):
    clock(LATE_MONDAY)
    make_mother(due_date=date(2026, 12, 14))  # her due date is yesterday in Israel
    make_mother(due_date=date(2026, 12, 15))
    assert program_overview().pregnant == 1


def test_a_baby_born_today_in_israel_is_not_born_in_the_future(app, clock):
    clock(LATE_MONDAY)
    mother = make_mother()
    accounts.update_profile(mother, baby_birth_date=date(2026, 12, 15))
    assert mother.baby_birth_date == date(2026, 12, 15)
    with pytest.raises(DomainError) as error:
        accounts.update_profile(mother, baby_birth_date=date(2026, 12, 16))
    assert error.value.field == "baby_birth_date"
