"""Who took or changed a meeting's attendance, read from the audit log."""
from __future__ import annotations

import functools

from sqlalchemy import bindparam, select

from ...core.audit import AuditEvent
from ...extensions import db
from ..models import Meeting


def history(meeting: Meeting) -> list:
    """Who took or changed this meeting's attendance, and when (from the audit log)."""
    return list(db.session.scalars(_history_statement(), {"target": f"meeting:{meeting.id}"}))


@functools.cache
def _history_statement():
    """Built once per process (every attendance page runs it), the meeting's target as a parameter."""
    return (select(AuditEvent).where(AuditEvent.target == bindparam("target"),
                                     AuditEvent.action.in_(["attendance.taken", "attendance.changed"]))
            .order_by(AuditEvent.at))
