"""Loading a group or meeting for a view, or answering 404."""
from __future__ import annotations

import functools

from flask import abort
from flask_babel import format_date, format_time, get_locale, get_timezone
from flask_babel import gettext as _

from ...extensions import db
from ..models import Group, Meeting


def get_group(group_id: int) -> Group:
    return db.session.get(Group, group_id) or abort(404)


def get_meeting(meeting_id: int) -> Meeting:
    return db.session.get(Meeting, meeting_id) or abort(404)


def when(moment) -> str:
    """A meeting's day and time, in the reader's language and time zone."""
    return _when(moment, str(get_locale()), str(get_timezone()))


# The same meetings are shown again and again (a planner shows 24, each page its next ones): each
# moment is written once per language and time zone, not on every request (Babel's formatting was
# a seventh of the planner's time). The text depends on nothing but the three arguments.
@functools.lru_cache(maxsize=4096)
def _when(moment, locale: str, zone: str) -> str:
    return _("%(date)s at %(time)s", date=format_date(moment, "full"), time=format_time(moment, "short"))
