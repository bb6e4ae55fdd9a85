"""The coordinator's pages: mothers no channel reaches (names and why, never a number or a
message), and the month's texts and segments per group, with a CSV; refused to everyone else."""
import csv
import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from groups_app.core.errors import NotAllowed
from groups_app.core.timeutil import set_clock, utcnow
from groups_app.groups.models import Group
from groups_app.texts.models import OutgoingText
from groups_app.texts.services import reach
from groups_app.visits.models import Case, Volunteer
from tests.conftest import add_members, assert_max_queries, login, make_group, make_user
from tests.texts.conftest import GB_MOBILE, IL_LANDLINE, il_landline, il_mobile, make_texting_mother

ISRAEL = ZoneInfo("Asia/Jerusalem")


def _text(db, user=None, group=None, status="sent", sent_at=None, segments=1, undeliverable=False, created_at=None):
    now = utcnow()
    row = OutgoingText(user_id=user.id if user else None, to=il_mobile(0), body="", kind="meeting_cancelled",
                       group_id=group.id if group else None, encoding="UCS-2", segments=segments, status=status,
                       attempts=1, next_attempt_at=now, sent_at=sent_at.astimezone(UTC) if status == "sent" else None,
                       undeliverable=undeliverable, created_at=created_at or now)
    db.session.add(row)
    db.session.commit()
    return row


def _case(db, mother):
    volunteer = Volunteer(user_id=make_user("volunteer").id, screening="passed", commitment_from=date(2026, 1, 1))
    db.session.add(volunteer)
    db.session.flush()
    db.session.add(Case(mother_id=mother.id, volunteer_id=volunteer.id, status="active", languages="he",
                        opened_on=date(2026, 1, 1), matched_on=date(2026, 1, 2), baby_birth_date=date(2025, 12, 1)))
    db.session.commit()


@pytest.fixture
def program(app, db):
    """A group with mothers reached in every way, and not at all."""
    coordinator = make_user("coordinator", name="Dina Levi")
    group = make_group(make_user("facilitator"), name="Rahat mornings", by=coordinator)
    people = {
        "email": make_user("mother", name="Email Mother"),
        "texts": make_texting_mother(0, name="Texting Mother"),
        "landline": make_user("mother", name="Landline Mother", email=None, phone=IL_LANDLINE, contact_by_sms=True),
        "abroad": make_user("mother", name="Abroad Mother", email=None, phone=GB_MOBILE, contact_by_sms=True),
        "home_only": make_user("mother", name="Home-page Mother", email="home@example.org", contact_by_email=False),
        "failed": make_texting_mother(1, name="Failed Mother"),
        "old_failure": make_texting_mother(2, name="Long-ago Failure Mother"),
        "inactive": make_user("mother", name="Inactive Mother", email=None, phone=il_landline(1),
                              contact_by_sms=True, active=False),
    }
    add_members(group, *people.values())
    people["visited"] = make_user("mother", name="Visited Mother", email=None, phone=il_landline(2))
    _case(db, people["visited"])
    people["nowhere"] = make_user("mother", name="Nowhere Mother", email=None, phone=il_landline(3))
    _text(db, people["failed"], group, status="failed", undeliverable=True, created_at=utcnow() - timedelta(days=3))
    _text(db, people["old_failure"], group, status="failed", undeliverable=True,
          created_at=utcnow() - timedelta(days=40))
    _text(db, people["texts"], group, status="failed", undeliverable=False)  # the provider was down: not her phone
    return coordinator, group, people


def test_the_mothers_no_channel_reaches_and_why(app, db, client, program):
    coordinator, group, people = program
    page = reach.unreachable_mothers(by=coordinator)
    assert {p.name: p.reason for p in page.items} == {
        "Abroad Mother": "phone_cannot_text", "Failed Mother": "texts_failed", "Home-page Mother": "chose_neither",
        "Landline Mother": "phone_cannot_text", "Visited Mother": "chose_neither"}
    login(client, coordinator)
    html = client.get("/texts/unreachable").get_data(as_text=True)
    assert "5 mothers cannot be reached." in html
    assert "Rahat mornings" in html and "Home visits" in html
    assert "She asked for text messages, but her phone number cannot receive them." in html
    from groups_app.core.phones import display_phone

    for person in people.values():  # no phone number, no address
        assert all(value not in html for value in (person.phone, display_phone(person.phone), person.email) if value)


def test_the_page_runs_a_fixed_number_of_queries_and_pages(app, db, client, program):
    coordinator, group, _people = program
    login(client, coordinator)
    client.get("/texts/unreachable")
    with assert_max_queries(db.engine, 6):
        client.get("/texts/unreachable")
    for n in range(40):
        mother = make_user("mother", name=f"Mother {n:02}", email=None, phone=il_landline(10 + n))
        add_members(group, mother)
    with assert_max_queries(db.engine, 6):
        html = client.get("/texts/unreachable").get_data(as_text=True)
    assert "45 mothers cannot be reached." in html and "Page 1 of 2" in html
    second = reach.unreachable_mothers(by=coordinator, page=2)
    assert len(second.items) == 15 and second.total == 45 and not second.has_next


def _month_program(db):
    coordinator = make_user("coordinator")
    rahat = make_group(make_user("facilitator"), name="Rahat mornings", by=coordinator)
    hura = make_group(make_user("facilitator"), name="=HYPERLINK(\"x\")", by=coordinator)
    march = datetime(2026, 3, 15, 10, tzinfo=ISRAEL)
    for segments in (1, 2, 2):
        _text(db, group=rahat, sent_at=march, segments=segments)
    _text(db, group=hura, sent_at=march, segments=1)
    _text(db, sent_at=march, segments=2)  # a held book: no group
    _text(db, group=rahat, status="failed")
    _text(db, group=rahat, status="queued")
    # 22:30 UTC on 31 March is 01:30 on 1 April in Israel: April's, on the program's calendar.
    _text(db, group=rahat, sent_at=datetime(2026, 3, 31, 22, 30, tzinfo=ZoneInfo("UTC")), segments=3)
    _text(db, group=rahat, sent_at=datetime(2026, 2, 28, 22, 30, tzinfo=ZoneInfo("UTC")), segments=1)  # 00:30, 1 March
    _text(db, group=rahat, sent_at=datetime(2026, 2, 28, 21, 30, tzinfo=ZoneInfo("UTC")), segments=1)  # 23:30, February
    return coordinator, rahat, hura


def test_the_months_messages_and_segments_per_group(app, db):
    coordinator, rahat, hura = _month_program(db)
    rows = reach.texts_by_group(date(2026, 3, 1), by=coordinator)
    assert [(r.name, r.messages, r.segments) for r in rows] == [
        ("=HYPERLINK(\"x\")", 1, 1), ("Rahat mornings", 4, 6), (None, 1, 2)]
    assert [(r.name, r.messages, r.segments) for r in reach.texts_by_group(date(2026, 4, 1), by=coordinator)] == [
        ("Rahat mornings", 1, 3)]


def test_the_month_page_and_its_csv(app, db, client):
    coordinator, rahat, hura = _month_program(db)
    set_clock(app, datetime(2026, 3, 20, 12, tzinfo=ISRAEL))
    login(client, coordinator)
    with assert_max_queries(db.engine, 6):
        html = client.get("/texts/month").get_data(as_text=True)
    assert "Text messages in March 2026" in html
    assert "Not about a group (library, home visits, replies)" in html and "February 2026" in html
    assert ">6<" in html and ">9<" in html  # messages and segments, all groups
    response = client.get("/texts/month.csv?month=2026-03")
    assert response.mimetype == "text/csv" and "text-messages-2026-03.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows == [["Month", "Group", "Messages", "Segments"], ["2026-03", "'=HYPERLINK(\"x\")", "1", "1"],
                    ["2026-03", "Rahat mornings", "4", "6"], ["2026-03", "Not about a group", "1", "2"],
                    ["2026-03", "All groups", "6", "9"]]


def test_a_month_with_no_texts_says_so(app, db, client):
    coordinator = make_user("coordinator")
    login(client, coordinator)
    html = client.get("/texts/month?month=2025-01").get_data(as_text=True)
    assert "No text messages were sent in this month." in html and "January 2025" in html


@pytest.mark.parametrize("month", ["2026-13", "March", "1999-01", "2026-03-01", "9999-12"])
def test_a_month_that_is_not_one_is_a_400_with_a_message(app, db, client, month):
    login(client, make_user("coordinator"))
    response = client.get(f"/texts/month?month={month}")
    assert response.status_code == 400
    assert "That is not a month. Choose a month and a year." in response.get_data(as_text=True)
    assert client.get(f"/texts/month.csv?month={month}").status_code == 400


@pytest.mark.parametrize("persona", ["mother", "facilitator", "volunteer", "staff", "admin"])
@pytest.mark.parametrize("path", ["/texts/unreachable", "/texts/month", "/texts/month.csv"])
def test_only_coordinators_see_the_pages(app, db, client, persona, path):
    login(client, make_user(persona))
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/texts/unreachable", "/texts/month", "/texts/month.csv"])
def test_a_visitor_is_sent_to_sign_in(app, db, client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize("persona", ["mother", "facilitator", "staff"])
def test_the_services_refuse_anyone_but_a_coordinator(app, db, persona):
    with pytest.raises(NotAllowed):
        reach.unreachable_mothers(by=make_user(persona))
    with pytest.raises(NotAllowed):
        reach.texts_by_group(date(2026, 3, 1), by=make_user(persona))
    with pytest.raises(NotAllowed):
        reach.texts_by_group(date(2026, 3, 1), by=None)


def test_the_coordinators_home_page_leads_to_both_pages(app, db, client):
    login(client, make_user("coordinator"))
    html = client.get("/").get_data(as_text=True)
    assert 'href="/texts/unreachable"' in html and 'href="/texts/month"' in html
    client.post("/logout")
    login(client, make_user("mother"))
    assert "/texts/unreachable" not in client.get("/").get_data(as_text=True)


def test_an_archived_group_does_not_count_as_taking_part(app, db, program):
    coordinator, group, _people = program
    db.session.get(Group, group.id).archived = True
    db.session.commit()
    assert [p.name for p in reach.unreachable_mothers(by=coordinator).items] == ["Visited Mother"]
