"""Volunteers on a phone: a coordinator makes a record and trains her, she logs her hours, staff
record supervision. Through links and forms only, with axe on every page."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from groups_app.visits.models import Volunteer, VolunteerHours
from tests.browser.test_groups import sign_in
from tests.conftest import make_user, today
from tests.visits.conftest import make_case, make_volunteer


def click(visitor, name: str, role: str = "link"):
    visitor.page.get_by_role(role, name=name, exact=True).first.click()
    visitor.check()


def test_a_coordinator_makes_a_record_and_trains_a_volunteer(visitor, db):
    page = visitor.page
    coordinator = make_user("coordinator", name="Dina Coordinator", email="dina@example.org", language="en")
    make_user("mother", name="Miriam Tadesse", email="miriam@example.org", language="am")
    seasoned = make_volunteer(name="Amal Abu-Rabia", languages=("ar", "he"), locality_name="Rahat", max_cases=2)
    make_case(volunteer=seasoned, matched_on=today() - timedelta(days=420), status="closed")
    make_case(volunteer=seasoned)

    sign_in(visitor, coordinator)
    click(visitor, "Volunteers")
    click(visitor, "New volunteer record")
    page.get_by_label("Name, email or phone").fill("Miriam")
    click(visitor, "Find", "button")
    click(visitor, "Make a volunteer record for Miriam Tadesse", "button")

    # Her screening and availability; a pause with no reason is refused and what was typed stays.
    page.get_by_label("Screening interview date").fill((today() - timedelta(days=3)).isoformat())
    page.get_by_label("Passed", exact=True).check()
    page.get_by_label("Screening notes").fill("Warm, patient, speaks Amharic and Hebrew.")
    page.get_by_label("Monday").check()
    page.get_by_label("Wednesday").check()
    page.get_by_label("Paused").check()
    click(visitor, "Save", "button")
    visitor.screenshot("volunteer-form-refused-en")
    assert page.locator("#pause_reason-error").is_visible()
    assert page.get_by_label("Screening notes").input_value() == "Warm, patient, speaks Amharic and Hebrew."
    page.get_by_label("Active", exact=True).check()
    click(visitor, "Save", "button")
    assert "Miriam Tadesse cannot be matched with a mother: she has not completed a training course." in page.content()
    visitor.screenshot("volunteer-record-new-en")

    # A training course: a session, her enrolment, attendance, completion (refused, then overridden).
    click(visitor, "Training courses")
    page.get_by_label("Course name").fill("Beer-Sheva spring course")
    page.get_by_label("Starts on").fill(today().isoformat())
    page.get_by_label("Planned sessions (1 to 40)").fill("4")
    click(visitor, "Create the course", "button")
    page.get_by_label("Date").fill(today().isoformat())
    page.get_by_label("Topic").fill("Listening without judging")
    click(visitor, "Add the session", "button")
    page.get_by_label("Volunteer", exact=True).select_option(label="Miriam Tadesse")
    click(visitor, "Enrol", "button")
    page.locator(".course-sessions").get_by_label("Miriam Tadesse").check()
    click(visitor, "Save attendance", "button")
    click(visitor, "Mark the course completed for Miriam Tadesse", "button")
    assert "Miriam Tadesse attended 1 of the 4 planned sessions" in page.content()
    page.get_by_label("Complete even though she attended fewer sessions than the rule asks").check()
    click(visitor, "Mark the course completed for Miriam Tadesse", "button")
    assert "Completed on" in page.content()
    visitor.screenshot("course-en")
    click(visitor, "Miriam Tadesse")
    assert "Can be matched with a mother" in page.content()
    click(visitor, "All volunteers")
    assert "Returning" in page.content()
    visitor.screenshot("volunteers-en")

    visitor.choose_language("ar")
    assert visitor.html_dir == "rtl"
    visitor.screenshot("volunteers-ar")
    page.locator(".volunteer-list a").first.click()
    visitor.check()
    visitor.screenshot("volunteer-record-ar")
    page.locator(f"a[href$='/visits/volunteers/{seasoned.id}/edit']").click()  # by address: the words are Arabic now
    visitor.check()
    visitor.screenshot("volunteer-form-ar")
    page.locator(f"main a[href$='/visits/volunteers/{seasoned.id}']").click()
    visitor.check()
    page.locator("main a[href$='/visits/volunteers']").first.click()
    visitor.check()
    page.locator("main a[href$='/visits/courses']").first.click()
    visitor.check()
    visitor.screenshot("courses-ar")
    page.locator("main table a").first.click()
    visitor.check()
    visitor.screenshot("course-ar")
    volunteer = db.session.scalar(select(Volunteer).join(Volunteer.user).where(Volunteer.screening == "passed",
                                                                               Volunteer.availability == "0,2"))
    assert volunteer is not None


def test_a_volunteer_logs_her_hours_and_staff_record_supervision(visitor, db):
    page = visitor.page
    volunteer = make_volunteer(name="Rina Volunteer", language="en")
    volunteer.user.email = "rina@example.org"
    staff = make_user("staff", name="Noa Social Worker", email="noa@example.org", language="en")
    db.session.commit()

    sign_in(visitor, staff)
    click(visitor, "Supervision")
    page.get_by_label("Individual").check()
    page.get_by_label("Minutes").fill("50")
    page.get_by_label("Rina Volunteer").check()
    page.get_by_label("Notes").fill("Talked about a tiring week.")
    click(visitor, "Record the session", "button")
    assert "Talked about a tiring week." in page.content()
    visitor.screenshot("supervision-en")
    visitor.choose_language("he")
    visitor.screenshot("supervision-he")
    page.locator(".site-header form button").click()

    sign_in(visitor, volunteer.user)
    click(visitor, "My hours")
    page.get_by_label("Date").fill((today() + timedelta(days=1)).isoformat())
    page.get_by_label("Minutes").fill("90")
    page.get_by_label("Note (optional)").fill("First-aid course")
    click(visitor, "Save my hours", "button")
    assert page.locator("#worked_on-error").is_visible()
    assert page.get_by_label("Note (optional)").input_value() == "First-aid course"
    page.get_by_label("Date").fill(today().isoformat())
    click(visitor, "Save my hours", "button")
    assert "Your hours are saved." in page.content()
    visitor.screenshot("hours-en")
    visitor.choose_language("ar")
    visitor.screenshot("hours-ar")
    kinds = sorted(h.kind for h in db.session.scalars(select(VolunteerHours).where(
        VolunteerHours.volunteer_id == volunteer.id)))
    assert kinds == ["supervision", "training"]
