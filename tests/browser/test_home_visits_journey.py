"""Issue 11's journey end to end, through links and forms: a nurse refers a mother on the Arabic
form, the coordinator accepts her and matches an Arabic-speaking volunteer, the volunteer logs two
visits and raises a concern, the supervisor sees the alert; another volunteer is refused the case
and the refusal is in the audit log."""
from __future__ import annotations

from sqlalchemy import func, select

from groups_app.core.audit import AuditEvent
from groups_app.visits.models import Case, Concern, VisitLog
from groups_app.visits.services.area import set_area
from tests.browser.test_groups import sign_in, sign_out
from tests.browser.test_referral_form import _fill, _to_inbox
from tests.conftest import locality, make_user, today
from tests.visits.conftest import make_volunteer


def test_referral_to_match_to_visits_to_a_concern_the_supervisor_sees(visitor, db):
    page = visitor.page
    coordinator = make_user("coordinator", name="Dina", email="dina@example.org", language="en")
    supervisor = make_user("staff", name="Sara Supervisor", email="sara@example.org", language="en")
    set_area([locality("Rahat").id], by=coordinator)
    arabic = make_volunteer(name="Amal Haddad", language="en", languages=("ar", "he", "en"), locality_name="Rahat",
                            availability="0,2,6")
    other = make_volunteer(name="Bracha Levi", languages=("he",), locality_name="Arad", availability="1")

    # A nurse, with no account, refers the mother on the Arabic form from the home page.
    visitor.go("/")
    visitor.choose_language("ar")
    page.locator("nav a[href='/refer']").first.click()
    visitor.check()
    _fill(page, "050-123-4567")
    page.locator("form:not(.language-switcher) button[type=submit]").click()
    visitor.check()
    assert visitor.html_dir == "rtl"

    # The coordinator accepts the referral, then matches the volunteer who speaks Arabic.
    sign_in(visitor, coordinator)
    _to_inbox(visitor)
    page.get_by_role("link", name="سلمى أبو كف").click()
    visitor.check()
    page.get_by_role("button", name="Accept and open a case").click()
    visitor.check()
    assert "her case is open" in page.content()
    page.locator("a.brand").click()
    page.get_by_role("link", name="Cases", exact=True).click()
    visitor.check()
    page.get_by_role("link", name="سلمى أبو كف").click()
    visitor.check()
    page.get_by_role("link", name="Find a volunteer").click()
    visitor.check()
    ranked = page.locator("main input[name=volunteer_id]").first.get_attribute("value")
    assert ranked == str(arabic.id)  # shared language and locality put her first
    page.locator(f"#volunteer-{arabic.id}").check()
    page.locator("#supervisor_id").select_option(str(supervisor.id))
    page.get_by_role("button", name="Match them").click()
    visitor.check()
    case = db.session.scalar(select(Case))
    db.session.refresh(case)
    assert case.status == "active" and case.volunteer_id == arabic.id
    sign_out(visitor)

    # The volunteer logs two visits from her phone, then raises a concern.
    sign_in(visitor, arabic.user)
    for minutes in ("90", "75"):
        page.locator("a.brand").click()
        page.locator("main").get_by_role("link", name="Log a visit").first.click()
        visitor.check()
        page.locator("#visited_on").fill(today().isoformat())
        page.locator("#minutes").fill(minutes)
        page.get_by_label("Feeding").check()
        page.get_by_label("Well", exact=True).check()
        page.get_by_role("button", name="Save the visit").click()
        visitor.check()
        assert "The visit is saved." in page.content()
    page.get_by_role("link", name="I am worried about her or the baby").first.click()
    visitor.check()
    page.get_by_label("The mother", exact=True).check()
    page.locator("#what").fill("She has not slept for days and cries often.")
    page.get_by_role("button", name="Tell my supervisor now").click()
    visitor.check()
    assert "Your concern is sent." in page.content()
    sign_out(visitor)
    assert db.session.scalar(select(func.count(VisitLog.id))) == 2

    # The supervisor sees the alert on her home page.
    sign_in(visitor, supervisor)
    alert = page.locator("main").get_by_role("link", name=f"Case no. {case.id}")
    assert alert.first.is_visible()
    alert.first.click()
    visitor.check()
    assert "She has not slept for days" in page.content()
    sign_out(visitor)
    assert db.session.scalar(select(func.count(Concern.id))) == 1

    # Another volunteer is refused the case, and the refusal is in the audit log.
    sign_in(visitor, other.user)
    assert visitor.go(f"/visits/cases/{case.id}").status == 403
    denied = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied",
                                                         AuditEvent.actor_id == other.user_id)).all()
    assert any(event.path == f"/visits/cases/{case.id}" for event in denied)
