"""Visit logs: from her phone, once per form whatever the connection does, with every word kept on a refusal."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from groups_app.core.audit import AuditEvent
from groups_app.core.errors import Conflict, DomainError, NotAllowed
from groups_app.core.timeutil import set_clock
from groups_app.extensions import db as _db
from groups_app.visits.models import VisitLog, VolunteerHours
from groups_app.visits.services import visit_logs
from groups_app.visits.services.visit_logs import VisitFields
from tests.conftest import login, make_user, today
from tests.visits.conftest import make_case, make_volunteer


@pytest.fixture
def mine(app):
    """Her volunteer record (reading English) and her active case, matched 30 days ago."""
    volunteer = make_volunteer(language="en")
    return volunteer, make_case(make_user("mother", name="Hana Cohen"), volunteer=volunteer)


def _token(page: str) -> str:
    return re.search(r'name="form_token" type="hidden" value="([^"]+)"', page).group(1)


def _form(token: str, **changes) -> dict:
    data = {"form_token": token, "visited_on": today().isoformat(), "minutes": "90",
            "topics": ["feeding", "sleep"], "mood": "4", "notes": "She laughed a lot today."}
    data.update(changes)
    return data


def test_she_logs_a_visit_and_her_hours_grow(client, db, mine):
    volunteer, case = mine
    login(client, volunteer.user)
    page = client.get(f"/visits/cases/{case.id}/visits/new").get_data(as_text=True)
    assert "Log a visit to Hana" in page and "Very low" in page and "Very well" in page and "Feeding" in page
    response = client.post(f"/visits/cases/{case.id}/visits/new", data=_form(_token(page)))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/visits/cases/{case.id}")
    [visit] = VisitLog.query.all()
    assert (visit.visited_on, visit.minutes, visit.topic_list, visit.mood, visit.volunteer_id) == (
        today(), 90, ["feeding", "sleep"], 4, volunteer.id)
    [hours] = VolunteerHours.query.all()
    assert (hours.kind, hours.minutes, hours.visit_id, hours.worked_on) == ("visit", 90, visit.id, today())
    [event] = AuditEvent.query.filter_by(action="visit.logged").all()
    assert event.target == f"case:{case.id}" and "laughed" not in str(event.detail)
    case_page = client.get(f"/visits/cases/{case.id}").get_data(as_text=True)
    assert "1 visit so far." in case_page and "She laughed a lot today." in case_page


def test_a_form_sent_twice_makes_one_visit_and_the_second_answers_as_done(client, db, mine):
    volunteer, case = mine
    login(client, volunteer.user)
    token = _token(client.get(f"/visits/cases/{case.id}/visits/new").get_data(as_text=True))
    first = client.post(f"/visits/cases/{case.id}/visits/new", data=_form(token))
    again = client.post(f"/visits/cases/{case.id}/visits/new", data=_form(token))
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert VisitLog.query.count() == 1 and VolunteerHours.query.count() == 1
    fresh = _token(client.get(f"/visits/cases/{case.id}/visits/new").get_data(as_text=True))
    assert fresh != token  # a new form is a new visit
    client.post(f"/visits/cases/{case.id}/visits/new", data=_form(fresh))
    assert VisitLog.query.count() == 2


def test_in_a_race_the_unique_token_decides(app, db, mine, monkeypatch):
    """Two sendings of one form both find no visit yet; the database lets one of them in."""
    volunteer, case = mine
    token = visit_logs.new_form_token()
    fields = VisitFields(today(), 60, ["sleep"], 3, "")
    first, created = visit_logs.log_visit(case, fields, token, by=volunteer.user)
    assert created
    monkeypatch.setattr(visit_logs, "_by_token", lambda t, real=visit_logs._by_token, calls=[]:
                        calls.append(t) or (real(t) if len(calls) > 1 else None))
    second, created = visit_logs.log_visit(case, fields, token, by=volunteer.user)
    assert not created and second.id == first.id
    assert VisitLog.query.count() == 1 and VolunteerHours.query.count() == 1


@pytest.mark.parametrize("changes, message", [
    ({"visited_on": "2099-01-01"}, "cannot be in the future"),
    ({"visited_on": "2020-01-01"}, "before you were matched"),
    ({"visited_on": "yesterday"}, "year-month-day"),
    ({"minutes": "10"}, "from 15 to 480"),
    ({"minutes": "500"}, "from 15 to 480"),
    ({"mood": ""}, "Please fill in this field."),
    ({"mood": "9"}, "Not a valid choice"),
    ({"topics": ["feeding", "astrology"]}, "valid choice"),
])
def test_a_refused_visit_keeps_every_word_and_saves_nothing(client, db, mine, changes, message):
    volunteer, case = mine
    login(client, volunteer.user)
    token = _token(client.get(f"/visits/cases/{case.id}/visits/new").get_data(as_text=True))
    notes = "Long notes she typed on the bus: the baby sleeps better, the mother is tired."
    response = client.post(f"/visits/cases/{case.id}/visits/new", data=_form(token, notes=notes, **changes))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and notes in page and f'value="{token}"' in page
    assert VisitLog.query.count() == 0 and VolunteerHours.query.count() == 0


def test_the_day_is_the_programs_day(app, db):
    """At 23:30 UTC it is already tomorrow in Israel: a visit that evening is dated tomorrow."""
    set_clock(app, datetime(2026, 5, 10, 21, 30, tzinfo=UTC))
    volunteer = make_volunteer()
    case = make_case(volunteer=volunteer, matched_on=date(2026, 5, 1))
    visit, _new = visit_logs.log_visit(case, VisitFields(date(2026, 5, 11), 60, [], 3), "t-1", by=volunteer.user)
    assert visit.visited_on == date(2026, 5, 11)
    with pytest.raises(DomainError) as future:
        visit_logs.log_visit(case, VisitFields(date(2026, 5, 12), 60, [], 3), "t-2", by=volunteer.user)
    assert future.value.field == "visited_on"
    with pytest.raises(DomainError) as early:
        visit_logs.log_visit(case, VisitFields(date(2026, 4, 30), 60, [], 3), "t-3", by=volunteer.user)
    assert "before you were matched" in str(early.value.message)


def test_only_her_volunteer_logs_visits_and_only_while_the_case_is_active(client, db, mine):
    volunteer, case = mine
    other = make_volunteer()
    with pytest.raises(NotAllowed):
        visit_logs.log_visit(case, VisitFields(today(), 60, [], 3), "x", by=other.user)
    login(client, other.user)
    assert client.get(f"/visits/cases/{case.id}/visits/new").status_code == 403
    client.post("/logout")
    login(client, make_user("coordinator"))
    assert client.get(f"/visits/cases/{case.id}/visits/new").status_code == 403
    client.post("/logout")
    assert client.get(f"/visits/cases/{case.id}/visits/new").status_code == 302  # to sign in
    closed = make_case(volunteer=volunteer, status="closed", close_reason="moved_away")
    with pytest.raises(DomainError):
        visit_logs.log_visit(closed, VisitFields(today(), 60, [], 3), "y", by=volunteer.user)
    login(client, volunteer.user)
    assert client.get(f"/visits/cases/{closed.id}/visits/new").status_code == 400


def test_a_token_used_on_another_case_is_refused(app, db, mine):
    volunteer, case = mine
    volunteer.max_cases = 2
    _db.session.commit()
    second = make_case(volunteer=volunteer)
    visit_logs.log_visit(case, VisitFields(today(), 60, [], 3), "shared", by=volunteer.user)
    with pytest.raises(Conflict):
        visit_logs.log_visit(second, VisitFields(today(), 60, [], 3), "shared", by=volunteer.user)
    assert VisitLog.query.count() == 1
