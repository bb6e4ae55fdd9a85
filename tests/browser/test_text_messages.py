"""Issue 15's must-show journey, through links and forms on a 360 px phone: a mother without email
switches to Arabic and chooses text messages; her facilitator cancels tomorrow's meeting; the local
fake provider (tests/texts/fake_provider.py, reached by the real HTTP gateway) receives one Arabic
text of at most two segments with the meeting's short link (after the one text her unconfirmed number
gets: the code she types to confirm it); she replies STOP and gets no more."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from groups_app.accounts.models import User
from groups_app.core.notify import short_day
from groups_app.core.timeutil import today, zone
from groups_app.groups.models import Meeting
from groups_app.texts.segments import count_segments
from groups_app.texts.sender import deliver_due
from tests.browser.test_thanks import sign_out
from tests.conftest import PASSWORD, add_members, make_group, make_user
from tests.texts.conftest import IL_MOBILE
from tests.texts.fake_provider import FakeProvider

ARABIC = re.compile(r"[\u0600-\u06ff]")


@pytest.fixture
def provider(live_app, monkeypatch):
    """The live app sends texts to a local fake provider, at any hour (quiet hours are tested in
    tests/texts/test_routing.py)."""
    running = FakeProvider().start()
    for key, value in {**running.config(timeout=5), "TEXT_QUIET_HOURS": ""}.items():
        monkeypatch.setitem(live_app.config, key, value)
    yield running
    running.stop()


def send_texts(live_app):
    """`flask texts send`, once, in the live app."""
    with live_app.app_context():
        return deliver_due()


def sign_in(visitor, identifier: str):
    """From any page: the header's link, then the form, with her email or her phone number as she writes it."""
    page = visitor.page
    page.locator(".site-header a[href='/login']").click()
    visitor.check()
    page.locator("#identifier").fill(identifier)
    page.locator("#password").fill(PASSWORD)
    page.locator("form:not(.language-switcher) button[type=submit]").click()
    visitor.check()


def to_profile(visitor):
    visitor.page.locator(".site-header a[href='/account/profile']").click()
    visitor.check()


def checked_choice(page) -> str:
    return page.locator("input[name=notices_by]:checked").get_attribute("value")


def test_she_chooses_texts_in_arabic_gets_one_for_a_cancelled_meeting_and_stops_them(visitor, db, live_app,
                                                                                       live_server, provider):
    page = visitor.page
    facilitator = make_user("facilitator", name="Amal Abu-Rabia", email="amal@example.org", language="en")
    salma = make_user("mother", name="سلمى أبو كف", email=None, phone=IL_MOBILE, language="he",
                      contact_by_email=False, contact_by_sms=False,  # joined with her phone alone, not told yet
                      phone_confirmed_at=None)  # and has not yet shown the number is hers
    tomorrow = today() + timedelta(days=1)
    group = make_group(facilitator, name="أمهات رهط - صباح الثلاثاء", place="Rahat", weekday=tomorrow.weekday())
    add_members(group, salma)

    # She signs in with her phone number, switches to Arabic, and chooses text messages.
    visitor.go("/")
    sign_in(visitor, "050-234-5678")
    visitor.choose_language("ar")
    assert visitor.html_dir == "rtl"
    to_profile(visitor)
    assert checked_choice(page) == "home"
    page.locator("input[name=notices_by][value=text]").check()
    visitor.screenshot("profile-notices-ar")
    page.locator("main form button[type=submit]").click()
    visitor.check()

    # Her number is not confirmed: the app texts her a code (the one text a new number gets) and asks for it.
    assert page.url.endswith("/account/phone")
    visitor.screenshot("confirm-phone-ar")
    assert send_texts(live_app).sent == 1
    [code_text] = provider.to(IL_MOBILE)
    assert ARABIC.search(code_text["body"])
    page.locator("#code").fill(re.search(r"\d{6}", code_text["body"]).group(0))
    page.locator("main form button[type=submit]").first.click()
    visitor.check()
    assert page.url.endswith("/account/profile") and checked_choice(page) == "text"
    db.session.expire_all()
    saved = db.session.get(User, salma.id)
    assert (saved.language, saved.contact_by_sms, saved.contact_by_email) == ("ar", True, False)
    sign_out(visitor)

    # Her facilitator cancels tomorrow's meeting from the group's page.
    sign_in(visitor, facilitator.email)
    visitor.choose_language("en")
    page.locator("main").get_by_role("link", name=group.name).first.click()
    visitor.check()
    page.locator(".meeting-list a").first.click()
    visitor.check()
    meeting_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    assert db.session.get(Meeting, meeting_id).start.astimezone(zone(group.timezone)).date() == tomorrow
    page.get_by_role("link", name="Cancel this meeting").click()
    visitor.check()
    page.get_by_role("button", name="Yes, cancel the meeting").click()
    visitor.check()
    assert "This meeting is cancelled." in page.content()

    # The sender runs: the provider receives one Arabic text, at most 2 segments, with the short link.
    assert send_texts(live_app).sent == 1
    received = provider.to(IL_MOBILE)
    assert len(received) == 2  # the code, then the cancellation
    body = received[1]["body"]
    size = count_segments(body)
    short_link = f"{live_app.config['PUBLIC_URL']}/m/{meeting_id}"
    assert ARABIC.search(body) and size.encoding == "UCS-2" and size.segments <= 2, (body, size)
    assert body.endswith(short_link)
    with live_app.app_context(), force_locale("ar"):  # written in her language: the day in Arabic
        day = short_day(db.session.get(Meeting, meeting_id).start, group.timezone)
    assert ARABIC.search(day) and day in body

    # She replies STOP in Arabic: the app confirms once, and texts her nothing more.
    assert provider.post_inbound(live_app, live_server, IL_MOBILE, "توقف") == 200
    send_texts(live_app)
    assert len(provider.to(IL_MOBILE)) == 3  # the one confirmation
    page.get_by_role("link", name=group.name).first.click()  # back to the group, to move the next meeting
    visitor.check()
    page.locator(".meeting-list a").nth(1).click()
    visitor.check()
    page.get_by_role("link", name="Move this meeting").click()
    visitor.check()
    page.get_by_label("Start time").fill("18:30")
    page.locator("main form button[type=submit]").click()
    visitor.check()
    assert "The meeting is moved and the members are told." in page.content()
    send_texts(live_app)
    assert len(provider.to(IL_MOBILE)) == 3
    sign_out(visitor)

    # Her profile now says: on my home page only.
    sign_in(visitor, "050-234-5678")
    to_profile(visitor)
    assert visitor.html_dir == "rtl" and checked_choice(page) == "home"


def test_a_landline_is_refused_for_texts_and_what_she_typed_stays(visitor, db):
    page = visitor.page
    noa = make_user("mother", name="Noa", email="noa@example.org", language="en", contact_by_email=True)
    visitor.go("/")
    sign_in(visitor, noa.email)
    to_profile(visitor)
    assert checked_choice(page) == "email"
    page.get_by_label("Your name").fill("Noa Mizrahi")
    page.get_by_label("Phone number").fill("08-623-4567")
    page.get_by_label("By text message to my phone").check()
    page.locator("main form button[type=submit]").click()
    visitor.check()
    assert page.locator("#notices_by-error").is_visible()
    assert "This number cannot receive text messages." in page.locator("#notices_by-error").inner_text()
    assert page.get_by_label("Your name").input_value() == "Noa Mizrahi"
    assert page.get_by_label("Phone number").input_value() == "08-623-4567" and checked_choice(page) == "text"
    visitor.screenshot("profile-notices-error-en")
    db.session.expire_all()
    assert db.session.scalar(select(User.contact_by_email).where(User.id == noa.id)) is True
