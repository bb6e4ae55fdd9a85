"""What the audit log calls this feature's groups, meetings and topics, and where it links them."""
from __future__ import annotations

from flask import url_for
from flask_babel import format_date, get_locale
from sqlalchemy import select

from ..accounts.audit_log import Subject
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
