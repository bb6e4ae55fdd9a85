"""The audit log: who did what, when and from where. Never a password or a note's content."""
from __future__ import annotations

from datetime import datetime

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import JSON, DateTime, ForeignKey, String, select
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


def recent_events(page: int = 1, per_page: int = 50, action: str | None = None):
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
