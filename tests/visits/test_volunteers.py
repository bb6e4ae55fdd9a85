"""Volunteers: records, who may be matched, returning volunteers, training courses, hours, supervision."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from groups_app.core.audit import AuditEvent
from groups_app.core.errors import DomainError, NotAllowed
from groups_app.extensions import db as _db
from groups_app.visits.models import (
    CourseAttendance,
    CourseEnrolment,
    CourseSession,
    TrainingCourse,
    VisitLog,
    Volunteer,
    VolunteerHours,
)
from groups_app.visits.services import hours as hour_service
from groups_app.visits.services import supervision as supervision_service
from groups_app.visits.services import training
from groups_app.visits.services import volunteers as volunteer_service
from tests.conftest import assert_max_queries, count_queries, login, make_user, today
from tests.visits.conftest import make_case, make_volunteer


def course_with_sessions(planned: int = 8, held: int = 8, name: str = "Autumn course") -> TrainingCourse:
    course = TrainingCourse(name=name, starts_on=today() - timedelta(days=90), sessions_planned=planned)
    _db.session.add(course)
    _db.session.flush()
    for n in range(held):
        _db.session.add(CourseSession(course_id=course.id, held_on=course.starts_on + timedelta(days=7 * n),
                                      topic=f"Topic {n}"))
    _db.session.commit()
    return course


def enrolled(course: TrainingCourse, volunteer: Volunteer, sessions_attended: int = 0) -> CourseEnrolment:
    enrolment = CourseEnrolment(course_id=course.id, volunteer_id=volunteer.id)
    _db.session.add(enrolment)
    for session in course.sessions[:sessions_attended]:
        _db.session.add(CourseAttendance(session_id=session.id, volunteer_id=volunteer.id))
    _db.session.commit()
    return enrolment


def events(action: str) -> list[AuditEvent]:
    return list(_db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


# ---- who may be matched ---------------------------------------------------------------------------

def test_only_a_screened_trained_active_volunteer_is_matchable(app):
    ready = make_volunteer()
    assert volunteer_service.matchable(ready)
    volunteer_service.refuse_unless_matchable(ready)  # no error

    for volunteer, reason in [
        (make_volunteer(screening="pending"), "has not passed screening"),
        (make_volunteer(screening="not_passed"), "has not passed screening"),
        (make_volunteer(trained=False), "has not completed a training course"),
        (make_volunteer(active=False, pause_reason="A new baby"), "she is paused"),
    ]:
        assert not volunteer_service.matchable(volunteer)
        with pytest.raises(DomainError) as refused:
            volunteer_service.refuse_unless_matchable(volunteer)
        assert reason in str(refused.value.message)
        assert volunteer.user.name in str(refused.value.message)


def test_enrolled_but_not_completed_is_not_trained(app):
    volunteer = make_volunteer(trained=False)
    enrolled(course_with_sessions(), volunteer, sessions_attended=8)
    _db.session.refresh(volunteer)
    with pytest.raises(DomainError, match="training course"):
        volunteer_service.refuse_unless_matchable(volunteer)


# ---- returning volunteers -----------------------------------------------------------------------

def test_a_volunteer_who_takes_a_mother_after_her_first_year_is_returning(app):
    first_day = today() - timedelta(days=500)
    returning = make_volunteer(max_cases=3)
    make_case(volunteer=returning, matched_on=first_day, status="closed")
    make_case(volunteer=returning, matched_on=first_day + timedelta(days=366))
    within_year = make_volunteer(max_cases=3)
    make_case(volunteer=within_year, matched_on=first_day, status="closed")
    make_case(volunteer=within_year, matched_on=first_day + timedelta(days=365))  # a year, not more
    one_mother = make_volunteer()
    make_case(volunteer=one_mother, matched_on=first_day)
    none_yet = make_volunteer()

    assert volunteer_service.is_returning(returning)
    assert not volunteer_service.is_returning(within_year)
    assert not volunteer_service.is_returning(one_mother)
    assert not volunteer_service.is_returning(none_yet)
    ids = [v.id for v in (returning, within_year, one_mother, none_yet)]
    with count_queries(_db.engine) as queries:
        assert volunteer_service.returning_ids(ids) == {returning.id}
    assert queries() == 1
    assert volunteer_service.returning_ids([]) == set()


# ---- making and changing a record ------------------------------------------------------------

def test_a_coordinator_makes_a_record_and_gives_the_volunteer_role(app, coordinator):
    mother = make_user("mother", name="Miriam Levi")
    volunteer = volunteer_service.create_volunteer(mother, by=coordinator)
    assert volunteer.screening == "pending" and volunteer.hours_per_week == 2 and volunteer.active
    assert mother.has_role("volunteer") and mother.has_role("mother")
    assert [e.target for e in events("volunteer.created")] == [f"volunteer:{volunteer.id}"]
    assert events("role.granted")[0].detail == {"role": "volunteer"}
    with pytest.raises(DomainError, match="already has a volunteer record"):
        volunteer_service.create_volunteer(mother, by=coordinator)
    with pytest.raises(NotAllowed):
        volunteer_service.create_volunteer(make_user("mother"), by=make_user("staff"))


def fields(**changes) -> volunteer_service.RecordFields:
    values = dict(interview_on=today() - timedelta(days=10), screening="passed", screening_notes="Warm, patient.",
                  commitment_from=today(), hours_per_week=2, availability=[0, 2], max_cases=2, active=True,
                  pause_reason="")
    values.update(changes)
    return volunteer_service.RecordFields(**values)


def test_record_rules_are_checked_and_nothing_half_saved(app, coordinator):
    volunteer = make_volunteer(screening="pending", trained=False)
    for changes, field in [
        ({"active": False, "pause_reason": " "}, "pause_reason"),
        ({"interview_on": None}, "interview_on"),
        ({"interview_on": today() + timedelta(days=3)}, "screening"),
        ({"max_cases": 6}, "max_cases"),
        ({"hours_per_week": 0}, "hours_per_week"),
        ({"availability": [7]}, "availability"),
    ]:
        with pytest.raises(DomainError) as refused:
            volunteer_service.update_volunteer(volunteer, fields(**changes), by=coordinator)
        assert refused.value.field == field
        _db.session.rollback()
        assert _db.session.get(Volunteer, volunteer.id).screening == "pending"
    volunteer_service.update_volunteer(volunteer, fields(active=False, pause_reason="Moving house"), by=coordinator)
    assert volunteer.availability == "0,2" and volunteer.pause_reason == "Moving house" and not volunteer.active
    assert events("volunteer.paused")
    assert "Warm" not in str([e.detail for e in events("volunteer.updated")])  # never the notes' text


# ---- training courses ----------------------------------------------------------------------------

def test_completion_needs_three_quarters_of_planned_sessions_or_an_override(app, coordinator):
    course = course_with_sessions(planned=8, held=8)
    assert training.sessions_required(course) == 6
    short, enough = make_volunteer(trained=False), make_volunteer(trained=False)
    short_enrolment, enough_enrolment = enrolled(course, short, 5), enrolled(course, enough, 6)

    with pytest.raises(DomainError, match="attended 5 of the 8 planned sessions") as refused:
        training.complete(short_enrolment, by=coordinator)
    assert refused.value.field == "override"
    assert short_enrolment.completed_on is None
    training.complete(enough_enrolment, by=coordinator)
    assert enough_enrolment.completed_on == today() and enough.trained
    training.complete(short_enrolment, by=coordinator, override=True)
    assert short_enrolment.completed_on == today()
    assert [e.detail["override"] for e in events("course.completed")] == [False, True]
    with pytest.raises(DomainError):
        training.complete(short_enrolment, by=coordinator)  # once is enough
    with pytest.raises(NotAllowed):
        training.complete(short_enrolment, by=make_user("facilitator"))


def test_a_course_holds_at_most_fifteen_volunteers(app):
    staff = make_user("staff")
    course = training.create_course("Small group", today(), 6, by=staff)
    for _n in range(training.MAX_PER_COURSE):
        training.enrol(course, make_volunteer(trained=False), by=staff)
    with pytest.raises(DomainError, match="at most 15"):
        training.enrol(course, make_volunteer(trained=False), by=staff)
    first = _db.session.scalars(select(CourseEnrolment).where(CourseEnrolment.course_id == course.id)).first()
    with pytest.raises(DomainError, match="already enrolled"):
        training.enrol(course, first.volunteer, by=staff)


def test_attendance_is_for_enrolled_volunteers_at_sessions_that_took_place(app, coordinator):
    course = course_with_sessions(planned=4, held=2)
    inside, outside = make_volunteer(trained=False), make_volunteer(trained=False)
    enrolled(course, inside)
    session = course.sessions[0]
    with pytest.raises(DomainError, match="Only volunteers enrolled"):
        training.set_attendance(session, [inside.id, outside.id], by=coordinator)
    training.set_attendance(session, [inside.id], by=coordinator)
    assert training.attended(course.id) == {inside.id: 1}
    training.set_attendance(session, [], by=coordinator)
    assert training.attended(course.id) == {}
    later = training.add_session(course, today() + timedelta(days=7), "Listening", by=coordinator)
    with pytest.raises(DomainError, match="not taken place yet"):
        training.set_attendance(later, [inside.id], by=coordinator)
    with pytest.raises(DomainError, match="before the course starts"):
        training.add_session(course, course.starts_on - timedelta(days=1), "", by=coordinator)


# ---- hours ---------------------------------------------------------------------------------------

def test_she_logs_her_own_hours_within_the_rules(app):
    volunteer = make_volunteer()
    her = volunteer.user
    entry = hour_service.log_hours(volunteer, today(), "training", 90, "First aid", by=her)
    assert (entry.kind, entry.minutes, entry.visit_id) == ("training", 90, None)
    for worked_on, kind, minutes, field in [
        (today() + timedelta(days=1), "training", 60, "worked_on"),
        (today() - timedelta(days=366), "training", 60, "worked_on"),
        (None, "training", 60, "worked_on"),
        (today(), "training", 0, "minutes"),
        (today(), "training", 721, "minutes"),
        (today(), "training", None, "minutes"),
        (today(), "gardening", 60, "kind"),
    ]:
        with pytest.raises(DomainError) as refused:
            hour_service.log_hours(volunteer, worked_on, kind, minutes, by=her)
        assert refused.value.field == field
    hour_service.log_hours(volunteer, today() - timedelta(days=365), "supervision", 720, by=her)  # the limits
    with pytest.raises(NotAllowed):
        hour_service.log_hours(volunteer, today(), "training", 60, by=make_user("coordinator"))
    with pytest.raises(NotAllowed):
        hour_service.log_hours(volunteer, today(), "training", 60, by=make_volunteer().user)
    assert _db.session.scalar(select(func.count(VolunteerHours.id))) == 2


def test_a_logged_visit_adds_its_hours_once(app):
    volunteer = make_volunteer()
    case = make_case(volunteer=volunteer)
    visit = VisitLog(case_id=case.id, volunteer_id=volunteer.id, visited_on=today() - timedelta(days=2), minutes=95,
                     mood=4, form_token="token-1")
    _db.session.add(visit)
    entry = hour_service.add_visit_hours(volunteer, visit)  # flushes the visit for its id
    assert entry is hour_service.add_visit_hours(volunteer, visit)
    _db.session.commit()
    rows = _db.session.scalars(select(VolunteerHours)).all()
    assert [(r.kind, r.minutes, r.visit_id, r.worked_on) for r in rows] == [("visit", 95, visit.id, visit.visited_on)]
    assert volunteer_service.hours_by_kind([volunteer.id])[volunteer.id] == {"visit": 95, "training": 0,
                                                                             "supervision": 0}


# ---- supervision ----------------------------------------------------------------------------------

def test_a_supervision_session_adds_hours_to_each_volunteer_present(app):
    staff = make_user("staff")
    amal, rina, absent = make_volunteer(), make_volunteer(), make_volunteer()
    session = supervision_service.record_session(today() - timedelta(days=1), "group", 90, [amal.id, rina.id],
                                                 "Talked about boundaries.", by=staff)
    assert {a.volunteer_id for a in session.attendees} == {amal.id, rina.id}
    totals = volunteer_service.hours_by_kind([amal.id, rina.id, absent.id])
    assert [totals[v.id]["supervision"] for v in (amal, rina, absent)] == [90, 90, 0]
    assert events("supervision.recorded")[0].detail == {"kind": "group", "volunteers": 2}

    for args, field in [
        ((today(), "individual", 60, [amal.id, rina.id]), "volunteer_ids"),
        ((today(), "group", 60, []), "volunteer_ids"),
        ((today() + timedelta(days=1), "group", 60, [amal.id]), "held_on"),
        ((today(), "group", 0, [amal.id]), "minutes"),
        ((today(), "group", 60, [999999]), "volunteer_ids"),
        ((today(), "group", 60, [2**70]), "volunteer_ids"),
    ]:
        with pytest.raises(DomainError) as refused:
            supervision_service.record_session(*args, by=staff)
        assert refused.value.field == field
    for someone in (make_user("volunteer"), make_user("facilitator"), make_user("mother")):
        with pytest.raises(NotAllowed):
            supervision_service.record_session(today(), "individual", 60, [amal.id], by=someone)
    supervision_service.record_session(today(), "individual", 45, [amal.id], by=make_user("coordinator"))
    assert volunteer_service.hours_by_kind([amal.id])[amal.id]["supervision"] == 135


# ---- pages -----------------------------------------------------------------------------------------

def test_the_volunteers_list_runs_a_fixed_number_of_queries(client, coordinator):
    login(client, coordinator)

    def volunteers_with_cases(n):
        for _i in range(n):
            volunteer = make_volunteer(max_cases=2)
            make_case(volunteer=volunteer, matched_on=today() - timedelta(days=400), status="closed")
            make_case(volunteer=volunteer)

    volunteers_with_cases(1)
    client.get("/visits/volunteers")
    with count_queries(_db.engine) as first:
        assert client.get("/visits/volunteers").status_code == 200
    volunteers_with_cases(8)
    make_volunteer(trained=False, locality_name=None)
    with assert_max_queries(_db.engine, first()):
        html = client.get("/visits/volunteers").get_data(as_text=True)
    assert "10 volunteers" in text_of(html)
    assert text_of(html).count("Returning volunteer") == 9  # returning: a mother more than a year after the first


def test_the_volunteers_list_filters(client, coordinator):
    login(client, coordinator)
    make_volunteer(name="Amal Arabic", languages=("ar", "he"), locality_name="Rahat")
    make_volunteer(name="Rina Russian", languages=("ru",), trained=False)
    make_volunteer(name="Paula Paused", active=False, pause_reason="Exams")
    for query, shown in [("language=ar", {"Amal Arabic"}), ("trained=no", {"Rina Russian"}),
                         ("status=paused", {"Paula Paused"}), ("q=rina", {"Rina Russian"}),
                         ("screening=passed", {"Amal Arabic", "Rina Russian", "Paula Paused"})]:
        html = client.get(f"/visits/volunteers?{query}").get_data(as_text=True)
        assert {n for n in ("Amal Arabic", "Rina Russian", "Paula Paused") if n in html} == shown, query


@pytest.mark.parametrize("who", ["mother", "facilitator", "volunteer", "staff", "admin"])
def test_only_coordinators_see_a_volunteers_record_and_notes(client, who):
    volunteer = make_volunteer(screening_notes="Private screening note")
    login(client, make_user(who))
    for path in (f"/visits/volunteers/{volunteer.id}", f"/visits/volunteers/{volunteer.id}/edit",
                 "/visits/volunteers", "/visits/volunteers/new"):
        response = client.get(path)
        assert response.status_code == 403, (who, path)
        assert "Private screening note" not in response.get_data(as_text=True)
    assert client.post(f"/visits/volunteers/{volunteer.id}/edit", data={"screening": "not_passed"}).status_code == 403
    assert _db.session.get(Volunteer, volunteer.id).screening == "passed"


def test_a_volunteer_cannot_see_her_own_record_page_either(client):
    volunteer = make_volunteer(screening_notes="Private screening note")
    login(client, volunteer.user)
    assert client.get(f"/visits/volunteers/{volunteer.id}").status_code == 403


def test_visitors_are_sent_to_sign_in(client):
    volunteer = make_volunteer()
    for path in (f"/visits/volunteers/{volunteer.id}", "/visits/volunteers", "/visits/hours", "/visits/courses",
                 "/visits/supervision"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.location, path


def test_the_coordinator_reads_a_volunteers_whole_record(client, coordinator):
    volunteer = make_volunteer(name="Hana Cohen", screening_notes="Calm and kind.", availability="0,4",
                               interview_on=today() - timedelta(days=100))
    mother = make_user("mother", name="Yael Ben David")
    case = make_case(mother, volunteer=volunteer, notes="Case notes stay on the case page")
    hour_service.log_hours(volunteer, today(), "training", 120, "Course day", by=volunteer.user)
    login(client, coordinator)
    response = client.get(f"/visits/volunteers/{volunteer.id}")
    html = text_of(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Calm and kind." in html and "Spring course" in html
    assert "Yael" in html and "Ben David" not in html  # her first name only
    assert f"/visits/cases/{case.id}" in response.get_data(as_text=True)
    assert "Case notes stay" not in html
    assert "Monday and Friday" in html
    assert "2 hours" in html and "Course day" in html
    assert [e.target for e in events("volunteer.viewed")] == [f"volunteer:{volunteer.id}"]


def test_weekdays_are_named_in_her_language_monday_first(client):
    coordinator = make_user("coordinator", language="he")
    volunteer = make_volunteer()
    login(client, coordinator)
    html = client.get(f"/visits/volunteers/{volunteer.id}/edit").get_data(as_text=True)
    days = re.findall(r'name="availability" type="checkbox" value="(\d)"', html)
    assert days == ["0", "1", "2", "3", "4", "5", "6"]
    assert html.index("יום שני") < html.index("יום ראשון")  # Monday first, in Hebrew


def test_the_coordinator_edits_a_record_and_a_refusal_keeps_what_she_typed(client, coordinator):
    volunteer = make_volunteer()
    login(client, coordinator)
    form = {"interview_on": (today() - timedelta(days=5)).isoformat(), "screening": "passed",
            "screening_notes": "Lovely with babies", "commitment_from": today().isoformat(), "hours_per_week": "3",
            "availability": ["1", "3"], "max_cases": "2", "status": "paused", "pause_reason": ""}
    response = client.post(f"/visits/volunteers/{volunteer.id}/edit", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please say why she is pausing." in html and "Lovely with babies" in html
    assert _db.session.get(Volunteer, volunteer.id).active
    response = client.post(f"/visits/volunteers/{volunteer.id}/edit", data={**form, "pause_reason": "Exams"})
    assert response.status_code == 302
    _db.session.expire_all()
    saved = _db.session.get(Volunteer, volunteer.id)
    assert (saved.active, saved.availability, saved.hours_per_week, saved.max_cases) == (False, "1,3", 3, 2)


def test_the_coordinator_makes_a_record_for_an_existing_account(client, coordinator):
    mother = make_user("mother", name="Tsega Alemu", phone="+972507654321")
    login(client, coordinator)
    html = client.get("/visits/volunteers/new?q=0507654321").get_data(as_text=True)
    assert "Tsega Alemu" in html
    response = client.post("/visits/volunteers/new?q=Tsega", data={"user_id": str(mother.id)})
    assert response.status_code == 302
    volunteer = _db.session.scalar(select(Volunteer).where(Volunteer.user_id == mother.id))
    assert response.location.endswith(f"/visits/volunteers/{volunteer.id}/edit")
    assert "Tsega Alemu" not in client.get("/visits/volunteers/new?q=Tsega").get_data(as_text=True).split("Accounts found")[1]
    response = client.post("/visits/volunteers/new", data={"user_id": str(mother.id)})
    assert response.status_code == 400 and "already has a volunteer record" in response.get_data(as_text=True)


def test_courses_for_coordinators_and_staff_only(client):
    course = course_with_sessions()
    for who in ("mother", "facilitator", "volunteer", "admin"):
        client.post("/logout")
        login(client, make_user(who))
        assert client.get("/visits/courses").status_code == 403, who
        assert client.get(f"/visits/courses/{course.id}").status_code == 403, who
        assert client.post(f"/visits/courses/{course.id}/enrol", data={}).status_code == 403, who
    for who in ("staff", "coordinator"):
        client.post("/logout")
        login(client, make_user(who))
        assert client.get("/visits/courses").status_code == 200, who
        assert client.get(f"/visits/courses/{course.id}").status_code == 200, who


def test_a_course_on_its_page_sessions_enrolment_attendance_completion(client):
    staff = make_user("staff")
    login(client, staff)
    response = client.post("/visits/courses", data={"name": "Winter course", "starts_on": today().isoformat(),
                                                    "sessions_planned": "4"})
    assert response.status_code == 302
    course = _db.session.scalar(select(TrainingCourse).where(TrainingCourse.name == "Winter course"))
    page = f"/visits/courses/{course.id}"
    assert "at least 75%" in text_of(client.get(page).get_data(as_text=True))

    response = client.post(f"{page}/sessions", data={"session-held_on": (today() - timedelta(days=1)).isoformat(),
                                                     "session-topic": "Listening without judging"})
    assert response.status_code == 400 and "before the course starts" in response.get_data(as_text=True)
    assert "Listening without judging" in response.get_data(as_text=True)  # what she typed stays
    assert client.post(f"{page}/sessions", data={"session-held_on": today().isoformat(),
                                                 "session-topic": "Listening"}).status_code == 302
    volunteer = make_volunteer(trained=False, name="Sara Trainee")
    assert client.post(f"{page}/enrol", data={"enrol-volunteer_id": str(volunteer.id)}).status_code == 302
    session = course.sessions[0]
    response = client.post(f"{page}/attendance?session={session.id}", data={f"s{session.id}-present": [str(volunteer.id)]})
    assert response.status_code == 302
    enrolment = _db.session.scalar(select(CourseEnrolment).where(CourseEnrolment.volunteer_id == volunteer.id))
    response = client.post(f"{page}/complete?enrolment={enrolment.id}", data={})
    assert response.status_code == 400
    assert "Sara Trainee attended 1 of the 4 planned sessions" in text_of(response.get_data(as_text=True))
    assert client.post(f"{page}/complete?enrolment={enrolment.id}",
                       data={f"e{enrolment.id}-override": "y"}).status_code == 302
    _db.session.expire_all()
    assert _db.session.get(CourseEnrolment, enrolment.id).completed_on == today()


def test_a_volunteer_sees_and_logs_only_her_own_hours(client):
    mine, other = make_volunteer(), make_volunteer()
    hour_service.log_hours(other, today(), "training", 60, "Someone else's note", by=other.user)
    mine.user.language = "en"  # she reads the page in English here
    _db.session.commit()
    login(client, mine.user)
    response = client.post("/visits/hours", data={"worked_on": today().isoformat(), "kind": "training",
                                                  "minutes": "75", "note": "Reading group",
                                                  "volunteer_id": str(other.id)})
    assert response.status_code == 302
    html = client.get("/visits/hours").get_data(as_text=True)
    assert "Reading group" in html and "Someone else" not in html
    assert [h.volunteer_id for h in _db.session.scalars(select(VolunteerHours).where(VolunteerHours.minutes == 75))] \
        == [mine.id]
    response = client.post("/visits/hours", data={"worked_on": (today() + timedelta(days=2)).isoformat(),
                                                  "kind": "training", "minutes": "75", "note": "Tomorrow's course"})
    assert response.status_code == 400
    assert "cannot be in the future" in response.get_data(as_text=True)
    assert "Tomorrow&#39;s course" in response.get_data(as_text=True)


def test_hours_are_for_volunteers(client):
    for who in ("mother", "facilitator", "coordinator", "staff"):
        client.post("/logout")
        login(client, make_user(who))
        assert client.get("/visits/hours").status_code == 403, who
    client.post("/logout")
    login(client, make_user("volunteer"))  # the role, but no record yet
    response = client.get("/visits/hours")
    assert response.status_code == 200 and "do not have a volunteer record yet" in response.get_data(as_text=True)


def test_staff_record_supervision_and_only_they_and_coordinators_read_its_notes(client):
    amal = make_volunteer(name="Amal Haddad")
    staff = make_user("staff")
    login(client, staff)
    response = client.post("/visits/supervision", data={"held_on": today().isoformat(), "kind": "individual",
                                                        "minutes": "50", "volunteer_ids": [str(amal.id)],
                                                        "notes": "Feeling tired"})
    assert response.status_code == 302
    html = client.get("/visits/supervision").get_data(as_text=True)
    assert "Feeling tired" in html and "Amal Haddad" in html
    assert volunteer_service.hours_by_kind([amal.id])[amal.id]["supervision"] == 50
    response = client.post("/visits/supervision", data={"held_on": today().isoformat(), "kind": "individual",
                                                        "minutes": "50", "volunteer_ids": [], "notes": "Kept"})
    assert response.status_code == 400 and "Kept" in response.get_data(as_text=True)
    for who in ("mother", "facilitator", "volunteer", "admin"):
        client.post("/logout")
        login(client, amal.user if who == "volunteer" else make_user(who))
        response = client.get("/visits/supervision")
        assert response.status_code == 403 and "Feeling tired" not in response.get_data(as_text=True), who
    client.post("/logout")
    login(client, make_user("coordinator"))
    assert "Feeling tired" in client.get("/visits/supervision").get_data(as_text=True)


def test_the_audit_log_names_volunteers_and_courses_in_its_sentences(app, coordinator):
    from groups_app.accounts.audit_log import by_day

    volunteer = make_volunteer(name="Hana Cohen", trained=False)
    course = training.create_course("Negev autumn course", today(), 1, by=coordinator)
    training.enrol(course, volunteer, by=coordinator)
    enrolment = _db.session.scalar(select(CourseEnrolment).where(CourseEnrolment.volunteer_id == volunteer.id))
    training.complete(enrolment, by=coordinator, override=True)
    volunteer_service.record_viewed(volunteer, by=coordinator)
    with app.test_request_context():
        with count_queries(_db.engine) as queries:
            lines = [re.sub(r"<[^>]+>", "", str(line.sentence)) for day in by_day(list(_db.session.scalars(
                select(AuditEvent).order_by(AuditEvent.id)))) for line in day.lines]
        assert queries() <= 5
    assert lines == [
        "Coordinator Dina created the training course Negev autumn course.",
        "Coordinator Dina enrolled Hana Cohen in the training course Negev autumn course.",
        "Coordinator Dina marked that Hana Cohen completed Negev autumn course, overriding the attendance rule.",
        "Coordinator Dina read the volunteer record of Hana Cohen.",
    ]
