"""The home-visit models, one module per aggregate."""
from .case import CASE_LIST_ORDER, CLOSE_REASONS, MOODS, VISIT_TOPICS, Case, Concern, VisitLog
from .referral import SOURCES, STATUSES, Referral, ServiceLocality
from .volunteer import (
    CourseAttendance,
    CourseEnrolment,
    CourseSession,
    SupervisionAttendee,
    SupervisionSession,
    TrainingCourse,
    Volunteer,
    VolunteerHours,
)

__all__ = [
    "CASE_LIST_ORDER", "CLOSE_REASONS", "MOODS", "SOURCES", "STATUSES", "VISIT_TOPICS", "Case", "Concern", "CourseAttendance",
    "CourseEnrolment", "CourseSession", "Referral", "ServiceLocality", "SupervisionAttendee", "SupervisionSession",
    "TrainingCourse", "VisitLog", "Volunteer", "VolunteerHours",
]
