"""Who took or changed a meeting's attendance, read from the audit log."""
from __future__ import annotations

from sqlalchemy import select

from ...core.audit import AuditEvent
from ...extensions import db
from ..models import Meeting


def history(meeting: Meeting) -> list:
    """Who took or changed this meeting's attendance, and when (from the audit log)."""
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.target == f"meeting:{meeting.id}",
                                 AuditEvent.action.in_(["attendance.taken", "attendance.changed"]))
        .order_by(AuditEvent.at)
    ))
