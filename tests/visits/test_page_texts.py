"""The home-visit pages' sentences made in Python and kept per language (CPU per request, issue #13):
the list of cases, her mothers (on "My mothers" and her home page) and a case's visits and weeks.
They follow her language from one request to the next and the clock from one day to the next,
escape what people typed, and link each row to its own case."""
from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from groups_app.core.i18n import in_her_language
from groups_app.core.timeutil import set_clock
from groups_app.core.web import dateformat, listformat
from groups_app.extensions import db as _db
from groups_app.visits.models import VisitLog
from groups_app.visits.views.case_views import LABELS
from tests.conftest import login, make_user, today
from tests.visits.conftest import make_case, make_volunteer


def _visit(case, days_ago: int, topics: str = "", mood: int = 4, minutes: int = 60, notes: str = "") -> None:
    _db.session.add(VisitLog(case_id=case.id, volunteer_id=case.volunteer_id, minutes=minutes, mood=mood, topics=topics,
                             notes=notes, visited_on=today() - timedelta(days=days_ago), form_token=secrets.token_hex(8)))
    _db.session.commit()


def _said(app, language: str, text) -> str:
    """What a template writes for `text()` in `language`: the catalog's sentence, marked safe, filled in escaped."""
    with app.test_request_context(), force_locale(language):
        return str(text())


def _page(client, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, path
    return answer.get_data(as_text=True)


def test_the_list_of_cases_follows_her_language_escapes_names_and_links_each_row_to_its_case(app, client, coordinator):
    volunteer = make_volunteer(name="<b>Vered</b> Volunteer", max_cases=3)
    quiet = make_case(make_user("mother", name="Quiet <i>Mother</i>"), volunteer=volunteer,
                      matched_on=today() - timedelta(days=40))
    seen = make_case(make_user("mother", name="Seen Mother"), volunteer=volunteer, languages=("ar", "he"))
    _visit(seen, 2)
    login(client, coordinator)
    for language in ("en", "he", "en"):
        coordinator.language = language
        _db.session.commit()
        page = _page(client, "/visits/cases")
        volunteer_line = _said(app, language, lambda: Markup(_("Volunteer: %(name)s")) % {"name": "<b>Vered</b> Volunteer"})
        assert page.count(volunteer_line) == 2 and "<b>Vered</b>" not in page
        assert "Quiet &lt;i&gt;Mother&lt;/i&gt;" in page
        assert _said(app, language, lambda: ngettext("%(num)d visit so far.", "%(num)d visits so far.", 1)) in page
        assert _said(app, language, lambda: ngettext("%(num)d visit so far.", "%(num)d visits so far.", 0)) in page
        assert _said(app, language, lambda: ngettext("No visit for %(num)s week.", "No visit for %(num)s weeks.", 5)) in page
        assert '<span lang="ar" dir="rtl">' in page
    links = re.findall(r'<h2 class="card-title"><a href="(/visits/cases/\d+)">([^<]*)</a>', page)
    assert dict((name, link) for link, name in links) == {"Seen Mother": f"/visits/cases/{seen.id}",
                                                         "Quiet &lt;i&gt;Mother&lt;/i&gt;": f"/visits/cases/{quiet.id}"}


def test_her_mothers_follow_her_language_and_the_clock_on_my_mothers_and_her_home_page(app, client):
    volunteer = make_volunteer(name="Vered Volunteer", max_cases=2, language="en")
    born = today() - timedelta(days=20)
    case = make_case(make_user("mother", name="Dina <b>Levi</b>"), volunteer=volunteer, baby_birth_date=born,
                     matched_on=today() - timedelta(days=9))
    _visit(case, 8)
    login(client, volunteer.user)
    last_visit = _said(app, "en", lambda: _("Last visit: %(date)s.", date=dateformat(today() - timedelta(days=8), "long")))
    for path in ("/visits/mine", "/"):
        page = _page(client, path)
        assert f'<a href="/visits/cases/{case.id}">Dina</a>' in page
        assert f'href="/visits/cases/{case.id}/visits/new"' in page
        assert "Born on" in page and "2 weeks old." in page and "No visit this past week." in page
        assert last_visit in page
    set_clock(app, datetime.combine(today() + timedelta(days=14), datetime.min.time(), tzinfo=UTC) + timedelta(hours=12))
    try:
        login(client, volunteer.user)  # two weeks later, her session has ended
        page = _page(client, "/visits/mine")
        assert "4 weeks old." in page and "No visit for 3 weeks." in page
        volunteer.user.language = "he"
        _db.session.commit()
        page = _page(client, "/visits/mine")
        assert "4 weeks old." not in page
        assert _said(app, "he", lambda: ngettext("No visit for %(num)s week.", "No visit for %(num)s weeks.", 3)) in page
    finally:
        set_clock(app, None)


def test_a_cases_visits_and_weeks_follow_her_language_and_keep_her_notes_as_typed(app, client):
    volunteer = make_volunteer(name="Vered Volunteer", language="en")
    case = make_case(make_user("mother", name="Dina Levi"), volunteer=volunteer, matched_on=today() - timedelta(days=20))
    _visit(case, 1, topics="feeding,sleep", mood=5, minutes=45, notes="She <b>slept</b> & ate")
    _visit(case, 3, topics="", mood=2, minutes=90)
    login(client, volunteer.user)
    for language in ("en", "ar", "en"):
        volunteer.user.language = language
        _db.session.commit()
        page = _page(client, f"/visits/cases/{case.id}")
        with app.test_request_context(), force_locale(language):
            labels = in_her_language(LABELS)
            expected = [str(Markup(_("She seemed: %(mood)s")) % {"mood": labels["moods"][5]}),
                        str(Markup(_("She seemed: %(mood)s")) % {"mood": labels["moods"][2]}),
                        str(Markup(_("Talked about: %(topics)s")) % {
                            "topics": listformat([labels["topics"]["feeding"], labels["topics"]["sleep"]])}),
                        str(ngettext("%(num)d visit", "%(num)d visits", 2)), str(Markup(_("no visit")))]
        assert all(text in page for text in expected), (language, [t for t in expected if t not in page])
        if language == "en":
            assert page.count("Talked about:") == 1  # the visit without topics says none
        assert "She &lt;b&gt;slept&lt;/b&gt; &amp; ate" in page


def test_the_next_visit_form_on_a_case_page_is_what_wtforms_writes(app, client):
    """Its two fields are kept per language and day and time; the token is hers, as hidden_tag() writes it."""
    from flask import get_template_attribute

    from groups_app.visits.forms.cases import NextVisitForm
    from groups_app.visits.services import next_visit

    volunteer = make_volunteer()
    case = make_case(make_user("mother"), volunteer=volunteer, matched_on=today() - timedelta(days=7))
    login(client, volunteer.user)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for language, moment in (("en", None), ("he", datetime(2030, 3, 4, 15, 30, tzinfo=UTC)),
                                 ("en", datetime(2030, 3, 4, 15, 30, tzinfo=UTC))):
            volunteer.user.language = language
            case.next_visit_at = moment
            _db.session.commit()
            html = _page(client, f"/visits/cases/{case.id}")
            form_html = html[html.index('class="next-visit-form"'):]
            form_html = form_html[:form_html.index("</form>")]
            with app.test_request_context(), force_locale(language):
                form = NextVisitForm(formdata=None)
                if moment:
                    form.next_visit_day.data, form.next_visit_time.data = next_visit.local_parts(case)
                field = get_template_attribute("_macros.html", "field")
                expected = [str(field(form.next_visit_day)), str(field(form.next_visit_time)),
                            re.sub(r'value="[^"]+"', 'value="TOKEN"', str(form.hidden_tag()))]
            written = re.sub(r'(name="csrf_token" type="hidden") value="[^"]+"', r'\1 value="TOKEN"', form_html)
            for part in expected:
                assert part in written, part
            assert ('value="2030-03-04"' in written) == bool(moment) and written.count('type="hidden"') == 1
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
