"""What is kept between requests, as its users meet it on a phone in Arabic: a coordinator's
attendance report (and its CSV) shows attendance taken after she first looked, and a mother's
calendar feed changes its ETag when a meeting is cancelled. Links and forms only from the home page,
axe on every page, screenshots in Arabic."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from groups_app.core.timeutil import set_clock
from groups_app.groups.services.attendance import take_attendance
from groups_app.groups.services.meetings import cancel_meeting, upcoming
from tests.browser.test_thanks import sign_in
from tests.conftest import add_members, make_group, make_user, past_meeting

MID_DECEMBER = datetime(2026, 12, 16, 10, 0, tzinfo=UTC)  # the report's month is December either way


@pytest.fixture
def mid_december(app, live_app):
    """Both the tests' app and the served one with their clocks stopped in the middle of a month."""
    for each in (app, live_app):
        set_clock(each, MID_DECEMBER)
    yield
    set_clock(live_app, None)


def _sign_in_from_home(visitor, user):
    visitor.go("/")  # the only address typed: the home page
    visitor.choose_language("ar")
    sign_in(visitor, user)  # the menu's link, then the form
    assert visitor.html_dir == "rtl"


def _row(page, name: str) -> str:
    return page.locator("tbody tr", has_text=name).inner_text()


def test_the_report_and_its_csv_show_attendance_taken_after_a_first_look(visitor, db, mid_december, tmp_path):
    facilitator = make_user("facilitator", language="ar")
    group = make_group(facilitator, name="أمهات رهط", place="Rahat", languages=["ar", "he"])
    amal, huda = make_user("mother", name="Amal", language="ar"), make_user("mother", name="Huda", language="ar")
    add_members(group, amal, huda)
    held = past_meeting(group, days_ago=1)
    take_attendance(held, {amal.id}, [], by=facilitator)
    coordinator = make_user("coordinator", name="Dina", email="dina@example.org", language="ar")

    _sign_in_from_home(visitor, coordinator)
    page = visitor.page
    page.locator('main a[href="/coordinator/attendance"]').click()  # her home's card
    visitor.check()
    before = _row(page, "أمهات رهط")
    visitor.screenshot("kept-report-ar")

    take_attendance(held, {amal.id, huda.id}, [], by=facilitator)  # the facilitator corrects her roll
    page.reload()
    visitor.check()
    after = _row(page, "أمهات رهط")
    assert after != before
    visitor.screenshot("kept-report-after-ar")

    with page.expect_download() as download:
        page.locator('main a[href^="/coordinator/attendance.csv"]').click()
    saved = tmp_path / "report.csv"
    download.value.save_as(saved)
    line = next(line for line in saved.read_text(encoding="utf-8-sig").splitlines() if "أمهات رهط" in line)
    assert line.split(",")[2:5] == ["1", "2", "2"]  # meetings held, attendances, distinct mothers


def test_her_calendar_feed_changes_when_a_meeting_is_cancelled(visitor, db, mid_december):
    facilitator = make_user("facilitator", language="ar")
    group = make_group(facilitator, name="أمهات رهط", place="Rahat", languages=["ar", "he"])
    mother = make_user("mother", name="Amal", email="amal@example.org", language="ar")
    add_members(group, mother)

    _sign_in_from_home(visitor, mother)
    page = visitor.page
    page.locator('main a[href="/account/calendar"]').first.click()  # "Put my meetings in my phone's calendar"
    visitor.check()
    visitor.screenshot("kept-calendar-ar")
    feed = page.locator("#feed-url").input_value()
    calendar_program = page.context.request  # what her phone's calendar does: fetch, then ask again
    first = calendar_program.get(feed)
    assert first.status == 200 and first.headers["content-type"].startswith("text/calendar")
    etag = first.headers["etag"]
    assert calendar_program.get(feed, headers={"If-None-Match": etag}).status == 304
    cancel_meeting(upcoming([group.id])[group.id][0], by=facilitator)
    again = calendar_program.get(feed, headers={"If-None-Match": etag})
    assert again.status == 200 and again.headers["etag"] != etag and "CANCELLED" in again.text()
