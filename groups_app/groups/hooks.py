"""Places where later features add to the groups pages without groups depending on them.

A feature appends a function `panel(meeting, user) -> Markup | None` to MEETING_PANELS; the
meeting page shows what each returns (leaflets use it to list what to print for the topic).
"""
from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

MEETING_PANELS: list[Callable[..., Markup | None]] = []

# A feature appends `events(user) -> list[icalendar.Event]` to FEED_EVENTS: they join the
# mother's personal calendar feed (the library adds her books' due dates).
FEED_EVENTS: list[Callable[..., list]] = []


def meeting_panels(meeting, user) -> list[Markup]:
    return [html for panel in MEETING_PANELS if (html := panel(meeting, user))]
