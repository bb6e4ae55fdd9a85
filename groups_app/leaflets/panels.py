"""The leaflets panel on a meeting page: the leaflets of the meeting's topic, to print."""
from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from . import services


def meeting_leaflets(meeting, user) -> Markup | None:
    items = services.for_topic(meeting.topic_id, user.read_languages)
    if not items:
        return None
    return Markup(render_template("leaflets/_meeting_panel.html", items=items))  # nosec B704  # an autoescaped Jinja template
