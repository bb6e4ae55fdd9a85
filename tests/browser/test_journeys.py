"""First-week journeys that once broke, each walked through links and forms only."""
from __future__ import annotations

from sqlalchemy import select

from groups_app.core.mail import outbox_messages
from groups_app.groups.models import Attendance, Meeting
from groups_app.groups.services.meetings import upcoming
from tests.browser.conftest import Visitor, deliver_live_mail, emailed_path
from tests.browser.test_groups import sign_in, sign_out
from tests.conftest import add_members, make_group, make_user, past_meeting


def test_facilitator_records_attendance_the_day_after_from_her_home_page(visitor, db):
    page = visitor.page
    facilitator = make_user("facilitator", name="Amal", email="amal@example.org", language="en")
    huda = make_user("mother", name="Huda", email="huda@example.org", language="ar")
    group = make_group(facilitator, name="Rahat evenings", place="Rahat", languages=["ar"])
    add_members(group, huda)
    yesterday = past_meeting(group, days_ago=1)

    sign_in(visitor, facilitator)
    page.get_by_role("link", name="Home").first.click()
    visitor.check()
    missing = page.locator("#missing-heading")
    assert missing.is_visible()
    page.get_by_role("link", name="Enter the attendance of Rahat evenings").click()
    visitor.check()
    page.get_by_label("Huda").check()
    page.locator("#guests-0-first_name").fill("Rana")
    page.locator("#guests-0-stage").select_option("pregnant")
    page.locator("#guests-0-baby_age_months").fill("sixty-one")  # refused: her lines stay as typed
    page.get_by_role("button", name="Save attendance").click()
    visitor.check()
    assert page.locator("#guests-0-first_name").input_value() == "Rana"
    assert page.locator("#guests-0-baby_age_months").input_value() == "sixty-one"
    assert page.get_by_label("Huda").is_checked()
    visitor.screenshot("attendance-refused-en")
    page.locator("#guests-0-baby_age_months").fill("")
    page.get_by_role("button", name="Save attendance").click()
    visitor.check()
    assert "Attendance is saved." in page.content()
    assert db.session.scalar(select(Attendance.id).where(Attendance.meeting_id == yesterday.id,
                                                         Attendance.user_id == huda.id))

    # Home no longer asks for it, and the group page shows it as taken.
    page.get_by_role("link", name="Home").first.click()
    visitor.check()
    assert page.locator("#missing-heading").count() == 0
    page.get_by_role("link", name="Rahat evenings").first.click()
    visitor.check()
    assert page.locator(".badge-done").first.is_visible()
    visitor.screenshot("group-page-facilitator-en")

    # In Arabic: the group page, then the attendance again from the meeting; a refused save keeps her change.
    visitor.choose_language("ar")
    visitor.screenshot("group-page-facilitator-ar")
    page.locator(f'a[href="/meetings/{yesterday.id}"]').first.click()
    visitor.check()
    page.locator(f'a[href="/meetings/{yesterday.id}/attendance"]').first.click()
    visitor.check()
    assert page.get_by_label("Huda").is_checked()
    page.get_by_label("Huda").uncheck()
    page.locator("#guests-0-first_name").fill("رنا")
    page.locator("#guests-0-baby_age_months").press("Enter")  # no stage chosen: refused
    visitor.check()
    assert not page.get_by_label("Huda").is_checked() and page.locator("#guests-0-first_name").input_value() == "رنا"
    visitor.screenshot("attendance-refused-ar")


def test_attendance_for_a_future_meeting_says_when_it_opens_and_offers_no_form(visitor, db):
    page = visitor.page
    facilitator = make_user("facilitator", name="Amal", email="amal@example.org", language="en")
    group = make_group(facilitator, name="Rahat evenings", place="Rahat", languages=["ar"])
    sign_in(visitor, facilitator)
    page.get_by_role("link", name="Planner").first.click()
    visitor.check()
    next_meeting = upcoming([group.id], per_group=1)[group.id][0]
    page.locator(f"#meeting-{next_meeting.id} h3 a").click()
    visitor.check()
    page.get_by_role("link", name="Take attendance").click()
    visitor.check()
    assert "Attendance opens an hour before the meeting starts" in page.content()
    assert page.get_by_role("button", name="Save attendance").count() == 0


def test_visitor_with_an_arabic_browser_registers_and_gets_arabic_mail(browser, live_server, live_outbox, live_app, app):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ar")
    visitor = Visitor(context.new_page(), live_server)
    page = visitor.page
    try:
        visitor.go("/")
        assert visitor.html_dir == "rtl" and page.locator("html").get_attribute("lang") == "ar"
        page.locator("main a[href='/register']").click()
        visitor.check()
        assert page.locator("#language").input_value() == "ar"  # preset to the page's language
        page.locator("#name").fill("هدى")
        page.locator("#email").fill("huda.ar@example.org")
        page.locator("#password").fill("olive trees in rahat")
        page.locator("main form button[type=submit]").click()
        visitor.check()
        assert "/register/check-email" in page.url and visitor.html_dir == "rtl"
        visitor.screenshot("register-ar-check-email")
        deliver_live_mail(live_app)
        mail = [m for m in outbox_messages(str(live_outbox)) if m.to == "huda.ar@example.org"]
        # She opens the link in the message (in Arabic, below) and finishes with her password.
        visitor.go(emailed_path(live_app, "huda.ar@example.org", "/register/confirm/"))
        assert visitor.html_dir == "rtl"
        visitor.screenshot("register-ar-finish")
        page.locator("#password").fill("olive trees in rahat")
        page.locator("main form button[type=submit]").click()
        visitor.check()
        assert "/account/profile" in page.url
        visitor.screenshot("register-ar-done")
    finally:
        context.close()
    assert len(mail) == 1
    assert mail[0].subject == "مرحبًا بكِ في من أمّ إلى أمّ" or any("\u0600" <= ch <= "\u06ff" for ch in mail[0].subject)
    assert any("\u0600" <= ch <= "\u06ff" for ch in mail[0].body) and "Welcome" not in mail[0].body


def test_facilitator_cancels_a_meeting_confirms_then_undoes_it(visitor, db):
    page = visitor.page
    facilitator = make_user("facilitator", name="Olga", email="olga@example.org", language="en")
    svetlana = make_user("mother", name="Svetlana", email="svetlana@example.org", language="ru")
    group = make_group(facilitator, name="Arad mornings", place="Arad", languages=["ru"])
    add_members(group, svetlana)
    meeting = upcoming([group.id], per_group=1)[group.id][0]

    sign_in(visitor, facilitator)
    page.get_by_role("link", name="Planner").first.click()
    page.locator(f"#meeting-{meeting.id} h3 a").click()
    visitor.check()
    page.get_by_role("link", name="Cancel this meeting").click()
    visitor.check()
    assert "Every member is told at once" in page.content()
    page.get_by_role("link", name="No, go back").click()  # changing her mind costs nothing
    visitor.check()
    db.session.expire_all()
    assert not db.session.get(Meeting, meeting.id).cancelled
    page.get_by_role("link", name="Cancel this meeting").click()
    page.get_by_role("button", name="Yes, cancel the meeting").click()
    visitor.check()
    assert "The meeting is cancelled and the members are told." in page.content()
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).cancelled

    page.get_by_role("link", name="Undo the cancellation").click()
    visitor.check()
    page.get_by_role("button", name="Yes, the meeting takes place").click()
    visitor.check()
    assert "The meeting takes place after all" in page.content()
    db.session.expire_all()
    assert not db.session.get(Meeting, meeting.id).cancelled
    sign_out(visitor)

    from groups_app.core.notify import Notice
    told = db.session.scalars(select(Notice.subject).where(Notice.user_id == svetlana.id)).all()
    assert len(told) == 2  # cancelled, then on again
