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
