"""What the audit log calls this feature's groups, meetings and topics, and where it links them."""
from __future__ import annotations

from flask import url_for
from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts.audit_log import Kind, Subject
from ..core.timeutil import aware, zone
from ..extensions import db
from .models import Group, Meeting, Topic


def _ids(keys) -> set[int]:
    return {int(key) for key in keys or () if key.isdigit()}


def _group(group_id: int, name: str) -> Subject:
    return Subject(name, url_for("groups.group_page", group_id=group_id))


def names(refs: dict[str, set[str]]) -> dict:
    """One query for the groups, one for the meetings (with their groups), two for the topics."""
    found: dict = {}
    if group_ids := _ids(refs.get("group")):
        for group_id, name in db.session.execute(select(Group.id, Group.name).where(Group.id.in_(group_ids))):
            found[("group", str(group_id))] = {"group": _group(group_id, name)}
    if meeting_ids := _ids(refs.get("meeting")):
        rows = db.session.execute(
            select(Meeting.id, Meeting.starts_at, Group.id, Group.name, Group.timezone)
            .join(Group, Meeting.group_id == Group.id).where(Meeting.id.in_(meeting_ids))
        )
        for meeting_id, starts_at, group_id, name, group_zone in rows:
            day = aware(starts_at).astimezone(zone(group_zone)).date()  # the day on the group's calendar
            found[("meeting", str(meeting_id))] = {
                "group": _group(group_id, name),
                "date": Subject(format_date(day, "long"), url_for("groups.meeting_page", meeting_id=meeting_id)),
            }
    if slugs := refs.get("topic"):
        languages = [str(get_locale())]
        for topic in db.session.scalars(select(Topic).where(Topic.slug.in_(slugs))):
            text = topic.text_for(languages)
            found[("topic", topic.slug)] = {"topic": Subject(text.title if text else topic.slug)}
    return found


def _by_herself(event, values) -> bool:
    """She left the group herself (no one else named in the event)."""
    person = (event.detail or {}).get("user")
    return person is None or person == event.actor_id


AREA = ("groups", _l("Groups and meetings"))
# The actions this feature records (audit.record("...", ...)), each with its label in the log's
# filter and its sentence.
KINDS: dict[str, Kind] = {
    "group.created": Kind("groups", _l("Group created"), _l("%(actor)s created the group %(group)s.")),
    "group.updated": Kind("groups", _l("Group changed"), _l("%(actor)s changed the details of %(group)s.")),
    "group.schedule_changed": Kind("groups", _l("Schedule changed"),
                                   _l("%(actor)s changed the schedule of %(group)s from %(date)s.")),
    "group.joined": Kind("groups", _l("Joined a group"), _l("%(actor)s joined %(group)s.")),
    "group.waitlisted": Kind("groups", _l("Joined a waiting list"), _l("%(actor)s joined the waiting list of %(group)s.")),
    "group.left": Kind("groups", _l("Left a group"), _l("%(actor)s removed %(person)s from %(group)s."),
                       _l("%(actor)s left %(group)s."), _by_herself),
    "group.member_added": Kind("groups", _l("Member added"), _l("%(actor)s added %(person)s to %(group)s.")),
    "guest.became_member": Kind("groups", _l("Guest became a member"),
                                _l("%(actor)s made %(person)s, a guest, a member of %(group)s.")),
    "topic.saved": Kind("groups", _l("Topic saved"), _l("%(actor)s saved the topic %(topic)s.")),
    "meeting.added": Kind("groups", _l("Meeting added"), _l("%(actor)s added a meeting of %(group)s on %(date)s.")),
    "meeting.moved": Kind("groups", _l("Meeting moved"), _l("%(actor)s moved a meeting of %(group)s; it is now on %(date)s.")),
    "meeting.cancelled": Kind("groups", _l("Meeting cancelled"), _l("%(actor)s cancelled the meeting of %(group)s on %(date)s.")),
    "meeting.restored": Kind("groups", _l("Meeting on again"),
                             _l("%(actor)s undid the cancellation of the meeting of %(group)s on %(date)s.")),
    "meeting.planned": Kind("groups", _l("Meeting planned"), _l("%(actor)s planned the meeting of %(group)s on %(date)s.")),
    "attendance.taken": Kind("groups", _l("Attendance taken"),
                             _l("%(actor)s took attendance at the meeting of %(group)s on %(date)s.")),
    "attendance.changed": Kind("groups", _l("Attendance changed"),
                               _l("%(actor)s changed the attendance of the meeting of %(group)s on %(date)s.")),
}


def kinds():
    return AREA[0], AREA[1], KINDS
