"""The groups feature's extension points: where later features add to its pages and feeds."""
from __future__ import annotations

from ..core.extension_points import ExtensionPoint

meeting_panel = ExtensionPoint(
    "groups.meeting_panel", "panel(meeting, user) -> Markup | None: shown on the meeting page"
)
feed_events = ExtensionPoint(
    "groups.feed_events", "events(user) -> list[icalendar.Event]: added to her personal calendar feed"
)
