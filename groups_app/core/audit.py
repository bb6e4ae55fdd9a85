"""The audit log: who did what, when and from where. Never a password or a note's content."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import JSON, ColumnElement, DateTime, ForeignKey, String, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .timeutil import utcnow

# Keys that must never reach the log, whatever a caller passes.
_FORBIDDEN_KEYS = {"password", "new_password", "current_password", "token", "note", "body"}


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(64))
    path: Mapped[str | None] = mapped_column(String(300))
    detail: Mapped[dict | None] = mapped_column(JSON)

    # Loaded with the event, so that the log page runs one query whatever its length.
    actor = relationship("User", lazy="joined")


CURRENT = object()  # "the signed-in user, if any"; pass actor=None for no actor at all


def _event(action: str, actor=CURRENT, target: str | None = None, detail: dict | None = None) -> AuditEvent:
    if actor is CURRENT:
        signed_in = has_request_context() and current_user and current_user.is_authenticated
        actor = current_user._get_current_object() if signed_in else None
    clean = {k: v for k, v in (detail or {}).items() if k not in _FORBIDDEN_KEYS} or None
    return AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        target=target,
        address=request.remote_addr if has_request_context() else None,
        path=request.path[:300] if has_request_context() else None,
        detail=clean,
    )


def record(action: str, actor=CURRENT, target: str | None = None, detail: dict | None = None) -> None:
    """Add an event to the current transaction: it lands with the change it describes."""
    db.session.add(_event(action, actor, target, detail))


def record_now(action: str, actor=CURRENT, target: str | None = None, detail: dict | None = None) -> None:
    """Write an event at once, for requests that will be refused (denials, failed sign-ins).

    Whatever the request had half done is rolled back first: a refused request changes nothing.
    """
    event = _event(action, actor, target, detail)
    db.session.rollback()
    db.session.add(event)
    db.session.commit()


def concerning(user_id: int) -> ColumnElement[bool]:
    """The events of a person: what she did, and what was done to her account or for her.

    She is the actor (a failed sign-in names the account it tried as its actor), or the target
    is her account (`user:<id>`), or the detail names her (`{"user": <id>}`: a loan, a removal).
    """
    return or_(
        AuditEvent.actor_id == user_id,
        AuditEvent.target == f"user:{user_id}",
        # compared as text: a detail whose "user" is not a number must not break the query
        AuditEvent.detail["user"].as_string() == str(user_id),
    )


def recent_events(page: int = 1, per_page: int = 50, *, person_id: int | None = None, actions: Iterable[str] | None = None,
                  since: datetime | None = None, until: datetime | None = None):
    """The log, newest first, narrowed to one person, some kinds of event and a span of time
    (`since` included, `until` excluded, both aware)."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if actions:
        query = query.where(AuditEvent.action.in_(list(actions)))
    if person_id is not None:
        query = query.where(concerning(person_id))
    if since is not None:
        query = query.where(AuditEvent.at >= since.astimezone(UTC))
    if until is not None:
        query = query.where(AuditEvent.at < until.astimezone(UTC))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
