"""Her phone number is confirmed by a code texted to it before any other text goes there."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from groups_app.accounts import phone_check
from groups_app.accounts.models import PhoneCode, User
from groups_app.core.audit import AuditEvent
from groups_app.core.errors import DomainError
from groups_app.core.timeutil import set_clock
from groups_app.texts.models import OutgoingText
from groups_app.texts.outbox import queue_text
from groups_app.texts.services.reach import unreachable_mothers
from tests.conftest import add_members, login, make_group, make_user
from tests.texts.conftest import il_landline, il_mobile, make_texting_mother

NOON = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # 12:00 in Israel
NIGHT = datetime(2026, 12, 1, 21, 30, tzinfo=UTC)  # 23:30 in Israel: quiet hours


def _unconfirmed(n: int = 1, **fields) -> User:
    return make_texting_mother(n, phone_confirmed_at=None, **fields)


def _texts(db, user: User) -> list[OutgoingText]:
    return list(db.session.scalars(select(OutgoingText).where(OutgoingText.user_id == user.id).order_by(OutgoingText.id)))


def _code(db, user: User) -> str:
    return re.search(r"\b(\d{6})\b", _texts(db, user)[-1].body).group(1)


def test_a_code_goes_at_once_even_at_night_and_only_its_hash_is_kept(app, db):
    set_clock(app, NIGHT)
    her = _unconfirmed()
    phone_check.send_code(her)
    [text] = _texts(db, her)
    code = _code(db, her)
    assert text.kind == "phone_code" and text.urgent and text.next_attempt_at.replace(tzinfo=UTC) == NIGHT
    assert text.segments == 1 and "15" in text.body
    record = db.session.get(PhoneCode, her.id)
    assert code not in record.code_hash and len(record.code_hash) == 64


def test_the_right_code_confirms_her_number_once(app, db):
    set_clock(app, NOON)
    her = _unconfirmed()
    phone_check.send_code(her)
    phone_check.confirm(her, _code(db, her))
    assert her.phone_confirmed_at is not None and db.session.get(PhoneCode, her.id) is None
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "account.phone_confirmed")) == 1
    try:
        phone_check.send_code(her)
        raise AssertionError("a confirmed number needs no code")
    except DomainError as error:
        assert error.status == 409


def test_digits_typed_in_arabic_or_with_spaces_are_the_same_code(app, db):
    set_clock(app, NOON)
    her = _unconfirmed()
    phone_check.send_code(her)
    code = _code(db, her)
    arabic = "".join("٠١٢٣٤٥٦٧٨٩"[int(d)] for d in code)
    phone_check.confirm(her, f" {arabic[:3]} {arabic[3:]} ")
    assert her.phone_confirmed_at is not None
    assert phone_check.digits_of("12a456") == ""


def test_a_wrong_code_is_counted_and_five_of_them_void_the_code(app, db):
    set_clock(app, NOON)
    her = _unconfirmed()
    phone_check.send_code(her)
    right = _code(db, her)
    wrong = f"{(int(right) + 1) % 10 ** 6:06d}"
    for n in range(phone_check.MAX_ATTEMPTS):
        try:
            phone_check.confirm(her, wrong)
            raise AssertionError("a wrong code confirmed her number")
        except DomainError as error:
            assert "not the code" in str(error.message)
        db.session.rollback()  # as the page does: the try stays counted
        assert db.session.get(PhoneCode, her.id).attempts == n + 1
    try:
        phone_check.confirm(her, right)
        raise AssertionError("a code tried five times still worked")
    except DomainError as error:
        assert "no longer" in str(error.message)
    db.session.expire_all()
    assert db.session.get(User, her.id).phone_confirmed_at is None


def test_a_code_lasts_fifteen_minutes(app, db):
    set_clock(app, NOON)
    her = _unconfirmed()
    phone_check.send_code(her)
    code = _code(db, her)
    set_clock(app, NOON + timedelta(minutes=phone_check.CODE_MINUTES, seconds=1))
    try:
        phone_check.confirm(her, code)
        raise AssertionError("an old code worked")
    except DomainError as error:
        assert "no longer" in str(error.message)


def test_new_codes_wait_a_minute_and_stop_at_five_a_day(app, db):
    set_clock(app, NOON)
    her = _unconfirmed()
    phone_check.send_code(her)
    try:
        phone_check.send_code(her)
        raise AssertionError("two codes in a second")
    except DomainError as error:
        assert error.status == 429
    for n in range(1, phone_check.SENDS_PER_DAY):
        set_clock(app, NOON + timedelta(minutes=2 * n))
        phone_check.send_code(her)
    set_clock(app, NOON + timedelta(minutes=30))
    try:
        phone_check.send_code(her)
        raise AssertionError("a sixth code the same day")
    except DomainError as error:
        assert error.status == 429
    set_clock(app, NOON + timedelta(days=1, minutes=1))
    phone_check.send_code(her)
    assert len(_texts(db, her)) == phone_check.SENDS_PER_DAY + 1


def test_no_other_text_goes_to_a_number_she_has_not_confirmed(app, db):
    set_clock(app, NOON)
    her = _unconfirmed()
    assert queue_text(her, "Tomorrow's meeting is cancelled.", kind="meeting_cancelled", urgent=True) is None
    assert _texts(db, her) == []
    reason = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "text.unreachable")).all()
    assert any("phone not confirmed" in str(detail) for detail in reason)


def test_a_code_sent_to_one_mother_does_not_confirm_another(app, db):
    set_clock(app, NOON)
    one, other = _unconfirmed(1), _unconfirmed(2)
    phone_check.send_code(one)
    phone_check.send_code(other)
    codes = {_code(db, one), _code(db, other)}
    if len(codes) == 1:  # one chance in a million: the same digits for both
        return
    try:
        phone_check.confirm(other, _code(db, one))
        raise AssertionError("her neighbour's code confirmed her number")
    except DomainError:
        pass


# ---- through the pages ---------------------------------------------------------------------------

def test_a_visitor_cannot_open_or_post_the_confirmation_page(client):
    assert client.get("/account/phone").status_code == 302
    assert client.post("/account/phone", data={"code": "123456"}).status_code in (302, 400)
    assert client.post("/account/phone/code").status_code in (302, 400)


def test_choosing_texts_on_her_profile_sends_a_code_and_her_home_page_asks_for_it(app, client, db):
    set_clock(app, NOON)
    her = make_user("mother", email="huda@example.org", phone=il_mobile(3), phone_confirmed_at=None)
    login(client, her)
    answer = client.post("/account/profile", data={"name": her.name, "language": "en", "phone": il_mobile(3),
                                                    "notices_by": "text"})
    assert answer.status_code == 302 and answer.location.endswith("/account/phone")
    assert "Confirm your phone number" in client.get("/").get_data(as_text=True)
    wrong = client.post("/account/phone", data={"code": "12 34"})
    assert wrong.status_code == 400 and "six digits" in wrong.get_data(as_text=True)
    assert 'value="12 34"' in wrong.get_data(as_text=True)  # what she typed stays
    done = client.post("/account/phone", data={"code": _code(db, her)})
    assert done.status_code == 302 and done.location.endswith("/account/profile")
    assert "Confirm your phone number" not in client.get("/").get_data(as_text=True)
    assert "is confirmed" in client.get("/account/phone").get_data(as_text=True)


def test_a_new_number_is_not_confirmed_and_voids_the_code_sent_to_the_old_one(app, client, db):
    set_clock(app, NOON)
    her = make_texting_mother(4)
    assert her.phone_confirmed_at is not None
    login(client, her)
    answer = client.post("/account/profile", data={"name": her.name, "language": "en", "phone": il_mobile(5),
                                                   "notices_by": "text"})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    db.session.expire_all()
    her = db.session.get(User, her.id)
    assert her.phone_confirmed_at is None and her.phone == il_mobile(5)
    first = _code(db, her)
    set_clock(app, NOON + timedelta(minutes=2))
    client.post("/account/profile", data={"name": her.name, "language": "en", "phone": il_mobile(6),
                                          "notices_by": "text"})
    assert client.post("/account/phone", data={"code": first}).status_code == 400


def test_asking_again_too_soon_is_a_clear_429(app, client, db):
    set_clock(app, NOON)
    her = _unconfirmed(7)
    login(client, her)
    assert client.post("/account/phone/code").status_code == 302
    again = client.post("/account/phone/code")
    assert again.status_code == 429 and "wait a minute" in again.get_data(as_text=True)


def test_a_landline_is_not_offered_a_code(app, client, db):
    her = make_user("mother", email="noa@example.org", phone=il_landline(12), phone_confirmed_at=None)
    login(client, her)
    page = client.get("/account/phone").get_data(as_text=True)
    assert "cannot receive text messages" in page and 'name="code"' not in page


def test_coordinators_see_who_has_not_confirmed_her_number(app, db):
    coordinator = make_user("coordinator")
    group = make_group()
    her = _unconfirmed(8)
    add_members(group, her)
    [person] = unreachable_mothers(by=coordinator).items
    assert person.id == her.id and person.reason == "phone_not_confirmed"
