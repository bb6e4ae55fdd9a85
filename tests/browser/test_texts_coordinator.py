"""A coordinator finds, from her home page, the mothers no channel reaches and the month's text
messages per group, in English and in Arabic, at 360 px."""
from groups_app.core.timeutil import utcnow
from groups_app.texts.models import OutgoingText
from tests.browser.test_groups import sign_in
from tests.conftest import add_members, make_group, make_user
from tests.texts.conftest import GB_MOBILE, IL_LANDLINE, il_mobile


def _program(db):
    coordinator = make_user("coordinator", name="Dina Levi", language="en")
    rahat = make_group(make_user("facilitator"), name="Rahat mornings", by=coordinator)
    hura = make_group(make_user("facilitator"), name="مجموعة حورة", by=coordinator)
    add_members(rahat, make_user("mother", name="Salma Abu Kaf", email=None, phone=IL_LANDLINE, contact_by_sms=True),
                make_user("mother", name="Hana Alkrenawi", email="hana@example.org", contact_by_email=False))
    add_members(hura, make_user("mother", name="Olga Petrova", email=None, phone=GB_MOBILE, contact_by_sms=True))
    now = utcnow()
    for group, count, segments in ((rahat, 12, 2), (hura, 7, 1), (None, 3, 2)):
        for _ in range(count):
            db.session.add(OutgoingText(to=il_mobile(0), body="", kind="meeting_tomorrow", encoding="UCS-2",
                                        group_id=group.id if group else None, segments=segments, status="sent",
                                        attempts=1, next_attempt_at=now, sent_at=now, created_at=now))
    db.session.commit()
    return coordinator


def test_a_coordinator_reads_who_cannot_be_reached_and_what_texts_cost(visitor, db):
    page = visitor.page
    sign_in(visitor, _program(db))
    page.get_by_role("link", name="Mothers we cannot reach").click()
    visitor.check()
    assert "3 mothers cannot be reached." in page.inner_text("main")
    visitor.screenshot("texts-unreachable-en")
    page.locator('.site-header a[href="/"]').first.click()
    page.get_by_role("link", name="Text messages this month").click()
    visitor.check()
    assert "Rahat mornings" in page.inner_text("main")
    visitor.screenshot("texts-month-en")
    visitor.choose_language("ar")
    assert visitor.html_dir == "rtl"
    visitor.screenshot("texts-month-ar")
    page.locator('.site-header a[href="/"]').first.click()
    page.locator('main a[href="/texts/unreachable"]').click()
    visitor.check()
    visitor.screenshot("texts-unreachable-ar")
