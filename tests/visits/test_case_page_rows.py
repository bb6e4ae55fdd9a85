"""A case page written with less Jinja (CPU per request, issue #13): its visits and weeks written in
Python, its fixed words made once per language, the record of each view one plain INSERT. Each
must write what the template and `audit.record` wrote, byte for byte and column for column; the
page keeps its statements, and its doors stay shut to whoever may not read the case."""
from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from groups_app.core import audit
from groups_app.core.audit import AuditEvent
from groups_app.core.web import dateformat
from groups_app.extensions import db as _db
from groups_app.visits.models import Concern, VisitLog
from groups_app.visits.services import cases as case_service
from groups_app.visits.services import visit_logs
from groups_app.visits.views import case_lines
from groups_app.visits.views.volunteer_views import duration
from tests.conftest import count_queries, login, make_user, today
from tests.visits.conftest import make_case, make_volunteer

# The loops case.html ran before (its visits, and its weeks after `{% set no_visit %}`), kept here
# to compare with: the page must not change by a byte.
OLD_VISITS = """{% for visit in visits %}
          <li class="card"><p><strong>{{ visit.day }}</strong> · {{ visit.length }}
            · {{ visit.mood }}</p>
            {% if visit.topics %}
              <p>{{ visit.topics }}</p>{% endif %}
            {% if visit.notes %}<p class="notice-body help">{{ visit.notes }}</p>{% endif %}</li>
        {% endfor %}"""
OLD_WEEKS = """{% set no_visit = _("no visit") %}{% for week in weeks %}
          <li>{{ week.span }}:
            {% if week.visits %}{{ week.visits }}{% else %}<strong>{{ no_visit }}</strong>{% endif %}</li>
        {% endfor %}"""
LANGUAGES = ("en", "he", "ar", "ru", "am", "es")


def _visit(case, days_ago: int, topics: str = "", mood: int = 4, minutes: int = 60, notes: str = "") -> None:
    _db.session.add(VisitLog(case_id=case.id, volunteer_id=case.volunteer_id, minutes=minutes, mood=mood, topics=topics,
                             notes=notes, visited_on=today() - timedelta(days=days_ago), form_token=secrets.token_hex(8)))
    _db.session.commit()


@pytest.fixture
def visited(app):
    """An active case of 10 weeks with visits of every kind: notes with markup, no notes, topics or
    none, short and long."""
    volunteer = make_volunteer(name="Vered Volunteer")
    case = make_case(make_user("mother", name="Miriam Levi"), volunteer=volunteer, matched_on=today() - timedelta(days=70))
    _visit(case, 1, topics="feeding,sleep", notes='She said <b>"no"</b> & left')
    _visit(case, 9, topics="", mood=1, minutes=45)
    _visit(case, 16, topics="feeding", mood=5, minutes=150, notes="Fine.")
    _visit(case, 16, topics="unknown,sleep", mood=3, minutes=30, notes="  ")
    return case


def test_the_visits_are_written_as_the_template_wrote_them_in_every_language(app, visited):
    for language in LANGUAGES:
        with app.test_request_context(), force_locale(language):
            rows = case_service.case_page(visited.id).visits
            old = app.jinja_env.from_string(OLD_VISITS).render(visits=[dict(
                day=dateformat(row.visited_on, "medium"), length=duration(row.minutes),
                mood=case_lines._mood_line(row.mood, language), topics=case_lines._topics_line(row.topics, language),
                notes=row.notes) for row in rows])
            assert str(case_lines.visit_lines(rows)) == old, language
            assert "&lt;b&gt;&#34;no&#34;&lt;/b&gt; &amp; left" in old
            assert str(case_lines.visit_lines([])) == ""


def test_the_weeks_are_written_as_the_template_wrote_them_in_every_language(app, visited):
    rows = case_service.case_page(visited.id).visits
    weeks = case_service.schedule(visited, rows)
    assert any(week.visits == 0 for week in weeks) and any(week.visits == 2 for week in weeks)
    for language in LANGUAGES:
        with app.test_request_context(), force_locale(language):
            old = app.jinja_env.from_string(OLD_WEEKS).render(weeks=[dict(
                span=case_lines._week_span(week.starts, week.ends, language),
                visits=case_lines._visits_in_week(week.visits, language) if week.visits else None) for week in weeks])
            assert str(case_lines.week_lines(weeks)) == old, language


def test_the_fixed_words_are_what_the_templates_underscore_wrote_in_every_language(app):
    for language in LANGUAGES:
        with app.test_request_context(), force_locale(language):
            said = case_lines.page_words()
            for name, text in case_lines._PAGE_WORDS.items():
                msgid = text._args[0]
                assert getattr(said, name) == app.jinja_env.from_string("{{ _(msgid) }}").render(msgid=msgid), (language, name)
    with app.test_request_context(), force_locale("he"):
        assert case_lines.page_words().phone != "Phone"  # the catalog's word, not the msgid


def test_reading_a_case_records_the_row_that_audit_record_wrote_and_commits_it(app, visited):
    volunteer = visited.volunteer.user
    with app.test_request_context(f"/visits/cases/{visited.id}", environ_base={"REMOTE_ADDR": "10.1.2.3"}):
        audit.record("case.viewed", actor=volunteer, target=f"case:{visited.id}")
        _db.session.commit()
        case_service.view_case(visited, by=volunteer)
        _db.session.rollback()  # committed: nothing to lose
    recorded, viewed = _db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.viewed")
                                           .order_by(AuditEvent.id)).all()
    columns = [column.key for column in AuditEvent.__table__.columns if column.key not in ("id", "at")]
    assert [getattr(viewed, key) for key in columns] == [getattr(recorded, key) for key in columns]
    assert viewed.address == "10.1.2.3" and viewed.path == f"/visits/cases/{visited.id}" and viewed.detail is None
    assert viewed.at is not None
    stored = _db.session.execute(select(AuditEvent.__table__.c.detail).where(AuditEvent.id.in_([recorded.id, viewed.id])))
    assert len({row[0] for row in stored}) == 1  # the same JSON value (or NULL) in the database too


def test_a_case_page_runs_as_many_statements_with_many_visits_as_with_one_and_one_more_for_concerns(app, client,
                                                                                                    visited):
    volunteer = visited.volunteer.user
    login(client, volunteer)
    url = f"/visits/cases/{visited.id}"
    client.get(url)
    with count_queries(_db.engine) as few:
        assert client.get(url).status_code == 200
    assert few() <= 3, few.statements  # her session; the case, its visits, whether it has concerns; the record
    for days in range(20, 60, 3):
        _visit(visited, days, topics="sleep", notes="n")
    with count_queries(_db.engine) as more_visits:
        assert client.get(url).status_code == 200
    assert more_visits() == few(), more_visits.statements
    for about in ("mother", "baby", "both"):
        _db.session.add(Concern(case_id=visited.id, raised_by_id=volunteer.id, about=about, what="<script>x</script>"))
    _db.session.commit()
    with count_queries(_db.engine) as many:
        page = client.get(url).get_data(as_text=True)
    assert many() == few() + 1, many.statements  # its concerns, read only when it has one
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert page.count('<li class="card"><p><strong>') == 4 + 14


def test_the_visits_beside_the_case_are_its_visits_newest_first_value_for_value(app, visited):
    _visit(visited, 1, topics="feeding", mood=2, minutes=90, notes='שלום "عليكم"\n\\ ፍቅር \u2028 end')
    _visit(visited, 400, topics="sleep", notes="")  # a year ago: before the match, still hers
    page = case_service.case_page(visited.id)
    expected = [(v.visited_on, v.minutes, v.mood, v.topics, v.notes) for v in visit_logs.visits_of(visited)]
    assert [tuple(row) for row in page.visits] == expected and len(expected) == 6
    assert page.visits[0].visited_on == today() - timedelta(days=1) and page.has_concerns is False
    quiet = make_case(volunteer=make_volunteer(name="Noa Volunteer"))
    assert case_service.case_page(quiet.id).visits == [] and case_service.case_page(10**9) is None
    _db.session.add(Concern(case_id=quiet.id, raised_by_id=quiet.supervisor_id, about="baby", what="Weight"))
    _db.session.commit()
    assert case_service.case_page(quiet.id).has_concerns is True and case_service.case_page(visited.id).has_concerns is False


def test_the_case_page_stays_shut_to_whoever_may_not_read_the_case(app, client, visited):
    url = f"/visits/cases/{visited.id}"
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    for stranger in (make_volunteer(name="Other Volunteer").user, visited.mother, make_user("staff"), make_user("admin")):
        login(client, stranger)
        before = _db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "case.viewed").limit(1))
        assert client.get(url).status_code == 403, stranger.role_names
        assert before is None and _db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "case.viewed").limit(1)) is None  # nothing read, nothing recorded
        client.post("/logout")
    login(client, visited.supervisor)
    assert "Miriam Levi" in client.get(url).get_data(as_text=True)  # her whole name for her supervisor
    client.post("/logout")
    login(client, visited.volunteer.user)
    page = client.get(url).get_data(as_text=True)
    assert "Miriam" in page and "Levi" not in page  # her first name for her volunteer
