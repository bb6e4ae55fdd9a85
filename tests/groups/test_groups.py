"""Groups, the directory, joining, leaving and the waiting list, without HTTP."""
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from groups_app.core.errors import DomainError
from groups_app.core.mail import outbox_messages
from groups_app.core.notify import Notice
from groups_app.groups.models import Group, Meeting, Membership
from groups_app.groups.services import directory as directory_service
from groups_app.groups.services import groups as service
from tests.conftest import add_members, deliver_mail, locality, make_group, make_mother, make_user


def test_new_group_has_its_meetings_for_the_coming_weeks(app, db):
    group = make_group(make_user("facilitator"), weekday=4)
    meetings = db.session.scalars(select(Meeting).where(Meeting.group_id == group.id).order_by(Meeting.starts_at)).all()
    assert len(meetings) >= 8
    assert all(m.start.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Jerusalem")).weekday() == 4 for m in meetings)
    assert len({m.occurrence for m in meetings}) == len(meetings)


@pytest.mark.parametrize("overrides, field", [
    ({"capacity": 1}, "capacity"),
    ({"capacity": 31}, "capacity"),
    ({"weekday": None}, "weekday"),
    ({"duration_minutes": 150}, "duration_minutes"),
    ({"venue_kind": "home", "address": ""}, "address"),
    ({"languages": []}, "languages"),
    ({"name": " "}, "name"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
])
def test_bad_group_fields_are_refused_and_nothing_is_saved(app, db, overrides, field):
    with pytest.raises(DomainError) as error:
        make_group(**overrides)
    assert error.value.field == field
    db.session.rollback()
    assert db.session.scalar(select(func.count(Group.id))) == 0
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


def test_only_facilitators_can_facilitate(app):
    with pytest.raises(DomainError) as error:
        make_group(make_mother())
    assert error.value.field == "facilitator_ids"


def test_database_forbids_capacity_outside_2_to_30(app, db):
    group = make_group()
    group.capacity = 40
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_join_until_full_then_the_waiting_list_in_order(app):
    group = make_group(capacity=2)
    a, b, c, d = (make_mother() for _ in range(4))
    assert service.join(group, a).status == "member"
    assert service.join(group, b).status == "member"
    assert (service.join(group, c).status, service.membership_of(group, c).position) == ("waiting", 1)
    assert service.membership_of(group, c).position == 1
    assert service.join(group, d).position == 2


def test_joining_twice_or_a_closed_group_is_refused(app):
    group = make_group()
    mother = make_mother()
    service.join(group, mother)
    with pytest.raises(DomainError):
        service.join(group, mother)
    closed = make_group(name="Closed", open=False)
    with pytest.raises(DomainError):
        service.join(closed, mother)


def test_when_a_seat_frees_the_first_waiting_gets_it_and_is_told(app, db):
    group = make_group(capacity=2)
    a, b = make_mother(), make_mother()
    c = make_mother(email="waiting@example.org", language="ar", contact_by_email=True)
    d = make_mother()
    for m in (a, b, c, d):
        service.join(group, m)
    service.leave(group, a)
    assert service.membership_of(group, c).status == "member"
    assert service.membership_of(group, d).position == 1  # moved up, no gap
    notice = db.session.scalar(select(Notice).where(Notice.user_id == c.id))
    assert notice is not None and group.name in notice.body
    deliver_mail()
    assert [m.to for m in outbox_messages()] == ["waiting@example.org"]


def test_leaving_the_waiting_list_closes_the_gap(app):
    group = make_group(capacity=2)
    mothers = [make_mother() for _ in range(5)]
    for m in mothers:
        service.join(group, m)
    service.leave(group, mothers[3])  # was number 2
    assert [service.membership_of(group, m).position for m in (mothers[2], mothers[4])] == [1, 2]


def test_facilitator_adds_a_mother_who_was_waiting(app):
    facilitator = make_user("facilitator")
    group = make_group(facilitator, capacity=3)
    waiting = make_mother()
    for m in (make_mother(), make_mother(), make_mother(), waiting):
        service.join(group, m)
    with pytest.raises(DomainError):
        service.add_member(group, waiting, by=facilitator)  # full
    group.capacity = 4
    service.add_member(group, waiting, by=facilitator)
    assert service.membership_of(group, waiting).status == "member"


def test_raising_capacity_seats_the_waiting_list(app):
    coordinator = make_user("coordinator")
    group = make_group(capacity=2)
    mothers = [make_mother() for _ in range(3)]
    for m in mothers:
        service.join(group, m)
    fields = service.GroupFields(name=group.name, description="", venue_kind=group.venue_kind, address=group.address,
                                 locality_id=group.locality_id, languages=group.language_list, frequency=group.frequency,
                                 weekday=group.weekday, start_time=group.start_time, duration_minutes=90,
                                 timezone=group.timezone, capacity=3, open=True, facilitator_ids=[])
    service.update_group(group, fields, by=coordinator)
    assert service.membership_of(group, mothers[2]).status == "member"


def test_directory_filters_and_counts_seats(app):
    group = make_group(name="Rahat Arabic", place="Rahat", languages=["ar"], weekday=0, capacity=3)
    make_group(name="Arad Russian", place="Arad", languages=["ru", "he"], weekday=3)
    add_members(group, make_mother(), make_mother())
    entries = directory_service.directory(locality_id=locality("Rahat").id)
    assert [(e.group.name, e.seats_left) for e in entries] == [("Rahat Arabic", 1)]
    assert [e.group.name for e in directory_service.directory(language="ru")] == ["Arad Russian"]
    assert [e.group.name for e in directory_service.directory(language="he")] == ["Arad Russian"]
    assert [e.group.name for e in directory_service.directory(weekday=0)] == ["Rahat Arabic"]


def test_archived_groups_leave_the_directory(app, db):
    group = make_group()
    group.archived = True
    db.session.commit()
    assert directory_service.directory() == []


def test_home_address_only_for_members_and_facilitators(app):
    from groups_app.groups.permissions import can_see_home_address

    facilitator, member, stranger = make_user("facilitator"), make_mother(), make_mother()
    coordinator = make_user("coordinator")
    group = make_group(facilitator, venue_kind="home", address="12 Olive St")
    add_members(group, member)
    assert can_see_home_address(member, group) and can_see_home_address(facilitator, group)
    assert not can_see_home_address(stranger, group)
    assert not can_see_home_address(coordinator, group)
    assert not can_see_home_address(None, group)
    clinic = make_group(name="Clinic group", venue_kind="clinic", address="Clinic, floor 2")
    assert can_see_home_address(stranger, clinic)


def test_memberships_are_unique_in_the_database(app, db):
    group = make_group()
    mother = make_mother()
    add_members(group, mother)
    db.session.add(Membership(group_id=group.id, user_id=mother.id, status="member"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()



def test_a_directory_page_counts_seated_members_only_and_knows_its_total(app, db):
    full = make_group(name="A Rahat mornings", place="Rahat", capacity=2)
    add_members(full, make_mother(), make_mother())
    db.session.add(Membership(group_id=full.id, user_id=make_mother().id, status="waiting", position=1))
    for n in range(3):
        make_group(name=f"B Arad {n}", place="Arad")
    db.session.commit()
    first = directory_service.directory_page(per_page=2)
    assert first.total == 4 and first.pages == 2
    assert [(e.group.name, e.members, e.seats_left) for e in first.items] == [("A Rahat mornings", 2, 0), ("B Arad 0", 0, 12)]
    rahat = directory_service.directory_page(locality_id=locality("Rahat").id)
    assert rahat.total == 1 and [e.members for e in rahat.items] == [2]
    assert directory_service.directory_page(page=9, per_page=2).items == []
