"""Cases: matching with reasons, who sees what of a case, the audit of every read, groups, closing."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale

from groups_app.core.audit import AuditEvent
from groups_app.core.errors import DomainError, NotAllowed
from groups_app.core.notify import Notice
from groups_app.core.timeutil import set_clock
from groups_app.extensions import db as _db
from groups_app.groups.models import Attendance
from groups_app.visits.models import Case, Referral, VisitLog
from groups_app.visits.services import case_groups, matching
from groups_app.visits.services import cases as case_service
from tests.conftest import (
    assert_max_queries,
    count_queries,
    locality,
    login,
    make_group,
    make_user,
    past_meeting,
    today,
)
from tests.visits.conftest import make_case, make_volunteer


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.query.filter_by(action=action).order_by(AuditEvent.id))


def _notices(user) -> list[Notice]:
    return list(Notice.query.filter_by(user_id=user.id).order_by(Notice.id))


# ---- matching ---------------------------------------------------------------------------------

def test_candidates_are_ranked_by_language_place_days_and_load(app, db):
    case = make_case(languages=("ar",), locality_name="Rahat")
    arabic_here = make_volunteer(languages=("ar", "he"), locality_name="Rahat", availability="0", name="Amal Here")
    arabic_near_more_days = make_volunteer(languages=("ar",), locality_name="Beersheba", availability="0,1,2",
                                           name="Basma Near")
    hebrew_here = make_volunteer(languages=("he",), locality_name="Rahat", availability="0,1,2,3", name="Dana Hebrew")
    arabic_full = make_volunteer(languages=("ar",), locality_name="Rahat", availability="0,1,2,3,4", name="Fatma Full")
    make_case(volunteer=arabic_full, languages=("ar",))
    make_volunteer(trained=False, languages=("ar",), locality_name="Rahat", name="Untrained")
    make_volunteer(active=False, languages=("ar",), locality_name="Rahat", name="Paused")
    make_volunteer(screening="pending", languages=("ar",), locality_name="Rahat", name="Not screened")

    case = db.session.get(Case, case.id)  # as a page loads it, with its locality
    with count_queries(db.engine) as counted:
        found = matching.candidates(case)
    assert counted() == 1
    assert [c.volunteer.id for c in found] == [arabic_here.id, arabic_near_more_days.id, hebrew_here.id, arabic_full.id]
    assert found[-1].full
    with app.test_request_context(), force_locale("en"):
        reasons = found[0].reasons()
        assert "She speaks Arabic, as the mother does." in reasons
        assert "She lives in the same locality." in reasons
        assert "She is free on 1 day a week: Monday." in reasons
        assert "She visits 0 mothers now, of the 1 she agreed to." in reasons
        near = found[1].reasons()
        assert any(r.startswith("She lives in Beersheba, about ") and r.endswith(" km away.") for r in near)
        assert "She is free on 3 days a week: Monday, Tuesday, and Wednesday." in near
        assert "She speaks none of the mother's languages." in found[2].reasons()
        assert "She already visits as many mothers as she agreed to (1)." in found[3].reasons()


def test_candidates_take_one_query_however_many(app, db):
    case = make_case()
    for _n in range(8):
        make_volunteer()
    case = db.session.get(Case, case.id)
    with assert_max_queries(db.engine, 1):
        assert len(matching.candidates(case)) == 8


def test_assigning_activates_the_case_and_tells_both_in_their_languages(app, db, coordinator):
    mother = make_user("mother", name="Mariam Abu Something", language="ar", phone="050-123-4567",
                       locality_id=locality("Rahat").id)
    case = make_case(mother, languages=("ar",), locality_name="Rahat")
    volunteer = make_volunteer(languages=("ar", "en"), language="en", name="Amal Volunteer")
    supervisor = make_user("staff", name="Sara Staff")
    with app.test_request_context():
        matching.assign(case, volunteer, supervisor, by=coordinator)
    db.session.refresh(case)
    assert (case.status, case.matched_on, case.volunteer_id, case.supervisor_id) == ("active", today(), volunteer.id,
                                                                                     supervisor.id)
    [to_mother] = _notices(mother)
    assert "Amal" in to_mother.body and "Volunteer" not in to_mother.body  # her first name only
    [to_volunteer] = _notices(volunteer.user)
    assert "Mariam" in to_volunteer.body and "Abu" not in to_volunteer.body
    assert "050-123-4567" in to_volunteer.body and "Rahat" in to_volunteer.body
    assert [e.target for e in _events("case.matched")] == [f"case:{case.id}"]


@pytest.mark.parametrize("make", [
    lambda: make_volunteer(trained=False),
    lambda: make_volunteer(active=False, pause_reason="Her own baby"),
    lambda: make_volunteer(screening="not_passed"),
])
def test_an_unmatchable_volunteer_is_refused_and_nothing_is_saved(app, db, coordinator, make):
    case = make_case()
    volunteer = make()
    with pytest.raises(DomainError) as refused:
        matching.assign(case, volunteer, make_user("staff"), by=coordinator)
    assert refused.value.field == "volunteer_id"
    db.session.rollback()
    assert db.session.get(Case, case.id).status == "waiting"
    assert Notice.query.count() == 0


def test_matching_needs_a_coordinator_a_staff_supervisor_and_room_for_one_more(app, db, coordinator):
    case = make_case()
    volunteer = make_volunteer()
    with pytest.raises(NotAllowed):
        matching.assign(case, volunteer, make_user("staff"), by=make_user("staff"))
    with pytest.raises(DomainError) as no_supervisor:
        matching.assign(case, volunteer, None, by=coordinator)
    assert no_supervisor.value.field == "supervisor_id"
    with pytest.raises(DomainError):
        matching.assign(case, volunteer, make_user("volunteer"), by=coordinator)
    make_case(volunteer=volunteer)
    db.session.rollback()
    with pytest.raises(DomainError) as full:
        matching.assign(case, volunteer, make_user("staff"), by=coordinator)
    assert "as many mothers as she agreed to" in str(full.value.message)


def test_the_match_page_lists_reasons_and_refuses_an_untrained_volunteer_with_a_message(client, db, coordinator):
    case = make_case(languages=("ar",))
    ready = make_volunteer(languages=("ar",), name="Ready Volunteer")
    untrained = make_volunteer(trained=False, languages=("ar",), name="Untrained Volunteer")
    supervisor = make_user("staff", name="Sara Staff")
    login(client, coordinator)
    page = client.get(f"/visits/cases/{case.id}/match").get_data(as_text=True)
    assert "Ready Volunteer" in page and "Untrained Volunteer" not in page
    assert "She speaks Arabic, as the mother does." in page and "Sara Staff" in page
    refused = client.post(f"/visits/cases/{case.id}/match", data={"volunteer_id": untrained.id,
                                                                   "supervisor_id": supervisor.id})
    assert refused.status_code == 400
    assert "has not completed a training course" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == "waiting"
    done = client.post(f"/visits/cases/{case.id}/match", data={"volunteer_id": ready.id, "supervisor_id": supervisor.id})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == "active"
    assert client.get(f"/visits/cases/{case.id}/match").status_code == 400  # matched already


def test_only_coordinators_match(client, db):
    case = make_case()
    login(client, make_user("staff"))
    assert client.get(f"/visits/cases/{case.id}/match").status_code == 403


# ---- who sees what of a case ------------------------------------------------------------------

def _referred_case(volunteer=None):
    referral = Referral(mother_name="Noa Levi", phone="+972501234567", languages="he", source="hospital",
                        referrer_name="Dr Referrer", referrer_contact="referrer@example.org", consent=True,
                        status="accepted")
    _db.session.add(referral)
    _db.session.commit()
    mother = make_user("mother", name="Noa Levi", phone="+972507654321")
    return make_case(mother, volunteer=volunteer, referral=referral, notes="Prefers mornings; older child at home.",
                     mother_age=19, first_baby=True, source="hospital")


def test_the_volunteer_sees_what_she_needs_not_the_referral(client, db):
    volunteer = make_volunteer(name="Vered Volunteer", language="en")
    case = _referred_case(volunteer)
    login(client, volunteer.user)
    page = client.get(f"/visits/cases/{case.id}").get_data(as_text=True)
    assert "Noa" in page and "Levi" not in page
    assert "050-765-4321" in page and "Beersheba" in page and "weeks old" in page
    assert "visits so far" in page and "Week by week" in page
    assert "Dr Referrer" not in page and "referrer@example.org" not in page and "Hospital staff" not in page
    assert "Her age" not in page


def test_coordinators_and_the_supervisor_see_everything(client, db, coordinator):
    case = _referred_case(make_volunteer())
    for reader in (coordinator, case.supervisor):
        login(client, reader)
        page = client.get(f"/visits/cases/{case.id}").get_data(as_text=True)
        assert "Noa Levi" in page and "Dr Referrer" in page and "Hospital staff" in page
        assert "Prefers mornings" in page and "Her age" in page
        client.post("/logout")


@pytest.mark.parametrize("who", ["other volunteer", "mother herself", "admin", "other staff", "facilitator"])
def test_anyone_else_is_refused_and_the_refusal_is_logged(client, db, who):
    case = _referred_case(make_volunteer())
    reader = {"other volunteer": lambda: make_volunteer().user, "mother herself": lambda: case.mother,
              "admin": lambda: make_user("admin"), "other staff": lambda: make_user("staff"),
              "facilitator": lambda: make_user("facilitator")}[who]()
    login(client, reader)
    response = client.get(f"/visits/cases/{case.id}")
    assert response.status_code == 403
    assert "Prefers mornings" not in response.get_data(as_text=True)
    assert [e.actor_id for e in _events("access.denied")] == [reader.id]
    assert _events("case.viewed") == []


def test_a_visitor_is_sent_to_sign_in(client, db):
    case = make_case()
    response = client.get(f"/visits/cases/{case.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_every_read_of_a_case_is_logged_without_its_notes(client, db, coordinator):
    case = _referred_case(make_volunteer())
    login(client, coordinator)
    client.get(f"/visits/cases/{case.id}")
    client.get(f"/visits/cases/{case.id}")
    events = _events("case.viewed")
    assert [(e.actor_id, e.target) for e in events] == [(coordinator.id, f"case:{case.id}")] * 2
    assert all("Prefers" not in str(e.detail) for e in AuditEvent.query.all())


def test_the_audit_log_names_a_case_by_its_number(app, db, coordinator):
    from groups_app.accounts.audit_log import describe

    case = make_case()
    with app.test_request_context():
        case_service.view_case(case, by=coordinator)
        [event] = _events("case.viewed")
        sentence = str(describe(event))
    assert f"read <a href=\"/visits/cases/{case.id}\"><bdi>case no. {case.id}</bdi></a>." in sentence


def test_editing_a_case_checks_the_birth_date_and_is_logged(client, db, coordinator):
    case = make_case(volunteer=make_volunteer())
    login(client, coordinator)
    for born, message in ((today() + timedelta(days=1), "cannot be in the future"),
                          (today() - timedelta(days=400), "more than a year ago")):
        response = client.post(f"/visits/cases/{case.id}/edit", data={"baby_birth_date": born.isoformat(),
                                                                      "notes": "My careful words"})
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert message in page and "My careful words" in page
    db.session.expire_all()
    assert db.session.get(Case, case.id).notes == ""
    ok = client.post(f"/visits/cases/{case.id}/edit", data={"baby_birth_date": (today() - timedelta(days=20)).isoformat(),
                                                            "notes": "My careful words"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).notes == "My careful words"
    [event] = _events("case.updated")
    assert event.detail == {"fields": ["notes", "baby_birth_date"]}


def test_the_volunteer_cannot_edit_or_close(client, db):
    volunteer = make_volunteer()
    case = make_case(volunteer=volunteer)
    login(client, volunteer.user)
    assert client.get(f"/visits/cases/{case.id}/edit").status_code == 403
    assert client.get(f"/visits/cases/{case.id}/close").status_code == 403


# ---- groups -----------------------------------------------------------------------------------

def test_the_case_page_shows_her_group_attendance_in_one_query(app, db):
    mother = make_user("mother")
    case = make_case(mother)
    assert case_groups.group_attendance(case).meetings == 0
    group = make_group(name="Rahat mornings", place="Rahat")
    for days in (30, 10):
        meeting = past_meeting(group, days_ago=days)
        db.session.add(Attendance(meeting_id=meeting.id, user_id=mother.id))
    db.session.commit()
    db.session.refresh(case)
    with assert_max_queries(db.engine, 1):
        found = case_groups.group_attendance(case)
    assert found.meetings == 2 and found.last.id == meeting.id


def test_the_coordinator_invites_her_to_a_nearby_group_in_her_language(client, db, coordinator):
    mother = make_user("mother", language="ar")
    case = make_case(mother, languages=("ar",), locality_name="Rahat")
    near = make_group(name="Rahat Arabic", place="Rahat", languages=["ar"])
    far = make_group(name="Arad Arabic", place="Arad", languages=["ar"])
    make_group(name="Rahat Hebrew", place="Rahat", languages=["he"])
    assert [n.group.id for n in case_groups.nearby_groups(case)] == [near.id, far.id]
    login(client, coordinator)
    page = client.get(f"/visits/cases/{case.id}").get_data(as_text=True)
    assert "Rahat Arabic" in page and "Rahat Hebrew" not in page
    assert client.post(f"/visits/cases/{case.id}/invite", data={"group_id": near.id}).status_code == 302
    [notice] = _notices(mother)
    assert "Rahat Arabic" in notice.body and notice.link.endswith(f"/groups/{near.id}")
    [event] = _events("case.group_invited")
    assert event.detail == {"group": near.id}


# ---- closing ----------------------------------------------------------------------------------

def test_closing_a_case_suggests_a_group_and_tells_the_volunteer(client, db, coordinator):
    volunteer = make_volunteer()
    case = make_case(volunteer=volunteer, languages=("he",))
    make_group(name="Beersheba mornings", languages=["he"])
    login(client, coordinator)
    page = client.get(f"/visits/cases/{case.id}/close").get_data(as_text=True)
    assert "A group to carry on" in page and "Beersheba mornings" in page
    refused = client.post(f"/visits/cases/{case.id}/close", data={"reason": "bored", "note": "Moved to her mother's"})
    assert refused.status_code == 400 and "Moved to her mother&#39;s" in refused.get_data(as_text=True)
    assert client.post(f"/visits/cases/{case.id}/close", data={"reason": "moved_away",
                                                               "note": "Moved to her mother's"}).status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert (case.status, case.closed_on, case.close_reason, case.close_note) == ("closed", today(), "moved_away",
                                                                                  "Moved to her mother's")
    assert len(_notices(volunteer.user)) == 1
    assert _events("case.closed")[0].detail == {"reason": "moved_away"}
    assert client.get(f"/visits/cases/{case.id}/close").status_code == 400


def test_close_ended_closes_cases_at_the_first_birthday(app, db):
    set_clock(app, datetime(2026, 5, 10, 21, 30, tzinfo=UTC))  # already 11 May in Israel
    birthday_today = make_case(volunteer=make_volunteer(), baby_birth_date=date(2025, 5, 11),
                               matched_on=date(2025, 6, 1))
    tomorrow = make_case(volunteer=make_volunteer(), baby_birth_date=date(2025, 5, 12), matched_on=date(2025, 6, 1))
    long_ago = make_case(volunteer=make_volunteer(), baby_birth_date=date(2025, 3, 1), matched_on=date(2025, 4, 1))
    waiting = make_case(baby_birth_date=date(2025, 3, 1))
    result = app.test_cli_runner().invoke(args=["visits", "close-ended"])
    assert result.exit_code == 0 and "2 cases closed" in result.output
    closed = {c.id: (c.status, c.closed_on, c.close_reason) for c in Case.query.all()}
    assert closed[birthday_today.id] == ("closed", date(2026, 5, 11), "first_birthday")
    assert closed[long_ago.id] == ("closed", date(2026, 3, 1), "first_birthday")
    assert closed[tomorrow.id][0] == "active" and closed[waiting.id][0] == "waiting"
    assert app.test_cli_runner().invoke(args=["visits", "close-ended"]).output.startswith("0 cases")


# ---- the lists ---------------------------------------------------------------------------------

def _visit(case, days_ago: int):
    import secrets

    _db.session.add(VisitLog(case_id=case.id, volunteer_id=case.volunteer_id, visited_on=today() - timedelta(days=days_ago),
                             minutes=90, mood=4, form_token=secrets.token_hex(8)))
    _db.session.commit()


def test_weeks_without_a_visit(app, db):
    case = make_case(volunteer=make_volunteer(), matched_on=today() - timedelta(days=40))
    assert case_service.weeks_without_visit(case, None) == 5
    _visit(case, 15)
    assert case_service.weeks_without_visit(case, today() - timedelta(days=15)) == 2
    weeks = case_service.schedule(case, list(VisitLog.query.all()))
    assert len(weeks) == 6 and sum(w.visits for w in weeks) == 1
    assert case_service.missed_weeks(weeks) == 4


def test_the_cases_list_filters_pages_and_flags_quiet_cases_in_fixed_queries(client, db, coordinator):
    volunteer = make_volunteer(name="Quiet Volunteer", max_cases=5)
    quiet = make_case(make_user("mother", name="Quiet Mother"), volunteer=volunteer,
                      matched_on=today() - timedelta(days=30))
    _visit(quiet, 20)
    busy = make_case(make_user("mother", name="Busy Mother"), volunteer=volunteer)
    _visit(busy, 2)
    make_case(make_user("mother", name="Waiting Mother"))
    make_case(make_user("mother", name="Closed Mother"), status="closed", close_reason="moved_away",
              volunteer=make_volunteer())
    login(client, coordinator)
    page = client.get("/visits/cases").get_data(as_text=True)
    assert "4 cases" in page and "No visit for 2 weeks." in page
    assert page.count("No visit for") == 1
    active = client.get("/visits/cases?status=active").get_data(as_text=True)
    assert "Waiting Mother" not in active and "Quiet Mother" in active and "Busy Mother" in active
    assert "Quiet Mother" not in client.get(f"/visits/cases?locality_id={locality('Arad').id}").get_data(as_text=True)
    assert "Waiting Mother" not in client.get(f"/visits/cases?volunteer_id={volunteer.id}").get_data(as_text=True)
    with count_queries(db.engine) as few:
        client.get("/visits/cases")
    for n in range(6):
        make_case(volunteer=make_volunteer(), notes=f"case {n}")
    with count_queries(db.engine) as many:
        client.get("/visits/cases")
    assert many() == few()


def test_the_cases_list_is_for_coordinators(client, db):
    login(client, make_user("staff"))
    assert client.get("/visits/cases").status_code == 403


def test_my_mothers_shows_the_weeks_without_a_visit(client, db):
    volunteer = make_volunteer(max_cases=2)
    quiet = make_case(make_user("mother", name="Hana Quiet"), volunteer=volunteer, matched_on=today() - timedelta(days=22))
    other = make_case(make_user("mother", name="Other One"))  # not hers
    volunteer.user.language = "en"  # she reads the page in English here
    db.session.commit()
    login(client, volunteer.user)
    page = client.get("/visits/mine").get_data(as_text=True)
    assert "Hana" in page and "Hana Quiet" not in page and "No visit for 3 weeks." in page
    assert "Other" not in page and f"/visits/cases/{quiet.id}/visits/new" in page
    assert other.id
    login(client, make_user("mother"))
    assert client.get("/visits/mine").status_code == 403


# ---- her home page and the menu -----------------------------------------------------------------

def test_a_mother_sees_she_has_a_case_and_her_volunteers_first_name_not_the_notes(client, db):
    mother = make_user("mother", language="en")
    case = make_case(mother, notes="Private words about her")
    login(client, mother)
    home = client.get("/").get_data(as_text=True)
    assert "You are on the list for home visits." in home
    volunteer = make_volunteer(name="Amal Haddad")
    case.status, case.volunteer_id, case.matched_on, case.supervisor_id = "active", volunteer.id, today(), \
        make_user("staff").id
    _db.session.commit()
    home = client.get("/").get_data(as_text=True)
    assert "Amal, a volunteer mother, visits you at home every week." in home
    assert "Haddad" not in home and "Private words" not in home
    assert client.get(f"/visits/cases/{case.id}").status_code == 403


def test_a_volunteer_sees_her_mothers_and_her_links(client, db):
    volunteer = make_volunteer(language="en")
    make_case(make_user("mother", name="Hana Cohen"), volunteer=volunteer, matched_on=today() - timedelta(days=15))
    login(client, volunteer.user)
    home = client.get("/").get_data(as_text=True)
    assert "My mothers" in home and "Hana" in home and "No visit for 2 weeks." in home
    assert 'href="/visits/mine"' in home and 'href="/visits/hours"' in home and "Log a visit" in home


def test_the_coordinator_sees_quiet_cases_and_her_work_card(client, db, coordinator):
    quiet = make_case(make_user("mother", name="Quiet Mother"), volunteer=make_volunteer(name="Vera Volunteer"),
                      matched_on=today() - timedelta(days=20))
    make_case(make_user("mother", name="Fresh Mother"), volunteer=make_volunteer(), matched_on=today() - timedelta(days=3))
    login(client, coordinator)
    home = client.get("/").get_data(as_text=True)
    assert "Two weeks or more without a visit" in home and f"Case no. {quiet.id}: Quiet" in home
    assert "Fresh" not in home
    for path in ("/visits/referrals", "/visits/cases", "/visits/volunteers", "/visits/courses", "/visits/supervision",
                 "/visits/area", "/visits/concerns", "/visits/figures"):
        assert f'href="{path}"' in home


def test_staff_see_concerns_in_the_menu_only_when_they_supervise(client, db):
    staff = make_user("staff", language="en")
    login(client, staff)

    def menu() -> str:
        return client.get("/").get_data(as_text=True).split("</nav>")[0]

    assert "/visits/concerns" not in menu()
    make_case(volunteer=make_volunteer(), supervisor=staff)
    assert 'href="/visits/concerns"' in menu()


def test_everyone_can_refer_a_mother_from_the_menu(client, db):
    assert 'href="/refer"' in client.get("/").get_data(as_text=True)
