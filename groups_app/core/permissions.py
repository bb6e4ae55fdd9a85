"""Who may use each route, in one vocabulary, and the object-level can_* checks.

Every view is decorated with `@allow(rule)`; a test walks the URL map and fails on a route
without one. A rule answers for a user (or an anonymous visitor) whether the route is open to
them; object-level checks (`can_*`) run inside the view once the object is loaded.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import login_manager
from .errors import NotAllowed

ROLES = ("mother", "facilitator", "volunteer", "coordinator", "staff", "admin")


@dataclass(frozen=True)
class Rule:
    """`roles` empty means any signed-in user; `anonymous` means open to everyone."""

    label: str
    anonymous: bool = False
    roles: frozenset[str] = field(default_factory=frozenset)
    owner: str | None = None  # description of the ownership check done in the view

    def allows(self, user) -> bool:
        if self.anonymous:
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        return not self.roles or bool(self.roles & user.role_names)


ANYONE = Rule("anyone", anonymous=True)
SIGNED_IN = Rule("signed in")


def role(*names: str) -> Rule:
    unknown = set(names) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {unknown}")
    return Rule("role: " + ", ".join(names), roles=frozenset(names))


def owner(description: str, *roles_: str) -> Rule:
    """Signed in (with one of `roles_`, if given), and the view checks ownership itself."""
    base = role(*roles_) if roles_ else SIGNED_IN
    return Rule(base.label + "; owner: " + description, roles=base.roles, owner=description)


def allow(rule: Rule) -> Callable:
    """Declare and enforce who may use a view."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if not rule.allows(current_user):
                if not current_user.is_authenticated:
                    return login_manager.unauthorized()
                deny()
            return view(*args, **kwargs)

        guarded.access_rule = rule  # type: ignore[attr-defined]
        return guarded

    return decorate


def deny(reason: str = "forbidden"):
    """Refuse the request with 403 and write the denial to the audit log."""
    from .audit import record_now

    record_now("access.denied", detail={"reason": reason})
    abort(403)


def ensure(allowed: bool, reason: str = "not owner") -> None:
    if not allowed:
        deny(reason)


# ---- object-level checks, shared by views and templates ------------------------------------

def can_manage_roles(user) -> bool:
    return user.is_authenticated and user.has_role("admin")




def require_staff(user) -> None:
    """For services that staff alone may call (topics, books, leaflets), whoever calls them."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.has_role("staff"):
        raise NotAllowed(_l("Only staff can do this."))
