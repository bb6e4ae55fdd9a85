"""Every route declares who may use it, and each declaration holds for each role."""
import re
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from groups_app.core.permissions import ROLES, Rule
from groups_app.core.places import Locality
from groups_app.core.timeutil import utcnow
from groups_app.extensions import db
from groups_app.groups.models import Group, GroupFacilitator, Meeting, MeetingQuestion, Membership, Topic
from groups_app.leaflets.models import Leaflet, LeafletTranslation
from groups_app.leaflets.services import _publish
from groups_app.library.models import Book, Copy, Hold, Loan
from tests.conftest import login, make_user, today

# Flask's own static route serves the stylesheet and icons to everyone.
UNDECLARED_OK = {"static"}

PERSONAS = ("anonymous", *ROLES)


def test_every_route_declares_who_may_use_it(app):
    missing = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in UNDECLARED_OK
        and not isinstance(getattr(app.view_functions[rule.endpoint], "access_rule", None), Rule)
    ]
    assert missing == []


def _sample_url(rule, ids):
    values = {name: ids.get(name, "sample") for name in rule.arguments if name in rule._converters}
    return rule.build(values, append_unknown=False)[1]


def _sample_objects(persona):
    """A group (facilitated by the persona if she is a facilitator, with her as a member if she
    is a mother), a meeting, a question and a topic, so that routes with ids answer for real."""
    user = make_user(persona) if persona != "anonymous" else None
    someone = make_user("mother")
    locality = db.session.scalar(select(Locality).limit(1))
    group = Group(name="Sample", venue_kind="home", address="1 Sample St", locality_id=locality.id, languages="he",
                  frequency="weekly", weekday=1, start_time=time(10), schedule_from=today(), capacity=10)
    db.session.add(group)
    db.session.flush()
    if persona == "facilitator":
        db.session.add(GroupFacilitator(group_id=group.id, user_id=user.id))
    if persona == "mother":
        db.session.add(Membership(group_id=group.id, user_id=user.id, status="member"))
    db.session.add(Membership(group_id=group.id, user_id=someone.id, status="member"))
    meeting = Meeting(group_id=group.id, starts_at=utcnow() + timedelta(days=3), duration_minutes=90)
    topic = Topic(slug="sample-topic")
    db.session.add_all([meeting, topic])
    db.session.flush()
    question = MeetingQuestion(meeting_id=meeting.id, user_id=someone.id, text="A question")
    db.session.add(question)
    leaflet = Leaflet(slug="sample-leaflet", source_language="en")
    leaflet.translations.append(LeafletTranslation(language="en", title="Sample", body="Text."))
    db.session.add(leaflet)
    db.session.flush()
    _publish(leaflet.translations[0], None)
    book = Book(title="Sample book", language="en", source="https://example.org")
    db.session.add(book)
    db.session.flush()
    copy = Copy(book_id=book.id, group_id=group.id, code="SAMPLE-1", status="on_loan")
    db.session.add(copy)
    db.session.flush()
    borrower = user if persona == "mother" else someone
    loan = Loan(copy_id=copy.id, user_id=borrower.id, due_at=utcnow() + timedelta(days=20))
    hold = Hold(book_id=book.id, group_id=group.id, user_id=borrower.id, status="waiting", position=1)
    db.session.add_all([loan, hold])
    db.session.commit()
    ids = _sample_visits(persona, user, someone, locality)
    ids |= {"user_id": someone.id, "group_id": group.id, "meeting_id": meeting.id, "question_id": question.id,
           "topic_id": topic.id, "token": "not-a-real-token", "notice_id": 999999, "mail_id": 999999,
           "dedication_id": 999999,
           "slug": "sample-leaflet", "lang": "en", "leaflet_id": leaflet.id,
           "book_id": book.id, "loan_id": loan.id, "hold_id": hold.id, "action": "pause"}
    return user, ids


def _sample_visits(persona, user, mother, locality) -> dict:
    """A referral, a course, and a case of `mother` with its concern: the persona is the case's
    volunteer if she is a volunteer, its supervisor if she is staff."""
    from groups_app.visits.models import Case, Concern, CourseEnrolment, Referral, TrainingCourse, Volunteer

    volunteer_user = user if persona == "volunteer" else make_user("volunteer")
    volunteer = Volunteer(user_id=volunteer_user.id, screening="passed", commitment_from=today())
    course = TrainingCourse(name="Sample course", starts_on=today() - timedelta(days=60))
    db.session.add_all([volunteer, course])
    db.session.flush()
    db.session.add(CourseEnrolment(course_id=course.id, volunteer_id=volunteer.id, completed_on=today()))
    referral = Referral(mother_name="Sample Mother", phone="+972501234567", locality_id=locality.id, languages="he",
                        baby_birth_date=today() - timedelta(days=30), source="nurse", consent=True)
    db.session.add(referral)
    db.session.flush()
    case = Case(referral_id=referral.id, mother_id=mother.id, volunteer_id=volunteer.id,
                supervisor_id=user.id if persona == "staff" else None, locality_id=locality.id, languages="he",
                status="active", opened_on=today() - timedelta(days=10), matched_on=today() - timedelta(days=7),
                baby_birth_date=today() - timedelta(days=30))
    db.session.add(case)
    db.session.flush()
    concern = Concern(case_id=case.id, raised_by_id=volunteer_user.id, about="mother", what="Sample worry")
    db.session.add(concern)
    db.session.commit()
    return {"referral_id": referral.id, "volunteer_id": volunteer.id, "course_id": course.id, "case_id": case.id,
            "concern_id": concern.id}


# For each ownership rule, the personas who own the sample objects (see _sample_objects).
# A new ownership rule must be added here, so that the matrix knows who should pass it.
OWNERS = {
    "the group's facilitators": {"facilitator", "coordinator", "admin"},
    "members and facilitators of the group": {"mother", "facilitator", "coordinator", "admin"},
    "the mother who placed the hold": {"mother"},
    "the mother who borrowed it": {"mother"},
    "the notice's recipient": set(),  # the sample notice id does not exist: 404 for everyone
    "the case's volunteer, her supervisor and coordinators": {"volunteer", "staff", "coordinator"},
    "the case's supervisor and coordinators": {"staff", "coordinator"},
    "the mother's volunteer": {"volunteer"},
    "the mother the message thanks": set(),  # the sample dedication id does not exist: 404 for everyone
    "the mother who wrote the message": set(),
    "the mother the messages thank": set(),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_role_route_matrix(app, persona):
    """For each role: allowed routes answer (not 403, not a login redirect); the others refuse."""
    client = app.test_client()
    user, ids = _sample_objects(persona)
    if user is not None:
        login(client, user)
    checked = 0
    last = ("leave", "remove", "cancel")  # routes that take away what later routes need
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (any(w in r.rule for w in last), r.rule)):
        if rule.endpoint in UNDECLARED_OK:
            continue
        access: Rule = app.view_functions[rule.endpoint].access_rule
        method = "GET" if "GET" in rule.methods else "POST"
        if rule.endpoint in ("accounts.logout", "accounts.delete_account") or (method == "POST" and access.anonymous):
            continue  # would end the persona's session; tested on their own
        url = _sample_url(rule, ids)
        response = client.open(url, method=method)
        assert response.status_code < 500, (persona, url, response.status_code)
        allowed = access.allows(user if user is not None else _FakeUser(None))
        to_login = response.status_code == 302 and "/login" in (response.location or "")
        if allowed and access.owner and persona not in OWNERS[access.owner]:
            assert response.status_code in (403, 404) and not to_login, (persona, url, response.status_code)
        elif allowed:
            assert response.status_code != 403 and not to_login, (persona, url, response.status_code)
        elif persona == "anonymous":
            assert to_login, (persona, url, response.status_code)
        else:
            assert response.status_code == 403, (persona, url, response.status_code)
        checked += 1
    assert checked >= 30


class _FakeUser:
    def __init__(self, role):
        self.is_authenticated = role is not None
        self.role_names = frozenset([role]) if role else frozenset()


def test_coordinator_page_is_refused_to_a_mother_and_open_to_a_coordinator(client):
    login(client, make_user("mother"))
    assert client.get("/coordinator/").status_code == 403
    client.post("/logout")
    login(client, make_user("coordinator"))
    assert client.get("/coordinator/").status_code == 200


@pytest.mark.parametrize("path", ["/account/profile", "/account/data.json", "/admin/users", "/coordinator/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert re.search(r"/login\?next=", response.location)


@pytest.mark.parametrize("role", ["mother", "facilitator", "volunteer", "coordinator", "staff"])
def test_only_admins_manage_roles(client, role):
    target = make_user("mother")
    login(client, make_user(role))
    assert client.get("/admin/users").status_code == 403
    assert client.post(f"/admin/users/{target.id}", data={"roles": ["admin"], "active": "y"}).status_code == 403
    assert target.role_names == {"mother"}
