"""Concerns: the supervisor is alerted at once; unacknowledged in time, every coordinator is."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from groups_app.core.audit import AuditEvent
from groups_app.core.errors import DomainError, NotAllowed
from groups_app.core.notify import Notice
from groups_app.core.timeutil import aware, set_clock
from groups_app.extensions import db as _db
from groups_app.visits.models import Concern
from groups_app.visits.services import concerns as concern_service
from tests.conftest import assert_max_queries, count_queries, login, make_user
from tests.visits.conftest import make_case, make_volunteer

RAISED = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def team(app):
    """A volunteer (reading English), her supervisor, two coordinators, and her active case."""
    set_clock(app, RAISED)
    volunteer = make_volunteer(language="en", name="Vered Volunteer")
    supervisor = make_user("staff", name="Sara Supervisor")
    coordinators = [make_user("coordinator", name="Dina Coordinator"), make_user("coordinator", name="Rina Coordinator")]
    case = make_case(make_user("mother", name="Hana Cohen"), volunteer=volunteer, supervisor=supervisor)
    return volunteer, supervisor, coordinators, case


def _notices(user) -> list[Notice]:
    return list(Notice.query.filter_by(user_id=user.id).order_by(Notice.id))


def test_raising_a_concern_alerts_the_supervisor_at_once_with_what_to_do(client, db, team):
    volunteer, supervisor, coordinators, case = team
    login(client, volunteer.user)
    form = client.get(f"/visits/cases/{case.id}/concern").get_data(as_text=True)
    assert "101" in form and "What to do now" in form  # before she writes a word
    response = client.post(f"/visits/cases/{case.id}/concern",
                           data={"about": "mother", "what": "She has not left bed for three days."})
    assert response.status_code == 302 and response.headers["Location"].startswith(f"/visits/cases/{case.id}")
    sent = client.get(f"/visits/cases/{case.id}").get_data(as_text=True)
    assert "Sara Supervisor, your supervisor, is told of your concern" in sent and "MDA" in sent
    assert '<a href="tel:101" dir="ltr">101</a>' in sent
    [notice] = _notices(supervisor)
    assert "Call the volunteer, then the mother, today." in notice.body
    assert "Tipat Halav nurse" in notice.body and "MDA at 101" in notice.body
    assert "three days" not in notice.body and "Hana" not in notice.body  # the text stays on the concern's page
    assert notice.link.endswith(f"/visits/concerns/{Concern.query.one().id}")
    assert all(_notices(c) == [] for c in coordinators)
    [event] = AuditEvent.query.filter_by(action="concern.raised").all()
    assert event.target == f"case:{case.id}" and "three days" not in str(event.detail)


def test_a_concern_without_a_supervisor_goes_to_the_coordinators(app, db, team):
    volunteer, supervisor, coordinators, case = team
    supervisor.active = False
    _db.session.commit()
    concern_service.raise_concern(case, "baby", "The baby is not feeding.", by=volunteer.user)
    assert all(len(_notices(c)) == 1 for c in coordinators)


def test_a_refused_concern_keeps_her_words(client, db, team):
    volunteer, _supervisor, _coordinators, case = team
    login(client, volunteer.user)
    response = client.post(f"/visits/cases/{case.id}/concern", data={"about": "", "what": "I am worried about the bruises."})
    assert response.status_code == 400 and "I am worried about the bruises." in response.get_data(as_text=True)
    assert Concern.query.count() == 0


def test_only_her_volunteer_raises_a_concern(client, db, team):
    _volunteer, _supervisor, _coordinators, case = team
    other = make_volunteer()
    with pytest.raises(NotAllowed):
        concern_service.raise_concern(case, "mother", "x", by=other.user)
    login(client, other.user)
    assert client.post(f"/visits/cases/{case.id}/concern", data={"about": "mother", "what": "x"}).status_code == 403
    assert Concern.query.count() == 0


def test_the_supervisor_acknowledges_and_everyone_sees_who_when_and_how(client, db, team):
    volunteer, supervisor, coordinators, case = team
    concern = concern_service.raise_concern(case, "both", "She cries all day.", by=volunteer.user)
    other_staff = make_user("staff")
    login(client, other_staff)
    assert client.get(f"/visits/concerns/{concern.id}").status_code == 403
    client.post("/logout")
    login(client, supervisor)
    page = client.get(f"/visits/concerns/{concern.id}").get_data(as_text=True)
    assert "She cries all day." in page and "What to do next" in page and "Tipat Halav" in page
    assert client.post(f"/visits/concerns/{concern.id}", data={"handled_how": ""}).status_code == 400
    done = client.post(f"/visits/concerns/{concern.id}",
                       data={"handled_how": "Called her; the Tipat Halav nurse visits tomorrow."})
    assert done.status_code == 302
    _db.session.expire_all()
    concern = _db.session.get(Concern, concern.id)
    assert (concern.acknowledged_by_id, aware(concern.acknowledged_at)) == (supervisor.id, RAISED)
    assert client.post(f"/visits/concerns/{concern.id}", data={"handled_how": "again"}).status_code == 400
    client.post("/logout")
    login(client, volunteer.user)
    case_page = client.get(f"/visits/cases/{case.id}").get_data(as_text=True)
    assert "Handled by Sara Supervisor" in case_page and "the Tipat Halav nurse visits tomorrow" in case_page
    with pytest.raises(DomainError):
        concern_service.acknowledge(concern, "twice", by=coordinators[0])


def test_unacknowledged_concerns_escalate_once_to_every_coordinator(app, client, db, team):
    volunteer, supervisor, coordinators, case = team
    concern = concern_service.raise_concern(case, "mother", "Worried.", by=volunteer.user)
    runner = app.test_cli_runner()
    set_clock(app, RAISED + timedelta(hours=23, minutes=59))
    assert runner.invoke(args=["visits", "escalate"]).output.startswith("0 concerns")
    assert all(_notices(c) == [] for c in coordinators)
    set_clock(app, RAISED + timedelta(hours=24, minutes=10))
    assert runner.invoke(args=["visits", "escalate"]).output.startswith("1 concerns")
    assert runner.invoke(args=["visits", "escalate"]).output.startswith("0 concerns")  # once
    for coordinator in coordinators:
        [notice] = _notices(coordinator)
        assert "was not acknowledged within 24 hours" in notice.body and "MDA at 101" in notice.body
    _db.session.expire_all()
    assert aware(_db.session.get(Concern, concern.id).escalated_at) == RAISED + timedelta(hours=24, minutes=10)
    assert AuditEvent.query.filter_by(action="concern.escalated").count() == 1

    for coordinator in coordinators:  # on every coordinator's home page until it is handled
        login(client, coordinator)
        home = client.get("/").get_data(as_text=True)
        assert "Concerns waiting for someone" in home and "Not acknowledged in time" in home
        client.post("/logout")
    concern_service.acknowledge(_db.session.get(Concern, concern.id), "Called her.", by=coordinators[0])
    login(client, coordinators[1])
    assert "Concerns waiting for someone" not in client.get("/").get_data(as_text=True)


def test_the_concern_hours_are_configured(app, db, team):
    volunteer, _supervisor, coordinators, case = team
    app.config["CONCERN_ACK_HOURS"] = 2
    try:
        concern_service.raise_concern(case, "mother", "Worried.", by=volunteer.user)
        set_clock(app, RAISED + timedelta(hours=2, minutes=1))
        assert concern_service.escalate_overdue() == 1
    finally:
        app.config["CONCERN_ACK_HOURS"] = 24


def test_the_concerns_list_shows_each_her_own_in_fixed_queries(client, db, team):
    volunteer, supervisor, coordinators, case = team
    concern_service.raise_concern(case, "mother", "Mine.", by=volunteer.user)
    elsewhere_volunteer = make_volunteer()
    elsewhere = make_case(make_user("mother", name="Elsewhere Mother"), volunteer=elsewhere_volunteer)
    concern_service.raise_concern(elsewhere, "baby", "Not hers.", by=elsewhere_volunteer.user)
    login(client, supervisor)
    page = client.get("/visits/concerns").get_data(as_text=True)
    assert f"Case no. {case.id}" in page and f"Case no. {elsewhere.id}" not in page
    client.post("/logout")
    login(client, coordinators[0])
    page = client.get("/visits/concerns").get_data(as_text=True)
    assert f"Case no. {case.id}" in page and f"Case no. {elsewhere.id}" in page
    assert "No concern here." in client.get("/visits/concerns?show=handled").get_data(as_text=True)
    with count_queries(_db.engine) as few:
        client.get("/visits/concerns")
    for _n in range(5):
        v = make_volunteer()
        concern_service.raise_concern(make_case(volunteer=v), "mother", "More.", by=v.user)
    with assert_max_queries(_db.engine, few()):
        client.get("/visits/concerns")
    client.post("/logout")
    login(client, volunteer.user)
    assert client.get("/visits/concerns").status_code == 403
