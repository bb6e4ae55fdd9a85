"""The sender with the real HttpGateway against a local fake provider (tests/texts/fake_provider.py):
accepted texts are marked sent, refusals fail at once, 5xx and timeouts are tried again, and no
text reaches the provider twice, not even when the answer or the sender is lost in between."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from groups_app.core.mail import LEASE
from groups_app.core.timeutil import aware, utcnow
from groups_app.texts import sender
from groups_app.texts.models import OutgoingText
from groups_app.texts.outbox import queue_text
from groups_app.texts.sender import deliver_due
from tests.conftest import at_once
from tests.texts.conftest import make_texting_mother
from tests.texts.fake_provider import SENDER


@pytest.fixture(autouse=True)
def _daytime(app, monkeypatch):
    monkeypatch.setitem(app.config, "TEXT_QUIET_HOURS", "")  # these tests are about the provider, not the hour


def _queue(db, n: int = 0, body: str = "Your meeting tomorrow is cancelled. https://groups.example.org/g/1"):
    text = queue_text(make_texting_mother(n), body, kind="meeting_cancelled")
    db.session.commit()
    return text


def _posts(provider) -> int:
    return sum(1 for method, _behaviour in provider.requests if method == "POST")


def test_an_accepted_text_is_marked_sent_with_the_providers_id(app, db, provider):
    text = _queue(db, body="הפגישה מחר בוטלה")
    phone = text.to
    assert deliver_due().sent == 1
    [message] = provider.messages
    assert (message["to"], message["from"], message["body"]) == (phone, SENDER, "הפגישה מחר בוטלה")
    db.session.refresh(text)
    assert (text.status, text.provider_message_id, text.attempts, text.body) == ("sent", message["sid"], 1, "")
    assert deliver_due().sent == 0 and len(provider.messages) == 1


def test_a_messaging_service_sends_from_its_own_numbers(app, db, provider, monkeypatch):
    monkeypatch.setitem(app.config, "TEXT_SENDER", "MG00000000000000000000000000000000")
    _queue(db)
    deliver_due()
    assert provider.messages[0]["messaging_service_sid"].startswith("MG") and provider.messages[0]["from"] is None


def test_a_refused_number_fails_at_once_and_is_not_tried_again(app, db, provider):
    provider.script = ["refuse"]
    text = _queue(db)
    assert deliver_due().failed == 1
    db.session.refresh(text)
    assert text.status == "failed" and text.undeliverable and "21211" in text.last_error
    deliver_due(now=utcnow() + timedelta(days=1))
    assert _posts(provider) == 1 and provider.messages == []


def test_a_server_error_is_tried_again_after_a_wait(app, db, provider):
    provider.script = ["error"]
    text = _queue(db)
    now = utcnow()
    assert deliver_due(now=now).retrying == 1
    db.session.refresh(text)
    assert text.status == "queued" and "503" in text.last_error and not text.undeliverable
    assert aware(text.next_attempt_at) == now + timedelta(minutes=1)
    assert deliver_due(now=now + timedelta(seconds=30)).sent == 0  # not yet due
    assert deliver_due(now=now + timedelta(minutes=1)).sent == 1
    assert len(provider.messages) == 1


def test_after_the_last_attempt_the_text_fails_but_her_number_is_not_blamed(app, db, provider, monkeypatch):
    monkeypatch.setitem(app.config, "TEXT_MAX_ATTEMPTS", 3)
    provider.script = ["error"] * 3
    text = _queue(db)
    now = utcnow()
    for _ in range(3):
        deliver_due(now=now)
        now += timedelta(hours=1)
    db.session.refresh(text)
    assert (text.status, text.attempts, text.undeliverable) == ("failed", 3, False)
    assert provider.messages == []


def test_wrong_credentials_are_tried_again_not_blamed_on_her(app, db, provider, monkeypatch):
    monkeypatch.setitem(app.config, "TEXT_API_KEY", "not-the-token")
    text = _queue(db)
    assert deliver_due().retrying == 1
    db.session.refresh(text)
    assert "401" in text.last_error and "not-the-token" not in text.last_error and not text.undeliverable


def test_the_round_stops_while_the_provider_is_down(app, db, provider):
    provider.script = ["error"]
    for n in range(3):
        _queue(db, n)
    done = deliver_due()
    assert (done.sent, done.retrying) == (0, 1)  # the other two wait: no use knocking now


def test_a_timeout_whose_text_was_taken_is_not_sent_again(app, db, provider):
    """The provider took the text but its answer came too late: the next try asks it first."""
    provider.script = ["timeout"]
    text = _queue(db)
    now = utcnow()
    assert deliver_due(now=now).retrying == 1
    assert len(provider.messages) == 1
    assert deliver_due(now=now + timedelta(minutes=1)).sent == 1
    db.session.refresh(text)
    assert text.status == "sent" and text.provider_message_id == provider.messages[0]["sid"]
    assert _posts(provider) == 1 and ("GET", "list") in provider.requests


def test_a_timeout_whose_text_was_not_taken_is_sent_once_later(app, db, provider):
    provider.script = ["hang"]
    _queue(db)
    now = utcnow()
    assert deliver_due(now=now).retrying == 1 and provider.messages == []
    assert deliver_due(now=now + timedelta(minutes=1)).sent == 1
    assert len(provider.messages) == 1


def test_a_sender_that_dies_between_send_and_mark_does_not_send_twice(app, db, provider, monkeypatch):
    """The provider acknowledged, then the sender died before writing "sent". `attempts` was
    committed before the try, so when the claim lapses the next sender asks the provider first."""
    text = _queue(db)

    def crash(*args, **kwargs):
        raise SystemExit("killed between send and mark")

    mark_sent = sender._mark_sent
    monkeypatch.setattr(sender, "_mark_sent", crash)
    now = utcnow()
    with pytest.raises(SystemExit):
        deliver_due(now=now)
    db.session.rollback()
    monkeypatch.setattr(sender, "_mark_sent", mark_sent)  # a new sender process
    row = db.session.get(OutgoingText, text.id)
    assert (row.status, row.attempts, len(provider.messages)) == ("sending", 1, 1)
    assert deliver_due(now=now + timedelta(minutes=5)).sent == 0  # its claim has not lapsed yet
    assert deliver_due(now=now + LEASE + timedelta(minutes=1)).sent == 1
    db.session.refresh(row)
    assert row.status == "sent" and row.provider_message_id == provider.messages[0]["sid"]
    assert _posts(provider) == 1


def test_two_senders_at_once_send_each_text_once(app, db, provider):
    for n in range(10):
        _queue(db, n)
    results = at_once(app, deliver_due, deliver_due)
    phones = [m["to"] for m in provider.messages]
    assert len(phones) == len(set(phones)) == 10
    assert sum(r.sent for r in results) == 10
    assert db.session.scalars(select(OutgoingText.status)).all() == ["sent"] * 10


def test_the_folder_gateway_writes_texts_that_flask_outbox_reads(app, db):
    _queue(db, body="Rahat group: meeting moved to Thursday")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["texts", "send"])
    assert result.exit_code == 0 and "Texts: 1 sent" in result.output
    listing = runner.invoke(args=["outbox", "list"])
    assert "+97250234567" in listing.output and "Text message (1 x GSM-7)" in listing.output
    shown = runner.invoke(args=["outbox", "show"])
    assert "Rahat group: meeting moved to Thursday" in shown.output


def test_the_worker_sends_texts_and_mail_each_round_until_stopped(app, db, monkeypatch):
    from groups_app.core import commands
    from groups_app.core.mail import send_mail

    _queue(db)
    send_mail("huda@example.org", "Welcome", "body")
    db.session.commit()
    rounds = []

    def sleep(seconds):
        rounds.append(seconds)
        raise KeyboardInterrupt

    monkeypatch.setattr(commands.time, "sleep", sleep)
    result = app.test_cli_runner().invoke(args=["texts", "send", "--loop", "--mail"])
    assert result.exit_code == 0, result.output
    assert "Texts: 1 sent" in result.output and "Mail: 1 sent" in result.output and "Stopped." in result.output
    assert rounds == [app.config["TEXT_POLL_SECONDS"]]


def test_failed_texts_are_listed_without_their_words(app, db, provider):
    provider.script = ["refuse"]
    _queue(db, body="Private words")
    deliver_due()
    result = app.test_cli_runner().invoke(args=["texts", "failed"])
    assert "meeting_cancelled" in result.output and "21211" in result.output and "Private words" not in result.output
