"""How each notice reaches her: a text only if she chose texts, an email only if she chose email,
the home-page notice always; the day-before reminder once; quiet hours except a same-day cancel;
and her one choice on the profile."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from groups_app.accounts import services as accounts
from groups_app.accounts.models import User
from groups_app.core.errors import DomainError
from groups_app.core.mail import OutgoingMail, public_url
from groups_app.core.notify import Notice
from groups_app.core.timeutil import aware, set_clock, utcnow
from groups_app.extensions import db
from groups_app.groups.services import meetings as meeting_service
from groups_app.groups.services import reminders
from groups_app.library.services import circulation
from groups_app.texts.models import OutgoingText
from tests.conftest import add_members, login, make_book, make_copy, make_group, make_mother, make_user
from tests.texts.conftest import IL_LANDLINE, IL_MOBILE, il_mobile

ISRAEL = ZoneInfo("Asia/Jerusalem")
MOBILE, OTHER_MOBILE, LANDLINE = IL_MOBILE, il_mobile(1), IL_LANDLINE  # phonenumbers' example numbers


def at(day: str, clock: str) -> datetime:
    """A moment on the program's wall clock."""
    return datetime.combine(datetime.fromisoformat(day).date(), time.fromisoformat(clock), tzinfo=ISRAEL)


def three_mothers():
    """One chose texts (no email), one email (she has a mobile too), one her home page only."""
    texter = make_mother(name="Salma", email=None, phone=MOBILE, language="ar", contact_by_sms=True,
                         contact_by_email=False)
    emailer = make_mother(name="Noa", email="noa@example.org", phone=OTHER_MOBILE, contact_by_email=True,
                          contact_by_sms=False)
    home = make_mother(name="Rina", email="rina@example.org", contact_by_email=False, contact_by_sms=False)
    return texter, emailer, home


def texts_to(user) -> list[OutgoingText]:
    return list(db.session.scalars(select(OutgoingText).where(OutgoingText.user_id == user.id).order_by(OutgoingText.id)))


def mails_to(user) -> int:
    return db.session.scalar(select(func.count(OutgoingMail.id)).where(OutgoingMail.to == (user.email or "-")))


def notices_of(user) -> int:
    return db.session.scalar(select(func.count(Notice.id)).where(Notice.user_id == user.id))


def assert_routed(texter, emailer, home, kind: str, link: str):
    sent = texts_to(texter)
    assert [t.kind for t in sent] == [kind]
    assert sent[0].body.endswith(link) and sent[0].segments <= 2
    assert texts_to(emailer) == [] and texts_to(home) == []
    assert (mails_to(texter), mails_to(emailer), mails_to(home)) == (0, 1, 0)
    assert (notices_of(texter), notices_of(emailer), notices_of(home)) == (1, 1, 1)


@pytest.fixture
def monday_noon(app):
    set_clock(app, at("2026-09-14", "12:00"))  # a Monday; the groups meet on Tuesdays at 10:00


@pytest.fixture
def group_of_three(monday_noon):
    facilitator = make_user("facilitator", email="fac@example.org")
    group = make_group(facilitator, name="Rahat mornings")
    mothers = three_mothers()
    add_members(group, *mothers)
    return facilitator, group, mothers


def _next(group):
    return meeting_service.upcoming([group.id])[group.id][0]


# ---- each event, by the way she chose -------------------------------------------------------

def test_a_cancelled_meeting_is_texted_emailed_and_noticed_by_choice(group_of_three):
    facilitator, group, (texter, emailer, home) = group_of_three
    meeting = _next(group)
    meeting_service.cancel_meeting(meeting, by=facilitator)
    assert_routed(texter, emailer, home, "meeting_cancelled", f"/m/{meeting.id}")
    text = texts_to(texter)[0]
    assert text.group_id == group.id and text.to == MOBILE
    assert "Rahat mornings" in text.body


def test_a_moved_meeting_and_one_on_again_are_texted_each_time(group_of_three, db):
    facilitator, group, (texter, emailer, home) = group_of_three
    meeting = _next(group)
    day = meeting.start.astimezone(ISRAEL).date() + timedelta(days=1)
    meeting_service.move_meeting(meeting, day, time(18, 30), 90, by=facilitator)
    assert_routed(texter, emailer, home, "meeting_moved", f"/m/{meeting.id}")
    meeting_service.move_meeting(meeting, day, time(19, 0), 90, by=facilitator)  # moved again: told again
    meeting_service.cancel_meeting(meeting, by=facilitator)
    meeting_service.restore_meeting(meeting, by=facilitator)
    assert [t.kind for t in texts_to(texter)] == ["meeting_moved", "meeting_moved", "meeting_cancelled",
                                                  "meeting_restored"]
    assert texts_to(emailer) == [] and texts_to(home) == []


@pytest.fixture
def shelf(group_of_three):
    facilitator, group, mothers = group_of_three
    book = make_book("The Womanly Art of Breastfeeding: the complete and revised guide")
    return facilitator, group, mothers, book, make_copy(book, group, "RH-1")


def test_a_book_waiting_for_her_is_texted_to_her_alone(shelf, db):
    facilitator, group, (texter, emailer, home), book, copy = shelf
    loan = circulation.checkout("RH-1", group, home, by=facilitator)
    for mother in (texter, emailer):
        circulation.place_hold(book, group, mother)
    circulation.checkin("RH-1", group, by=facilitator)  # the first in the queue, the texter, is served
    sent = texts_to(texter)
    assert [t.kind for t in sent] == ["hold_ready"] and sent[0].body.endswith("/library/mine")
    assert '"The Womanly Art of Br..."' in sent[0].body  # the title is cut to keep the budget
    assert texts_to(emailer) == [] and loan.returned_at is not None


def test_due_soon_and_overdue_reach_each_by_her_choice(shelf, db):
    facilitator, group, (texter, emailer, home), book, copy = shelf
    second = make_copy(book, group, "RH-2")
    third = make_copy(book, group, "RH-3")
    loans = [circulation.checkout(code, group, mother, by=facilitator)
             for code, mother in (("RH-1", texter), (second.code, emailer), (third.code, home))]
    for loan in loans:
        loan.due_at = utcnow() + timedelta(days=1)
    db.session.commit()
    circulation.send_reminders()
    assert_routed(texter, emailer, home, "due_soon", "/library/mine")
    circulation.send_reminders(now=utcnow() + timedelta(days=3))
    assert [t.kind for t in texts_to(texter)] == ["due_soon", "overdue"]
    assert (mails_to(emailer), mails_to(home)) == (2, 0)


def test_a_mother_who_chose_texts_with_a_landline_gets_no_text_and_no_error(group_of_three, db):
    facilitator, group, (texter, _emailer, _home) = group_of_three
    texter.phone = LANDLINE  # changed behind the profile's back: the outbox still refuses it
    db.session.commit()
    meeting_service.cancel_meeting(_next(group), by=facilitator)
    assert texts_to(texter) == [] and notices_of(texter) == 1


# ---- the day-before reminder --------------------------------------------------------------------

def test_the_reminder_waits_for_the_programs_time_then_goes_once(app, group_of_three, db):
    facilitator, group, (texter, emailer, home) = group_of_three
    tomorrow = _next(group)
    assert tomorrow.start.astimezone(ISRAEL).date().isoformat() == "2026-09-15"
    set_clock(app, at("2026-09-14", "17:59"))
    assert reminders.remind_tomorrow() == reminders.Reminded(False, 0, 0)
    assert texts_to(texter) == []
    set_clock(app, at("2026-09-14", "18:15"))
    assert reminders.remind_tomorrow() == reminders.Reminded(True, 1, 2)
    set_clock(app, at("2026-09-14", "18:30"))
    assert reminders.remind_tomorrow() == reminders.Reminded(True, 0, 0)  # cron runs again: nothing twice
    sent = texts_to(texter)
    assert [(t.kind, t.dedupe_key) for t in sent] == [("meeting_tomorrow", f"meeting-tomorrow:{tomorrow.id}:{texter.id}")]
    assert sent[0].body.endswith(f"/m/{tomorrow.id}") and aware(sent[0].next_attempt_at) <= utcnow()
    assert (mails_to(emailer), mails_to(home)) == (1, 0)
    assert (notices_of(texter), notices_of(emailer), notices_of(home)) == (1, 1, 0)


def test_the_reminder_follows_the_configured_time_and_skips_cancelled_meetings(app, group_of_three, db):
    facilitator, group, (texter, _emailer, _home) = group_of_three
    app.config["TEXT_REMINDER_TIME"] = "09:30"
    try:
        set_clock(app, at("2026-09-14", "09:45"))
        meeting_service.cancel_meeting(_next(group), by=facilitator)
        assert reminders.remind_tomorrow() == reminders.Reminded(True, 0, 0)
        assert [t.kind for t in texts_to(texter)] == ["meeting_cancelled"]
    finally:
        app.config["TEXT_REMINDER_TIME"] = "18:00"


def test_the_reminder_command_says_what_it_did(app, group_of_three):
    set_clock(app, at("2026-09-14", "19:00"))
    result = app.test_cli_runner().invoke(args=["groups", "remind-tomorrow"])
    assert result.exit_code == 0 and "2 members of 1 meetings reminded." in result.output


# ---- quiet hours -------------------------------------------------------------------------------

def test_a_change_in_quiet_hours_waits_for_the_morning(app, group_of_three):
    facilitator, group, (texter, _emailer, _home) = group_of_three
    set_clock(app, at("2026-09-14", "22:30"))
    meeting = _next(group)  # tomorrow 10:00: not today
    day = meeting.start.astimezone(ISRAEL).date() + timedelta(days=2)
    meeting_service.move_meeting(meeting, day, time(10), 90, by=facilitator)
    text = texts_to(texter)[0]
    assert aware(text.next_attempt_at).astimezone(ISRAEL) == at("2026-09-15", "08:00") and not text.urgent


def test_a_meeting_cancelled_for_today_is_texted_at_once_even_in_quiet_hours(app, group_of_three):
    facilitator, group, (texter, _emailer, _home) = group_of_three
    set_clock(app, at("2026-09-15", "07:00"))  # Tuesday, the meeting is at 10:00 today
    meeting = _next(group)
    assert meeting.start.astimezone(ISRAEL).date().isoformat() == "2026-09-15"
    meeting_service.cancel_meeting(meeting, by=facilitator)
    text = texts_to(texter)[0]
    assert text.urgent and aware(text.next_attempt_at) == utcnow()


# ---- her choice on the profile ------------------------------------------------------------------

def _profile(**changes):
    data = {"name": "Salma", "language": "en", "first_time_mother": "", "phone": MOBILE, "notices_by": "text"}
    return data | changes


def _checked(html: str) -> str:
    tags = re.findall(r'<input[^>]*name="notices_by"[^>]*>', html)
    return next(re.search(r'value="(\w+)"', tag).group(1) for tag in tags if "checked" in tag)


def test_the_profile_shows_her_stored_choice_as_one_of_three(client):
    for mother, checked in ((make_mother(email=None, phone=MOBILE, contact_by_sms=True, contact_by_email=False), "text"),
                            (make_mother(email="n@example.org", contact_by_email=True), "email"),
                            (make_mother(email="r@example.org", contact_by_email=False), "home")):
        login(client, mother)
        html = client.get("/account/profile").get_data(as_text=True)
        assert len(re.findall(r'name="notices_by"', html)) == 3 and _checked(html) == checked
        assert 'name="contact_by_sms"' not in html and 'name="contact_by_phone"' in html
        client.post("/logout")


def test_choosing_texts_on_the_profile_sets_texts_and_clears_email(client, db):
    mother = make_mother(name="Salma", email="salma@example.org", phone=MOBILE, contact_by_email=True)
    login(client, mother)
    assert client.post("/account/profile", data=_profile()).status_code == 302
    db.session.expire_all()
    saved = db.session.get(User, mother.id)
    assert (saved.contact_by_sms, saved.contact_by_email) == (True, False)
    assert accounts.export_user_data(saved)["account"]["contact_by_sms"] is True  # her download still says it
    assert client.post("/account/profile", data=_profile(notices_by="home")).status_code == 302
    db.session.expire_all()
    assert (saved.contact_by_sms, saved.contact_by_email) == (False, False)


@pytest.mark.parametrize("phone, message", [
    ("", "Please write your mobile phone number above to get text messages."),
    ("08-623-4567", "This number cannot receive text messages."),
    ("+44 7700 900123", "This number cannot receive text messages."),  # a mobile abroad: the provider is Israeli
])
def test_choosing_texts_without_a_textable_phone_says_so_and_keeps_what_she_typed(client, db, phone, message):
    mother = make_mother(name="Salma", email="salma@example.org", contact_by_email=True)
    login(client, mother)
    response = client.post("/account/profile", data=_profile(name="Salma Abu Kaf", phone=phone))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and 'id="notices_by-error"' in html
    assert 'value="Salma Abu Kaf"' in html and _checked(html) == "text"
    if phone:
        assert f'value="{phone}"' in html
    db.session.expire_all()
    saved = db.session.get(User, mother.id)
    assert (saved.name, saved.contact_by_email, saved.contact_by_sms) == ("Salma", True, False)


def test_choosing_email_without_an_address_is_refused(client, db):
    mother = make_mother(email=None, phone=MOBILE, contact_by_sms=True, contact_by_email=False)
    login(client, mother)
    response = client.post("/account/profile", data=_profile(notices_by="email"))
    assert response.status_code == 400
    assert "We have no email address for you." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, mother.id).contact_by_sms is True


def test_the_service_refuses_an_unknown_choice(app):
    mother = make_mother()
    with pytest.raises(DomainError) as error:
        accounts.update_profile(mother, notices_by="pigeon")
    assert error.value.field == "notices_by"


# ---- short links ----------------------------------------------------------------------------------

def test_short_links_lead_to_the_pages_which_keep_their_own_checks(app, client, group_of_three):
    facilitator, group, (texter, _emailer, _home) = group_of_three
    meeting = _next(group)
    assert public_url("groups.meeting_short_link", meeting_id=meeting.id) == f"{app.config['PUBLIC_URL']}/m/{meeting.id}"
    assert public_url("groups.short_link", group_id=group.id) == f"{app.config['PUBLIC_URL']}/g/{group.id}"
    group_link = client.get(f"/g/{group.id}")
    assert group_link.status_code == 302 and group_link.location.endswith(f"/groups/{group.id}")
    assert client.get(f"/g/{group.id}", follow_redirects=True).status_code == 200  # a visitor sees a group's page
    meeting_link = client.get(f"/m/{meeting.id}")
    assert meeting_link.status_code == 302 and meeting_link.location.endswith(f"/meetings/{meeting.id}")
    assert "/login" in client.get(meeting_link.location).location  # a visitor signs in first
    login(client, make_mother(email="stranger@example.org"))
    assert client.get(f"/m/{meeting.id}", follow_redirects=True).status_code == 403  # not in the group
    client.post("/logout")
    login(client, texter)
    assert client.get(f"/m/{meeting.id}", follow_redirects=True).status_code == 200
    assert client.get("/m/999999", follow_redirects=True).status_code == 404
