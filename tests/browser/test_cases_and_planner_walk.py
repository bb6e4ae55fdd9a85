"""This round's pages as their users meet them on a phone in Arabic, by links and forms only from the
home page, axe on every page: a coordinator's list of cases (open cases first, the newest first, read
in order from its index) and a case from it; the topic bank a staff member edits, and the facilitator's
planner showing the new title at once (its lists kept per version of the bank)."""
from __future__ import annotations

from datetime import timedelta

from groups_app.groups.models import Topic, TopicText
from tests.browser.test_thanks import sign_in, sign_out
from tests.conftest import make_group, make_user, today
from tests.visits.conftest import make_case, make_volunteer


def _home_in_arabic(visitor, user):
    visitor.go("/")  # the only address typed: the home page
    visitor.choose_language("ar")
    sign_in(visitor, user)  # the menu's link, then the form
    assert visitor.html_dir == "rtl"


def test_a_coordinator_opens_the_cases_list_and_a_case_from_it(visitor, db):
    volunteer = make_volunteer(name="فاطمة", languages=("ar",))
    make_case(make_user("mother", name="أم قديمة", language="ar"), volunteer=volunteer, languages=("ar",),
              locality_name="Rahat", opened_on=today() - timedelta(days=80), matched_on=today() - timedelta(days=70))
    make_case(make_user("mother", name="أم مغلقة", language="ar"), volunteer=volunteer, status="closed",
              close_reason="moved_away", languages=("ar",), opened_on=today() - timedelta(days=10),
              matched_on=today() - timedelta(days=9))
    make_case(make_user("mother", name="أم جديدة", language="ar"), languages=("ar",), locality_name="Rahat",
              opened_on=today() - timedelta(days=5))
    coordinator = make_user("coordinator", name="Dina", email="dina@example.org", language="ar")

    _home_in_arabic(visitor, coordinator)
    page = visitor.page
    page.locator('main a[href="/visits/cases"]').click()  # her home's "Home visits" card
    visitor.check()
    cards = page.locator("main ul.plain-list > li.card h2 a").all_inner_texts()
    # open cases first, the newest opened first; the closed one last, though opened after the others
    assert cards == ["أم جديدة", "أم قديمة", "أم مغلقة"]
    visitor.screenshot("cases-list-ar")
    page.locator("main li.card", has_text="أم قديمة").locator("h2 a").click()
    visitor.check()
    assert "أم قديمة" in page.locator("main h1").inner_text()
    visitor.screenshot("case-from-list-ar")


def test_a_title_staff_edit_shows_in_the_facilitators_planner_at_once(visitor, db):
    facilitator = make_user("facilitator", name="Salma", email="salma@example.org", language="ar")
    make_group(facilitator, name="أمهات رهط", place="Rahat", languages=["ar"])
    db.session.add(Topic(slug="sleep", texts=[TopicText(language="ar", title="النوم"),
                                              TopicText(language="en", title="Sleep")]))
    db.session.commit()
    staff = make_user("staff", name="Rina", email="rina@example.org", language="ar")

    _home_in_arabic(visitor, facilitator)
    page = visitor.page
    page.locator('main a[href="/planner"]').click()  # her home's "For facilitators" card
    visitor.check()
    listed = page.locator("main select[name=topic_id]").first
    assert "النوم" in listed.inner_text()  # the bank's list, read and kept
    sign_out(visitor)

    sign_in(visitor, staff)
    page.locator('main a[href="/topics/"]').click()  # her home's "The topic bank" card
    visitor.check()
    page.locator("main li.card", has_text="النوم").locator("a").click()  # its "Edit" link
    visitor.check()
    page.locator("#title_ar").fill("النوم والقيلولة")
    page.locator("main form button[type=submit]").click()
    visitor.check()
    sign_out(visitor)

    sign_in(visitor, facilitator)
    page.locator('main a[href="/planner"]').click()
    visitor.check()
    listed = page.locator("main select[name=topic_id]").first
    assert "النوم والقيلولة" in listed.inner_text()  # shown at once: the edit changed the bank's version
    listed.select_option(label="النوم والقيلولة")
    page.locator("main form").first.locator("button[type=submit]").click()
    visitor.check()
    assert "النوم والقيلولة" in page.locator("main").inner_text()
    visitor.screenshot("planner-new-title-ar")
