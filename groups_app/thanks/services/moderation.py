"""The two keys to the tree: the mentor's answer and the program's review; and the tree's goal."""
from __future__ import annotations

from flask import current_app
from flask_babel import format_number
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ...accounts.models import User
from ...core import audit
from ...core.errors import DomainError, NotAllowed
from ...core.mail import public_url
from ...core.notify import notify
from ...core.permissions import require_staff
from ...core.timeutil import utcnow
from ...extensions import db
from ..models import Dedication, TreeSettings
from .mentors import first_name

GOAL = 500  # leaves the tree hopes for, unless TREE_GOAL or staff say otherwise
MAX_GOAL = 100000


def is_mentor_of(user: User, dedication: Dedication) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and dedication.mentor_id == user.id


def _tell_writer_if_shown(dedication: Dedication) -> None:
    if dedication.shown:
        notify(dedication.writer, _l("Your thank-you is on the tree"), "thanks/email/shown.txt",
               link=public_url("thanks.tree"), mentor=first_name(dedication.mentor_display_name))


def answer(dedication: Dedication, agree: bool, *, by: User) -> None:
    """The mentor agrees to show it, or keeps it private; she may change her mind. Commits."""
    if not is_mentor_of(by, dedication):
        raise NotAllowed(_l("Only the mother it thanks can answer this."))
    wanted = "agreed" if agree else "declined"
    if dedication.consent == wanted:
        return
    dedication.consent, dedication.consent_at = wanted, utcnow()
    audit.record("dedication.agreed" if agree else "dedication.declined", actor=by,
                 target=f"dedication:{dedication.id}")
    _tell_writer_if_shown(dedication)
    db.session.commit()


def review(dedication: Dedication, approve: bool, *, by: User) -> None:
    """Staff approve a dedication for the tree, or keep it off; the writer hears kindly. Commits."""
    require_staff(by)
    if dedication.review != "waiting":
        raise DomainError(_l("This message was already reviewed."))
    dedication.review = "approved" if approve else "rejected"
    dedication.reviewed_at, dedication.reviewed_by_id = utcnow(), by.id
    audit.record("dedication.approved" if approve else "dedication.rejected", actor=by,
                 target=f"dedication:{dedication.id}", detail={"user": dedication.writer_id})
    if approve:
        _tell_writer_if_shown(dedication)
    else:
        notify(dedication.writer, _l("About your thank-you message"), "thanks/email/not_shown.txt",
               link=public_url("thanks.mine"), mentor=first_name(dedication.mentor_display_name))
    db.session.commit()


def waiting_for_review(*, by: User) -> int:
    require_staff(by)
    return db.session.scalar(select(func.count(Dedication.id)).where(Dedication.review == "waiting"))


def review_queue(*, by: User, limit: int = 50) -> tuple[list[Dedication], int]:
    """The oldest dedications waiting for review, and how many wait in all: two queries."""
    require_staff(by)
    rows = db.session.scalars(select(Dedication).where(Dedication.review == "waiting")
                              .order_by(Dedication.created_at, Dedication.id).limit(limit)).unique().all()
    return list(rows), waiting_for_review(by=by)


def goal() -> int:
    """The number of leaves the tree hopes for: what staff set, else TREE_GOAL."""
    saved = db.session.scalar(select(TreeSettings.goal).where(TreeSettings.id == 1))
    return saved if saved is not None else int(current_app.config.get("TREE_GOAL", GOAL))


def set_goal(value: int | None, *, by: User) -> None:
    """Commits."""
    require_staff(by)
    if value is None or not 1 <= value <= MAX_GOAL:
        raise DomainError(_l("Please write a whole number from %(min)s to %(max)s.", min=format_number(1),
                              max=format_number(MAX_GOAL)), field="goal")
    settings = db.session.get(TreeSettings, 1)
    if settings is None:
        settings = TreeSettings(id=1, goal=value)
        db.session.add(settings)
    settings.goal, settings.updated_at, settings.updated_by_id = value, utcnow(), by.id
    audit.record("thanks.goal_changed", actor=by, target=None, detail={"goal": value})
    db.session.commit()
