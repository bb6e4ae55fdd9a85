"""Her home page's groups read as plain values by statements built once per process: the moment is
a parameter (never baked into the statement), the lines say what the Meeting objects of her
planner say, and the page shows her next meetings, a cancellation and the attendance still to enter."""
from __future__ import annotations

import re
from datetime import timedelta

from groups_app.core.timeutil import set_clock, utcnow
from groups_app.groups.home import my_groups
from groups_app.groups.services import follow_up
from groups_app.groups.services.meetings import cancel_meeting, upcoming
from tests.conftest import add_members, count_queries, login, make_group, make_user, past_meeting
from tests.groups.reference_meetings import ahead_and_missing


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_the_moment_is_a_parameter_of_the_statement_built_once(app, db):
    her = make_user("mother", "facilitator")
    group = make_group(her, name="Alef")
    held = past_meeting(group, days_ago=2)
    now = utcnow()
    assert [m.id for m in my_groups(her, now=now)[1]] == [held.id]
    # The same statement, later and earlier: the meeting is too old to chase, then not held yet.
    assert held.id not in [m.id for m in my_groups(her, now=now + timedelta(days=follow_up.MISSING_DAYS + 3))[1]]
    assert my_groups(her, now=now - timedelta(days=3))[1] == []
    first_ahead = my_groups(her, now=now)[0][0].next_meeting
    later = my_groups(her, now=first_ahead.start + timedelta(hours=follow_up.AHEAD_HOURS + 1))[0][0].next_meeting
    assert later.start > first_ahead.start


def test_her_home_page_lines_say_what_the_meetings_of_her_planner_say(app, db):
    """my_groups' one statement against ahead_and_missing (tests/groups/reference_meetings.py, ORM objects)."""
    her = make_user("mother", "facilitator")
    other = make_user("facilitator")
    alef, bet, gimel = make_group(her, name="Alef"), make_group(her, name="Bet"), make_group(other, name="Gimel")
    add_members(bet, her)  # leads and belongs: listed once, as led
    add_members(gimel, her)
    past_meeting(alef, days_ago=3)
    past_meeting(alef, days_ago=0)  # began two hours ago: still to enter, and her next one (AHEAD_HOURS)
    past_meeting(bet, days_ago=40)  # too old to chase
    past_meeting(bet, days_ago=1, attendance_taken_at=utcnow())  # taken
    past_meeting(gimel, days_ago=2)  # not hers to enter
    cancel_meeting(upcoming([gimel.id])[gimel.id][0], by=other)
    for now in (utcnow(), utcnow() + timedelta(hours=2), utcnow() - timedelta(days=2, hours=3)):
        entries, missing = my_groups(her, now=now)
        assert [(e.group.name, e.status) for e in entries] == [("Alef", "leads"), ("Bet", "leads"), ("Gimel", "member")]
        led = [e.group.id for e in entries if e.status == "leads"]
        ahead, expected = ahead_and_missing([e.group.id for e in entries], led, per_group=1, now=now)

        def facts(meetings):
            return [(m.id, m.group_id, m.start, m.cancelled, m.group.name) for m in meetings]
        assert [facts([e.next_meeting] if e.next_meeting else []) for e in entries] == \
            [facts(ahead[e.group.id]) for e in entries]
        assert facts(missing) == facts(expected)
    assert [e.next_meeting.cancelled for e in my_groups(her)[0]] == [False, False, True]
    with count_queries(db.engine) as counted:
        assert len(my_groups(her)[1]) == 2
    assert counted() == 1  # her groups, their next meetings and the attendance still to enter: one statement


def test_her_home_page_shows_the_attendance_to_enter_her_next_meetings_and_a_cancellation(app, db, client):
    her = make_user("mother", "facilitator")
    led = make_group(her, name="Alef led")
    other = make_user("facilitator")
    joined = make_group(other, name="Bet joined")
    add_members(joined, her)
    held = past_meeting(led, days_ago=2)
    past_meeting(led, days_ago=4, attendance_taken_at=utcnow())
    cancel_meeting(upcoming([joined.id])[joined.id][0], by=other)
    login(client, her)
    html = _text(client.get("/"))
    assert "Attendance still to enter" in html
    assert html.count(f'href="/meetings/{held.id}/attendance"') == 1
    assert "Enter the attendance of Alef led on " in html
    assert "Groups I lead" in html and "My groups" in html
    assert f'href="/groups/{led.id}">Alef led</a>' in html and f'href="/groups/{joined.id}">Bet joined</a>' in html
    assert html.count("Next meeting:") == 2 and html.count('<span class="badge">cancelled</span>') == 1
    # The planner includes the same list, from its own statement (follow_up.planner_facts).
    planner = _text(client.get("/planner"))
    assert "Enter the attendance of Alef led on " in planner


def test_the_lists_follow_the_apps_clock(app, db, client):
    """The app's clock (set_clock) reaches the statement built once: the moment is bound per request."""
    her = make_user("facilitator")
    group = make_group(her, name="Alef")
    held = past_meeting(group, days_ago=2)
    now = utcnow()  # the meeting's "now": set back below, not let run (a whole run may have a stopped clock)
    login(client, her)
    assert f'/meetings/{held.id}/attendance"' in _text(client.get("/"))
    set_clock(app, held.start - timedelta(hours=1))
    assert f'/meetings/{held.id}/attendance"' not in _text(client.get("/"))
    set_clock(app, now)
    assert f'/meetings/{held.id}/attendance"' in _text(client.get("/"))


def test_a_group_pages_next_meetings_are_what_ahead_and_missing_gives_one_group(app, db, client):
    """follow_up.next_meetings (a group's page: one group by its index, planned once on PostgreSQL)
    against ahead_and_missing (tests/groups/reference_meetings.py) for that group, at moments around
    a meeting's start, with a cancellation and a meeting that began under AHEAD_HOURS ago."""
    her = make_user("facilitator")
    group, other = make_group(her, name="Alef"), make_group(her, name="Bet")
    past_meeting(group, days_ago=0)  # began two hours ago: still ahead
    past_meeting(group, days_ago=1)
    past_meeting(other, days_ago=0)
    cancel_meeting(upcoming([group.id])[group.id][1], by=her)
    first = upcoming([group.id])[group.id][0]
    for now in (utcnow(), utcnow() - timedelta(days=2), first.start + timedelta(hours=follow_up.AHEAD_HOURS, minutes=1),
                first.start + timedelta(hours=follow_up.AHEAD_HOURS) - timedelta(minutes=1)):
        for count in (1, 4):
            expected = ahead_and_missing([group.id], [], per_group=count, now=now)[0][group.id]
            got = follow_up.next_meetings(group.id, count, now=now)
            assert [(m.id, m.start, m.cancelled) for m in got] == [(m.id, m.start, m.cancelled) for m in expected]
            assert len(got) == count and all(m.group_id == group.id for m in got)
    assert any(m.cancelled for m in follow_up.next_meetings(group.id, 4))
    login(client, her)
    html = _text(client.get(f"/groups/{group.id}"))
    shown = [m.id for m in follow_up.next_meetings(group.id, 4)]
    assert [int(i) for i in re.findall(r'href="/meetings/(\d+)"', html)][:4] == shown
