"""Services that change a group refuse an acting user who may not, whoever calls them."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from groups_app.core.errors import NotAllowed
from groups_app.groups.models import Attendance, Guest, Membership
from groups_app.groups.services import attendance, groups, guests, meetings, topics
from tests.conftest import add_members, make_group, make_mother, make_user, past_meeting


@pytest.fixture
def setting(app):
    facilitator, outsider = make_user("facilitator"), make_user("facilitator")
    group = make_group(facilitator)
    mother, other_mother = make_mother(), make_mother()
    add_members(group, mother)
    return facilitator, outsider, group, mother, other_mother


def _refused(call):
    with pytest.raises(NotAllowed) as refusal:
        call()
    assert refusal.value.status == 403


def test_attendance_is_taken_only_by_the_groups_facilitators(setting, db):
    facilitator, outsider, group, mother, _ = setting
    meeting = past_meeting(group)
    for actor in (outsider, mother):
        _refused(lambda actor=actor: attendance.take_attendance(meeting, {mother.id}, [], by=actor))
        db.session.rollback()
    assert db.session.scalar(select(func.count(Attendance.id))) == 0
    attendance.take_attendance(meeting, {mother.id}, [], by=facilitator)
    assert db.session.scalar(select(func.count(Attendance.id))) == 1


def test_a_guest_is_linked_only_by_the_groups_facilitators(setting, db):
    facilitator, outsider, group, _, other_mother = setting
    guest = Guest(group_id=group.id, first_name="Rana", stage="pregnant")
    db.session.add(guest)
    db.session.commit()
    _refused(lambda: guests.guest_becomes_member(guest, other_mother, by=outsider))
    db.session.rollback()
    assert db.session.get(Guest, guest.id).user_id is None


def test_members_are_added_and_removed_only_by_the_groups_facilitators(setting, db):
    facilitator, outsider, group, mother, other_mother = setting
    _refused(lambda: groups.add_member(group, other_mother, by=outsider))
    _refused(lambda: groups.leave(group, mother, by=outsider))
    _refused(lambda: groups.leave(group, mother, by=other_mother))
    db.session.rollback()
    assert db.session.scalar(select(func.count(Membership.id)).where(Membership.group_id == group.id)) == 1
    groups.leave(group, mother)  # she leaves by herself
    assert db.session.scalar(select(func.count(Membership.id)).where(Membership.group_id == group.id)) == 0


def test_meetings_are_planned_moved_and_cancelled_only_by_the_groups_facilitators(setting, db):
    facilitator, outsider, group, mother, _ = setting
    meeting = meetings.upcoming([group.id], per_group=1)[group.id][0]
    day = (meeting.start + timedelta(days=1)).date()
    _refused(lambda: meetings.cancel_meeting(meeting, by=outsider))
    _refused(lambda: meetings.cancel_meeting(meeting, by=mother))
    _refused(lambda: meetings.move_meeting(meeting, day, meeting.start.time(), 90, by=outsider))
    _refused(lambda: meetings.set_plan(meeting, None, "My plan", by=mother))
    _refused(lambda: meetings.add_one_off(group, day, meeting.start.time(), 90, by=outsider))
    db.session.rollback()
    assert not meeting.cancelled and (meeting.plan or "") == ""


def test_groups_are_made_and_changed_only_by_coordinators(setting, db):
    facilitator, _, group, _, _ = setting
    fields = groups.GroupFields(
        name="Renamed", description="", venue_kind="community_centre", address="Hall", locality_id=group.locality_id,
        languages=["he"], frequency="weekly", weekday=1, start_time=group.start_time, duration_minutes=90,
        timezone="Asia/Jerusalem", capacity=12, open=True, facilitator_ids=[facilitator.id])
    _refused(lambda: groups.update_group(group, fields, by=facilitator))
    _refused(lambda: groups.create_group(fields, by=facilitator))
    db.session.rollback()
    assert group.name != "Renamed"


def test_topics_are_written_only_by_staff(app):
    _refused(lambda: topics.save_topic(None, "first-weeks", {"en": {"title": "First weeks", "prompts": ""}},
                                       by=make_user("facilitator")))
