"""Her volunteer's next visit: set when a visit is logged or on the case page (by the volunteer, the
case's supervisor or a coordinator; refused to anyone else), shown on the mother's home page in her
language, and reminded the day before, once, by text or email, waiting out the quiet hours."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from groups_app.core.audit import AuditEvent
from groups_app.core.errors import DomainError, NotAllowed
from groups_app.core.mail import OutgoingMail, public_url
from groups_app.core.notify import Notice
from groups_app.core.once import SentOnce, claim_once
from groups_app.core.timeutil import aware, set_clock
from groups_app.extensions import db as _db
from groups_app.texts.models import OutgoingText
from groups_app.visits.models import Case, VisitLog
from groups_app.visits.services import cases, next_visit, visit_logs
from groups_app.visits.services.visit_logs import VisitFields
from tests.conftest import login, make_user
from tests.texts.conftest import il_mobile
from tests.visits.conftest import make_case, make_volunteer

ISRAEL = ZoneInfo("Asia/Jerusalem")
MONDAY = date(2026, 9, 14)
TUESDAY = MONDAY + timedelta(days=1)


def at(day: date, clock: str) -> datetime:
    """A moment on the program's wall clock."""
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=ISRAEL)


@pytest.fixture
def monday_noon(app):
    set_clock(app, at(MONDAY, "12:00"))


@pytest.fixture
def mine(monday_noon):
    """Miriam, a volunteer reading English, and her active case with Salma, who chose texts."""
    volunteer = make_volunteer(name="Miriam Levi-Katz", language="en")
    mother = make_user("mother", name="Salma Abu Kaf", language="en", email=None, phone=il_mobile(1),
                       contact_by_sms=True, contact_by_email=False)
    return volunteer, make_case(mother, volunteer=volunteer)


def stored(case: Case) -> datetime | None:
    _db.session.expire_all()
    return aware(_db.session.get(Case, case.id).next_visit_at)


def texts_to(user) -> list[OutgoingText]:
    return list(_db.session.scalars(select(OutgoingText).where(OutgoingText.user_id == user.id)
                                    .order_by(OutgoingText.id)))


def count(model, *where) -> int:
    return _db.session.scalar(select(func.count()).select_from(model).where(*where))


# ---- the service -----------------------------------------------------------------------------------

def test_her_volunteer_sets_the_next_visit_on_the_programs_clock(db, mine):
    volunteer, case = mine
    moment = next_visit.next_visit_moment(TUESDAY, time(10, 30))
    assert moment == at(TUESDAY, "10:30") and moment.utcoffset() == timedelta(0)  # stored in UTC
    assert next_visit.set_next_visit(case, moment, by=volunteer.user) is True
    assert stored(case) == at(TUESDAY, "10:30")
    assert next_visit.local_parts(case) == (TUESDAY, time(10, 30))
    assert next_visit.set_next_visit(case, moment, by=volunteer.user) is False  # the same again: nothing to record
    [event] = AuditEvent.query.filter_by(action="case.next_visit_set").all()
    assert (event.actor_id, event.target, event.detail) == (volunteer.user.id, f"case:{case.id}", None)  # no when
    assert next_visit.set_next_visit(case, None, by=volunteer.user) is True
    assert stored(case) is None and AuditEvent.query.filter_by(action="case.next_visit_cleared").count() == 1


@pytest.mark.parametrize("day, clock, field, message", [
    (MONDAY, "11:59", "next_visit_day", "The next visit cannot be in the past."),
    (MONDAY - timedelta(days=3), "18:00", "next_visit_day", "The next visit cannot be in the past."),
    (MONDAY + timedelta(days=61), "10:00", "next_visit_day", "Please choose a day within the next 60 days."),
    (None, "10:00", "next_visit_day", "Please give the day of the next visit, or leave the time empty too."),
    (TUESDAY, None, "next_visit_time", "Please give the time of the next visit."),
])
def test_a_next_visit_in_the_past_too_far_or_half_given_is_refused(db, mine, day, clock, field, message):
    with pytest.raises(DomainError) as error:
        next_visit.next_visit_moment(day, time.fromisoformat(clock) if clock else None)
    assert (error.value.field, str(error.value.message)) == (field, message)


def test_within_sixty_days_and_both_empty_are_fine(db, mine):
    assert next_visit.next_visit_moment(MONDAY + timedelta(days=60), time(23, 59)) is not None  # by the calendar
    assert next_visit.next_visit_moment(MONDAY, time(12, 1)) == at(MONDAY, "12:01")
    assert next_visit.next_visit_moment(None, None) is None


def test_her_supervisor_and_a_coordinator_may_set_it_no_one_else(db, mine, coordinator):
    volunteer, case = mine
    moment = at(TUESDAY, "10:00")
    assert next_visit.set_next_visit(case, moment, by=case.supervisor)
    assert next_visit.set_next_visit(case, moment + timedelta(hours=1), by=coordinator)
    other_volunteer = make_volunteer(name="Other Volunteer").user
    facilitator = make_user("facilitator")
    for someone in (other_volunteer, case.mother, facilitator, make_user("staff"), make_user("admin")):
        with pytest.raises(NotAllowed):
            next_visit.set_next_visit(case, moment, by=someone)
    assert stored(case) == moment + timedelta(hours=1)


def test_a_closed_case_takes_no_next_visit(db, mine):
    volunteer, case = mine
    closed = make_case(volunteer=volunteer, status="closed")
    with pytest.raises(DomainError):
        next_visit.set_next_visit(closed, at(TUESDAY, "10:00"), by=volunteer.user)


def test_closing_a_case_clears_its_next_visit(db, mine, coordinator):
    volunteer, case = mine
    next_visit.set_next_visit(case, at(TUESDAY, "10:00"), by=volunteer.user)
    cases.close_case(case, "moved_away", "", by=coordinator)
    assert stored(case) is None


def test_logging_a_visit_sets_the_next_one_in_the_same_transaction(db, mine):
    volunteer, case = mine
    fields = VisitFields(MONDAY, 90, ["feeding"], 4, "", TUESDAY + timedelta(days=6), time(9))
    visit, new = visit_logs.log_visit(case, fields, visit_logs.new_form_token(), by=volunteer.user)
    assert new and stored(case) == at(TUESDAY + timedelta(days=6), "09:00")
    bad = VisitFields(MONDAY, 60, [], 3, "", MONDAY - timedelta(days=1), time(9))
    with pytest.raises(DomainError) as error:
        visit_logs.log_visit(case, bad, visit_logs.new_form_token(), by=volunteer.user)
    assert error.value.field == "next_visit_day"
    _db.session.rollback()
    assert count(VisitLog) == 1  # the refused form saved no visit
    empty = VisitFields(MONDAY, 60, [], 3, "")
    visit_logs.log_visit(case, empty, visit_logs.new_form_token(), by=volunteer.user)
    assert stored(case) == at(TUESDAY + timedelta(days=6), "09:00")  # left empty: kept


# ---- the pages ---------------------------------------------------------------------------------------

def _token(page: str) -> str:
    return re.search(r'name="form_token" type="hidden" value="([^"]+)"', page).group(1)


def test_she_sets_the_next_visit_when_logging_a_visit_and_the_mother_sees_it(client, db, mine):
    volunteer, case = mine
    login(client, volunteer.user)
    page = client.get(f"/visits/cases/{case.id}/visits/new").get_data(as_text=True)
    assert "Day of the next visit" in page and "Time of the next visit" in page
    response = client.post(f"/visits/cases/{case.id}/visits/new", data={
        "form_token": _token(page), "visited_on": MONDAY.isoformat(), "minutes": "90", "mood": "4",
        "next_visit_day": TUESDAY.isoformat(), "next_visit_time": "10:30"})
    assert response.status_code == 302
    assert stored(case) == at(TUESDAY, "10:30")
    case_page = client.get(f"/visits/cases/{case.id}").get_data(as_text=True).replace("\u202f", " ")  # Babel's narrow space
    assert "The next visit: Tuesday, September 15, 2026 at 10:30 AM." in case_page
    assert 'value="2026-09-15"' in case_page and 'value="10:30"' in case_page
    client.post("/logout")
    login(client, case.mother)
    home = client.get("/").get_data(as_text=True).replace("\u202f", " ")
    assert "Your volunteer's next visit: Tuesday, September 15, 2026 at 10:30 AM." in home
    assert "Miriam," in home and "Levi-Katz" not in home  # her first name only


def test_the_mother_sees_it_in_her_language_and_not_once_it_has_passed(app, client, db, mine):
    volunteer, case = mine
    case.mother.language = "ar"
    case.next_visit_at = at(TUESDAY, "10:30").astimezone(UTC)
    _db.session.commit()
    login(client, case.mother)
    home = client.get("/").get_data(as_text=True)
    shown = re.search(r'<p class="next-visit"><strong>([^<]*)</strong>', home).group(1)
    assert "الثلاثاء" in shown and "سبتمبر" in shown  # Tuesday, September: in Arabic
    set_clock(app, at(TUESDAY, "10:31"))
    assert 'class="next-visit"' not in client.get("/").get_data(as_text=True)


def test_the_case_page_form_sets_and_clears_it_and_keeps_what_she_typed(client, db, mine):
    volunteer, case = mine
    login(client, volunteer.user)
    page = client.get(f"/visits/cases/{case.id}").get_data(as_text=True)
    assert "No next visit is set." in page and f'action="/visits/cases/{case.id}/next-visit"' in page
    url = f"/visits/cases/{case.id}/next-visit"
    refused = client.post(url, data={"next_visit_day": (MONDAY + timedelta(days=90)).isoformat(),
                                     "next_visit_time": "16:45"})
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "Please choose a day within the next 60 days." in html and 'id="next_visit_day-error"' in html
    assert 'value="2026-12-13"' in html and 'value="16:45"' in html
    assert stored(case) is None
    assert client.post(url, data={"next_visit_day": "2026-09-17", "next_visit_time": "morning"}).status_code == 400
    done = client.post(url, data={"next_visit_day": "2026-09-17", "next_visit_time": "16:45"})
    assert done.status_code == 302 and done.location.endswith(f"/visits/cases/{case.id}#next-visit-heading")
    assert stored(case) == at(date(2026, 9, 17), "16:45")
    assert client.post(url, data={"next_visit_day": "", "next_visit_time": ""}).status_code == 302
    assert stored(case) is None


@pytest.mark.parametrize("who", ["another volunteer", "the mother", "a facilitator"])
def test_no_one_else_may_set_it(client, db, mine, who):
    volunteer, case = mine
    person = {"another volunteer": lambda: make_volunteer(name="Other Volunteer").user,
              "the mother": lambda: case.mother, "a facilitator": lambda: make_user("facilitator")}[who]()
    login(client, person)
    url = f"/visits/cases/{case.id}/next-visit"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"next_visit_day": TUESDAY.isoformat(), "next_visit_time": "10:00"}).status_code == 403
    assert stored(case) is None


def test_her_supervisor_and_a_coordinator_use_the_same_form(client, db, mine, coordinator):
    volunteer, case = mine
    url = f"/visits/cases/{case.id}/next-visit"
    for person, clock in ((case.supervisor, "10:00"), (coordinator, "11:00")):
        login(client, person)
        assert client.post(url, data={"next_visit_day": TUESDAY.isoformat(), "next_visit_time": clock}).status_code == 302
        assert stored(case) == at(TUESDAY, clock)
        client.post("/logout")


def test_no_form_on_a_closed_case(client, db, mine):
    volunteer, case = mine
    closed = make_case(volunteer=volunteer, status="closed")
    login(client, volunteer.user)
    assert "next-visit-heading" not in client.get(f"/visits/cases/{closed.id}").get_data(as_text=True)
    refused = client.post(f"/visits/cases/{closed.id}/next-visit",
                          data={"next_visit_day": TUESDAY.isoformat(), "next_visit_time": "10:00"})
    assert refused.status_code == 400
    assert "A next visit can be set only while the visits go on." in refused.get_data(as_text=True)
    assert stored(closed) is None


# ---- the day-before reminder -------------------------------------------------------------------------

@pytest.fixture
def three_visits(mine):
    """Tomorrow at 10:30: Salma (texts), Noa (email) and Rina (home page only); and one the day after."""
    volunteer, salma_case = mine
    noa = make_user("mother", name="Noa", email="noa@example.org", contact_by_email=True, contact_by_sms=False)
    rina = make_user("mother", name="Rina", email="rina@example.org", contact_by_email=False, contact_by_sms=False)
    later = make_user("mother", name="Dana", email=None, phone=il_mobile(4), contact_by_sms=True,
                      contact_by_email=False)
    others = [make_case(mother, volunteer=make_volunteer(name=f"Volunteer {n}"))
              for n, mother in enumerate((noa, rina, later))]
    for case, day in zip([salma_case, *others], (TUESDAY, TUESDAY, TUESDAY, TUESDAY + timedelta(days=1)),
                         strict=True):
        case.next_visit_at = at(day, "10:30").astimezone(UTC)  # stored in UTC, as the service does
    _db.session.commit()
    return volunteer, salma_case, others


def test_the_reminder_waits_for_the_programs_time_then_goes_once(app, db, three_visits):
    volunteer, case, (noa_case, rina_case, later_case) = three_visits
    set_clock(app, at(MONDAY, "17:59"))
    assert next_visit.remind_next_visits() == next_visit.Reminded(False, 0)
    set_clock(app, at(MONDAY, "18:15"))
    assert next_visit.remind_next_visits() == next_visit.Reminded(True, 2)
    set_clock(app, at(MONDAY, "19:00"))
    assert next_visit.remind_next_visits() == next_visit.Reminded(True, 0)  # cron again: nothing twice
    [text] = texts_to(case.mother)
    assert (text.kind, text.dedupe_key) == ("visit_next", f"visit-next:{case.id}:2026-09-15")
    assert text.body == f"Reminder: Miriam, your volunteer, visits you on Tue, Sep 15 at 10:30 AM. {public_url('main.home')}"
    assert text.segments == 1 and not text.urgent and aware(text.next_attempt_at) == aware(text.created_at)
    assert count(OutgoingMail, OutgoingMail.to == "noa@example.org") == 1
    assert count(Notice, Notice.user_id == rina_case.mother_id) == 0  # her home page shows it already
    assert texts_to(later_case.mother) == []  # the day after tomorrow: tomorrow evening
    assert count(SentOnce, SentOnce.key.like("visit-next:%")) == 2


def test_a_reminder_in_quiet_hours_waits_for_the_morning(app, db, three_visits):
    volunteer, case, _others = three_visits
    set_clock(app, at(MONDAY, "21:30"))  # the server was down at six; cron catches up late
    assert next_visit.remind_next_visits().mothers == 2
    [text] = texts_to(case.mother)
    assert not text.urgent and aware(text.next_attempt_at).astimezone(ISRAEL) == at(TUESDAY, "08:00")


def test_moved_to_another_day_she_is_reminded_again_closed_or_motherless_not(app, db, three_visits):
    volunteer, case, (noa_case, rina_case, later_case) = three_visits
    set_clock(app, at(MONDAY, "18:15"))
    next_visit.remind_next_visits()
    case.next_visit_at = at(TUESDAY + timedelta(days=1), "10:30").astimezone(UTC)  # moved to Wednesday
    noa_case.status, noa_case.closed_on = "closed", MONDAY
    later_case.mother_id = None  # her account was deleted
    _db.session.commit()
    set_clock(app, at(TUESDAY, "18:15"))
    assert next_visit.remind_next_visits() == next_visit.Reminded(True, 1)
    assert [t.dedupe_key for t in texts_to(case.mother)] == [f"visit-next:{case.id}:2026-09-15",
                                                             f"visit-next:{case.id}:2026-09-16"]


def test_the_command_says_what_it_did_and_forgets_old_keys(app, db, three_visits):
    set_clock(app, at(MONDAY, "12:00") - timedelta(days=91))
    claim_once("meeting-tomorrow:1:1")
    _db.session.commit()
    set_clock(app, at(MONDAY, "12:00"))
    runner = app.test_cli_runner()
    assert "Not yet" in runner.invoke(args=["visits", "remind"]).output
    set_clock(app, at(MONDAY, "18:30"))
    result = runner.invoke(args=["visits", "remind"])
    assert result.exit_code == 0 and "2 mothers reminded of tomorrow's visit." in result.output
    assert count(SentOnce, SentOnce.key == "meeting-tomorrow:1:1") == 0
    assert "0 mothers reminded" in runner.invoke(args=["visits", "remind"]).output
