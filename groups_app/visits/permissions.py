"""Who may see and change what in home visits: case notes are for the assigned volunteer, her
supervisor and coordinators only; a mother sees that she has a case and who her volunteer is."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.errors import NotAllowed


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_coordinator(user) -> bool:
    """Coordinators run the home-visit program (admins manage accounts, not cases)."""
    return _signed_in(user) and user.has_role("coordinator")


def is_assigned_volunteer(user, case) -> bool:
    return _signed_in(user) and case.volunteer is not None and case.volunteer.user_id == user.id


def is_supervisor(user, case) -> bool:
    return _signed_in(user) and case.supervisor_id is not None and case.supervisor_id == user.id


def can_see_case(user, case) -> bool:
    return is_coordinator(user) or is_assigned_volunteer(user, case) or is_supervisor(user, case)


def can_log_visits(user, case) -> bool:
    return is_assigned_volunteer(user, case) and case.status == "active"


def can_handle_concern(user, concern) -> bool:
    return is_coordinator(user) or is_supervisor(user, concern.case)


def require_coordinator(user) -> None:
    if not is_coordinator(user):
        raise NotAllowed(_l("Only the program's coordinators can do this."))


def require_case_access(user, case) -> None:
    if not can_see_case(user, case):
        raise NotAllowed(_l("Only the mother's volunteer, her supervisor and coordinators can see this case."))
