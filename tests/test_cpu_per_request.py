"""What the CPU-per-request fixes must not change: feeds with awkward text read back exactly, one
catalog per request still follows `force_locale`, cached texts (a leaflet's HTML, a meeting's day
and time) follow the language and time zone."""
from datetime import UTC, datetime

import vobject
from flask_babel import force_locale, get_translations
from flask_babel import gettext as _
from icalendar import Calendar

from groups_app.groups import calendar as feeds
from groups_app.groups.models import Topic, TopicText
from groups_app.groups.services import meetings as meeting_service
from groups_app.groups.views.common import when
from groups_app.leaflets import markdown
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
