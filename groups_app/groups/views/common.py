"""Loading a group or meeting for a view, or answering 404."""
from __future__ import annotations

from flask import abort
from flask_babel import format_date, format_time
from flask_babel import gettext as _

from ...extensions import db
from ..models import Group, Meeting


def get_group(group_id: int) -> Group:
    return db.session.get(Group, group_id) or abort(404)


def get_meeting(meeting_id: int) -> Meeting:
    return db.session.get(Meeting, meeting_id) or abort(404)


def when(moment) -> str:
    """A meeting's day and time, in the reader's language and time zone."""
    return _("%(date)s at %(time)s", date=format_date(moment, "full"), time=format_time(moment, "short"))
