"""The groups feature's pages; importing this module registers every route on the blueprint."""
from . import calendar_views, group_views, meeting_views, report_views, topic_views  # noqa: F401
