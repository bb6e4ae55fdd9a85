"""What the groups feature holds about a mother, for her data download."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from .models import Attendance, CalendarFeed, Group, Meeting, MeetingQuestion, Membership, Rsvp


def export_groups_data(user) -> dict[str, Any]:
    memberships = db.session.execute(
        select(Group.name, Membership.status, Membership.position, Membership.joined_at)
        .join(Membership, Membership.group_id == Group.id).where(Membership.user_id == user.id)
    ).all()
    attended = db.session.execute(
        select(Group.name, Meeting.starts_at).join(Meeting, Meeting.group_id == Group.id)
        .join(Attendance, Attendance.meeting_id == Meeting.id).where(Attendance.user_id == user.id)
        .order_by(Meeting.starts_at)
    ).all()
    answers = db.session.execute(
        select(Meeting.starts_at, Rsvp.coming).join(Rsvp, Rsvp.meeting_id == Meeting.id).where(Rsvp.user_id == user.id)
    ).all()
    questions = db.session.scalars(select(MeetingQuestion).where(MeetingQuestion.user_id == user.id)).all()
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    return {
        "groups": [{"group": n, "status": s, "waiting_position": p, "joined_at": j.isoformat()} for n, s, p, j in memberships],
        "attendance": [{"group": n, "meeting": at.isoformat()} for n, at in attended],
        "rsvps": [{"meeting": at.isoformat(), "coming": coming} for at, coming in answers],
        "questions": [{"text": q.text, "anonymous": q.anonymous, "asked_at": q.created_at.isoformat()} for q in questions],
        "calendar_reminder": feed.reminder if feed else None,
    }
