"""Her part of her data download: the texts the app sent or holds for her, and her replies."""
from __future__ import annotations

from sqlalchemy import select

from ...core.timeutil import aware
from ...extensions import db
from ..models import InboundText, OutgoingText


def _when(value) -> str | None:
    return aware(value).isoformat() if value else None


def export_texts(user) -> dict:
    texts = db.session.scalars(select(OutgoingText).where(OutgoingText.user_id == user.id)
                               .order_by(OutgoingText.created_at, OutgoingText.id))
    replies = db.session.scalars(select(InboundText).where(InboundText.user_id == user.id)
                                 .order_by(InboundText.received_at, InboundText.id))
    return {
        "text_messages": [{"kind": t.kind, "status": t.status, "queued": _when(t.created_at), "sent": _when(t.sent_at),
                           "segments": t.segments, "to": t.to or None, "words": t.body or None} for t in texts],
        "text_replies": [{"received": _when(r.received_at), "words": r.body, "what_the_app_did": r.action}
                         for r in replies],
    }
