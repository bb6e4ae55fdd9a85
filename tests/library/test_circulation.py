"""Holds, loans, renewals, lapses and reminders, without HTTP."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from groups_app.core.errors import DomainError
from groups_app.core.notify import Notice
from groups_app.core.timeutil import aware, utcnow
from groups_app.library.models import Hold, Loan, LoanReminder
from groups_app.library.services import circulation as c
from tests.conftest import add_members, make_book, make_copy, make_group, make_mother, make_user


@pytest.fixture
def shelf(app):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    mothers = [make_mother(name=f"Mother {n}") for n in range(4)]
    add_members(group, *mothers)
    book = make_book()
    copy = make_copy(book, group, "BS-1")
    return facilitator, group, mothers, book, copy


def test_checkout_and_checkin(shelf):
    facilitator, group, (a, *_), book, copy = shelf
    loan = c.checkout("bs-1", group, a, by=facilitator)
    assert copy.status == "on_loan" and (loan.due - loan.out_at.replace(tzinfo=loan.due.tzinfo)).days == 28
    with pytest.raises(DomainError) as error:
        c.checkout("BS-1", group, a, by=facilitator)
    assert error.value.status == 409
    c.checkin("BS-1", group, by=facilitator)
    assert copy.status == "on_shelf"
    with pytest.raises(DomainError):
        c.checkin("BS-1", group, by=facilitator)  # not on loan


def test_unknown_code_or_another_librarys_copy_is_refused(shelf, db):
    facilitator, group, (a, *_), book, copy = shelf
    other = make_group(name="Other")
    make_copy(book, other, "OT-1")
    for code in ("NOPE-9", "OT-1"):
        with pytest.raises(DomainError) as error:
            c.checkout(code, group, a, by=facilitator)
        assert error.value.field == "code"
    assert db.session.scalar(select(func.count(Loan.id))) == 0


def test_limit_and_overdue_need_an_override(shelf, db):
    facilitator, group, (a, *_), book, copy = shelf
    for n in range(2, 6):
        make_copy(book, group, f"BS-{n}")
    for n in (1, 2, 3):
        c.checkout(f"BS-{n}", group, a, by=facilitator)
    with pytest.raises(DomainError) as error:
        c.checkout("BS-4", group, a, by=facilitator)
    assert error.value.field == "override"
    assert c.checkout("BS-4", group, a, by=facilitator, override=True).override
    b = shelf[2][1]
    late = c.checkout("BS-5", group, b, by=facilitator)
    late.due_at = utcnow() - timedelta(days=1)
    db.session.commit()
    c.checkin("BS-5", group, by=facilitator)
    make_copy(book, group, "BS-6")
    c.checkout("BS-6", group, b, by=facilitator)
    loan6 = db.session.scalar(select(Loan).where(Loan.returned_at.is_(None), Loan.user_id == b.id))
    loan6.due_at = utcnow() - timedelta(days=1)
    db.session.commit()
    make_copy(book, group, "BS-7")
    with pytest.raises(DomainError):
        c.checkout("BS-7", group, b, by=facilitator)


def test_queue_first_come_first_served_and_the_next_is_told(shelf, db):
    facilitator, group, (a, b, m3, m4), book, copy = shelf
    c.checkout("BS-1", group, a, by=facilitator)
    hb = c.place_hold(book, group, b)
    h3 = c.place_hold(book, group, m3)
    assert (hb.position, h3.position) == (1, 2)
    with pytest.raises(DomainError):
        c.place_hold(book, group, b)  # twice
    c.checkin("BS-1", group, by=facilitator)
    assert (hb.status, hb.copy_id, copy.status) == ("ready", copy.id, "set_aside")
    assert h3.position == 1
    assert db.session.scalar(select(Notice.subject).where(Notice.user_id == b.id)) is not None
    with pytest.raises(DomainError):
        c.checkout("BS-1", group, m3, by=facilitator)  # set aside for b
    c.checkout("BS-1", group, b, by=facilitator)
    assert hb.status == "fulfilled"


def test_a_paused_hold_keeps_its_place_but_is_passed_over(shelf):
    facilitator, group, (a, b, m3, _), book, copy = shelf
    c.checkout("BS-1", group, a, by=facilitator)
    hb, h3 = c.place_hold(book, group, b), c.place_hold(book, group, m3)
    c.pause_hold(hb, b, True)
    c.checkin("BS-1", group, by=facilitator)
    assert (h3.status, hb.status, hb.position) == ("ready", "paused", 1)


def test_hold_lapses_after_the_next_meeting_and_the_copy_moves_on(shelf, db):
    facilitator, group, (a, b, m3, _), book, copy = shelf
    c.checkout("BS-1", group, a, by=facilitator)
    hb, h3 = c.place_hold(book, group, b), c.place_hold(book, group, m3)
    c.checkin("BS-1", group, by=facilitator)
    from groups_app.groups.services.meetings import upcoming

    next_end = upcoming([group.id])[group.id][0].end
    assert aware(hb.ready_until) >= next_end  # waits at least until her group's next meeting is over
    assert aware(hb.ready_until) >= utcnow() + timedelta(days=6)  # and at least the library's hold days
    assert c.lapse_holds(now=utcnow() + timedelta(days=3)) == 0 and hb.status == "ready"
    assert c.lapse_holds(now=utcnow() + timedelta(days=30)) == 1
    assert (hb.status, h3.status) == ("lapsed", "ready")


def test_renew_once_unless_someone_waits(shelf):
    facilitator, group, (a, b, *_), book, copy = shelf
    loan = c.checkout("BS-1", group, a, by=facilitator)
    due = loan.due
    c.renew(loan, a)
    assert loan.due > due
    with pytest.raises(DomainError):
        c.renew(loan, a)
    make_copy(book, group, "BS-2")
    other = c.checkout("BS-2", group, b, by=facilitator)
    c.place_hold(book, group, shelf[2][2])
    with pytest.raises(DomainError):
        c.renew(other, b)
    with pytest.raises(DomainError) as error:
        c.renew(other, a)
    assert error.value.status == 403


def test_lost_copy_closes_its_loan(shelf):
    facilitator, group, (a, *_), book, copy = shelf
    loan = c.checkout("BS-1", group, a, by=facilitator)
    c.mark_lost("BS-1", group, by=facilitator)
    assert copy.status == "lost" and loan.lost and loan.returned_at is not None
    c.mark_lost("BS-1", group, by=facilitator, damaged_note="Cover torn")
    assert copy.condition == "Cover torn"


def test_reminders_are_sent_once_each(shelf, db):
    facilitator, group, (a, *_), book, copy = shelf
    loan = c.checkout("BS-1", group, a, by=facilitator)
    loan.due_at = utcnow() + timedelta(days=1)
    db.session.commit()
    assert c.send_reminders() == {"due_soon": 1, "overdue": 0}
    assert c.send_reminders() == {"due_soon": 0, "overdue": 0}
    assert c.send_reminders(now=utcnow() + timedelta(days=2)) == {"due_soon": 0, "overdue": 1}
    assert c.send_reminders(now=utcnow() + timedelta(days=3)) == {"due_soon": 0, "overdue": 0}
    assert db.session.scalar(select(func.count(LoanReminder.id))) == 2


def test_only_members_hold_and_borrow(shelf):
    facilitator, group, mothers, book, copy = shelf
    stranger = make_mother()
    with pytest.raises(DomainError) as error:
        c.place_hold(book, group, stranger)
    assert error.value.status == 403
    with pytest.raises(DomainError):
        c.checkout("BS-1", group, stranger, by=facilitator)


def test_database_forbids_two_open_loans_of_one_copy(shelf, db):
    from sqlalchemy.exc import IntegrityError

    facilitator, group, (a, b, *_), book, copy = shelf
    db.session.add_all([Loan(copy_id=copy.id, user_id=a.id, due_at=utcnow()),
                        Loan(copy_id=copy.id, user_id=b.id, due_at=utcnow())])
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_holds_leave_no_gaps_when_one_is_cancelled(shelf, db):
    facilitator, group, (a, b, m3, m4), book, copy = shelf
    c.checkout("BS-1", group, a, by=facilitator)
    holds = [c.place_hold(book, group, m) for m in (b, m3, m4)]
    c.cancel_hold(holds[0], b)
    assert [h.position for h in holds[1:]] == [1, 2]
    assert db.session.scalar(select(func.count(Hold.id)).where(Hold.status == "cancelled")) == 1
