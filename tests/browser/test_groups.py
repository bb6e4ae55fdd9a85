"""Support groups as each role would use them, on a phone, with axe on every page."""
from datetime import timedelta

from sqlalchemy import select

from groups_app.core.timeutil import today
from groups_app.groups.models import Group, Membership, Topic, TopicText
from groups_app.groups.services.meetings import upcoming
from tests.conftest import PASSWORD, make_user, past_meeting


def sign_in(visitor, user):
    page = visitor.page
    visitor.go("/login")
    page.locator("#identifier").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form:not(.language-switcher) button[type=submit]").click()
    visitor.check()


def sign_out(visitor):
    visitor.page.locator(".site-header form button").click()


def _topics(db):
    for slug, title in [("latch-and-positioning", "Positioning and latch"), ("first-weeks", "The first weeks"),
                        ("milk-supply", "Milk supply worries"), ("night-feeds-and-sleep", "Night feeds and sleep")]:
        db.session.add(Topic(slug=slug, texts=[TopicText(language="en", title=title)]))
    db.session.commit()


def test_a_group_from_creation_to_attendance(visitor, db):
    page = visitor.page
    coordinator = make_user("coordinator", email="coordinator@example.org", language="en")
    facilitator = make_user("facilitator", name="Amal Abu-Rabia", email="amal@example.org", language="en")
    mother = make_user("mother", name="Huda", email="huda@example.org", language="en")
    stranger = make_user("mother", name="Other", email="other@example.org", language="en")
    _topics(db)

    # The coordinator creates a group that meets in a home.
    sign_in(visitor, coordinator)
    visitor.go("/groups/new")
    page.get_by_label("Group name").fill("Rahat mornings")
    page.get_by_label("A home").check()
    page.get_by_label("Address").fill("12 Olive Street")
    page.get_by_label("Locality").select_option(label="Rahat")
    page.get_by_label("Arabic").check()
    # three days ahead: on the meeting's own day its first meeting may be under way or over
    page.get_by_label("Day of the week").select_option(label=(today("Asia/Jerusalem") + timedelta(days=3)).strftime("%A"))
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Places (2 to 30)").fill("40")  # too many: refused, input kept
    page.get_by_label("Amal Abu-Rabia").check()
    page.get_by_role("button", name="Save").click()
    visitor.check()
    assert page.locator("#capacity-error").is_visible()
    assert page.get_by_label("Group name").input_value() == "Rahat mornings"
    page.get_by_label("Places (2 to 30)").fill("12")
    page.get_by_role("button", name="Save").click()
    visitor.check()
    assert page.locator("h1").inner_text() == "Rahat mornings"
    group = db.session.scalar(select(Group))
    sign_out(visitor)

    # The mother finds it, joins, says she is coming, asks a question, subscribes to her calendar.
    sign_in(visitor, mother)
    visitor.go("/groups/")
    page.get_by_role("link", name="Rahat mornings").click()
    visitor.check()
    assert "12 Olive Street" not in page.content()
    page.get_by_role("button", name="Join this group").click()
    visitor.check()
    assert "12 Olive Street" in page.content()
    page.locator(".meeting-list a").first.click()
    visitor.check()
    page.get_by_role("button", name="I am coming").click()
    visitor.check()
    assert "Your answer: coming." in page.content()
    page.get_by_label("Your question").fill("How do I know my baby gets enough milk?")
    page.get_by_label("Do not show my name").check()
    page.get_by_role("button", name="Send").click()
    visitor.check()
    assert "How do I know my baby gets enough milk?" in page.content()
    visitor.go("/account/calendar")
    page.get_by_label("One hour before").check()
    page.get_by_role("button", name="Save", exact=True).click()
    visitor.check()
    feed_url = page.locator("#feed-url").input_value()
    feed = page.request.get(feed_url)
    assert feed.status == 200 and "BEGIN:VCALENDAR" in feed.text() and "TRIGGER:-PT1H" in feed.text()
    assert "12 Olive Street" in feed.text()
    sign_out(visitor)

    # The facilitator plans three topics and takes attendance with a walk-in guest.
    sign_in(visitor, facilitator)
    visitor.go("/planner")
    meetings = upcoming([group.id])[group.id]
    for meeting, topic in zip(meetings[:3], ["Positioning and latch", "The first weeks", "Milk supply worries"], strict=True):
        card = page.locator(f"#meeting-{meeting.id}")
        card.get_by_label("Topic").select_option(label=topic)
        card.get_by_label("Your plan for the meeting").fill(f"Start with: {topic}")
        card.get_by_role("button", name="Save the plan").click()
        visitor.check()
    db.session.expire_all()
    assert [m.topic.texts[0].title for m in upcoming([group.id])[group.id][:3]] == [
        "Positioning and latch", "The first weeks", "Milk supply worries"]
    held = past_meeting(group)
    visitor.go(f"/meetings/{held.id}/attendance")
    page.get_by_label("Huda").check()
    page.locator("#guests-0-first_name").fill("Rivka")
    page.locator("#guests-0-stage").select_option("pregnant")
    page.get_by_role("button", name="Save attendance").click()
    visitor.check()
    assert page.get_by_label("Huda").is_checked() and "Rivka" in page.content()
    visitor.go(f"/meetings/{meetings[0].id}")
    assert "How do I know my baby gets enough milk?" in page.content()
    visitor.screenshot("meeting-facilitator-en")
    sign_out(visitor)

    # A mother who is not a member sees neither the address nor the attendance page.
    sign_in(visitor, stranger)
    visitor.go(f"/groups/{group.id}")
    assert "12 Olive Street" not in page.content()
    assert visitor.go(f"/meetings/{held.id}/attendance").status == 403
    assert visitor.go(f"/meetings/{held.id}").status == 403
    assert db.session.scalar(select(Membership).where(Membership.user_id == stranger.id)) is None


def test_group_pages_in_hebrew_and_arabic_pass_axe(visitor, db):
    coordinator = make_user("coordinator", "facilitator", email="coord@example.org")
    from tests.conftest import make_group

    group = make_group(coordinator, venue_kind="home", address="רחוב הזית 12")
    meeting = past_meeting(group)
    sign_in(visitor, coordinator)
    for lang in ("he", "ar"):
        visitor.choose_language(lang)
        for path in ("/groups/", f"/groups/{group.id}", f"/groups/{group.id}/members", f"/groups/{group.id}/schedule",
                     f"/groups/{group.id}/meetings/new", f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/attendance",
                     f"/meetings/{meeting.id}/sheet", f"/meetings/{meeting.id}/move", "/planner", "/topics/",
                     "/coordinator/attendance", "/account/calendar", f"/groups/{group.id}/edit", "/groups/new"):
            visitor.go(path)
            assert visitor.html_dir == "rtl"
        visitor.go("/planner")
        visitor.screenshot(f"planner-{lang}")
