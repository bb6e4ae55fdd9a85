"""The support-group models, one module per aggregate."""
from .attendance import Attendance, Guest
from .group import Group, GroupFacilitator, Membership
from .meeting import CalendarFeed, Meeting, MeetingQuestion, Rsvp
from .topic import Topic, TopicText

__all__ = [
    "Attendance",
    "CalendarFeed",
    "Group",
    "GroupFacilitator",
    "Guest",
    "Meeting",
    "MeetingQuestion",
    "Membership",
    "Rsvp",
    "Topic",
    "TopicText",
]
