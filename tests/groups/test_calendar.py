"""Calendar feeds, checked with an independent parser (vobject) as well as by their text."""
import re
from datetime import timedelta

import vobject

from groups_app.groups import calendar as feeds
from groups_app.groups.models import Topic, TopicText
from groups_app.groups.services import meetings as meeting_service
from tests.conftest import add_members, login, make_group, make_mother, make_user


def _parse(body: bytes):
    return vobject.readOne(body.decode("utf-8"))


def _home_group(db, facilitator):
    group = make_group(facilitator, venue_kind="home", address="12 Olive St", place="Rahat", languages=["ar", "he"])
    topic = Topic(slug="first-weeks", texts=[TopicText(language="ar", title="الأسابيع الأولى"),
                                             TopicText(language="en", title="The first weeks")])
    db.session.add(topic)
    db.session.commit()
    return group, topic


def test_personal_feed_has_every_meeting_with_her_language_alarm_and_address(app, client, db):
    facilitator = make_user("facilitator")
    group, topic = _home_group(db, facilitator)
    mother = make_mother(language="ar")
    add_members(group, mother)
    first = meeting_service.upcoming([group.id])[group.id][0]
    meeting_service.set_plan(first, topic.id, "", by=facilitator)
    feed = feeds.set_reminder(mother, "1h")
    response = client.get(f"/calendar/{feed.token}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] == "no-store"
    cal = _parse(response.data)
    events = cal.vevent_list
    assert len(events) >= 8
    planned = next(e for e in events if e.uid.value == first.uid)
    assert planned.summary.value == f"{group.name}: الأسابيع الأولى"
    assert planned.location.value.startswith("12 Olive St")
    assert planned.sequence.value == "1"
    assert planned.dtstart.value.tzinfo is not None
    assert str(planned.dtstart.value.tzinfo).endswith("Jerusalem") or "TZID=Asia/Jerusalem" in response.get_data(as_text=True)
    assert planned.valarm.trigger.value == -timedelta(hours=1)
    assert "BEGIN:VTIMEZONE" in response.get_data(as_text=True)
    assert "DTSTAMP" in response.get_data(as_text=True)


def test_cancelled_meeting_stays_with_status_cancelled_and_a_higher_sequence(app, client, db):
    facilitator = make_user("facilitator")
    group, _ = _home_group(db, facilitator)
    mother = make_mother()
    add_members(group, mother)
    meeting = meeting_service.upcoming([group.id])[group.id][0]
    uid = meeting.uid
    meeting_service.cancel_meeting(meeting, by=facilitator)
    meeting_service.extend_meetings(group)
    feed = feeds.feed_for(mother)
    events = {e.uid.value: e for e in _parse(client.get(f"/calendar/{feed.token}.ics").data).vevent_list}
    assert events[uid].status.value == "CANCELLED"
    assert int(events[uid].sequence.value) == 1
    assert not hasattr(events[uid], "valarm")


def test_group_feed_shows_only_the_locality_of_a_home(app, client, db):
    group, _ = _home_group(db, make_user("facilitator"))
    body = client.get(f"/groups/{group.id}/calendar.ics").data
    for event in _parse(body).vevent_list:
        assert "Olive" not in event.location.value
    assert "Olive" not in body.decode()


def test_uids_are_stable_across_regeneration_and_schedule_changes(app, client, db):
    from datetime import time

    from groups_app.groups.schedule import local

    facilitator = make_user("facilitator")
    group, _ = _home_group(db, facilitator)
    meetings = meeting_service.upcoming([group.id])[group.id]
    uids = [m.uid for m in meetings]
    meeting_service.extend_all()
    effective = local(meetings[0].start, group.timezone).date()
    meeting_service.change_schedule(group, effective=effective, frequency="weekly", weekday=4, at=time(9), duration=90,
                                    by=facilitator)
    body = client.get(f"/groups/{group.id}/calendar.ics").data
    feed_uids = {e.uid.value for e in _parse(body).vevent_list}
    assert set(uids) <= feed_uids


def test_resetting_the_secret_address_ends_the_old_one(app, client):
    mother = make_mother()
    old = feeds.feed_for(mother).token
    new = feeds.reset_feed(mother, "1d").token
    assert old != new
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200


def test_one_meeting_download_is_for_members_only(app, client, db):
    group, _ = _home_group(db, make_user("facilitator"))
    member, stranger = make_mother(), make_mother()
    add_members(group, member)
    meeting = meeting_service.upcoming([group.id])[group.id][0]
    login(client, stranger)
    assert client.get(f"/meetings/{meeting.id}/calendar.ics").status_code == 403
    client.post("/logout")
    login(client, member)
    response = client.get(f"/meetings/{meeting.id}/calendar.ics")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert len(_parse(response.data).vevent_list) == 1


def test_looking_at_calendar_pages_creates_no_feed(app, client, db):
    from sqlalchemy import func, select

    from groups_app.groups.models import CalendarFeed

    group, _ = _home_group(db, make_user("facilitator"))
    mother = make_mother()
    add_members(group, mother)
    meeting = meeting_service.upcoming([group.id])[group.id][0]
    login(client, mother)
    page = client.get("/account/calendar").get_data(as_text=True)
    shown = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', page).group(1)
    assert re.search(r'<input checked[^>]*value="1d"|value="1d"[^>]*checked', page)  # the default reminder, chosen
    assert client.get(f"/meetings/{meeting.id}/calendar.ics").status_code == 200
    assert db.session.scalar(select(func.count(CalendarFeed.id))) == 0
    # The address she was shown works at once, with the default reminder, before she saves anything.
    path = shown.split("://", 1)[1].split("/", 1)[1]
    feed = _parse(client.get("/" + path).data)
    assert feed.vevent_list and all(e.valarm.trigger.value == timedelta(days=-1) for e in feed.vevent_list)
    assert client.post("/account/calendar", data={"reminder": "1h", "action": "save"}).status_code == 302
    assert shown in client.get("/account/calendar").get_data(as_text=True)  # saving keeps her address
    assert db.session.scalar(select(func.count(CalendarFeed.id))) == 1


def test_a_default_address_is_refused_when_forged_or_replaced(app, client):
    mother, other = make_mother(), make_mother()
    default = feeds.feed_of(mother).token
    forged = f"d{other.id}-" + default.split("-", 1)[1]
    assert client.get(f"/calendar/{forged}.ics").status_code == 404
    assert client.get(f"/calendar/{default}.ics").status_code == 200
    feeds.reset_feed(mother, "1d")
    assert client.get(f"/calendar/{default}.ics").status_code == 404


# ---- Conditional answers: a feed's ETag changes with whatever its body shows, and only then -------

def _fetch(client, url, etag=None, status=200):
    response = client.get(url, headers={"If-None-Match": etag} if etag else None)
    assert response.status_code == status, (url, response.status_code)
    return response


class _Versions:
    """Every ETag a feed has had: each change must give another one (the same body again, as after
    leaving the group she had joined, may have an earlier one), which is then answered with 304."""

    def __init__(self, client, url):
        self.client, self.url, self.seen = client, url, []
        self.changed("first")

    def changed(self, what):
        response = _fetch(self.client, self.url)
        etag = response.headers["ETag"]
        assert not self.seen or etag != self.seen[-1], f"the ETag stayed the same after: {what}"
        self.seen.append(etag)
        assert _fetch(self.client, self.url, etag, status=304).data == b""
        return response.get_data(as_text=True)

    def unchanged(self, what):
        response = _fetch(self.client, self.url, self.seen[-1], status=304)
        assert response.data == b"", what


def _fields(group, **changes):
    from groups_app.groups.services.groups import GroupFields

    values = dict(name=group.name, description=group.description, venue_kind=group.venue_kind, address=group.address,
                  locality_id=group.locality_id, languages=group.language_list, frequency=group.frequency,
                  weekday=group.weekday, start_time=group.start_time, duration_minutes=group.duration_minutes,
                  timezone=group.timezone, capacity=group.capacity, open=group.open,
                  facilitator_ids=list(group.facilitator_ids))
    return GroupFields(**{**values, **changes})


def test_her_feed_gets_a_new_etag_with_every_change_it_shows(app, client, db):
    from datetime import time

    from groups_app.core.timeutil import set_clock, utcnow
    from groups_app.groups.schedule import local
    from groups_app.groups.services import groups as group_service
    from groups_app.groups.services.topics import save_topic
    from groups_app.library.services import circulation
    from tests.conftest import locality, make_book, make_copy, past_meeting

    facilitator, coordinator = make_user("facilitator"), make_user("coordinator")
    group, topic = _home_group(db, facilitator)
    mother = make_mother(language="ar")
    add_members(group, mother)
    old = past_meeting(group, days_ago=feeds.FEED_HISTORY_DAYS - 2)
    start = utcnow()
    set_clock(app, start)  # stopped: every change below keeps its time, so only what changed can tell
    feed = feeds.set_reminder(mother, "1d")
    url = f"/calendar/{feed.token}.ics"
    versions = _Versions(client, url)
    first, second = meeting_service.upcoming([group.id])[group.id][:2]
    versions.unchanged("nothing changed")

    day = local(second.start, group.timezone).date()
    meeting_service.move_meeting(second, day, time(13, 0), 60, by=facilitator)
    versions.changed("a meeting moved")
    meeting_service.cancel_meeting(first, by=facilitator)
    assert "STATUS:CANCELLED" in versions.changed("a meeting cancelled")
    meeting_service.restore_meeting(first, by=facilitator)
    versions.changed("a meeting restored")
    meeting_service.set_plan(first, topic.id, "", by=facilitator)
    assert "الأسابيع الأولى" in versions.changed("a topic chosen")
    save_topic(topic, topic.slug, {"ar": {"title": "الأسابيع الأولى مع الطفل"}, "en": {"title": "The first weeks"}},
               by=make_user("staff"))
    assert "الأسابيع الأولى مع الطفل" in versions.changed("the topic's title edited (a text has no updated_at)")
    meeting_service.add_one_off(group, day, time(18, 0), 60, by=facilitator)
    versions.changed("a new meeting")
    group_service.update_group(group, _fields(group, name="Rahat mothers"), by=coordinator)
    assert "Rahat mothers" in versions.changed("the group renamed")
    group_service.update_group(group, _fields(group, address="3 Palm St"), by=coordinator)
    assert "3 Palm St" in versions.changed("the home's address changed")
    group_service.update_group(group, _fields(group, locality_id=locality("Beersheba").id), by=coordinator)
    versions.changed("the group's place changed")

    other = make_group(make_user("facilitator"), name="Evening circle")
    group_service.join(other, mother)
    assert "Evening circle" in versions.changed("she joined a group")
    group_service.leave(other, mother)
    assert "Evening circle" not in versions.changed("she left it")
    feeds.set_reminder(mother, "1h")
    versions.changed("her reminder")
    mother.other_languages = "en"
    mother.language = "en"
    db.session.commit()
    versions.changed("her languages")

    copy = make_copy(make_book(title="Breast is best"), group, "rh-1")
    loan = circulation.checkout(copy.code, group, mother, by=facilitator)
    assert "Breast is best" in versions.changed("a book lent to her")
    circulation.renew(loan, mother)
    versions.changed("its due date moved")

    set_clock(app, start + timedelta(hours=1))
    versions.unchanged("an hour later, nothing left the window")
    set_clock(app, start + timedelta(days=3))
    assert old.uid not in versions.changed("a meeting left the three months behind")

    new = feeds.reset_feed(mother, "1h")
    assert client.get(url, headers={"If-None-Match": versions.seen[-1]}).status_code == 404
    assert _fetch(client, f"/calendar/{new.token}.ics").headers["ETag"] not in versions.seen


def test_a_group_feed_gets_a_new_etag_with_its_meetings_but_says_nothing_of_a_hidden_address(app, client, db):
    from groups_app.core.timeutil import set_clock, utcnow
    from groups_app.groups.services import groups as group_service
    from groups_app.groups.services.topics import save_topic

    facilitator, coordinator = make_user("facilitator"), make_user("coordinator")
    group, topic = _home_group(db, facilitator)
    start = utcnow()
    set_clock(app, start)
    versions = _Versions(client, f"/groups/{group.id}/calendar.ics")
    first = meeting_service.upcoming([group.id])[group.id][0]
    group_service.update_group(group, _fields(group, address="3 Palm St"), by=coordinator)
    versions.unchanged("a home's address is not in the public feed, nor in its version")
    meeting_service.set_plan(first, topic.id, "", by=facilitator)
    versions.changed("a topic chosen")
    save_topic(topic, topic.slug, {"ar": {"title": "أسابيع"}}, by=make_user("staff"))
    assert "أسابيع" in versions.changed("its text edited")
    meeting_service.cancel_meeting(first, by=facilitator)
    versions.changed("a meeting cancelled")
    group_service.update_group(group, _fields(group, name="Rahat mothers"), by=coordinator)
    versions.changed("the group renamed")
    group_service.update_group(group, _fields(group, venue_kind="clinic", address="Clinic, 2nd floor"), by=coordinator)
    assert "Clinic\\, 2nd floor" in versions.changed("a clinic's address is public")
    set_clock(app, first.start + timedelta(hours=4))
    assert first.uid not in versions.changed("the first meeting is over")


def test_an_unchanged_feed_is_a_304_without_a_body_in_few_statements(app, client, db):
    from tests.conftest import count_queries

    group, _ = _home_group(db, make_user("facilitator"))
    mother = make_mother()
    add_members(group, mother)
    for url, most in ((f"/calendar/{feeds.feed_of(mother).token}.ics", 3), (f"/groups/{group.id}/calendar.ics", 2)):
        etag = _fetch(client, url).headers["ETag"]
        with count_queries(db.engine) as counted:
            answer = _fetch(client, url, etag, status=304)
        assert answer.data == b"" and answer.headers["ETag"] == etag
        assert counted() <= most, (url, counted.statements)
        # nginx's gzip makes an ETag weak; a list of them is a list
        assert _fetch(client, url, f'"other", W/{etag}', status=304).data == b""
        assert _fetch(client, url, '"other"').data.startswith(b"BEGIN:VCALENDAR")
        # Asked again without If-None-Match: the body this process wrote, without writing it again.
        with count_queries(db.engine) as counted:
            again = _fetch(client, url)
        assert again.headers["ETag"] == etag and counted() <= most and again.data.startswith(b"BEGIN:VCALENDAR")


def test_a_full_answer_runs_few_statements(app, client, db, monkeypatch):
    from groups_app.groups import calendar_versions
    from tests.conftest import count_queries

    group, _ = _home_group(db, make_user("facilitator"))
    mother = make_mother()
    add_members(group, mother, make_mother())
    # nothing kept: every answer is written (both given back after the test: the app serves the whole session)
    monkeypatch.setitem(app.config, "CALENDAR_FEED_CACHE_BYTES", 0)
    monkeypatch.setitem(app.extensions, "groups.feed_bodies", calendar_versions._Bodies(0))
    # her feed and account, her loans, the version, the meetings, their topics' texts, the version again
    for url, most in ((f"/calendar/{feeds.feed_for(mother).token}.ics", 6), (f"/groups/{group.id}/calendar.ics", 5)):
        _fetch(client, url)
        with count_queries(db.engine) as counted:
            assert _fetch(client, url).data.startswith(b"BEGIN:VCALENDAR")
        assert counted() <= most, (url, counted.statements)


def test_a_304_never_answers_another_mothers_feed(app, client, db):
    group, _ = _home_group(db, make_user("facilitator"))
    first, second = make_mother(language="ar"), make_mother(language="ar")
    add_members(group, first, second)
    feeds.set_reminder(first, "1d")  # a saved feed and a default address, the same reminder and groups
    urls = [f"/calendar/{feeds.feed_of(mother).token}.ics" for mother in (first, second)]
    etags = [_fetch(client, url).headers["ETag"] for url in urls]
    assert etags[0] != etags[1]
    for url, other in ((urls[0], etags[1]), (urls[1], etags[0])):
        answer = _fetch(client, url, other)
        assert answer.data.startswith(b"BEGIN:VCALENDAR") and answer.headers["Cache-Control"] == "no-store"
    answer = _fetch(client, urls[0], etags[0], status=304)
    assert answer.headers["Cache-Control"] == "no-store"
    assert "public" not in _fetch(client, urls[0]).headers["Cache-Control"]


def test_a_change_saved_while_a_feed_is_written_leaves_no_version_on_it(app, client, db, monkeypatch):
    """She leaves a group between the version's reading and the body's: that body carries no ETag
    and is not kept, so when she joins again (the same version as before) she gets that group back."""
    from groups_app.groups.services import groups as group_service

    group, _ = _home_group(db, make_user("facilitator"))
    other = make_group(make_user("facilitator"), name="Evening circle")
    mother = make_mother()
    add_members(group, mother)
    group_service.join(other, mother)
    url = f"/calendar/{feeds.feed_for(mother).token}.ics"
    written = feeds.meetings_of_member

    def leaving_meanwhile(user, now=None):
        group_service.leave(other, mother)
        return written(user, now)

    monkeypatch.setattr(feeds, "meetings_of_member", leaving_meanwhile)
    answer = _fetch(client, url)
    assert "Evening circle" not in answer.get_data(as_text=True) and "ETag" not in answer.headers
    monkeypatch.setattr(feeds, "meetings_of_member", written)
    group_service.join(other, mother)
    assert "Evening circle" in _fetch(client, url).get_data(as_text=True)


def test_kept_feeds_stay_within_their_budget_least_recently_used_going_first():
    from groups_app.groups.calendar_versions import _Bodies

    bodies = _Bodies(budget=10)
    bodies.put("a", b"1234")
    bodies.put("b", b"1234")
    assert bodies.get("a") == b"1234"  # now the most recent
    bodies.put("c", b"1234")  # 12 bytes: "b" goes
    assert (bodies.get("a"), bodies.get("b"), bodies.get("c")) == (b"1234", None, b"1234")
    bodies.put("big", b"x" * 11)  # larger than the whole budget: not kept, nothing pushed out
    assert bodies.get("big") is None and bodies.size == 8


def test_her_calendar_is_named_in_her_language_whatever_the_calendar_program_asks_for(app, client, db):
    mother = make_user("mother", language="he")
    add_members(make_group(), mother)
    url = f"/calendar/{feeds.feed_for(mother).token}.ics"
    body = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "X-WR-CALNAME:הקבוצות שלי באמא לאמא" in body
