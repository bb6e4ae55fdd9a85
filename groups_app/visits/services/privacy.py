"""Privacy of cases: closed cases lose their names and words after CASE_RETENTION_YEARS; the counts stay."""
from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select, update

from ...core import audit
from ...core.timeutil import today, utcnow
from ...extensions import db
from ..models import Case, Concern, Referral, VisitLog


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def anonymise_old_cases(years: int | None = None) -> int:
    """Clear the notes and texts of cases closed more than `years` ago (CASE_RETENTION_YEARS) and
    unlink the mother (her referral loses her name, phone and the referrer's details too); dates, reasons, visits' lengths and moods stay for the figures. Returns how many."""
    years = current_app.config["CASE_RETENTION_YEARS"] if years is None else years
    cutoff = _years_before(today(), years)
    ids = list(db.session.scalars(
        select(Case.id).where(Case.status == "closed", Case.closed_on < cutoff, Case.anonymised_at.is_(None))
    ))
    if not ids:
        return 0
    db.session.execute(update(Case).where(Case.id.in_(ids)).values(
        notes="", close_note="", mother_id=None, anonymised_at=utcnow()))
    referral_ids = select(Case.referral_id).where(Case.id.in_(ids), Case.referral_id.is_not(None))
    db.session.execute(update(Referral).where(Referral.id.in_(referral_ids)).values(
        mother_name="", phone="", referrer_name="", referrer_contact="", notes="", address_hash="", mother_id=None),
        execution_options={"synchronize_session": False})
    db.session.execute(update(VisitLog).where(VisitLog.case_id.in_(ids)).values(notes=""))
    db.session.execute(update(Concern).where(Concern.case_id.in_(ids)).values(what="", handled_how=""))
    audit.record("cases.anonymised", actor=None, detail={"cases": len(ids), "years": years})
    db.session.commit()
    return len(ids)
