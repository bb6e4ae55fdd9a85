"""Signing in, sessions, throttling and password resets, called without HTTP."""
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from groups_app.accounts import auth, services
from groups_app.accounts.models import PasswordResetToken, UserSession
from groups_app.core.audit import AuditEvent
from groups_app.core.errors import DomainError
from groups_app.core.mail import outbox_messages
from groups_app.core.timeutil import utcnow
from tests.conftest import PASSWORD, deliver_mail, make_mother, make_user


def test_authenticate_by_email_or_phone_in_any_form(app):
    mother = make_mother(email="noa@example.org", phone="+972501234567")  # stored as E.164
    assert auth.authenticate("NOA@example.org ", PASSWORD, "1.2.3.4") == mother
    assert auth.authenticate("050-123 4567", PASSWORD, "1.2.3.4") == mother


def test_wrong_password_and_unknown_account_get_the_same_message(app):
    make_mother(email="noa@example.org")
    with pytest.raises(auth.SignInRefused) as wrong:
        auth.authenticate("noa@example.org", "not her password", "1.2.3.4")
    with pytest.raises(auth.SignInRefused) as unknown:
        auth.authenticate("nobody@example.org", "whatever else", "1.2.3.4")
    assert str(wrong.value.message) == str(unknown.value.message)


def test_disabled_account_cannot_sign_in(app, db):
    mother = make_mother(email="noa@example.org")
    mother.active = False
    db.session.commit()
    with pytest.raises(auth.SignInRefused):
        auth.authenticate("noa@example.org", PASSWORD, "1.2.3.4")


def test_failed_sign_ins_are_throttled_per_account_and_address(app, db):
    make_mother(email="noa@example.org")
    for _ in range(app.config["LOGIN_MAX_FAILURES_ACCOUNT"]):
        with pytest.raises(auth.SignInRefused):
            auth.authenticate("noa@example.org", "guess", "10.0.0.1")
    with pytest.raises(auth.SignInThrottled):
        auth.authenticate("noa@example.org", PASSWORD, "10.0.0.1")  # even the right password waits
    assert auth.authenticate("noa@example.org", PASSWORD, "10.0.0.2")  # not a lock: her own phone gets in
    failed = db.session.scalar(select(func.count()).where(AuditEvent.action == "login.failed"))
    assert failed == app.config["LOGIN_MAX_FAILURES_ACCOUNT"]


def test_failed_sign_ins_are_throttled_per_address(app):
    app.config["LOGIN_MAX_FAILURES_ADDRESS"] = 3
    try:
        for n in range(3):
            with pytest.raises(auth.SignInRefused):
                auth.authenticate(f"someone{n}@example.org", "guess", "10.9.9.9")
        with pytest.raises(auth.SignInThrottled):
            auth.authenticate("another@example.org", "guess", "10.9.9.9")
        with pytest.raises(auth.SignInRefused):  # another address is not throttled
            auth.authenticate("another@example.org", "guess", "10.9.9.8")
    finally:
        app.config["LOGIN_MAX_FAILURES_ADDRESS"] = 20


def test_throttle_window_passes(app, db):
    from groups_app.accounts.models import LoginFailure

    make_mother(email="noa@example.org")
    old = utcnow() - timedelta(minutes=app.config["LOGIN_WINDOW_MINUTES"] + 1)
    key = auth._account_key("noa@example.org")
    db.session.add_all([LoginFailure(account_key=key, address="x", at=old) for _ in range(10)])
    db.session.commit()
    assert auth.authenticate("noa@example.org", PASSWORD, "1.1.1.1")


def test_session_ends_after_idle_timeout_and_absolute_lifetime(app, db):
    mother = make_mother()
    token = auth.start_session(mother)
    assert auth.load_session(token) == mother
    row = db.session.get(UserSession, auth.token_hash(token))
    row.last_seen_at = utcnow() - timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    db.session.commit()
    assert auth.load_session(token) is None

    token = auth.start_session(mother, remember=True)
    row = db.session.get(UserSession, auth.token_hash(token))
    row.last_seen_at = utcnow() - timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    db.session.commit()
    assert auth.load_session(token) == mother  # a remembered session has a longer idle limit
    row = db.session.get(UserSession, auth.token_hash(token))
    row.created_at = utcnow() - timedelta(minutes=app.config["SESSION_ABSOLUTE_MINUTES"] + 1)
    db.session.commit()
    assert auth.load_session(token) is None


def test_changing_password_ends_other_sessions_but_this_one(app):
    mother = make_mother()
    here = auth.start_session(mother)
    elsewhere = auth.start_session(mother)
    auth.change_password(mother, PASSWORD, "a brand new passphrase", keep=here)
    assert auth.load_session(here) == mother
    assert auth.load_session(elsewhere) is None


def test_change_password_needs_the_current_one_and_keeps_the_rules(app):
    mother = make_mother()
    with pytest.raises(DomainError) as error:
        auth.change_password(mother, "wrong", "a brand new passphrase")
    assert error.value.field == "current_password"
    with pytest.raises(DomainError) as error:
        auth.change_password(mother, PASSWORD, "password123")
    assert error.value.field == "password"


def test_disabling_an_account_ends_its_sessions(app):
    admin = make_user("admin")
    mother = make_mother()
    token = auth.start_session(mother)
    services.set_access(mother, {"mother"}, False, by=admin)
    assert auth.load_session(token) is None


def _reset_link(app, identifier: str) -> str:
    auth.request_password_reset(identifier)
    deliver_mail()
    message = outbox_messages(app.config["OUTBOX_DIR"])[-1]
    return message.body.split(app.config["PUBLIC_URL"] + "/password/reset/")[1].split()[0]


def test_password_reset_token_works_once(app):
    mother = make_mother(email="noa@example.org", language="he")
    old_session = auth.start_session(mother)
    token = _reset_link(app, "noa@example.org")
    message = outbox_messages(app.config["OUTBOX_DIR"])[-1]
    assert message.to == "noa@example.org"
    with force_locale("he"):
        subject = gettext("Reset your password")
    assert message.subject == subject != "Reset your password"  # written in her language
    assert auth.reset_token_is_live(token)
    auth.reset_password(token, "the new long passphrase")
    assert auth.authenticate("noa@example.org", "the new long passphrase", "1.1.1.1") == mother
    assert auth.load_session(old_session) is None
    with pytest.raises(DomainError):
        auth.reset_password(token, "another new passphrase")


def test_password_reset_token_expires(app, db):
    make_mother(email="noa@example.org")
    token = _reset_link(app, "noa@example.org")
    row = db.session.scalar(select(PasswordResetToken))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert not auth.reset_token_is_live(token)
    with pytest.raises(DomainError):
        auth.reset_password(token, "the new long passphrase")


def test_reset_for_unknown_account_sends_nothing_and_says_nothing(app):
    auth.request_password_reset("nobody@example.org")
    deliver_mail()
    assert outbox_messages(app.config["OUTBOX_DIR"]) == []


def test_bad_new_password_keeps_the_token_usable(app):
    make_mother(email="noa@example.org")
    token = _reset_link(app, "noa@example.org")
    with pytest.raises(DomainError):
        auth.reset_password(token, "short")
    assert auth.reset_token_is_live(token)
