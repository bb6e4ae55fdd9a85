"""What coordinators see of texts: the mothers no channel reaches, and what texts cost per group
and month. Names and counts only; never a message's words."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from math import ceil

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, not_, or_, select

from ...accounts.models import User, UserRole
from ...core.csvsafe import safe_row
from ...core.errors import NotAllowed
from ...core.mail import SENT
from ...core.phones import can_receive_texts
from ...core.timeutil import program_zone, utcnow
from ...extensions import db
from ...groups.models import Group, Membership
from ...visits.models import Case
from ..models import OutgoingText

FAILED_WINDOW = timedelta(days=30)  # a text refused for her number this recently: her phone does not work

REASONS = {
    "chose_neither": _l("She chose to be told on her home page only."),
    "phone_cannot_text": _l("She asked for text messages, but her phone number cannot receive them."),
    "phone_not_confirmed": _l("She asked for text messages, but has not yet typed the code that confirms her number."),
    "texts_failed": _l("Text messages to her phone failed in the last 30 days."),
}


def _require_coordinator(user) -> None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.has_role("coordinator"):
        raise NotAllowed(_l("Only a coordinator can see this."))


@dataclass
class Unreachable:
    id: int
    name: str
    reason: str  # a key of REASONS
    visits: bool  # she has a home-visit case
    groups: list[str] = field(default_factory=list)

    @property
    def reason_text(self) -> str:
        return str(REASONS[self.reason])


@dataclass
class Page:
    """What the pager macro needs, for a list cut in Python."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    has_prev = property(lambda self: self.page > 1)
    has_next = property(lambda self: self.page < self.pages)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)


def unreachable_mothers(*, by, page: int = 1, per_page: int = 30) -> Page:
    """Active mothers in a group or with an open home-visit case whom neither email nor text
    reaches. Two queries whatever the page: the candidates (no email allowed), then the groups of
    those shown. Whether a phone takes texts is the numbering plan's answer, asked in Python."""
    _require_coordinator(by)
    since = utcnow() - FAILED_WINDOW
    in_group = exists().where(Membership.user_id == User.id, Membership.status == "member",
                              Membership.group_id == Group.id, not_(Group.archived))
    has_case = exists().where(Case.mother_id == User.id, Case.status != "closed")
    is_mother = exists().where(UserRole.user_id == User.id, UserRole.role == "mother")
    failed = exists().where(OutgoingText.user_id == User.id, OutgoingText.undeliverable,
                            OutgoingText.created_at >= since)
    rows = db.session.execute(
        select(User.id, User.name, User.phone, User.contact_by_sms, User.phone_confirmed_at, failed.label("failed"),
               has_case.label("visits"))
        .where(User.active, is_mother, or_(in_group, has_case),
               not_(and_(User.email.is_not(None), User.contact_by_email)))
        .order_by(User.name, User.id)).all()
    found = []
    for row in rows:
        textable = bool(row.contact_by_sms) and can_receive_texts(row.phone)
        if textable and row.phone_confirmed_at is not None and not row.failed:
            continue
        if textable:
            reason = "phone_not_confirmed" if row.phone_confirmed_at is None else "texts_failed"
        else:
            reason = "phone_cannot_text" if row.contact_by_sms else "chose_neither"
        found.append(Unreachable(row.id, row.name, reason, bool(row.visits)))
    page = max(1, page)
    shown = found[(page - 1) * per_page: page * per_page]
    if shown:
        by_id = {person.id: person for person in shown}
        for user_id, name in db.session.execute(
                select(Membership.user_id, Group.name).join(Group, Group.id == Membership.group_id)
                .where(Membership.user_id.in_(by_id), Membership.status == "member", not_(Group.archived))
                .order_by(Group.name)):
            by_id[user_id].groups.append(name)
    return Page(shown, page, per_page, len(found))


@dataclass
class GroupMonth:
    group_id: int | None  # None: texts about no group (library, home visits, replies)
    name: str | None
    messages: int
    segments: int


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first and next month's first midnight, on the program's calendar (aware)."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    zone = program_zone()
    # In UTC: SQLite compares stored times as text, written in UTC.
    return (datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC),
            datetime.combine(following, time(0), tzinfo=zone).astimezone(UTC))


def texts_by_group(month: date, *, by) -> list[GroupMonth]:
    """Texts sent in the month (the program's calendar), and their segments, per group: one query.
    Groups by name; texts about no group last."""
    _require_coordinator(by)
    start, end = month_bounds(month)
    rows = db.session.execute(
        select(OutgoingText.group_id, Group.name, func.count(OutgoingText.id), func.sum(OutgoingText.segments))
        .outerjoin(Group, Group.id == OutgoingText.group_id)
        .where(OutgoingText.status == SENT, OutgoingText.sent_at >= start, OutgoingText.sent_at < end)
        .group_by(OutgoingText.group_id, Group.name)).all()
    result = [GroupMonth(group_id, name, int(count), int(segments or 0)) for group_id, name, count, segments in rows]
    return sorted(result, key=lambda row: (row.group_id is None, (row.name or "").casefold(), row.group_id or 0))


def texts_csv(month: date, rows: list[GroupMonth], headings: list[str], *, no_group: str, total: str) -> bytes:
    """The month's figures as CSV: UTF-8 with a byte-order mark, so spreadsheets read every script."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(headings))
    for row in rows:
        writer.writerow(safe_row([month.strftime("%Y-%m"), row.name if row.group_id else no_group,
                                  row.messages, row.segments]))
    writer.writerow(safe_row([month.strftime("%Y-%m"), total, sum(r.messages for r in rows),
                              sum(r.segments for r in rows)]))
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
