"""Home-visit cases on a phone: the coordinator matches a mother, the volunteer logs a visit and
raises a concern, the supervisor acknowledges it; links and forms only, axe on every page."""
from __future__ import annotations

from datetime import timedelta

from groups_app.visits.models import Case, Concern, VisitLog
from tests.browser.test_groups import sign_in, sign_out
from tests.conftest import make_group, make_user, today
from tests.visits.conftest import make_case, make_volunteer


def test_a_case_from_the_match_to_a_handled_concern(visitor, db):
    page = visitor.page
    coordinator = make_user("coordinator", name="Dina Coordinator", language="en")
    supervisor = make_user("staff", name="Sara Supervisor", language="en")
    volunteer = make_volunteer(name="Amal Haddad", language="en", languages=("ar", "he", "en"),
                               locality_name="Rahat", availability="0,2,6")
    make_volunteer(name="Bracha Levi", languages=("he",), locality_name="Arad", availability="1")
    mother = make_user("mother", name="Mariam Abu Rabia", language="ar", phone="+972501234567")
    case = make_case(mother, languages=("ar",), locality_name="Rahat", notes="Prefers the afternoon.")
    make_group(name="Rahat mothers", place="Rahat", languages=["ar"])

    # The coordinator finds the waiting case from her home page and matches it.
    sign_in(visitor, coordinator)
    page.get_by_role("link", name="Cases", exact=True).click()
    visitor.check()
    page.get_by_role("link", name="Mariam Abu Rabia").click()
    visitor.check()
    page.get_by_role("link", name="Find a volunteer").click()
    visitor.check()
    visitor.screenshot("visits-match-en")
    page.locator(f"#volunteer-{volunteer.id}").check()
    page.locator("#supervisor_id").select_option(str(supervisor.id))
    page.get_by_role("button", name="Match them").click()
    visitor.check()
    assert "Amal Haddad" in page.content()
    visitor.screenshot("visits-case-coordinator-en")
    visitor.choose_language("ar")
    visitor.screenshot("visits-case-coordinator-ar")
    visitor.choose_language("en")
    sign_out(visitor)
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == "active"

    # The volunteer logs a visit from her phone, then raises a concern.
    sign_in(visitor, volunteer.user)
    visitor.screenshot("visits-home-volunteer-en")
    page.locator("main").get_by_role("link", name="Log a visit").first.click()
    visitor.check()
    page.locator("#visited_on").fill((today() + timedelta(days=2)).isoformat())
    page.locator("#minutes").fill("90")
    page.get_by_label("Feeding").check()
    page.get_by_label("Well", exact=True).check()
    page.locator("#notes").fill("The baby fed well; she was tired.")
    page.get_by_role("button", name="Save the visit").click()
    visitor.check()
    assert "cannot be in the future" in page.content()
    assert page.locator("#notes").input_value() == "The baby fed well; she was tired."
    visitor.screenshot("visits-visit-refused-en")
    page.locator("#visited_on").fill(today().isoformat())
    page.get_by_role("button", name="Save the visit").click()
    visitor.check()
    assert "The visit is saved." in page.content() and "Prefers the afternoon." in page.content()
    visitor.screenshot("visits-case-volunteer-en")
    page.get_by_role("link", name="I am worried about her or the baby").first.click()
    visitor.check()
    page.get_by_label("The mother", exact=True).check()
    page.locator("#what").fill("She cried through the whole visit.")
    page.get_by_role("button", name="Tell my supervisor now").click()
    visitor.check()
    assert "Your concern is sent." in page.content() and "told of your concern" in page.content()
    visitor.screenshot("visits-concern-sent-en")
    visitor.choose_language("ar")
    visitor.screenshot("visits-concern-sent-ar")
    visitor.choose_language("en")
    sign_out(visitor)

    # The supervisor sees it on her home page and says how it was handled.
    sign_in(visitor, supervisor)
    page.locator("main").get_by_role("link", name=f"Case no. {case.id}: Mariam").first.click()
    visitor.check()
    visitor.screenshot("visits-concern-ack-en")
    page.locator("#handled_how").fill("Called her; the Tipat Halav nurse visits tomorrow.")
    page.get_by_role("button", name="Acknowledge").click()
    visitor.check()
    db.session.expire_all()
    assert VisitLog.query.count() == 1
    assert Concern.query.one().acknowledged_by_id == supervisor.id
