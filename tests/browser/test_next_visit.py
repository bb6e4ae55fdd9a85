"""The next visit on a phone: the volunteer logs a visit and sets the next one (a day in the past is
refused with what she typed kept), changes it on the case page, and the mother sees it on her home
page in Arabic. Links and forms only, axe on every page."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from groups_app.core.timeutil import aware
from groups_app.visits.models import Case
from tests.browser.test_groups import sign_in, sign_out
from tests.conftest import make_user, today
from tests.visits.conftest import make_case, make_volunteer


def test_the_volunteer_sets_the_next_visit_and_the_mother_sees_it(visitor, db):
    page = visitor.page
    volunteer = make_volunteer(name="Amal Haddad", language="en", languages=("en", "ar"))
    mother = make_user("mother", name="Mariam Abu Rabia", language="ar", email="mariam@example.org")
    case = make_case(mother, volunteer=volunteer, languages=("ar",))
    soon = today() + timedelta(days=2)

    sign_in(visitor, volunteer.user)
    page.locator("main").get_by_role("link", name="Log a visit").first.click()
    visitor.check()
    page.locator("#visited_on").fill(today().isoformat())
    page.get_by_label("Well", exact=True).check()
    page.locator("#next_visit_day").fill((today() - timedelta(days=1)).isoformat())
    page.locator("#next_visit_time").fill("16:30")
    page.get_by_role("button", name="Save the visit").click()
    visitor.check()
    assert "The next visit cannot be in the past." in page.content()
    assert page.locator("#next_visit_time").input_value() == "16:30"
    visitor.screenshot("visits-next-visit-refused-en")
    page.locator("#next_visit_day").fill(soon.isoformat())
    page.get_by_role("button", name="Save the visit").click()
    visitor.check()
    assert "The visit is saved." in page.content() and "The next visit:" in page.content()
    visitor.screenshot("visits-next-visit-case-en")

    # On the case page she moves it to the morning.
    page.locator("#next_visit_time").fill("10:00")
    page.get_by_role("button", name="Save the next visit").click()
    visitor.check()
    assert "The next visit is saved." in page.content()
    visitor.choose_language("ar")
    visitor.screenshot("visits-next-visit-case-ar")
    visitor.choose_language("en")
    sign_out(visitor)
    db.session.expire_all()
    saved = aware(db.session.get(Case, case.id).next_visit_at)
    assert saved is not None and saved.astimezone(ZoneInfo("Asia/Jerusalem")).hour == 10

    # The mother, reading Arabic, sees it on her home page.
    sign_in(visitor, mother)
    assert visitor.html_dir == "rtl"
    assert page.locator(".next-visit").count() == 1
    visitor.screenshot("visits-next-visit-home-ar")
    visitor.choose_language("en")
    assert "Your volunteer's next visit:" in page.locator(".next-visit").inner_text()
    visitor.screenshot("visits-next-visit-home-en")
