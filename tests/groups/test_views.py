"""The groups pages through HTTP: permissions, bad input, and queries that do not grow."""
from sqlalchemy import func, select

from groups_app.groups.models import Group, GroupFacilitator, Membership, Topic, TopicText
from groups_app.groups.services.meetings import upcoming
from tests.conftest import (
    add_members,
    assert_max_queries,
    count_queries,
    locality,
    login,
    make_group,
    make_mother,
    make_user,
    past_meeting,
)

ENGLISH = {"Accept-Language": "en"}  # a visitor signed out reads the page in her browser's language


def _group_form(**overrides):
    data = {"name": "Dimona evenings", "description": "Pregnant and new mothers", "venue_kind": "community_centre",
            "address": "Community centre", "locality_id": str(locality("Dimona").id), "languages": ["am", "he"],
            "frequency": "weekly", "weekday": "0", "start_time": "18:00", "duration_minutes": "90",
            "timezone": "Asia/Jerusalem", "capacity": "12", "open": "y"}
    data.update(overrides)
    return data


def test_coordinator_creates_a_group(client, db):
    facilitator = make_user("facilitator")
    login(client, make_user("coordinator"))
    response = client.post("/groups/new", data=_group_form(facilitator_ids=[str(facilitator.id)]))
    assert response.status_code == 302
    group = db.session.scalar(select(Group))
    assert group.name == "Dimona evenings" and group.facilitator_ids == {facilitator.id}
    assert len(upcoming([group.id])[group.id]) == 8


def test_bad_capacity_is_refused_with_her_input_kept(client, db):
    login(client, make_user("coordinator"))
    response = client.post("/groups/new", data=_group_form(capacity="40"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="Dimona evenings"' in html and 'value="40"' in html and 'id="capacity-error"' in html
    response = client.post("/groups/new", data=_group_form(weekday=""))
    assert response.status_code == 400 and 'id="weekday-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Group.id))) == 0


def test_mothers_and_facilitators_cannot_create_groups(client):
    for role in ("mother", "facilitator", "staff"):
        login(client, make_user(role))
        assert client.post("/groups/new", data=_group_form()).status_code == 403
        client.post("/logout")


def test_mother_joins_and_joining_twice_is_refused(client, db):
    group = make_group()
    mother = make_mother()
    login(client, mother)
    assert client.post(f"/groups/{group.id}/join").status_code == 302
    again = client.post(f"/groups/{group.id}/join")
    assert again.status_code == 409
    assert db.session.scalar(select(func.count(Membership.id))) == 1


def test_home_address_hidden_from_non_members(client):
    facilitator = make_user("facilitator")
    group = make_group(facilitator, venue_kind="home", address="12 Olive Street")
    member, stranger = make_mother(), make_mother()
    add_members(group, member)
    assert "12 Olive Street" not in client.get(f"/groups/{group.id}").get_data(as_text=True)
    login(client, stranger)
    assert "12 Olive Street" not in client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "12 Olive Street" not in client.get("/groups/").get_data(as_text=True)
    client.post("/logout")
    login(client, member)
    assert "12 Olive Street" in client.get(f"/groups/{group.id}").get_data(as_text=True)


def test_group_page_says_where_she_stands_and_reads_it_in_a_fixed_number_of_statements(client, db, capsys):
    facilitator, coordinator = make_user("facilitator", name="Amal"), make_user("coordinator")
    group = make_group(facilitator, capacity=3)
    member, waiting, stranger = make_mother(), make_mother(), make_mother()
    add_members(group, member)
    db.session.add(Membership(group_id=group.id, user_id=waiting.id, status="waiting", position=1))
    db.session.commit()
    meeting = upcoming([group.id])[group.id][0]
    held = past_meeting(group)
    held.topic = Topic(slug="first-weeks", texts=[TopicText(language="en", title="The first weeks")])  # not shown
    db.session.commit()
    link = f'href="/meetings/{meeting.id}"'

    def page(who) -> tuple[int, str]:
        client.post("/logout")
        if who is not None:
            login(client, who)
        client.get(f"/groups/{group.id}", headers=ENGLISH)
        with count_queries(db.engine) as counted:
            answer = client.get(f"/groups/{group.id}", headers=ENGLISH)
        assert answer.status_code == 200
        return counted(), answer.get_data(as_text=True)

    def everyone() -> dict[str, int]:
        counts = {}
        for name, who, shown, hidden in [
            ("visitor", None, ["Join Mother to Mother", "<dd>2</dd>", "Amal"], [link, "For facilitators"]),
            ("member", member, ["You are a member of this group.", link, "Leave the group"], ["For facilitators"]),
            ("waiting", waiting, ["You are number 1 on the waiting list.", "Leave the waiting list"], [link]),
            ("stranger", stranger, ["Join this group", "<dd>2</dd>"], [link, "For facilitators", "Past meetings"]),
            ("facilitator", facilitator, [link, "For facilitators", f'href="/meetings/{held.id}/attendance"'],
             ["Edit the group", "Join this group"]),
            ("coordinator", coordinator, [link, "For facilitators", "Edit the group"], ["Join this group"]),
        ]:
            counts[name], html = page(who)
            assert all(text in html for text in shown), (name, [t for t in shown if t not in html])
            assert not any(text in html for text in hidden), (name, [t for t in hidden if t in html])
        return counts

    small = everyone()
    assert small["member"] <= 4 and small["facilitator"] <= 5 and max(small.values()) <= 5, small
    add_members(make_group(make_user("facilitator"), name="Another"), *[make_mother() for _ in range(5)])
    for days in (8, 15, 22, 29, 36, 43):
        past_meeting(group, days_ago=days)
    db.session.add(GroupFacilitator(group_id=group.id, user_id=make_user("facilitator", name="Bina").id))
    db.session.commit()
    assert everyone() == small
    with capsys.disabled():
        print(f"\nFIGURE group page: {small['member']} statements for a member (was 7), "
              f"{small['facilitator']} for its facilitator")
    client.post("/logout")
    assert client.get("/groups/999999").status_code == 404


def test_non_members_cannot_see_meetings_or_attendance(client):
    facilitator, other_facilitator = make_user("facilitator"), make_user("facilitator")
    group = make_group(facilitator)
    meeting = past_meeting(group)
    login(client, make_mother())
    assert client.get(f"/meetings/{meeting.id}").status_code == 403
    assert client.get(f"/meetings/{meeting.id}/attendance").status_code == 403
    client.post("/logout")
    login(client, other_facilitator)  # a facilitator, but not of this group
    assert client.get(f"/meetings/{meeting.id}/attendance").status_code == 403
    assert client.post(f"/meetings/{meeting.id}/cancel").status_code == 403
    client.post("/logout")
    member = make_mother()
    add_members(group, member)
    login(client, member)
    assert client.get(f"/meetings/{meeting.id}").status_code == 200
    assert client.get(f"/meetings/{meeting.id}/attendance").status_code == 403


def test_facilitator_takes_attendance_with_a_guest(client, db):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    a, b = make_mother(name="Aviva"), make_mother(name="Bracha")
    add_members(group, a, b)
    meeting = past_meeting(group)
    login(client, facilitator)
    page = client.get(f"/meetings/{meeting.id}/attendance")
    assert "Aviva" in page.get_data(as_text=True)
    response = client.post(f"/meetings/{meeting.id}/attendance", data={
        "present": [str(a.id)], "guests-0-first_name": "Rivka", "guests-0-stage": "pregnant",
        "guests-0-baby_age_months": ""})
    assert response.status_code == 302
    html = client.get(f"/meetings/{meeting.id}/attendance").get_data(as_text=True)
    assert "Rivka" in html


def test_attendance_for_a_stranger_is_refused_and_her_guest_row_kept(client, db):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    member, stranger = make_mother(), make_mother()
    add_members(group, member)
    meeting = past_meeting(group)
    login(client, facilitator)
    response = client.post(f"/meetings/{meeting.id}/attendance", data={
        "present": [str(member.id), str(stranger.id)], "guests-0-first_name": "Rivka", "guests-0-stage": "pregnant"})
    assert response.status_code == 400
    assert 'value="Rivka"' in response.get_data(as_text=True)


def test_mother_rsvps_and_asks_a_question(client, db):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    mother = make_mother(name="Huda")
    add_members(group, mother)
    meeting = upcoming([group.id])[group.id][0]
    login(client, mother)
    assert client.post(f"/meetings/{meeting.id}/rsvp", data={"coming": "yes"}).status_code == 302
    assert client.post(f"/meetings/{meeting.id}/rsvp", data={"coming": "perhaps"}).status_code == 400
    assert client.post(f"/meetings/{meeting.id}/questions", data={"text": "Night feeds?", "anonymous": "y"}).status_code == 302
    empty = client.post(f"/meetings/{meeting.id}/questions", data={"text": ""})
    assert empty.status_code == 400
    client.post("/logout")
    login(client, facilitator)
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Night feeds?" in html and "Huda" not in html.split("Questions")[-1]


def test_directory_runs_a_fixed_number_of_queries(client, db):
    facilitator = make_user("facilitator")
    make_group(facilitator)
    with assert_max_queries(db.engine, 6):
        assert client.get("/groups/").status_code == 200
    for n in range(12):
        group = make_group(make_user("facilitator"), name=f"Group {n}", place=["Rahat", "Arad", "Dimona"][n % 3])
        add_members(group, make_mother(), make_mother())
    with assert_max_queries(db.engine, 6):
        html = client.get("/groups/").get_data(as_text=True)
    assert "Group 11" in html


def test_attendance_report_runs_a_fixed_number_of_queries(client, db):
    coordinator = make_user("coordinator")
    facilitator = make_user("facilitator")
    login(client, coordinator)
    from groups_app.groups.services.attendance import take_attendance

    def grow(n):
        for i in range(n):
            group = make_group(facilitator, name=f"G{n}-{i}")
            mothers = [make_mother() for _ in range(3)]
            add_members(group, *mothers)
            for days in (2, 9):
                take_attendance(past_meeting(group, days_ago=days), {m.id for m in mothers}, [], by=facilitator)

    grow(1)
    client.get("/coordinator/attendance")
    with assert_max_queries(db.engine, 10) :
        assert client.get("/coordinator/attendance").status_code == 200
    grow(6)
    with assert_max_queries(db.engine, 10):
        assert client.get("/coordinator/attendance").status_code == 200
    csv = client.get("/coordinator/attendance.csv")
    assert csv.status_code == 200 and csv.data.startswith(b"\xef\xbb\xbf")
    assert "attachment" in csv.headers["Content-Disposition"]


def test_attendance_report_is_for_coordinators(client):
    for role in ("mother", "facilitator", "staff", "volunteer"):
        login(client, make_user(role))
        assert client.get("/coordinator/attendance").status_code == 403
        assert client.get("/coordinator/attendance.csv").status_code == 403
        client.post("/logout")


def test_planner_shows_the_next_eight_meetings_of_her_groups(client):
    facilitator = make_user("facilitator")
    make_group(facilitator, name="Mine")
    make_group(make_user("facilitator"), name="Not mine")
    login(client, facilitator)
    html = client.get("/planner").get_data(as_text=True)
    assert "Mine" in html and "Not mine" not in html
    assert html.count('name="topic_id"') == 8


def test_a_bad_guest_age_is_explained_and_nothing_saved(client, db):
    from groups_app.groups.models import Attendance

    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    meeting = past_meeting(group)
    login(client, facilitator)
    response = client.post(f"/meetings/{meeting.id}/attendance", data={
        "guests-0-first_name": "Rivka", "guests-0-stage": "breastfeeding", "guests-0-baby_age_months": "three"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "0 to 60" in html and 'value="Rivka"' in html
    assert db.session.scalar(select(func.count(Attendance.id))) == 0


def test_her_data_download_includes_her_groups_attendance_and_questions(client):
    import json

    from groups_app.groups.services.attendance import take_attendance
    from groups_app.groups.services.replies import ask

    facilitator = make_user("facilitator")
    group = make_group(facilitator, name="Arad mothers")
    mother = make_mother()
    add_members(group, mother)
    take_attendance(past_meeting(group), {mother.id}, [], by=facilitator)
    ask(upcoming([group.id])[group.id][0], mother, "Pumping at work?", anonymous=True)
    login(client, mother)
    data = json.loads(client.get("/account/data.json").get_data(as_text=True))
    assert data["groups"][0]["group"] == "Arad mothers"
    assert len(data["attendance"]) == 1
    assert data["questions"][0]["text"] == "Pumping at work?"


def test_facilitator_turns_a_guest_into_a_member_from_the_members_page(client, db):
    from groups_app.groups.services.attendance import GuestEntry, present_ids, take_attendance

    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    meeting = past_meeting(group)
    take_attendance(meeting, set(), [GuestEntry("Maya", "pregnant")], by=facilitator)
    maya = make_mother(email="maya@example.org")
    login(client, facilitator)
    page = client.get(f"/groups/{group.id}/members").get_data(as_text=True)
    assert "Maya" in page
    from groups_app.groups.models import Guest

    guest = db.session.scalar(select(Guest))
    response = client.post(f"/groups/{group.id}/members", data={"identifier": "maya@example.org", "guest_id": str(guest.id)})
    assert response.status_code == 302
    assert present_ids(meeting) == {maya.id}
    unknown = client.post(f"/groups/{group.id}/members", data={"identifier": "nobody@example.org"})
    assert unknown.status_code == 400 and 'value="nobody@example.org"' in unknown.get_data(as_text=True)
