"""Taking attendance and the coordinator's monthly figures."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from groups_app.core.audit import AuditEvent
from groups_app.core.errors import DomainError
from groups_app.core.timeutil import utcnow
from groups_app.groups.models import Attendance, Guest
from groups_app.groups.services import attendance as service
from groups_app.groups.services import attendance_report, guests
from groups_app.groups.services.attendance import GuestEntry
from tests.conftest import add_members, make_group, make_mother, make_user, past_meeting


def test_attendance_with_a_guest_in_one_transaction(app, db):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    a, b = make_mother(), make_mother()
    add_members(group, a, b)
    meeting = past_meeting(group)
    service.take_attendance(meeting, {a.id}, [GuestEntry("Rivka", "pregnant")], by=facilitator)
    assert service.present_ids(meeting) == {a.id}
    assert [g.first_name for g in service.guests_at(meeting)] == ["Rivka"]
    service.take_attendance(meeting, {b.id}, [], by=facilitator)  # corrected afterwards
    assert service.present_ids(meeting) == {b.id}
    trail = db.session.scalars(select(AuditEvent).where(AuditEvent.target == f"meeting:{meeting.id}")
                               .order_by(AuditEvent.id)).all()
    assert [e.action for e in trail] == ["attendance.taken", "attendance.changed"]
    assert trail[1].detail == {"added": [b.id], "removed": [a.id], "guests_added": 0}
    assert trail[1].actor_id == facilitator.id


@pytest.mark.parametrize("guests", [
    [GuestEntry("", "pregnant")],
    [GuestEntry("Dina", "")],
    [GuestEntry("Dina", "breastfeeding", 99)],
])
def test_bad_guest_rows_save_nothing(app, db, guests):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    member = make_mother()
    add_members(group, member)
    meeting = past_meeting(group)
    with pytest.raises(DomainError):
        service.take_attendance(meeting, {member.id}, guests, by=facilitator)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Attendance.id))) == 0
    assert db.session.scalar(select(func.count(Guest.id))) == 0


def test_someone_who_is_not_a_member_cannot_be_ticked(app, db):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    member, stranger = make_mother(), make_mother()
    add_members(group, member)
    meeting = past_meeting(group)
    with pytest.raises(DomainError) as error:
        service.take_attendance(meeting, {member.id, stranger.id}, [], by=facilitator)
    assert error.value.field == "present"
    db.session.rollback()
    assert db.session.scalar(select(func.count(Attendance.id))) == 0


def test_no_attendance_for_a_meeting_far_ahead(app):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    from groups_app.groups.services.meetings import upcoming

    with pytest.raises(DomainError):
        service.take_attendance(upcoming([group.id])[group.id][1], set(), [], by=facilitator)


def test_a_guest_becomes_a_member_and_her_visits_count_as_hers(app, db):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    meeting = past_meeting(group)
    service.take_attendance(meeting, set(), [GuestEntry("Maya", "breastfeeding", 3)], by=facilitator)
    guest = service.guests_at(meeting)[0]
    maya = make_mother(name="Maya Levi")
    guests.guest_becomes_member(guest, maya, by=facilitator)
    assert service.present_ids(meeting) == {maya.id}
    assert [u.id for u in service.members_of(group)] == [maya.id]


def test_monthly_report(app, db):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    today = date.today()
    regular = make_mother(due_date=today + timedelta(days=60))
    new_one = make_mother(baby_birth_date=today - timedelta(days=90))
    add_members(group, regular, new_one)
    meetings = [past_meeting(group, days_ago=d) for d in (40, 30, 20, 10, 3)]
    for meeting in meetings:
        service.take_attendance(meeting, {regular.id}, [], by=facilitator)
    service.take_attendance(meetings[-1], {regular.id, new_one.id}, [GuestEntry("Sara", "pregnant")], by=facilitator)
    month = (utcnow() - timedelta(days=3)).date().replace(day=1)
    [row] = attendance_report.attendance_report(month)
    in_month = [m for m in meetings if m.start.date() >= month]
    assert row.meetings == len(in_month)
    assert row.distinct == 3
    assert row.attendances == len(in_month) + 2
    assert row.first_time == 2  # the new member and the guest; the regular first came 40 days ago
    assert (row.pregnant, row.breastfeeding) == (2, 1)
    assert row.regulars == 1


def test_report_csv_opens_in_spreadsheets(app):
    make_group(name="רהט - קבוצת בוקר", place="Rahat")
    body = attendance_report.report_csv(date.today())
    assert body.startswith(b"\xef\xbb\xbf")
    assert "רהט - קבוצת בוקר" in body.decode("utf-8-sig")


def test_report_filters_by_locality_and_language(app):
    from tests.conftest import locality

    make_group(name="Rahat", place="Rahat", languages=["ar"])
    make_group(name="Arad", place="Arad", languages=["ru"])
    assert [r.group.name for r in attendance_report.attendance_report(date.today(), locality_id=locality("Arad").id)] == ["Arad"]
    assert [r.group.name for r in attendance_report.attendance_report(date.today(), language="ar")] == ["Rahat"]
