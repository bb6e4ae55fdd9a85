"""A facilitator on a phone, in Arabic, by links and forms only from the home page, axe on every page:
she cancels her group's next meeting, then moves the group to another hour on the same weekday.
The cancelled day stays cancelled and every other meeting moves (this answered 500 before: the
new schedule gave the cancelled meeting's day to another meeting)."""
from __future__ import annotations

from datetime import time

from groups_app.core.timeutil import today
from groups_app.groups.models import Meeting
from groups_app.groups.schedule import local
from groups_app.groups.services.meetings import upcoming
from tests.browser.test_thanks import sign_in
from tests.conftest import make_group, make_user


def test_a_facilitator_cancels_a_meeting_then_moves_her_group_to_the_evening(visitor, db):
    facilitator = make_user("facilitator", name="Salma", email="salma@example.org", language="ar")
    group = make_group(facilitator, name="أمهات رهط", place="Rahat", languages=["ar"])
    first = upcoming([group.id])[group.id][0]

    visitor.go("/")  # the only address typed: the home page
    visitor.choose_language("ar")
    sign_in(visitor, facilitator)
    page = visitor.page
    assert visitor.html_dir == "rtl"
    page.locator(f'main a[href="/groups/{group.id}"]').first.click()  # her home's "Groups I lead"
    visitor.check()
    page.locator(f'main .meeting-list a[href="/meetings/{first.id}"]').click()
    visitor.check()
    page.locator(f'main a[href="/meetings/{first.id}/cancel"]').click()  # "Cancel this meeting"
    visitor.check()
    page.locator("main form button[type=submit]").click()  # the confirmation
    visitor.check()
    page.locator(f'a[href="/groups/{group.id}"]').first.click()
    visitor.check()

    page.locator(f'main a[href="/groups/{group.id}/schedule"]').click()  # "Change the schedule"
    visitor.check()
    page.locator("#effective").fill(today(group.timezone).isoformat())
    page.locator("#weekday").select_option(str(group.weekday))
    page.locator("#start_time").fill("18:00")
    page.locator("main form button[type=submit]").click()
    visitor.check()
    assert "تم حفظ الجدول الجديد وإبلاغ العضوات." in page.locator("main").inner_text()  # "The new schedule is saved"
    assert f"/groups/{group.id}" in page.url and page.locator("main h1").inner_text() == "أمهات رهط"
    listed = page.locator("main .meeting-list").first.locator("li")
    assert listed.first.locator(".badge").count() == 1  # the cancelled meeting, still first and cancelled
    assert listed.nth(1).locator(".badge").count() == 0
    visitor.screenshot("schedule-after-cancel-ar")

    db.session.expire_all()
    cancelled = db.session.get(Meeting, first.id)
    assert cancelled.cancelled and cancelled.occurrence == first.occurrence
    others = [m for m in upcoming([group.id])[group.id] if m.id != first.id]
    assert others and all(local(m.start, group.timezone).time() == time(18) and not m.cancelled for m in others)
