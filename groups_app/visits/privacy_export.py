"""What home visits hold about a mother, for her data download: that she has a case, its dates,
her volunteer's first name, and her visits' dates — never the notes, which are the volunteer's
and her supervisor's working record."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import Case, Referral, VisitLog
from .services.cases import first_name


def export_visits(user) -> dict:
    cases = db.session.scalars(select(Case).where(Case.mother_id == user.id).order_by(Case.opened_on)).unique().all()
    if not cases:
        return {}
    visits = db.session.execute(
        select(VisitLog.case_id, VisitLog.visited_on).where(VisitLog.case_id.in_([c.id for c in cases]))
        .order_by(VisitLog.visited_on)
    ).all()
    referred = {r.id: r.created_at for r in db.session.scalars(
        select(Referral).where(Referral.id.in_([c.referral_id for c in cases if c.referral_id])))}
    return {"home_visits": [{
        "referred_at": referred[c.referral_id].isoformat() if c.referral_id in referred else None,
        "opened_on": c.opened_on.isoformat(),
        "matched_on": c.matched_on.isoformat() if c.matched_on else None,
        "closed_on": c.closed_on.isoformat() if c.closed_on else None,
        "status": c.status,
        "volunteer": first_name(c.volunteer.user.name) if c.volunteer else None,
        "next_visit_at": c.next_visit_at.isoformat() if c.next_visit_at else None,
        "visits": [on.isoformat() for case_id, on in visits if case_id == c.id],
    } for c in cases]}
