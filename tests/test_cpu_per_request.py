"""What the CPU-per-request fixes must not change: feeds with awkward text read back exactly, one
catalog per request still follows `force_locale`, cached texts (a leaflet's HTML, a meeting's day
and time, a date, a visit's length, label tables) follow the language and time zone, and the
templates' own gettext writes what Jinja's wrappers write."""
from datetime import UTC, date, datetime

import pytest
import vobject
from flask_babel import force_locale, format_date, format_number, get_translations
from flask_babel import gettext as _
from icalendar import Calendar
from jinja2 import Environment

from groups_app.core.i18n import in_her_language
from groups_app.groups import calendar as feeds
from groups_app.groups.models import Topic, TopicText
from groups_app.groups.services import meetings as meeting_service
from groups_app.groups.views.common import when
from groups_app.leaflets import markdown
from groups_app.visits.views.case_views import LABELS as CASE_LABELS
from groups_app.visits.views.volunteer_views import duration
from tests.conftest import add_members, make_group, make_mother, make_user

TRICKY = "Sleep, night; feeding\\ and a second line\nwith ሕፃን እናት " * 4  # commas, semicolons, a backslash, a newline, Amharic


def test_a_feed_with_commas_semicolons_backslashes_newlines_and_amharic_reads_back_exactly(app, client, db):
    facilitator = make_user("facilitator")
    group = make_group(facilitator, name="Rahat, mornings; and more")
    topic = Topic(slug="tricky", texts=[TopicText(language="en", title="Nights, naps; and \\ more", description=TRICKY)])
    db.session.add(topic)
    db.session.commit()
    mother = make_mother()
    add_members(group, mother)
    first = meeting_service.upcoming([group.id])[group.id][0]
    meeting_service.set_plan(first, topic.id, "", by=facilitator)
    feed = feeds.set_reminder(mother, "1h")
    body = client.get(f"/calendar/{feed.token}.ics").data
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    ours = next(e for e in Calendar.from_ical(body).walk("VEVENT") if str(e["UID"]) == first.uid)
    assert str(ours["SUMMARY"]) == "Rahat, mornings; and more: Nights, naps; and \\ more"
    assert str(ours["DESCRIPTION"]) == TRICKY
    assert ours.walk("VALARM")[0]["TRIGGER"].dt.total_seconds() == -3600
    assert ours["DTSTART"].dt == first.start and ours["DTSTART"].params["TZID"] == group.timezone
    again = next(e for e in vobject.readOne(body.decode()).vevent_list if e.uid.value == first.uid)
    assert again.description.value == TRICKY
    assert b"BEGIN:VTIMEZONE" in body and body.endswith(b"END:VCALENDAR\r\n")


def test_one_catalog_a_request_still_follows_force_locale(app):
    with app.test_request_context(headers={"Accept-Language": "he"}):
        hebrew = _("Sign out")
        assert hebrew != "Sign out"
        with force_locale("en"):
            assert _("Sign out") == "Sign out"
            assert app.jinja_env.from_string('{{ _("Sign out") }}').render() == "Sign out"
        assert _("Sign out") == hebrew
        assert app.jinja_env.from_string('{{ _("Sign out") }}').render() == hebrew
        assert get_translations() is get_translations()  # found once, then kept for the request


def test_a_meetings_day_and_time_follow_her_language_and_time_zone(app):
    moment = datetime(2026, 12, 6, 7, 0, tzinfo=UTC)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        english = when(moment)
        assert "9:00" in english or "09:00" in english  # 7:00 UTC is 9:00 in Israel in December
        with force_locale("ar"):
            assert when(moment) != english


def test_a_leaflets_html_is_the_same_from_the_cache():
    text = "# Night feeds\n\nSee https://example.org/sleep and <b>this</b>."
    assert markdown.render(text) is markdown.render(text)
    assert "&lt;b&gt;" in markdown.render(text) and ">example.org<" in markdown.render(text)


TEMPLATES = [
    '{{ _("Sign out") }}',
    '{{ _("%(name)s is here", name="<b>Dina</b>") }}',
    '{{ _("100%% sure") }}',
    '{% trans who="<i>Mira</i>" %}Hello {{ who }}{% endtrans %}',
    '{% trans count=2 %}{{ count }} apple{% pluralize %}{{ count }} apples{% endtrans %}',
    '{{ ngettext("%(num)d visit so far.", "%(num)d visits so far.", 3) }}',
    '{{ ngettext("%(num)d visit", "%(num)d visits", 1, num=7) }}',
    '{{ pgettext("month", "May") }} {{ npgettext("books", "%(num)d copy", "%(num)d copies", 2) }}',
]


@pytest.mark.parametrize("lang", ["he", "ar", "en"])
def test_the_templates_gettext_writes_what_jinjas_own_wrappers_write(app, lang):
    """Ours skip two hops per string; the text, its escaping and its formatting must not change."""
    stock = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    with app.test_request_context(headers={"Accept-Language": lang}):
        catalog = get_translations()
        stock.install_gettext_callables(catalog.ugettext, catalog.ungettext, newstyle=True,
                                        pgettext=catalog.upgettext, npgettext=catalog.unpgettext)
        for source in TEMPLATES * 2:  # the second time, strings without variables come from the kept Markup
            ours = app.jinja_env.from_string(source).render()
            assert ours == stock.from_string(source).render(), source
        assert app.jinja_env.from_string(TEMPLATES[1]).render() == "&lt;b&gt;Dina&lt;/b&gt; is here" or lang != "en"
        assert app.jinja_env.from_string(TEMPLATES[2]).render() == "100% sure" or lang != "en"


def test_a_kept_template_string_follows_the_request_language_and_a_text_templates_escaping(app):
    """Strings without variables are kept per catalog: a page in Hebrew after one in English gets
    Hebrew, and a text template (mail, no autoescape) still gets the plain text, not the Markup."""
    written = {}
    for lang in ["en", "he", "en", "ar", "he"]:  # each request in an app context of its own, as served
        with app.app_context(), app.test_request_context(headers={"Accept-Language": lang}):
            written.setdefault(lang, set()).add(app.jinja_env.from_string('{{ _("Sign out") }}').render())
            with force_locale("en"):
                assert app.jinja_env.from_string('{{ _("Sign out") }}').render() == "Sign out"
            plain = Environment(extensions=["jinja2.ext.i18n"], autoescape=False)
            plain.globals.update(_=app.jinja_env.globals["_"])
            assert plain.from_string('{{ _("100%% sure") }}').render() == _("100%% sure") % {}
    assert {lang: len(texts) for lang, texts in written.items()} == {"en": 1, "he": 1, "ar": 1}
    assert written["en"] == {"Sign out"} and written["he"] != written["en"] and written["ar"] != written["he"]


def test_a_dates_text_and_a_visits_length_follow_her_language(app):
    day = date(2026, 12, 6)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        dateformat = app.jinja_env.filters["dateformat"]
        assert dateformat(day, "long") == format_date(day, "long") == "December 6, 2026"
        assert dateformat(day) == format_date(day)
        moment = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)  # a moment is shifted into her zone first: the 7th in Israel
        assert dateformat(moment, "long") == format_date(moment, "long") == "December 7, 2026"
        assert duration(45) == "45 minutes" and duration(150) == "2.5 hours"
        with force_locale("ar"):
            assert dateformat(day, "long") == format_date(day, "long") != "December 6, 2026"
            assert duration(45) != "45 minutes"
        assert dateformat(day, "long") == "December 6, 2026" and duration(45) == "45 minutes"


def test_label_tables_are_resolved_in_her_language_and_only_once(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        english = in_her_language(CASE_LABELS)
        assert english is in_her_language(CASE_LABELS)
        assert english["status"]["waiting"] == str(CASE_LABELS["status"]["waiting"])
        assert all(type(text) is str for table in english.values() for text in table.values())
        with force_locale("he"):
            hebrew = in_her_language(CASE_LABELS)
            assert hebrew["status"]["waiting"] == str(CASE_LABELS["status"]["waiting"]) != english["status"]["waiting"]


def test_a_number_is_written_in_her_languages_digits_and_separators(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        numberformat = app.jinja_env.filters["numberformat"]
        assert numberformat(12345) == format_number(12345) == "12,345"
        assert numberformat(2.5) == format_number(2.5) == "2.5"
        with force_locale("ar"):
            assert numberformat(12345) == format_number(12345)
        with force_locale("ru"):
            assert numberformat(12345) == format_number(12345) == "12\xa0345"
        assert numberformat(12345) == "12,345"
