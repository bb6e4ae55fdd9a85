"""Her home page asks every feature's small question (unread messages, a case, thanks waiting) in one
statement, and a section reads its rows only when its answer says there is something to show: the
answers agree with the sections' own statements, whatever she has, and a home page with nothing
to show runs three statements."""
from __future__ import annotations

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, bindparam, literal

from groups_app.core.home_probe import Probe, ask, probed
from groups_app.core.notify import notify, unread_notices
from groups_app.thanks.services import reading
from groups_app.visits.services.cases import home_cases
from tests.conftest import add_members, count_queries, login, make_group, make_user, today
from tests.thanks.conftest import make_dedication
from tests.visits.conftest import make_case, make_volunteer


def _agrees(user) -> None:
    """The probe's answers are what the sections' own statements find."""
    answers = probed(user)
    assert bool(answers["notices"][0]) == bool(unread_notices(user))
    assert answers["thanks"] == (reading.home_counts(user)[0],) + ((reading.home_counts(user)[1],)
                                                                   if user.has_role("staff") else ())
    case, mine = home_cases(user)
    if "visits.cases" in answers:
        assert bool(answers["visits.cases"][0]) == (case is not None or bool(mine)), user.name
    else:
        assert case is None and not mine


def test_the_answers_agree_with_the_sections_statements_for_each_kind_of_person_and_fact(app, db):
    mother, volunteer_user, staff = make_user("mother"), make_user("mother", "volunteer"), make_user("staff")
    admin = make_user("admin")
    volunteer = make_volunteer(volunteer_user)
    people = (mother, volunteer_user, staff, admin)

    def check():
        for person in people:
            with app.test_request_context():
                _agrees(person)

    check()  # nothing at all
    notice = notify(mother, _l("Welcome to Mother to Mother"), "accounts/email/welcome.txt", email=False)
    db.session.commit()
    check()
    notice.read_at = notice.created_at
    db.session.commit()
    check()
    case = make_case(mother)  # waiting: hers, and no volunteer's yet
    check()
    case.volunteer_id, case.status, case.matched_on, case.supervisor_id = volunteer.id, "active", today(), staff.id
    db.session.commit()
    check()
    case.status, case.closed_on = "closed", today()
    db.session.commit()
    check()
    make_case(volunteer_user, volunteer=volunteer)  # her own case, visited by herself: both answers at once
    make_dedication(mother, volunteer_user, volunteer=volunteer)
    make_dedication(mother, staff, consent="agreed")
    check()


def test_a_home_with_nothing_to_show_runs_three_statements_and_each_fact_adds_its_own(app, client, db):
    mother = make_user("mother", language="en")
    group = make_group()
    add_members(group, mother)
    login(client, mother)
    client.get("/")
    with count_queries(db.engine) as counted:
        html = client.get("/").get_data(as_text=True)
    assert counted() == 3, counted.statements  # her session; every feature's question; her groups
    probe = [s for s in counted.statements if "notices" in s]
    assert len(probe) == 1 and "dedications" in probe[0] and "cases" in probe[0]
    assert group.name in html

    notify(mother, _l("Welcome to Mother to Mother"), "accounts/email/welcome.txt", email=False)
    volunteer = make_volunteer()
    make_case(mother, volunteer=volunteer)
    db.session.commit()
    with count_queries(db.engine) as counted:
        html = client.get("/").get_data(as_text=True)
    assert counted() == 5, counted.statements
    assert "Welcome to Mother to Mother" in html
    assert volunteer.user.name.split()[0] in html  # her volunteer, named on her case's section


def test_probes_are_asked_together_and_may_not_bind_one_name_twice(app, db):
    def one(_shape):
        return [literal(1) + bindparam("n", type_=Integer)]

    with count_queries(db.engine) as counted:
        assert ask([]) == {}
        assert ask([Probe("a", None, one, {"n": 1}), Probe("b", None, one, {"n": 1})]) == {"a": (2,), "b": (2,)}
    assert counted() == 1
    with pytest.raises(ValueError):
        ask([Probe("a", None, one, {"n": 1}), Probe("b", None, one, {"n": 2})])
