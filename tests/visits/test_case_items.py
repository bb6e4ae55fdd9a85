"""The coordinator's list of cases writes its rows in Python (CPU per request, issue #13): the same bytes
as the template's loop wrote, in every language, for every status and each row's missing parts (no
mother's account, no place, no volunteer, a quiet case), every value escaped."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale

from groups_app.core.i18n import in_her_language
from groups_app.core.places import named_localities
from groups_app.extensions import db as _db
from groups_app.visits.services import case_list
from groups_app.visits.views import case_lines
from groups_app.visits.views.case_views import LABELS
from tests.conftest import login, make_user, today
from tests.visits.conftest import make_case, make_volunteer

# The loop cases.html ran before (its rows; the line for an empty list stays in the template), kept
# here to compare with: the rows must not change by a byte.
OLD_ROWS = """{% for case in pagination.items %}
    {# each row's sentences are made in the view (views/case_lines.py) #}
    {% set line = lines[case.id] %}
    <li class="card">
      <h2 class="card-title"><a href="{{ links[case.id] }}">{{ case.mother_name if case.mother_id is not none else _("Case no. %(number)s", number=case.id) }}</a>
        <span class="badge case-{{ case.status }}">{{ labels.status[case.status] }}</span></h2>
      <p>{{ locality_names[case.locality_id] if case.locality_id is not none else _("Locality not recorded") }} · {{ line.languages }}</p>
      {% if line.volunteer %}<p>{{ line.volunteer }}</p>{% endif %}
      {% if case.status == "waiting" %}
        <p><a href="{{ url_for('visits.match', case_id=case.id) }}">{{ _("Find a volunteer") }}</a></p>
      {% elif case.status == "active" %}
        <p>{{ line.visits }}
          {% if line.quiet %}<strong class="state state-missing">{{ line.quiet }}</strong>{% endif %}</p>
      {% else %}
        <p>{{ _("Closed on %(date)s: %(reason)s", date=case.closed_on|dateformat("long"), reason=labels.reasons.get(case.close_reason, case.close_reason)) }}</p>
      {% endif %}
    </li>
  {% endfor %}"""
LANGUAGES = ("en", "he", "ar", "ru", "am", "es")


@pytest.fixture
def every_kind(app, db):
    volunteer = make_volunteer(name='Vered <b>"V"</b> & co', languages=("he", "ar"))
    make_case(make_user("mother", name="Miriam <i>Levi</i>"), volunteer=volunteer, matched_on=today() - timedelta(days=70))
    make_case(make_user("mother", name="Waiting Mother"))
    make_case(make_user("mother", name="Closed Mother"), volunteer=volunteer, status="closed", close_reason="moved_away",
              matched_on=today() - timedelta(days=90))
    make_case(make_user("mother", name="Odd Reason"), volunteer=volunteer, status="closed", close_reason="other",
              matched_on=today() - timedelta(days=90))
    gone = make_case(make_user("mother", name="Deleted Account"), volunteer=volunteer, matched_on=today() - timedelta(days=30))
    gone.mother_id, gone.locality_id = None, None  # her account erased; no place recorded
    _db.session.commit()


def test_the_rows_are_written_as_the_template_wrote_them_in_every_language(app, every_kind):
    for language in LANGUAGES:
        with app.test_request_context(), force_locale(language):
            pagination, progress = case_list.cases_page(case_list.CaseFilters())
            rows = pagination.items
            assert {row.status for row in rows} == {"waiting", "active", "closed"} and len(rows) == 5
            places, _choices = named_localities()
            lines = case_lines.case_lines(rows, progress)
            links = case_lines.links("visits.case", "case_id", progress)
            labels = in_her_language(LABELS)
            old = app.jinja_env.from_string(OLD_ROWS).render(pagination=pagination, lines=lines, links=links,
                                                             locality_names=places, labels=labels)
            new = str(case_lines.case_items(rows, progress, places, labels))
            assert new == old, language
            assert "Miriam &lt;i&gt;Levi&lt;/i&gt;" in new and "&lt;b&gt;&#34;V&#34;&lt;/b&gt; &amp; co" in new
            assert "<script" not in new


def test_the_page_shows_the_rows_and_says_so_when_none_match(app, client, every_kind):
    login(client, make_user("coordinator", language="en"))
    page = client.get("/visits/cases").get_data(as_text=True)
    assert "Miriam &lt;i&gt;Levi&lt;/i&gt;" in page and "Find a volunteer" in page and "Case no. " in page
    assert "Locality not recorded" in page and "Closed on " in page
    assert "No case matches." not in page
    none = client.get("/visits/cases?volunteer_name=nobody-at-all").get_data(as_text=True)
    assert "No volunteer&#39;s name contains" in none or "No volunteer's name contains" in none
    assert '<li class="card">' not in none
