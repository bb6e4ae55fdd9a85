"""Short addresses for text messages and paper: /g/<id> leads to a group's page, /m/<id> to a
meeting's page, where that page's own checks decide who may see it."""
from __future__ import annotations

from flask import redirect, url_for

from ...core.permissions import ANYONE, allow


@allow(ANYONE)  # looks nothing up: the group's page answers (and 404s) for itself
def group_link(group_id: int):
    return redirect(url_for("groups.group_page", group_id=group_id))


@allow(ANYONE)  # the meeting's page then asks her to sign in and checks that she is in the group
def meeting_link(meeting_id: int):
    return redirect(url_for("groups.meeting_page", meeting_id=meeting_id))
