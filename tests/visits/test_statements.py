"""The home-visit pages in a fixed, small number of statements (issue #13): a case's page, the
coordinator's list of cases, her mothers, and what a supervisor's home page and menu ask."""
from __future__ import annotations

import re
import secrets
from datetime import timedelta

from sqlalchemy import event

from groups_app.core.audit import AuditEvent
from groups_app.extensions import db as _db
from groups_app.visits.models import Concern, VisitLog
from groups_app.visits.services import case_list
from groups_app.visits.services import cases as case_service
from tests.conftest import count_queries, login, make_user, today
from tests.visits.conftest import make_case, make_volunteer

SUPERVISES_ANY = re.compile(r"\s*SELECT cases\.id\s+FROM cases\b")  # the menu's question, asked on its own


def _visits(case, *days_ago: int) -> None:
    for days in days_ago:
        _db.session.add(VisitLog(case_id=case.id, volunteer_id=case.volunteer_id, minutes=60, mood=4,
                                 visited_on=today() - timedelta(days=days), form_token=secrets.token_hex(8)))
    _db.session.commit()


def _concern(case, what: str) -> None:
    _db.session.add(Concern(case_id=case.id, raised_by_id=case.volunteer.user_id, about="mother", what=what))
    _db.session.commit()


def _statements(client, path: str):
    client.get(path)
    with count_queries(_db.engine) as counted:
        answer = client.get(path)
        assert answer.status_code == 200, path
    return counted, answer.get_data(as_text=True)


def test_the_case_page_reads_her_case_visits_and_concerns_in_five_statements_however_long_it_ran(client, db):
    volunteer = make_volunteer(name="Vered Volunteer", language="en")
    case = make_case(make_user("mother", name="Hana Cohen"), volunteer=volunteer, matched_on=today() - timedelta(days=90))
    _visits(case, 3, 10)
    _concern(case, "She sleeps badly")
    login(client, volunteer.user)
    few, page = _statements(client, f"/visits/cases/{case.id}")
    assert "2 visits so far." in page and "She sleeps badly" in page and "Hana" in page
    _visits(case, *range(11, 80, 4))
    _concern(case, "The baby cries a lot")
    many, page = _statements(client, f"/visits/cases/{case.id}")
    # her session, the case with its people, its visits, its concerns, the record of her reading
    assert many() == few() <= 5, many.statements
    assert "20 visits so far." in page and "The baby cries a lot" in page and "She sleeps badly" in page
    viewed = AuditEvent.query.filter_by(action="case.viewed", target=f"case:{case.id}").count()
    assert viewed == 4  # every reading is written down, committed with the page
    login(client, make_volunteer().user)
    assert client.get(f"/visits/cases/{case.id}").status_code == 403


def test_the_case_page_reads_and_records_the_reading_in_one_transaction(client, db):
    """The record of her reading is written last, in the transaction that read the page's facts, and
    committed before the page is written: no second transaction begun after that commit (each is a
    BEGIN and a COMMIT more on PostgreSQL)."""
    volunteer = make_volunteer(name="Vered Volunteer", language="en")
    case = make_case(make_user("mother", name="Hana Cohen"), volunteer=volunteer, matched_on=today() - timedelta(days=30))
    _visits(case, 3)
    _concern(case, "She sleeps badly")
    login(client, volunteer.user)
    client.get(f"/visits/cases/{case.id}")
    begun: list[int] = []
    listen = lambda conn: begun.append(1)  # noqa: E731
    event.listen(_db.engine, "begin", listen)
    try:
        with count_queries(_db.engine) as counted:
            page = client.get(f"/visits/cases/{case.id}").get_data(as_text=True)
    finally:
        event.remove(_db.engine, "begin", listen)
    assert "1 visit so far." in page and "She sleeps badly" in page
    assert len(begun) == 1, counted.statements
    assert counted.statements[-1].lstrip().upper().startswith("INSERT INTO AUDIT_EVENTS"), counted.statements
    assert AuditEvent.query.filter_by(action="case.viewed", target=f"case:{case.id}").count() == 2


def test_the_cases_list_reads_its_page_with_each_cases_visits_in_one_statement(client, db, coordinator, monkeypatch):
    monkeypatch.setattr(case_list, "PER_PAGE", 2)
    volunteer = make_volunteer(max_cases=5)
    older = make_case(make_user("mother", name="Older Mother"), volunteer=volunteer,
                      matched_on=today() - timedelta(days=40))
    newer = make_case(make_user("mother", name="Newer Mother"), volunteer=volunteer,
                      matched_on=today() - timedelta(days=10))
    closed = make_case(make_user("mother", name="Closed Mother"), volunteer=volunteer, status="closed",
                       close_reason="moved_away", matched_on=today() - timedelta(days=5))
    _visits(older, 30, 20)
    _visits(newer, 2)
    login(client, coordinator)
    first, page = _statements(client, "/visits/cases")
    # her session, the page of cases with their people, visits and total, and the localities' version
    # (their names for the filter kept for it: migration 0025; the volunteer filter is a name she
    # types, not a list of every volunteer)
    assert first() == 2, first.statements
    assert page.index("Newer Mother") < page.index("Older Mother") and "Closed Mother" not in page
    assert "3 cases" in page and "1 visit so far." in page and "2 visits so far." in page
    assert "No visit for 2 weeks." in page  # the older case's last visit was 20 days ago
    _visits(newer, *range(3, 60, 3))
    again, page = _statements(client, "/visits/cases")
    assert again() == first() and "20 visits so far." in page
    last, page = _statements(client, "/visits/cases?page=2")
    assert "Closed Mother" in page and "3 cases" in page and last() == first()
    past, page = _statements(client, "/visits/cases?page=5")  # past the end: no rows to carry the total
    assert "3 cases" in page and past() == first() + 1
    pagination, progress = case_list.cases_page(case_list.CaseFilters(status="active"))
    assert [c.id for c in pagination.items] == [newer.id, older.id] and pagination.total == 2
    assert (progress[older.id].visits, progress[older.id].last_visit) == (2, today() - timedelta(days=20))
    assert closed.id not in progress


def test_a_volunteers_mothers_come_with_their_visits_in_one_statement(client, db):
    volunteer = make_volunteer(max_cases=3, language="en")
    first = make_case(make_user("mother", name="Dina First"), volunteer=volunteer, matched_on=today() - timedelta(days=30))
    second = make_case(make_user("mother", name="Rina Second"), volunteer=volunteer, matched_on=today() - timedelta(days=20))
    _visits(first, 1, 8, 15)
    login(client, volunteer.user)
    counted, page = _statements(client, "/visits/mine")
    assert counted() <= 2, counted.statements  # her session; her mothers with their visits and the total
    assert "Last visit:" in page and "No visit logged yet." in page and "No visit for 2 weeks." in page
    _, mine = case_list.volunteer_cases_page(volunteer.user)
    assert [(case.id, done.visits) for case, done in mine] == [(first.id, 3), (second.id, 0)]


def test_a_supervisors_quiet_cases_also_answer_the_menu_in_the_same_statement(client, db):
    staff = make_user("staff", language="en")
    login(client, staff)
    counted, home = _statements(client, "/")
    assert 'href="/visits/concerns"' not in home.split("</nav>")[0]
    assert sum(bool(SUPERVISES_ANY.match(s)) for s in counted.statements) == 0  # her home page answered it
    fresh = make_case(make_user("mother", name="Fresh Mother"), volunteer=make_volunteer(), supervisor=staff,
                      matched_on=today() - timedelta(days=3))
    counted, home = _statements(client, "/")
    assert 'href="/visits/concerns"' in home.split("</nav>")[0] and "Fresh" not in home
    assert not any(SUPERVISES_ANY.match(s) for s in counted.statements)
    quiet = [make_case(make_user("mother", name=f"Quiet{n} Mother"), volunteer=make_volunteer(), supervisor=staff,
                       matched_on=today() - timedelta(days=20 + n)) for n in range(3)]
    _visits(quiet[0], 16)  # her last visit, 16 days ago: quiet, but less long than the others
    make_case(make_user("mother", name="Other Quiet"), volunteer=make_volunteer(),
              matched_on=today() - timedelta(days=40))  # supervised by someone else
    counted, home = _statements(client, "/")
    assert "Two weeks or more without a visit" in home and "Other Quiet" not in home
    assert home.index("Quiet2") < home.index("Quiet1") < home.index("Quiet0")  # the longest first
    assert 'href="/visits/concerns"' in home.split("</nav>")[0]
    assert [case.id for case, _weeks in case_service.quiet_cases(supervisor=staff, limit=2)] == \
        [quiet[2].id, quiet[1].id]
    everyone = [case.id for case, _weeks in case_service.quiet_cases()]
    assert [case.id for case, _weeks in case_service.quiet_cases(supervisor=staff)] == \
        [case_id for case_id in everyone if case_id in {c.id for c in quiet}]
    # another of her pages asks the menu's question once
    counted, _page = _statements(client, "/account/profile")
    assert sum(bool(SUPERVISES_ANY.match(s)) for s in counted.statements) == 1
    for case in [fresh, *quiet]:
        case.status, case.closed_on, case.close_reason = "closed", today(), "other"
    _db.session.commit()
    _counted, home = _statements(client, "/")
    assert 'href="/visits/concerns"' not in home.split("</nav>")[0]


def test_outside_a_request_the_menus_question_is_asked_each_time(app, db):
    staff = make_user("staff")
    assert case_service.supervises_any(staff) is False
    make_case(volunteer=make_volunteer(), supervisor=staff)
    assert case_service.supervises_any(staff) is True
