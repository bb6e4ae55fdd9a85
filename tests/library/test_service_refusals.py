"""The library desk's services refuse anyone but the group's facilitators and coordinators."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from groups_app.core.errors import NotAllowed
from groups_app.library.models import Copy, GroupLibrary, Loan
from groups_app.library.services import circulation as c
from groups_app.library.services.catalogue import BookFields, save_book
from tests.conftest import add_members, make_book, make_copy, make_group, make_mother, make_user


@pytest.fixture
def desk(app):
    facilitator, other = make_user("facilitator"), make_user("facilitator")
    group = make_group(facilitator)
    mother = make_mother()
    add_members(group, mother)
    book = make_book()
    make_copy(book, group, "BS-1")
    return facilitator, other, group, mother, book


@pytest.mark.parametrize("who", ["other facilitator", "mother"])
def test_desk_work_is_refused_to_others(desk, db, who):
    facilitator, other, group, mother, book = desk
    actor = other if who == "other facilitator" else mother
    calls = [
        lambda: c.checkout("BS-1", group, mother, by=actor),
        lambda: c.checkin("BS-1", group, by=actor),
        lambda: c.mark_lost("BS-1", group, by=actor),
        lambda: c.add_copy(book, group, "BS-2", by=actor),
        lambda: c.set_rules(group, 14, 2, 7, by=actor),
    ]
    for call in calls:
        with pytest.raises(NotAllowed) as refusal:
            call()
        assert refusal.value.status == 403
        db.session.rollback()
    assert db.session.scalar(select(func.count(Loan.id))) == 0
    assert db.session.scalar(select(func.count(Copy.id))) == 1
    assert db.session.get(GroupLibrary, group.id) is None
    assert c.checkout("BS-1", group, mother, by=facilitator).user_id == mother.id


def test_a_coordinator_may_work_any_desk(desk):
    _, _, group, mother, _ = desk
    assert c.checkout("BS-1", group, mother, by=make_user("coordinator")).user_id == mother.id


def test_books_are_catalogued_only_by_staff(app):
    fields = BookFields(title="A title", authors="", language="en", isbn="", publisher="", year=None, subjects=[],
                        summary="", source="https://example.org/seen")
    with pytest.raises(NotAllowed):
        save_book(None, fields, by=make_user("facilitator"))
