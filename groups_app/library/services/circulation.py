"""Holds, checkouts, returns, renewals, lapses and reminders.

Every function that changes a copy or a queue locks what it changes first (the copy's row, or
the book's row for its queues), so that two facilitators or two mothers racing for the same
thing queue up: exactly one wins and the other gets a clear message. The database backs this
with partial unique indexes (one open loan per copy, one place per queue position).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from ...accounts.models import User
from ...core import audit
from ...core.errors import Conflict, DomainError, NotAllowed
from ...core.notify import notify
from ...core.timeutil import aware, utcnow
from ...extensions import db
from ...groups.models import Group, Meeting, Membership
from ...groups.models.meeting import SCHEDULED
from ...groups.permissions import require_facilitator
from ..models import IN_QUEUE, Book, Copy, GroupLibrary, Hold, Loan, LoanReminder


def rules(group_id: int) -> GroupLibrary:
    return db.session.get(GroupLibrary, group_id) or GroupLibrary(group_id=group_id, loan_days=28, max_loans=3,
                                                                   hold_days=7)


def set_rules(group: Group, loan_days: int | None, max_loans: int | None, hold_days: int | None, *, by: User) -> GroupLibrary:
    """A group library's lending rules. Commits."""
    require_facilitator(by, group)  # the desk's work
    if loan_days is None or not 1 <= loan_days <= 120:
        raise DomainError(_l("The loan period is between 1 and 120 days."), field="loan_days")
    if max_loans is None or not 1 <= max_loans <= 20:
        raise DomainError(_l("A mother can borrow between 1 and 20 books at a time."), field="max_loans")
    if hold_days is None or not 1 <= hold_days <= 60:
        raise DomainError(_l("A set-aside copy waits between 1 and 60 days."), field="hold_days")
    library = db.session.get(GroupLibrary, group.id)
    if library is None:
        library = GroupLibrary(group_id=group.id)
        db.session.add(library)
    library.loan_days, library.max_loans, library.hold_days = loan_days, max_loans, hold_days
    audit.record("library.rules", actor=by, target=f"group:{group.id}",
                 detail={"loan_days": loan_days, "max_loans": max_loans, "hold_days": hold_days})
    db.session.commit()
    return library


def _lock_copy(copy: Copy) -> Copy:
    """Lock the copy's row and read it afresh: whoever comes second sees the first one's change."""
    db.session.execute(select(Copy.id).where(Copy.id == copy.id).with_for_update())
    db.session.refresh(copy)
    return copy


def _lock_queue(book_id: int) -> None:
    """Lock the book's row: changes to its queues wait for each other."""
    db.session.execute(select(Book.id).where(Book.id == book_id).with_for_update())


def is_member(user: User, group_id: int) -> bool:
    """Who may borrow from a group's library and hold its books: its seated members."""
    return db.session.scalar(select(Membership.id).where(Membership.group_id == group_id, Membership.user_id == user.id,
                                                         Membership.status == "member")) is not None


def borrower_groups(user: User) -> list[Group]:
    """The groups whose libraries she may borrow from, by the same rule as is_member."""
    return list(db.session.scalars(select(Group).join(Membership, Membership.group_id == Group.id).where(
        Membership.user_id == user.id, Membership.status == "member", Group.archived.is_(False))
        .order_by(Group.name)).unique())


def find_copy(code: str, group: Group) -> Copy:
    copy = db.session.scalar(select(Copy).where(func.upper(Copy.code) == (code or "").strip().upper()))
    if copy is None:
        raise DomainError(_l("No copy has this code. Check the label."), field="code")
    if copy.group_id != group.id:
        raise DomainError(_l("This copy belongs to another group's library."), field="code")
    return copy


def add_copy(book: Book, group: Group, code: str, condition: str = "", *, by: User) -> Copy:
    require_facilitator(by, group)  # the desk's work
    code = (code or "").strip().upper()
    if not code or len(code) > 20 or not code.replace("-", "").isalnum():
        raise DomainError(_l("A copy code is up to 20 letters, digits and dashes."), field="code")
    if db.session.scalar(select(Copy.id).where(func.upper(Copy.code) == code)):
        raise DomainError(_l("Another copy already has this code."), field="code")
    copy = Copy(book_id=book.id, group_id=group.id, code=code, condition=condition.strip()[:300])
    db.session.add(copy)
    db.session.flush()
    _serve_next(copy)  # someone may already be waiting for this book here
    audit.record("copy.added", actor=by, target=f"copy:{copy.code}")
    db.session.commit()
    return copy


# ---- holds -------------------------------------------------------------------------------------

def _queue(book_id: int, group_id: int) -> list[Hold]:
    return list(db.session.scalars(
        select(Hold).where(Hold.book_id == book_id, Hold.group_id == group_id, Hold.status.in_(IN_QUEUE))
        .order_by(Hold.position)))


def _renumber(book_id: int, group_id: int) -> None:
    """Places stay 1, 2, 3... with no gaps. Moved in two steps so the unique index never clashes."""
    queue = _queue(book_id, group_id)
    for hold in queue:
        hold.position = -hold.position
    db.session.flush()
    for number, hold in enumerate(queue, 1):
        hold.position = number
    db.session.flush()


def _raced(error: Exception) -> bool:
    """Two writers met: a unique index refused the second, or SQLite's lock timed out."""
    return isinstance(error, IntegrityError) or "locked" in str(error)


def place_hold(book: Book, group: Group, mother: User, now: datetime | None = None) -> Hold:
    """A place in the queue for the book at one of her groups' libraries; if a copy is on the
    shelf there, it is set aside for her at once. If another hold took the same place at the
    same moment, she is queued behind it (tried again once). Commits."""
    try:
        return _place_hold(book, group, mother, now)
    except (IntegrityError, OperationalError) as error:
        db.session.rollback()
        if not _raced(error):
            raise
    return _place_hold(book, group, mother, now)


def _place_hold(book: Book, group: Group, mother: User, now: datetime | None) -> Hold:
    if not is_member(mother, group.id):
        raise NotAllowed(_l("You can hold books at the libraries of your own groups."))
    _lock_queue(book.id)
    active = db.session.scalar(select(Hold.id).where(Hold.book_id == book.id, Hold.group_id == group.id,
                                                     Hold.user_id == mother.id,
                                                     Hold.status.in_(("waiting", "paused", "ready"))))
    if active:
        raise Conflict(_l("You already hold this book at this library."))
    if not db.session.scalar(select(func.count(Copy.id)).where(Copy.book_id == book.id, Copy.group_id == group.id,
                                                               Copy.status.in_(("on_shelf", "on_loan", "set_aside")))):
        raise DomainError(_l("This library has no copy of this book."))
    last = len(_queue(book.id, group.id))
    hold = Hold(book_id=book.id, group_id=group.id, user_id=mother.id, status="waiting", position=last + 1)
    db.session.add(hold)
    db.session.flush()
    shelf = db.session.scalars(select(Copy).where(Copy.book_id == book.id, Copy.group_id == group.id,
                                                  Copy.status == "on_shelf").order_by(Copy.id)).first()
    if shelf is not None:
        _serve_next(_lock_copy(shelf), now)
    audit.record("hold.placed", actor=mother, target=f"book:{book.id}", detail={"group": group.id})
    db.session.commit()
    return hold


def _next_meeting_end(group_id: int, after: datetime) -> datetime | None:
    meeting = db.session.scalars(select(Meeting).where(Meeting.group_id == group_id, Meeting.status == SCHEDULED,
                                                       Meeting.starts_at > after).order_by(Meeting.starts_at)).first()
    return meeting.end if meeting else None


def _serve_next(copy: Copy, now: datetime | None = None) -> Hold | None:
    """Give a copy that is free to the first waiting hold (paused ones keep their place but are
    passed over); she is told, and it waits for her until the end of her group's next meeting
    or the library's hold days, whichever is later. Otherwise the copy goes on the shelf."""
    now = now or utcnow()
    first = db.session.scalars(select(Hold).where(Hold.book_id == copy.book_id, Hold.group_id == copy.group_id,
                                                  Hold.status == "waiting").order_by(Hold.position)).first()
    if first is None:
        copy.status = "on_shelf"
        return None
    days = now + timedelta(days=rules(copy.group_id).hold_days)
    meeting_end = _next_meeting_end(copy.group_id, now)
    first.status, first.position, first.copy_id = "ready", None, copy.id
    first.ready_until = max(days, meeting_end) if meeting_end else days
    copy.status = "set_aside"
    db.session.flush()
    _renumber(copy.book_id, copy.group_id)
    notify(first.user, _l("Your book is waiting for you"), "library/email/hold_ready.txt", hold=first, copy=copy,
           text="library/texts/hold_ready.txt", text_kind="hold_ready", text_key=f"hold-ready:{first.id}:{copy.id}",
           group_id=copy.group_id)
    return first


def pause_hold(hold: Hold, mother: User, paused: bool) -> None:
    if hold.user_id != mother.id:
        raise NotAllowed(_l("This is not your hold."))
    _lock_queue(hold.book_id)
    db.session.refresh(hold)
    if hold.status not in IN_QUEUE:
        raise Conflict(_l("This hold is no longer in the queue."))
    hold.status = "paused" if paused else "waiting"
    db.session.flush()
    if not paused:  # a copy may be on the shelf, waiting for the first active hold
        shelf = db.session.scalars(select(Copy).where(Copy.book_id == hold.book_id, Copy.group_id == hold.group_id,
                                                      Copy.status == "on_shelf")).first()
        if shelf is not None:
            _serve_next(_lock_copy(shelf))
    db.session.commit()


def cancel_hold(hold: Hold, mother: User) -> None:
    """She gives up her place (or the copy set aside for her goes to the next). Commits."""
    if hold.user_id != mother.id:
        raise NotAllowed(_l("This is not your hold."))
    _lock_queue(hold.book_id)
    db.session.refresh(hold)
    if hold.status not in ("waiting", "paused", "ready"):
        raise Conflict(_l("This hold is already closed."))
    _close_hold(hold, "cancelled")
    db.session.commit()


def _close_hold(hold: Hold, status: str) -> None:
    copy = hold.copy if hold.status == "ready" else None
    hold.status, hold.position, hold.copy_id = status, None, None
    db.session.flush()
    _renumber(hold.book_id, hold.group_id)
    if copy is not None:
        _serve_next(_lock_copy(copy))


def lapse_holds(now: datetime | None = None) -> int:
    """Holds whose copy waited past its time lapse; the copy goes to the next. Commits."""
    now = now or utcnow()
    expired = db.session.scalars(select(Hold).where(Hold.status == "ready", Hold.ready_until < now)
                                 .order_by(Hold.book_id, Hold.id)).all()
    lapsed = 0
    for hold in expired:
        _lock_queue(hold.book_id)
        db.session.refresh(hold)  # another server may have lapsed it while we waited for the lock
        if hold.status != "ready" or aware(hold.ready_until) >= now:
            continue
        lapsed += 1
        notify(hold.user, _l("Your hold has lapsed"), "library/email/hold_lapsed.txt", hold=hold)
        _close_hold(hold, "lapsed")
    db.session.commit()
    return lapsed


# ---- loans -------------------------------------------------------------------------------------

def open_loans(user: User) -> list[Loan]:
    return list(db.session.scalars(select(Loan).where(Loan.user_id == user.id, Loan.returned_at.is_(None))
                                   .order_by(Loan.due_at)))


def checkout(code: str, group: Group, mother: User, *, by: User, override: bool = False,
             now: datetime | None = None) -> Loan:
    """Lend a copy to a member at the meeting. Over her limit, or with a book overdue, only with
    the facilitator's explicit override. If another facilitator lent the same copy at the same
    moment, the database refuses the second loan and she is told. Commits."""
    try:
        return _checkout(code, group, mother, by=by, override=override, now=now)
    except (IntegrityError, OperationalError) as error:
        db.session.rollback()
        if not _raced(error):
            raise
        raise Conflict(_l("This copy was lent out a moment ago by someone else."), field="code") from None


def _checkout(code: str, group: Group, mother: User, *, by: User, override: bool, now: datetime | None) -> Loan:
    require_facilitator(by, group)  # the desk's work
    now = now or utcnow()
    copy = _lock_copy(find_copy(code, group))
    if not is_member(mother, group.id):
        raise DomainError(_l("Only members of this group can borrow from its library."), field="mother")
    if copy.status == "on_loan":
        raise Conflict(_l("This copy is already on loan. Check it in first."), field="code")
    if copy.status in ("lost", "withdrawn"):
        raise Conflict(_l("This copy is marked lost or withdrawn."), field="code")
    hold = None
    if copy.status == "set_aside":
        hold = db.session.scalar(select(Hold).where(Hold.copy_id == copy.id, Hold.status == "ready"))
        if hold is not None and hold.user_id != mother.id:
            raise Conflict(_l("This copy is set aside for another mother."), field="code")
    mine = open_loans(mother)
    limit = rules(group.id).max_loans
    if not override and len(mine) >= limit:
        raise DomainError(lazy_ngettext(
            "She already has %(num)s book, the most this library lends. Tick the override to lend anyway.",
            "She already has %(num)s books, the most this library lends. Tick the override to lend anyway.",
            len(mine)), field="override")
    if not override and any(loan.overdue_at(now) for loan in mine):
        raise DomainError(_l("She has a book overdue. Tick the override to lend anyway."), field="override")
    loan = Loan(copy_id=copy.id, user_id=mother.id, out_at=now, due_at=now + timedelta(days=rules(group.id).loan_days),
                override=override, checked_out_by_id=by.id)
    copy.status = "on_loan"
    db.session.add(loan)
    if hold is not None:
        hold.status, hold.copy_id = "fulfilled", None
    else:  # she may have been waiting for this book here: her place is served
        waiting = db.session.scalar(select(Hold).where(Hold.book_id == copy.book_id, Hold.group_id == group.id,
                                                       Hold.user_id == mother.id, Hold.status.in_(IN_QUEUE)))
        if waiting is not None:
            _close_hold(waiting, "fulfilled")
    db.session.flush()
    audit.record("loan.out", actor=by, target=f"copy:{copy.code}", detail={"user": mother.id, "override": override})
    db.session.commit()
    return loan


def checkin(code: str, group: Group, *, by: User, now: datetime | None = None) -> Loan:
    """Take a copy back; if someone waits for the book here, it is set aside for her. Commits."""
    require_facilitator(by, group)  # the desk's work
    copy = _lock_copy(find_copy(code, group))
    loan = db.session.scalar(select(Loan).where(Loan.copy_id == copy.id, Loan.returned_at.is_(None)))
    if loan is None:
        raise Conflict(_l("This copy is not on loan."), field="code")
    loan.returned_at = now or utcnow()
    _lock_queue(copy.book_id)
    _serve_next(copy, now)
    audit.record("loan.returned", actor=by, target=f"copy:{copy.code}")
    db.session.commit()
    return loan


def renew(loan: Loan, mother: User, now: datetime | None = None) -> Loan:
    """One renewal by the mother, unless someone is waiting for the book at this library. Commits."""
    if loan.user_id != mother.id:
        raise NotAllowed(_l("This is not your loan."))
    _lock_copy(loan.copy)
    if loan.returned_at is not None:
        raise Conflict(_l("This book is already returned."))
    if loan.renewals >= 1:
        raise Conflict(_l("This loan was already renewed once. Please bring the book to your next meeting."))
    waiting = db.session.scalar(select(func.count(Hold.id)).where(
        Hold.book_id == loan.copy.book_id, Hold.group_id == loan.copy.group_id, Hold.status == "waiting"))
    if waiting:
        raise Conflict(_l("Another mother is waiting for this book, so it cannot be renewed."))
    loan.renewals += 1
    loan.due_at = max(aware(loan.due_at), now or utcnow()) + timedelta(days=rules(loan.copy.group_id).loan_days)
    db.session.commit()
    return loan


def mark_lost(code: str, group: Group, *, by: User, damaged_note: str = "") -> Copy:
    """A copy is lost (its open loan closes, marked lost) or damaged (a condition note). Commits."""
    require_facilitator(by, group)  # the desk's work
    copy = _lock_copy(find_copy(code, group))
    if damaged_note:
        copy.condition = damaged_note.strip()[:300]
        audit.record("copy.damaged", actor=by, target=f"copy:{copy.code}")
        db.session.commit()
        return copy
    loan = db.session.scalar(select(Loan).where(Loan.copy_id == copy.id, Loan.returned_at.is_(None)))
    if loan is not None:
        loan.returned_at, loan.lost = utcnow(), True
    held = db.session.scalar(select(Hold).where(Hold.copy_id == copy.id, Hold.status == "ready"))
    if held is not None:  # back into the queue at the front
        _lock_queue(copy.book_id)
        for other in reversed(_queue(copy.book_id, copy.group_id)):
            other.position += 1
            db.session.flush()
        held.status, held.copy_id, held.position = "waiting", None, 1
    copy.status = "lost"
    audit.record("copy.lost", actor=by, target=f"copy:{copy.code}")
    db.session.commit()
    return copy


# ---- reminders ---------------------------------------------------------------------------------

def send_reminders(now: datetime | None = None, due_soon_days: int = 3) -> dict[str, int]:
    """Due-soon and overdue reminders, each at most once per loan (recorded). Commits."""
    now = now or utcnow()
    sent = {"due_soon": 0, "overdue": 0}
    # Two servers may run this at once: the loans' rows are locked (PostgreSQL; SQLite writes one
    # at a time) before reading which reminders went, so the second waits and then sees the first's.
    loans = db.session.scalars(select(Loan).where(Loan.returned_at.is_(None),
                                                  Loan.due_at < now + timedelta(days=due_soon_days))
                               .order_by(Loan.id).with_for_update(of=Loan)).all()
    already = set(db.session.execute(select(LoanReminder.loan_id, LoanReminder.kind)
                                     .where(LoanReminder.loan_id.in_([loan.id for loan in loans]))).all())
    for loan in loans:
        kind = "overdue" if loan.overdue_at(now) else "due_soon"
        if (loan.id, kind) in already:
            continue
        template = f"library/email/{kind}.txt"
        subject = _l("A library book is overdue") if kind == "overdue" else _l("A library book is due soon")
        notify(loan.user, subject, template, loan=loan, text=f"library/texts/{kind}.txt", text_kind=kind,
               text_key=f"{kind.replace('_', '-')}:{loan.id}:{loan.due_day.isoformat()}", group_id=loan.copy.group_id)
        db.session.add(LoanReminder(loan_id=loan.id, kind=kind, sent_at=now))
        sent[kind] += 1
    db.session.commit()
    return sent
