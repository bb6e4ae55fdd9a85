"""Her home page as a mother who also leads a group sees it: attendance to enter, the group she
leads, her groups with a cancelled meeting and a waiting place, her thanks; in English and Arabic."""
from __future__ import annotations

from groups_app.groups.models import Membership
from groups_app.groups.services.meetings import cancel_meeting, upcoming
from tests.browser.test_groups import sign_in
from tests.conftest import add_members, make_group, make_user, past_meeting


def test_her_home_page_in_english_and_arabic(visitor, db):
    page = visitor.page
    her = make_user("mother", "facilitator", name="Amal", email="amal@example.org", language="en")
    led = make_group(her, name="Rahat evenings", place="Rahat", languages=["ar"])
    past_meeting(led, days_ago=2)
    other = make_user("facilitator")
    joined = make_group(other, name="Beersheba mornings")
    add_members(joined, her)
    cancel_meeting(upcoming([joined.id])[joined.id][0], by=other)
    waiting = make_group(other, name="Ofakim afternoons", place="Ofakim")
    db.session.add(Membership(group_id=waiting.id, user_id=her.id, status="waiting", position=2))
    db.session.commit()

    sign_in(visitor, her)
    page.get_by_role("link", name="Home").first.click()
    visitor.check()
    assert page.locator("#missing-heading").is_visible()
    assert page.get_by_role("link", name="Enter the attendance of Rahat evenings").is_visible()
    assert page.locator(".badge", has_text="cancelled").count() == 1
    assert page.get_by_text("You are number 2 on the waiting list.").is_visible()
    visitor.screenshot("home-mother-facilitator-en")
    visitor.choose_language("ar")
    assert visitor.html_dir == "rtl"
    assert page.locator("#missing-heading").is_visible() and page.locator("#led-groups-heading").is_visible()
    visitor.screenshot("home-mother-facilitator-ar")
