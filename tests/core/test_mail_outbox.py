"""The mail outbox: an action and its messages are committed together, no request waits on SMTP,
and the sender delivers each message once, with retries, when the mail server is back."""
from __future__ import annotations

import smtplib
import socket
import threading
from datetime import time, timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from groups_app.accounts.models import PasswordResetToken
from groups_app.core import mail as outbox
from groups_app.core.mail import FAILED, QUEUED, SENDING, SENT, OutgoingMail, deliver_due, send_mail
from groups_app.core.timeutil import utcnow
from groups_app.groups.models import Meeting
from groups_app.groups.schedule import local
from groups_app.groups.services.meetings import upcoming
from tests.conftest import add_members, at_once, login, make_group, make_mother, make_user


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Inbox:
    """What a local SMTP server received: one entry per message."""

    def __init__(self):
        self.messages: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages]


class _Server:
    """A real SMTP server on 127.0.0.1 (aiosmtpd), down until `start()`."""

    def __init__(self, port: int):
        self.port, self.inbox, self.controller = port, _Inbox(), None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(app, monkeypatch):
    """MAIL_SERVER points at a port where nobody listens yet: the mail server is down."""
    server = _Server(_free_port())
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port, "MAIL_USE_TLS": False,
                       "MAIL_USERNAME": "", "MAIL_PASSWORD": ""}.items():
        monkeypatch.setitem(app.config, key, value)
    yield server
    server.stop()


class _NoSmtpInRequests:
    """smtplib.SMTP replaced by a trap: any connection opened while it is set is a failure."""

    def __init__(self):
        self.opened = 0

    def __call__(self, *args, **kwargs):
        self.opened += 1
        raise AssertionError("a request opened an SMTP connection")


def _queued() -> int:
    return outbox.db.session.scalar(select(func.count(OutgoingMail.id)).where(OutgoingMail.status == QUEUED))


def test_with_the_mail_server_down_every_action_succeeds_and_its_mail_arrives_once_later(app, db, client, smtp,
                                                                                          monkeypatch, capsys):
    facilitator = make_user("facilitator", email="amal@example.org")
    group = make_group(facilitator)
    members = [make_mother(email=f"member{n}@example.org") for n in range(3)]
    add_members(group, *members)
    make_mother(email="noa@example.org")
    first, second = upcoming([group.id], per_group=2)[group.id][:2]
    new_day = local(second.start, group.timezone).date() + timedelta(days=2)

    trap = _NoSmtpInRequests()
    with monkeypatch.context() as patched:
        patched.setattr(smtplib, "SMTP", trap)
        login(client, facilitator)
        cancelled = client.post(f"/meetings/{first.id}/cancel")
        moved = client.post(f"/meetings/{second.id}/move", data={"day": new_day.isoformat(), "start_time": "18:30",
                                                                 "duration_minutes": "90"})
        client.post("/logout")
        reset = client.post("/password/forgot", data={"identifier": "noa@example.org"})
    assert (cancelled.status_code, moved.status_code, reset.status_code) == (302, 302, 302)
    assert trap.opened == 0  # no request waited on SMTP

    db.session.expire_all()
    saved = [db.session.get(Meeting, first.id).status == "cancelled",
             local(db.session.get(Meeting, second.id).start, group.timezone).time() == time(18, 30),
             db.session.scalar(select(func.count(PasswordResetToken.id))) == 1]
    expected = len(members) * 2 + 1  # each member told twice, and the reset link
    assert _queued() == expected

    # The server still refuses: nothing is lost, every message waits for a later try.
    down = deliver_due()
    assert down.sent == 0 and down.retrying >= 1 and _queued() == expected
    assert smtp.inbox.messages == []

    smtp.start()  # the server is back
    later = utcnow() + timedelta(minutes=2)
    assert deliver_due(now=later).sent == expected
    assert deliver_due(now=later + timedelta(minutes=5)).sent == 0  # a second round sends nothing again
    received = smtp.inbox.ids()
    stored = set(db.session.scalars(select(OutgoingMail.message_id)))
    delivered_once = [mid for mid in stored if received.count(mid) == 1]
    lost = saved.count(False) + (expected - len(delivered_once)) + (len(received) - len(set(received)))
    with capsys.disabled():
        print(f"\nFIGURE mail-down actions lost: {lost}")
    assert lost == 0
    assert sorted(m["To"] for m in smtp.inbox.messages) == sorted(
        [m.email for m in members] * 2 + ["noa@example.org"])
    reset_mail = next(m for m in smtp.inbox.messages if m["To"] == "noa@example.org")
    assert app.config["PUBLIC_URL"] + "/password/reset/" in reset_mail.get_payload(decode=True).decode()


def test_two_senders_at_once_send_each_message_once(app, db, smtp):
    for n in range(40):
        send_mail(f"mother{n}@example.org", f"Message {n}", "body")
    db.session.commit()
    smtp.start()
    results = at_once(app, deliver_due, deliver_due)
    received = smtp.inbox.ids()
    assert len(received) == len(set(received)) == 40
    assert sum(r.sent for r in results) == 40
    assert db.session.scalar(select(func.count(OutgoingMail.id)).where(OutgoingMail.status == SENT)) == 40


def test_a_rolled_back_change_sends_nothing(app, db):
    send_mail("noa@example.org", "Never sent", "the change it told about was not saved")
    db.session.rollback()
    assert deliver_due().sent == 0
    assert outbox.outbox_messages() == []


def test_a_claimed_message_is_not_claimed_again_until_its_sender_is_presumed_dead(app, db):
    send_mail("noa@example.org", "Once", "body")
    db.session.commit()
    now = utcnow()
    claimed = outbox._claim_next(now)
    assert claimed is not None and claimed.status == SENDING
    assert outbox._claim_next(now) is None  # another sender finds nothing to take
    outbox._requeue_abandoned(now + outbox.LEASE - timedelta(seconds=1))
    assert db.session.get(OutgoingMail, claimed.id).status == SENDING
    outbox._requeue_abandoned(now + outbox.LEASE + timedelta(seconds=1))
    assert db.session.get(OutgoingMail, claimed.id).status == QUEUED


def test_failures_back_off_then_the_message_is_marked_failed(app, db, smtp):
    send_mail("noa@example.org", "Reset your password", "body")
    db.session.commit()
    mail = db.session.scalar(select(OutgoingMail))
    now = utcnow()
    waits = []
    for _ in range(app.config["MAIL_MAX_ATTEMPTS"]):
        deliver_due(now=now)
        db.session.refresh(mail)
        if mail.status == QUEUED:
            waits.append(round((outbox.aware(mail.next_attempt_at) - now).total_seconds() / 60))
            now = outbox.aware(mail.next_attempt_at)
    assert waits == [1, 2, 4, 8, 16, 32, 60]
    assert mail.status == FAILED and mail.attempts == app.config["MAIL_MAX_ATTEMPTS"]
    assert "ConnectionRefusedError" in mail.last_error and len(mail.last_error) <= 200
    assert deliver_due(now=now + timedelta(days=1)).sent == 0  # a failed message waits for an admin


def test_the_error_kept_holds_no_password(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "hunter2-very-secret")
    error = smtplib.SMTPAuthenticationError(535, b"5.7.8 bad credentials for user hunter2-very-secret")
    text = outbox._short_error(error)
    assert "hunter2-very-secret" not in text and "535" in text


def test_a_header_cannot_be_smuggled_in(app, db):
    with pytest.raises(ValueError):
        send_mail("noa@example.org\nBcc: all@example.org", "Hello", "body")
    mail = send_mail("noa@example.org", "Hello\r\nBcc: all@example.org", "body")
    assert "\n" not in mail.subject and "\r" not in mail.subject


# ---- the admin's page and the commands -------------------------------------------------------

def _failed_message(db) -> OutgoingMail:
    mail = send_mail("noa@example.org", "A meeting is cancelled", "body")
    mail.status, mail.attempts, mail.last_error = FAILED, 8, "ConnectionRefusedError: [Errno 111] Connection refused"
    db.session.commit()
    return mail


def test_admin_sees_failed_mail_and_tries_again(app, db, client):
    mail = _failed_message(db)
    admin = make_user("admin")
    login(client, admin)
    assert "/admin/mail" in client.get("/").get_data(as_text=True)  # linked from her home card
    page = client.get("/admin/mail")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "noa@example.org" in html and "A meeting is cancelled" in html
    assert "Connection refused" in html and "body" not in html.split("<main")[1].split("</main>")[0]
    response = client.post(f"/admin/mail/{mail.id}/retry")
    assert response.status_code == 302
    db.session.expire_all()
    again = db.session.get(OutgoingMail, mail.id)
    assert (again.status, again.attempts, again.last_error) == (QUEUED, 0, None)
    assert client.post(f"/admin/mail/{mail.id}/retry").status_code == 409  # already queued
    assert client.post("/admin/mail/999999/retry").status_code == 404
    assert deliver_due().sent == 1
    assert [m.to for m in outbox.outbox_messages()] == ["noa@example.org"]


@pytest.mark.parametrize("persona", ["mother", "facilitator", "coordinator", "staff"])
def test_only_an_admin_sees_or_retries_failed_mail(app, db, client, persona):
    mail = _failed_message(db)
    login(client, make_user(persona))
    assert client.get("/admin/mail").status_code == 403
    assert client.post(f"/admin/mail/{mail.id}/retry").status_code == 403
    assert db.session.get(OutgoingMail, mail.id).status == FAILED


def test_a_visitor_is_sent_to_sign_in(app, db, client):
    mail = _failed_message(db)
    assert "/login" in client.get("/admin/mail").location
    assert "/login" in client.post(f"/admin/mail/{mail.id}/retry").location


def test_retry_service_refuses_anyone_but_an_admin(app, db):
    from groups_app.core.errors import NotAllowed

    mail = _failed_message(db)
    with pytest.raises(NotAllowed):
        outbox.retry(mail, by=make_user("coordinator"))


def test_mail_commands_send_and_list_failures(app, db):
    _failed_message(db)
    send_mail("huda@example.org", "Welcome", "body")
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "1 sent" in result.output
    result = runner.invoke(args=["mail", "failed"])
    assert result.exit_code == 0 and "noa@example.org" in result.output and "Connection refused" in result.output
    assert [m.to for m in outbox.outbox_messages()] == ["huda@example.org"]


def test_a_sent_message_keeps_no_body_and_its_record_goes_after_30_days(app, db):
    send_mail("noa@example.org", "Reset your password", "http://localhost:5000/password/reset/secret-token")
    db.session.commit()
    assert deliver_due().sent == 1
    mail = db.session.scalar(select(OutgoingMail))
    assert mail.status == SENT and mail.body == ""  # no usable reset link left in the database
    deliver_due(now=utcnow() + outbox.KEEP_SENT - timedelta(minutes=1))
    assert db.session.scalar(select(func.count(OutgoingMail.id))) == 1
    deliver_due(now=utcnow() + outbox.KEEP_SENT + timedelta(minutes=1))
    assert db.session.scalar(select(func.count(OutgoingMail.id))) == 0


def test_the_worker_sends_each_round_until_stopped(app, db, monkeypatch):
    from groups_app.core import commands

    send_mail("huda@example.org", "Welcome", "body")
    db.session.commit()
    rounds = []

    def sleep(seconds):
        rounds.append(seconds)
        raise KeyboardInterrupt

    monkeypatch.setattr(commands.time, "sleep", sleep)
    result = app.test_cli_runner().invoke(args=["mail", "send", "--loop"])
    assert result.exit_code == 0 and "1 sent" in result.output and "Stopped." in result.output
    assert rounds == [app.config["MAIL_POLL_SECONDS"]]
    assert [m.to for m in outbox.outbox_messages()] == ["huda@example.org"]


def test_the_outbox_folder_keeps_the_order_of_writing_when_the_clock_is_stopped(app, db):
    """Mail and texts share the folder and it is read oldest first: with the clock stopped (tests,
    demos) every file has the same moment, and the random part of the name alone would order them."""
    from groups_app.core.timeutil import set_clock
    from groups_app.texts.gateways import FolderGateway

    set_clock(app, utcnow())
    texts = FolderGateway(app.config["OUTBOX_DIR"])
    for n in range(8):
        send_mail(f"mother{n}@example.org", f"Mail {n}", "Hello")
        deliver_due()
        texts.send("+972501234567", f"Text {n}")
    read = [m.subject if m.subject.startswith("Mail") else m.body.strip() for m in outbox.outbox_messages()]
    assert read == [kind for n in range(8) for kind in (f"Mail {n}", f"Text {n}")]
