"""What the library holds about a mother, for her data download."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import Hold, Loan


def export_library_data(user) -> dict:
    loans = db.session.scalars(select(Loan).where(Loan.user_id == user.id).order_by(Loan.out_at)).all()
    holds = db.session.scalars(select(Hold).where(Hold.user_id == user.id).order_by(Hold.created_at)).all()
    return {
        "loans": [{"book": loan.copy.book.title, "out": loan.out_at.isoformat(), "due": loan.due_at.isoformat(),
                   "returned": loan.returned_at.isoformat() if loan.returned_at else None} for loan in loans],
        "holds": [{"book": hold.book.title, "status": hold.status, "place": hold.position} for hold in holds],
    }
