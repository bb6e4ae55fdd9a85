"""What mothers say ahead of a meeting: whether they are coming, and their questions for the
facilitator (who marks them discussed)."""
from __future__ import annotations

import functools

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select

from ...accounts.models import User
from ...core.errors import Conflict, DomainError, NotAllowed
from ...core.timeutil import utcnow
from ...extensions import db
from ..models import Meeting, MeetingQuestion, Rsvp
from ..permissions import is_member_of_group_id, require_facilitator


def _ensure_member(meeting: Meeting, user: User) -> None:
    if not is_member_of_group_id(user, meeting.group_id):
        raise NotAllowed(_l("Only members of this group can do this."))


def rsvp(meeting: Meeting, mother: User, coming: bool) -> Rsvp:
    """She says whether she is coming; saying it again changes her answer. Commits."""
    _ensure_member(meeting, mother)
    if meeting.cancelled or meeting.end <= utcnow():
        raise Conflict(_l("This meeting is over or cancelled."))
    answer = db.session.scalar(select(Rsvp).where(Rsvp.meeting_id == meeting.id, Rsvp.user_id == mother.id))
    if answer is None:
        answer = Rsvp(meeting_id=meeting.id, user_id=mother.id, coming=coming)
        db.session.add(answer)
    answer.coming, answer.updated_at = coming, utcnow()
    db.session.commit()
    return answer


def meeting_questions(meeting_id: int) -> list[MeetingQuestion]:
    """A meeting's questions, oldest first (each with who asked: the page names her unless anonymous)."""
    return db.session.scalars(_questions_statement(), {"meeting_id": meeting_id}).all()


@functools.cache
def _questions_statement():
    """Built once per process (every meeting page runs it), the meeting as a parameter."""
    return (select(MeetingQuestion).where(MeetingQuestion.meeting_id == bindparam("meeting_id"))
            .order_by(MeetingQuestion.created_at))


def expected(meeting_ids: list[int]) -> dict[int, int]:
    """How many said they are coming, per meeting, in one query."""
    if not meeting_ids:
        return {}
    rows = db.session.connection().execute(_expected_statement(), {"meeting_ids": list(meeting_ids)})
    return {mid: 0 for mid in meeting_ids} | dict(rows.all())


@functools.cache
def _expected_statement():
    """Built once per process (every planner runs it), the meetings as a parameter."""
    return (select(Rsvp.meeting_id, func.count(Rsvp.id))
            .where(Rsvp.meeting_id.in_(bindparam("meeting_ids", expanding=True)), Rsvp.coming.is_(True))
            .group_by(Rsvp.meeting_id))


def ask(meeting: Meeting, mother: User, text: str, anonymous: bool) -> MeetingQuestion:
    """A question for the facilitator ahead of the meeting. Commits."""
    _ensure_member(meeting, mother)
    text = (text or "").strip()
    if not text:
        raise DomainError(_l("Please write your question."), field="text")
    if len(text) > 1000:
        raise DomainError(_l("Please keep the question under 1000 characters."), field="text")
    if meeting.cancelled or meeting.end <= utcnow():
        raise Conflict(_l("This meeting is over or cancelled."))
    question = MeetingQuestion(meeting_id=meeting.id, user_id=mother.id, text=text, anonymous=anonymous)
    db.session.add(question)
    db.session.commit()
    return question


def mark_discussed(question: MeetingQuestion, discussed: bool, *, by: User) -> None:
    require_facilitator(by, db.session.get(Meeting, question.meeting_id).group)
    question.discussed = discussed
    db.session.commit()
