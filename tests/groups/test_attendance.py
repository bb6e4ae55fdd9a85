"""Taking attendance and the coordinator's monthly figures."""
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from groups_app.core.audit import AuditEvent
from groups_app.core.errors import DomainError
from groups_app.core.timeutil import set_clock, utcnow
from groups_app.groups.forms import AttendanceForm
from groups_app.groups.models import Attendance, Guest, Meeting
from groups_app.groups.services import attendance as service
from groups_app.groups.services import attendance_report, guests
from groups_app.groups.services.attendance import GuestEntry
from tests.conftest import add_members, count_queries, login, make_group, make_mother, make_user, past_meeting, today


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
    member = make_mother()
    facilitator, _group, meeting = _held(member)
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


# ---- the attendance page: the member list its template writes, and what the server refuses ----

def _held(*mothers):
    """A facilitator's group with these members, and a meeting it held yesterday."""
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    add_members(group, *mothers)
    return facilitator, group, past_meeting(group)


def _boxes(html: str) -> dict[int, tuple[str, bool, str | None]]:
    """Each member's checkbox on the page, by the id it sends: (its id, ticked, its label's text)."""
    boxes = {}
    for attrs in re.findall(r'<input([^>]*\bname="present"[^>]*)>', html):
        assert 'type="checkbox"' in attrs
        box_id = re.search(r'\bid="([^"]+)"', attrs).group(1)
        label = re.search(rf'<label for="{box_id}">([^<]*)</label>', html)
        boxes[int(re.search(r'\bvalue="(\d+)"', attrs).group(1))] = (box_id, " checked" in attrs,
                                                                   label.group(1) if label else None)
    return boxes


def _ticked(html: str) -> set[int]:
    return {value for value, (_id, ticked, _label) in _boxes(html).items() if ticked}


def _nothing_written(db, meeting) -> bool:
    return (db.session.scalar(select(func.count(Attendance.id))) == 0
            and db.session.scalar(select(func.count(Guest.id))) == 0
            and db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.target == f"meeting:{meeting.id}")) == 0
            and db.session.get(Meeting, meeting.id).attendance_taken_at is None)


def test_the_attendance_page_has_a_checkbox_with_its_label_for_each_member(app, db, client):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    aviva, bracha, dalia = make_mother(name="Aviva"), make_mother(name="Bracha <Ben>"), make_mother(name="Dalia")
    add_members(group, dalia, aviva, bracha)
    add_members(make_group(make_user("facilitator"), name="Elsewhere"), make_mother(name="Stranger"))
    meeting = past_meeting(group)
    service.take_attendance(meeting, {bracha.id}, [], by=facilitator)
    login(client, facilitator)
    html = client.get(f"/meetings/{meeting.id}/attendance").get_data(as_text=True)
    assert _boxes(html) == {aviva.id: ("present-0", False, "Aviva"), bracha.id: ("present-1", True, "Bracha &lt;Ben&gt;"),
                            dalia.id: ("present-2", False, "Dalia")}  # by name, each label tied to its box, escaped
    members = html[html.index('<fieldset class="field field-choices'):]
    assert members.index("<legend>Members who came</legend>") < members.index('name="present"') < members.index("</fieldset>")
    assert "Stranger" not in html and 'id="present-error"' not in html


def test_her_ticks_come_back_when_the_save_is_refused(app, db, client):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    aviva, bracha, dalia = make_mother(name="Aviva"), make_mother(name="Bracha"), make_mother(name="Dalia")
    add_members(group, aviva, bracha, dalia)
    meeting = past_meeting(group)
    login(client, facilitator)
    response = client.post(f"/meetings/{meeting.id}/attendance", data={
        "present": [str(aviva.id), str(dalia.id)], "guests-0-first_name": "Rivka", "guests-0-stage": "pregnant",
        "guests-0-baby_age_months": "sixty"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert len(_boxes(html)) == 3 and _ticked(html) == {aviva.id, dalia.id}
    assert "0 to 60" in html and 'value="Rivka"' in html
    assert _nothing_written(db, meeting)


def test_a_mother_of_another_group_slipped_into_the_form_is_refused_and_nothing_written(app, db, client):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    member, elsewhere = make_mother(name="Aviva"), make_mother(name="Huda")
    add_members(group, member)
    add_members(make_group(facilitator, name="Her other group"), elsewhere)  # she leads both: still refused here
    meeting = past_meeting(group)
    login(client, facilitator)
    response = client.post(f"/meetings/{meeting.id}/attendance", data={"present": [str(member.id), str(elsewhere.id)]})
    assert 400 <= response.status_code < 500
    html = response.get_data(as_text=True)
    assert "Only members of the group can be ticked." in html
    assert 'class="field field-choices has-error" aria-describedby="present-error"' in html
    assert 'id="present-error"' in html and "Huda" not in html
    assert _ticked(html) == {member.id}
    assert _nothing_written(db, meeting)


def test_attendance_sent_without_the_pages_token_is_refused(app, db, client):
    member = make_mother()
    facilitator, _group, meeting = _held(member)
    login(client, facilitator)
    app.config["WTF_CSRF_ENABLED"] = True
    url = f"/meetings/{meeting.id}/attendance"
    assert client.post(url, data={"present": [str(member.id)]}).status_code == 400
    assert _nothing_written(db, meeting)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(url).get_data(as_text=True))
    assert client.post(url, data={"present": [str(member.id)], "csrf_token": token.group(1)}).status_code == 302
    assert service.present_ids(meeting) == {member.id}


def test_taking_attendance_reads_its_page_in_five_statements_however_big_the_group(app, db, client, capsys):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    meeting = past_meeting(group)
    login(client, facilitator)
    url = f"/meetings/{meeting.id}/attendance"

    def statements() -> int:
        client.get(url)
        with count_queries(db.engine) as counted:
            assert client.get(url).status_code == 200
        return counted()

    empty = statements()
    mothers = [make_mother() for _ in range(12)]
    add_members(group, *mothers)
    service.take_attendance(meeting, {m.id for m in mothers[:6]}, [GuestEntry("Rivka", "pregnant")], by=facilitator)
    service.take_attendance(meeting, {m.id for m in mothers[3:9]}, [GuestEntry("Sara", "breastfeeding")], by=facilitator)
    full = statements()
    assert empty == full <= 5
    with capsys.disabled():
        print(f"\nFIGURE taking attendance: {full} statements (was 8)")


def test_monthly_report(app, db):
    set_clock(app, datetime(2026, 11, 25, 10, 0, tzinfo=UTC))  # the month's meetings never cross its first day
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    day = today()
    regular = make_mother(due_date=day + timedelta(days=60))
    new_one = make_mother(baby_birth_date=day - timedelta(days=90))
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
    body = attendance_report.report_csv(today())
    assert body.startswith(b"\xef\xbb\xbf")
    assert "רהט - קבוצת בוקר" in body.decode("utf-8-sig")


def test_report_filters_by_locality_and_language(app):
    from tests.conftest import locality

    make_group(name="Rahat", place="Rahat", languages=["ar"])
    make_group(name="Arad", place="Arad", languages=["ru"])
    assert [r.group.name for r in attendance_report.attendance_report(today(), locality_id=locality("Arad").id)] == ["Arad"]
    assert [r.group.name for r in attendance_report.attendance_report(today(), language="ar")] == ["Rahat"]


def test_a_box_whose_value_is_no_id_is_refused_and_what_was_saved_stays(app, db, client):
    member = make_mother(name="Aviva")
    facilitator, _group, meeting = _held(member)
    login(client, facilitator)
    url = f"/meetings/{meeting.id}/attendance"
    assert client.post(url, data={"present": [str(member.id)]}).status_code == 302
    saved = db.session.scalar(select(func.count()).select_from(Attendance).where(Attendance.meeting_id == meeting.id))
    response = client.post(url, data={"present": ["Aviva", str(member.id)]})
    assert response.status_code == 400
    assert "Only members of the group can be ticked." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Attendance)
                             .where(Attendance.meeting_id == meeting.id)) == saved == 1


def test_guest_lines_are_written_as_wtforms_would_and_keep_what_she_typed(app, db, client):
    facilitator, _group, meeting = _held()
    login(client, facilitator)
    sent = {"guests-0-first_name": 'Ra"nia <b>', "guests-0-stage": "pregnant", "guests-0-baby_age_months": "abc",
            "guests-1-first_name": "", "guests-1-stage": "breastfeeding", "guests-1-baby_age_months": ""}
    response = client.post(f"/meetings/{meeting.id}/attendance", data=sent)
    assert response.status_code == 400  # the age is no number: refused, and every line comes back
    html = response.get_data(as_text=True)
    with app.test_request_context(method="POST", data=sent), force_locale("en"):
        form = AttendanceForm()
        for guest in form.guests:
            for widget in (guest.first_name(autocomplete="off"), guest.stage(), guest.baby_age_months(inputmode="numeric"),
                           guest.first_name.label(), guest.stage.label(), guest.baby_age_months.label()):
                assert str(widget) in html, widget
    assert "Ra&#34;nia &lt;b&gt;" in html or "Ra&quot;nia &lt;b&gt;" in html
