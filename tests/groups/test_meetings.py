"""Meetings: moving, cancelling, schedule changes, one-offs, plans, RSVPs and questions."""
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from groups_app.core.errors import DomainError
from groups_app.core.notify import Notice
from groups_app.core.timeutil import set_clock, today
from groups_app.groups.models import Meeting
from groups_app.groups.schedule import local
from groups_app.groups.services import meetings as service
from groups_app.groups.services import replies
from tests.conftest import add_members, make_group, make_mother, make_user, past_meeting


def _future(group):
    return service.upcoming([group.id])[group.id]


def test_extending_never_duplicates_a_slot(app, db):
    group = make_group()
    before = db.session.scalar(select(func.count(Meeting.id)))
    assert service.extend_meetings(group) == 0
    assert service.extend_all() == 0
    assert db.session.scalar(select(func.count(Meeting.id))) == before


def test_move_one_meeting_tells_members_and_leaves_the_others(app, db):
    facilitator, member = make_user("facilitator"), make_mother()
    group = make_group(facilitator)
    add_members(group, member)
    first, second = _future(group)[:2]
    other_start = second.start
    new_day = local(first.start, group.timezone).date() + timedelta(days=2)
    service.move_meeting(first, new_day, time(18, 30), 90, by=facilitator)
    assert local(first.start, group.timezone).time() == time(18, 30)
    assert first.sequence == 1 and first.occurrence is not None
    assert second.start == other_start and second.sequence == 0
    assert db.session.scalar(select(func.count(Notice.id)).where(Notice.user_id == member.id)) == 1
    assert service.extend_meetings(group) == 0  # its slot stays taken: no new meeting at the old time


@pytest.mark.parametrize("day_offset, at, duration, field", [
    (-2, time(10), 90, "day"),  # in the past
    (None, time(10), 90, "day"),
    (3, None, 90, "start_time"),
    (3, time(10), 200, "duration_minutes"),
])
def test_bad_meeting_times_are_refused(app, db, day_offset, at, duration, field):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    meeting = _future(group)[0]
    day = None if day_offset is None else today() + timedelta(days=day_offset)
    with pytest.raises(DomainError) as error:
        service.move_meeting(meeting, day, at, duration, by=facilitator)
    assert error.value.field == field
    db.session.rollback()
    assert db.session.get(Meeting, meeting.id).sequence == 0


def test_two_meetings_of_a_group_cannot_overlap(app):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    first = _future(group)[0]
    start = local(first.start, group.timezone)
    with pytest.raises(DomainError) as error:
        service.add_one_off(group, start.date(), (start + timedelta(minutes=30)).time(), 60, by=facilitator)
    assert error.value.status == 409


def test_cancel_keeps_it_in_the_list_as_cancelled(app, db):
    facilitator, member = make_user("facilitator"), make_mother()
    group = make_group(facilitator)
    add_members(group, member)
    meeting = _future(group)[0]
    service.cancel_meeting(meeting, by=facilitator)
    assert meeting.cancelled and meeting.sequence == 1
    with pytest.raises(DomainError):
        service.cancel_meeting(meeting, by=facilitator)
    assert meeting in _future(group)


def test_one_off_meeting(app):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    day = local(_future(group)[0].start, group.timezone).date() + timedelta(days=1)
    meeting = service.add_one_off(group, day, time(17), 60, by=facilitator)
    assert meeting.occurrence is None
    assert meeting in _future(group)


def test_schedule_change_from_a_date_keeps_earlier_meetings_and_moves_later_ones(app, db):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    meetings = _future(group)
    keep, moved = meetings[1], meetings[3]
    moved.plan = "Bring the sling"
    db.session.commit()
    keep_start, moved_id = keep.start, moved.id
    effective = local(meetings[2].start, group.timezone).date()
    service.change_schedule(group, effective=effective, frequency="weekly", weekday=3, at=time(19), duration=60,
                            by=facilitator)
    assert keep.start == keep_start
    moved = db.session.get(Meeting, moved_id)
    when = local(moved.start, group.timezone)
    assert (when.weekday(), when.time(), moved.duration_minutes) == (3, time(19), 60)
    assert moved.sequence == 1 and moved.plan == "Bring the sling"
    later = [m for m in _future(group) if m.start.date() >= effective and not m.cancelled]
    assert all(local(m.start, group.timezone).weekday() == 3 for m in later)


def test_a_schedule_change_leaves_a_cancelled_day_cancelled(app, db):
    # The new schedule shares the old one's days: the cancelled meeting keeps its day and stays
    # cancelled, and no meeting is made again on it (this once failed on the slot's unique key).
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    cancelled = _future(group)[1]
    service.cancel_meeting(cancelled, by=facilitator)
    day, cancelled_id = cancelled.occurrence, cancelled.id
    service.change_schedule(group, effective=today(group.timezone), frequency="weekly", weekday=group.weekday,
                            at=time(18), duration=90, by=facilitator)
    on_that_day = db.session.scalars(select(Meeting).where(Meeting.group_id == group.id, Meeting.occurrence == day)).all()
    assert [(m.id, m.cancelled) for m in on_that_day] == [(cancelled_id, True)]
    others = [m for m in _future(group) if m.id != cancelled_id]
    assert others and all(local(m.start, group.timezone).time() == time(18) and not m.cancelled for m in others)


def test_a_schedule_change_from_today_leaves_the_meeting_under_way(app, db):
    facilitator = make_user("facilitator")
    set_clock(app, datetime(2026, 12, 14, 22, 0, tzinfo=UTC))  # Tuesday 15 December 00:00 in Israel
    group = make_group(facilitator)  # Tuesdays at 10:00
    set_clock(app, datetime(2026, 12, 15, 8, 30, tzinfo=UTC))  # 10:30: this morning's meeting is under way
    under_way, next_week = _future(group)[:2]
    assert under_way.occurrence == date(2026, 12, 15)
    started, under_way_id, next_week_id = under_way.start, under_way.id, next_week.id
    service.change_schedule(group, effective=date(2026, 12, 15), frequency="weekly", weekday=1, at=time(18),
                            duration=90, by=facilitator)
    under_way = db.session.get(Meeting, under_way_id)
    assert (under_way.start, under_way.occurrence, under_way.cancelled) == (started, date(2026, 12, 15), False)
    assert db.session.scalar(select(func.count(Meeting.id)).where(Meeting.group_id == group.id,
                                                                 Meeting.occurrence == date(2026, 12, 15))) == 1
    moved = db.session.get(Meeting, next_week_id)
    assert (moved.occurrence, local(moved.start, group.timezone).time()) == (date(2026, 12, 22), time(18))


def test_schedule_change_in_the_past_or_without_a_weekday_is_refused(app):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    with pytest.raises(DomainError) as error:
        service.change_schedule(group, effective=today() - timedelta(days=1), frequency="weekly", weekday=1,
                                at=time(10), duration=90, by=facilitator)
    assert error.value.field == "effective"
    with pytest.raises(DomainError) as error:
        service.change_schedule(group, effective=today(), frequency="weekly", weekday=None, at=time(10),
                                duration=90, by=facilitator)
    assert error.value.field == "weekday"


def test_plan_a_topic_and_see_recent_topics(app):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    from groups_app.extensions import db
    from groups_app.groups.models import Topic, TopicText

    topic = Topic(slug="first-weeks", texts=[TopicText(language="en", title="The first weeks")])
    db.session.add(topic)
    db.session.commit()
    old = past_meeting(group, days_ago=7, topic_id=topic.id)
    meeting = _future(group)[0]
    service.set_plan(meeting, topic.id, "Start with a round of names.", by=facilitator)
    assert meeting.topic_id == topic.id and meeting.sequence == 1
    assert [(m.id, m.topic_id, m.start) for m in service.recent_topics([group.id])[group.id]] == [(old.id, topic.id, old.start)]
    with pytest.raises(DomainError):
        service.set_plan(meeting, 999999, "", by=facilitator)


def test_rsvp_and_expected_count(app):
    group = make_group()
    a, b, stranger = make_mother(), make_mother(), make_mother()
    add_members(group, a, b)
    meeting = _future(group)[0]
    replies.rsvp(meeting, a, True)
    replies.rsvp(meeting, b, True)
    replies.rsvp(meeting, b, False)  # changed her mind
    assert replies.expected([meeting.id]) == {meeting.id: 1}
    with pytest.raises(DomainError) as error:
        replies.rsvp(meeting, stranger, True)
    assert error.value.status == 403


def test_questions_ahead_and_marking_discussed(app):
    facilitator, member = make_user("facilitator"), make_mother()
    group = make_group(facilitator)
    add_members(group, member)
    meeting = _future(group)[0]
    question = replies.ask(meeting, member, "How do I know she has enough?", anonymous=True)
    assert question.anonymous
    with pytest.raises(DomainError):
        replies.ask(meeting, member, "   ", anonymous=False)
    replies.mark_discussed(question, True, by=facilitator)
    assert question.discussed
