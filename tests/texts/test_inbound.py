"""The provider's inbound webhook: signed or refused (403), STOP in each language switches her to
home-page-only and confirms once, an unknown number is logged (200), a malformed body is a 400."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from groups_app.core.audit import AuditEvent
from groups_app.core.timeutil import aware, set_clock, utcnow
from groups_app.texts.models import InboundText, OutgoingText
from groups_app.texts.outbox import queue_text
from groups_app.texts.sender import deliver_due
from tests.conftest import make_user
from tests.texts.conftest import il_mobile, make_texting_mother
from tests.texts.fake_provider import FakeProvider

STOP_REPLIES = ["STOP", "stop", " Stop! ", "S T O P", "unsubscribe", "עצור", "הסר", "توقف", "تَوَقَّف", "إيقاف",
                "ايقاف", "СТОП", "стоп", "አቁም", "alto", "Baja", "BAJA."]


def _post(app, client, phone, body="STOP", secret=None, **overrides):
    path, params, headers = FakeProvider.inbound_request(app, phone, body, **({"secret": secret} if secret else {}))
    params.update(overrides)
    return client.post(path, data=params, headers=headers)


def _inbound(db) -> list[tuple]:
    return [(row.action, row.user_id) for row in db.session.scalars(select(InboundText).order_by(InboundText.id))]


@pytest.mark.parametrize("reply", STOP_REPLIES)
def test_stop_in_each_language_switches_her_to_her_home_page_only(app, db, client, webhook, reply):
    mother = make_texting_mother(language="ar", email="amal@example.org", contact_by_email=True)
    response = _post(app, client, mother.phone, reply)
    assert response.status_code == 200 and response.mimetype == "text/xml"
    db.session.refresh(mother)
    assert (mother.contact_by_sms, mother.contact_by_email) == (False, False)
    assert _inbound(db) == [("stop", mother.id)]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "text.stopped"))
    assert (event.actor_id, event.target) == (mother.id, f"user:{mother.id}")


def test_she_gets_one_confirmation_at_once_however_often_she_says_stop(app, db, client, webhook):
    set_clock(app, datetime(2026, 3, 10, 23, 15, tzinfo=ZoneInfo("Asia/Jerusalem")))  # in the quiet hours
    mother = make_texting_mother()
    for _ in range(3):
        assert _post(app, client, mother.phone, "STOP").status_code == 200
    [confirmation] = db.session.scalars(select(OutgoingText)).all()
    assert confirmation.kind == "stop_confirmed" and confirmation.urgent
    assert confirmation.dedupe_key == f"stop:{mother.id}:2026-03-10"
    assert aware(confirmation.next_attempt_at) == utcnow()
    assert "No more texts" in confirmation.body and "/account/profile" in confirmation.body


def test_after_stop_the_texts_waiting_for_her_are_not_sent(app, db, client, webhook, provider):
    mother = make_texting_mother()
    other = make_texting_mother(1)
    set_clock(app, datetime(2026, 3, 10, 22, 0, tzinfo=ZoneInfo("Asia/Jerusalem")))
    queue_text(mother, "Your book is waiting", kind="hold_ready")  # waits for the morning
    queue_text(other, "Your book is waiting", kind="hold_ready")
    db.session.commit()
    assert provider.post_inbound(app, client, mother.phone, "STOP") == 200
    set_clock(app, datetime(2026, 3, 11, 8, 0, tzinfo=ZoneInfo("Asia/Jerusalem")))
    deliver_due()
    assert [(m["to"], m["body"].startswith("No more texts")) for m in provider.messages] == [
        (mother.phone, True), (other.phone, False)]


def test_any_other_reply_is_logged_and_changes_nothing(app, db, client, webhook):
    mother = make_texting_mother()
    assert _post(app, client, mother.phone, "Thank you! See you Tuesday").status_code == 200
    db.session.refresh(mother)
    assert mother.contact_by_sms is True
    assert _inbound(db) == [("ignored", mother.id)]
    assert db.session.scalars(select(OutgoingText)).all() == []


def test_an_unknown_number_is_answered_200_and_logged(app, db, client, webhook):
    make_texting_mother()
    response = _post(app, client, il_mobile(9), "STOP")
    assert response.status_code == 200
    assert _inbound(db) == [("unknown_number", None)]
    assert db.session.scalars(select(OutgoingText)).all() == []


def test_a_sender_that_is_not_a_phone_number_is_an_unknown_number(app, db, client, webhook):
    assert _post(app, client, "CLINIC", "STOP").status_code == 200
    assert _inbound(db) == [("unknown_number", None)]


@pytest.mark.parametrize("case", ["wrong secret", "no signature", "tampered body", "no secret set"])
def test_a_bad_signature_is_refused_and_changes_nothing(app, db, client, webhook, monkeypatch, case):
    mother = make_texting_mother()
    path, params, headers = FakeProvider.inbound_request(app, mother.phone, "STOP",
                                                         secret="not-the-secret" if case == "wrong secret" else
                                                         app.config["TEXT_WEBHOOK_SECRET"])
    if case == "no signature":
        headers = {}
    if case == "tampered body":
        params["From"] = il_mobile(5)
    if case == "no secret set":
        monkeypatch.setitem(app.config, "TEXT_WEBHOOK_SECRET", "")
    response = client.post(path, data=params, headers=headers)
    assert response.status_code == 403
    db.session.refresh(mother)
    assert mother.contact_by_sms is True
    assert _inbound(db) == []


def test_a_signature_for_another_address_is_refused(app, db, client, webhook):
    mother = make_texting_mother()
    path, params, headers = FakeProvider.inbound_request(app, mother.phone, "STOP")
    assert client.post(path + "?again=1", data=params, headers=headers).status_code == 403


@pytest.mark.parametrize("missing", ["From", "Body"])
def test_a_signed_body_without_from_or_body_is_a_400(app, db, client, webhook, missing):
    from groups_app.core.mail import public_url
    from groups_app.texts.gateways import signature

    params = {"From": il_mobile(1), "Body": "STOP", "MessageSid": "SM1"}
    del params[missing]
    headers = {"X-Twilio-Signature": signature(public_url("texts.inbound"), params, app.config["TEXT_WEBHOOK_SECRET"])}
    assert client.post("/texts/inbound", data=params, headers=headers).status_code == 400
    assert _inbound(db) == []


@pytest.mark.parametrize("body", ["\x00STOP\x00", "x" * 5000, "‏STOP‎", "😀" * 200, "Two lines\r\nfrom an old phone"])
def test_odd_bodies_never_break_the_webhook(app, db, client, webhook, body):
    mother = make_texting_mother()
    assert _post(app, client, mother.phone, body).status_code == 200


def test_the_webhook_takes_no_get_and_needs_no_session_token(app, db, webhook):
    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.get("/texts/inbound").status_code == 405
        mother = make_user("mother", email=None, phone=il_mobile(2), contact_by_sms=True)
        assert _post(app, client, mother.phone, "STOP").status_code == 200  # no CSRF token: the signature proves it
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
