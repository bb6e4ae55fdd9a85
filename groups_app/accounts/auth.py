"""Signing in and out: server-side sessions, throttled failures, password resets."""
from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

from flask import current_app, render_template, session
from flask_babel import force_locale, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, case, delete, func, or_, select, update
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from ..core import audit
from ..core.audit import AuditEvent
from ..core.errors import DomainError
from ..core.mail import public_url, send_mail
from ..core.notify import notify
from ..core.passwords import password_problem
from ..core.phones import e164_or_none, phone_digits
from ..core.timeutil import aware, utcnow
from ..extensions import db
from .models import LoginFailure, PasswordResetToken, User, UserSession


class SignInRefused(DomainError):
    status = 401


class SignInThrottled(DomainError):
    status = 429


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


def normalise_email(value: str | None) -> str | None:
    value = (value or "").strip().lower()
    return value or None


def find_by_identifier(identifier: str) -> User | None:
    """An email address, or a phone number in any spelling, as typed at sign-in or by a facilitator."""
    if "@" in identifier:
        return db.session.scalar(select(User).where(User.email == normalise_email(identifier)))
    phone = e164_or_none(identifier)
    if not phone:
        return None
    return db.session.scalar(select(User).where(User.phone == phone))


# ---- failed sign-ins ------------------------------------------------------------------------
# OWASP's advice: slow down guessing per account and address, never lock the account itself.
# - one address may try one account LOGIN_MAX_FAILURES_ACCOUNT times in the window ("the limit"),
#   and all accounts together LOGIN_MAX_FAILURES_ADDRESS times;
# - an account with LOGIN_UNDER_ATTACK_FAILURES failures in the window, from all addresses, is
#   under attack: each address that has failed on it gets LOGIN_UNDER_ATTACK_TRIES_PER_MINUTE
#   tries a minute, while an address that has not failed (her own phone) signs in as ever; she
#   is told once a window.

_LOOK_UP = object()


def _account_key(identifier: str, user: User | None | object = _LOOK_UP) -> str:
    """One key per account found, however it was typed (any spelling of her number, or her email
    address): another spelling is no fresh start. With no account, the normalised text."""
    if user is _LOOK_UP:
        user = find_by_identifier(identifier)
    if user is not None:
        return token_hash(f"user:{user.id}")
    identifier = (identifier or "").strip().lower()
    if "@" not in identifier:
        identifier = e164_or_none(identifier) or identifier
    return token_hash("account:" + identifier)


def _window_start():
    return utcnow() - timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])


def _record_failure(key: str, address: str) -> None:
    """Note a failed sign-in, and forget those that left the window: they count for nothing now."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < _window_start()))
    db.session.add(LoginFailure(account_key=key, address=address))


def _failures(key: str, address: str) -> dict[str, int]:
    """This window's failures, in one query: of this pair (and of it in the last minute), of the
    address on any account, and of the account from any address."""
    now = utcnow()
    mine, here = LoginFailure.account_key == key, LoginFailure.address == address

    def counted(*conditions):
        return func.coalesce(func.sum(case((and_(*conditions), 1), else_=0)), 0)

    row = db.session.execute(
        select(counted(mine, here), counted(mine, here, LoginFailure.at > now - timedelta(minutes=1)),
               counted(here), counted(mine))
        .where(LoginFailure.at > _window_start(), or_(mine, here))
    ).one()
    return dict(zip(("pair", "pair_last_minute", "address", "account"), (int(n) for n in row), strict=True))


def _minutes_to_wait(key: str, address: str) -> int | None:
    """None when this try may go ahead; else how long to tell her to wait."""
    config = current_app.config
    seen = _failures(key, address)
    if seen["pair"] >= config["LOGIN_MAX_FAILURES_ACCOUNT"] or seen["address"] >= config["LOGIN_MAX_FAILURES_ADDRESS"]:
        return config["LOGIN_WINDOW_MINUTES"]
    if (seen["pair"] and seen["account"] >= config["LOGIN_UNDER_ATTACK_FAILURES"]
            and seen["pair_last_minute"] >= config["LOGIN_UNDER_ATTACK_TRIES_PER_MINUTE"]):
        return 1  # under attack: this address, which has failed on her account, slows down
    return None


def _tell_her_if_under_attack(user: User, key: str) -> None:
    """Once the account crosses the under-attack mark, write her one notice (and mail, if she
    allows it) a window; the audit event is the record that she was told."""
    config = current_app.config
    since = _window_start()
    db.session.flush()
    failures = db.session.scalar(
        select(func.count()).where(LoginFailure.account_key == key, LoginFailure.at > since)
    ) or 0
    if failures < config["LOGIN_UNDER_ATTACK_FAILURES"] or not user.active:
        return
    # Two failures that cross the mark together write one notice: the second waits for the first.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    told = db.session.scalar(
        select(AuditEvent.id).where(AuditEvent.action == "login.under_attack",
                                    AuditEvent.target == f"user:{user.id}", AuditEvent.at > since).limit(1)
    )
    if told:
        return
    addresses = db.session.scalar(
        select(func.count(func.distinct(LoginFailure.address)))
        .where(LoginFailure.account_key == key, LoginFailure.at > since)
    )
    notify(user, _l("Someone tried to sign in to your account"), "accounts/email/sign_in_attempts.txt",
           link=public_url("accounts.change_password"))
    audit.record("login.under_attack", actor=None, target=f"user:{user.id}",
                 detail={"failures": failures, "addresses": addresses})


_DUMMY_HASH: str | None = None


def authenticate(identifier: str, password: str, address: str) -> User:
    """The user whose identifier and password these are, or SignInRefused / SignInThrottled.

    The same message whether the account exists or not, and the same work (one hash check, or
    none when the try is refused), so that sign-in tells nobody which accounts exist.
    """
    global _DUMMY_HASH
    user = find_by_identifier(identifier)
    key = _account_key(identifier, user)
    wait = _minutes_to_wait(key, address)
    if wait is not None:
        audit.record_now("login.throttled", detail={"address": address})
        raise SignInThrottled(
            ngettext(
                "Too many failed sign-ins. Please wait %(num)d minute and try again, or reset your password.",
                "Too many failed sign-ins. Please wait %(num)d minutes and try again, or reset your password.",
                wait,
            )
        )
    if user is None:
        _DUMMY_HASH = _DUMMY_HASH or hash_password(secrets.token_hex(8))
        check_password_hash(_DUMMY_HASH, password)
    ok = (user is not None and check_password_hash(user.password_hash, password) and user.active
          and not user.awaiting_confirmation)  # joined by email: she opens the link we sent first
    if not ok:
        db.session.rollback()
        _record_failure(key, address)
        audit.record("login.failed", actor=user, detail={"address": address})
        if user is not None:
            _tell_her_if_under_attack(user, key)
        db.session.commit()
        raise SignInRefused(_l("The email, phone number or password is not right, or the account is disabled."))
    # Her success forgets this address's failures on her account, not those of other addresses.
    db.session.execute(delete(LoginFailure).where(LoginFailure.account_key == key, LoginFailure.address == address))
    return user


# ---- sessions -------------------------------------------------------------------------------

def start_session(user: User, remember: bool = False) -> str:
    """Create a server-side session and return the token the cookie will carry. Commits."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=token_hash(token), user_id=user.id, remember=remember))
    audit.record("login.succeeded", actor=user)
    db.session.commit()
    user.session_token = token
    return token


@functools.cache
def _session_statement():
    """Her account and roles with the session's times, by the token's hash: built once per process
    (every signed-in request runs it), the session's columns read as plain values, not an object."""
    return (select(User, UserSession.created_at, UserSession.last_seen_at, UserSession.remember)
            .join(UserSession, UserSession.user_id == User.id)
            .where(UserSession.token_hash == bindparam("token_hash"))
            .options(joinedload(User.roles)))


def load_session(token: str) -> User | None:
    """The user of a live session, or None when it ended, timed out or the account is off."""
    if not token:
        return None
    # One statement for the session, her account and her roles: every signed-in page pays it.
    hashed = token_hash(token)
    row = db.session.execute(_session_statement(), {"token_hash": hashed}).unique().first()
    if row is None:
        return None
    user, created_at, last_seen_at, remember = row
    config = current_app.config
    now = utcnow()
    idle = config["REMEMBERED_IDLE_MINUTES"] if remember else config["SESSION_IDLE_MINUTES"]
    expired = (now - aware(created_at) > timedelta(minutes=config["SESSION_ABSOLUTE_MINUTES"])) or (
        now - aware(last_seen_at) > timedelta(minutes=idle)
    )
    sessions = UserSession.__table__
    if expired or not user.active:
        db.session.execute(delete(sessions).where(sessions.c.token_hash == hashed))
        db.session.commit()
        return None
    if now - aware(last_seen_at) > timedelta(minutes=1):
        # written at most once a minute, not on every request
        db.session.execute(update(sessions).where(sessions.c.token_hash == hashed).values(last_seen_at=now))
        db.session.commit()
    user.session_token = token
    return user


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == token_hash(token)))


def end_all_sessions(user: User, keep: str | None = None) -> None:
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        query = query.where(UserSession.token_hash != token_hash(keep))
    db.session.execute(query)


# ---- passwords ------------------------------------------------------------------------------

def current_token() -> str | None:
    """The session token of this request (Flask-Login keeps it as the user id)."""
    return session.get("_user_id")


def change_password(user: User, current: str, new: str, keep: str | None = None) -> None:
    """Check the current password, set the new one, end every session but `keep`. Commits."""
    if not check_password_hash(user.password_hash, current):
        raise DomainError(_l("The current password is not right."), field="current_password")
    _set_password(user, new)
    end_all_sessions(user, keep=keep)
    audit.record("password.changed", actor=user, target=f"user:{user.id}")
    db.session.commit()


def _set_password(user: User, new: str) -> None:
    problem = password_problem(new, user.name, user.email, user.phone, phone_digits(user.phone))
    if problem:
        raise DomainError(problem, field="password")
    user.password_hash = hash_password(new)


def request_password_reset(identifier: str) -> None:
    """Email a single-use link if the account exists and has an email. Says nothing either way.

    The link is built from PUBLIC_URL, never from the Host of the request. The message is queued
    in the same transaction as the token: both are kept, or neither. Commits."""
    user = find_by_identifier(identifier)
    audit.record("password.reset_requested", actor=user)
    if user is None or not user.email or not user.active:
        db.session.commit()
        return
    token = secrets.token_urlsafe(32)
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    db.session.add(
        PasswordResetToken(
            user_id=user.id, token_hash=token_hash(token), expires_at=utcnow() + timedelta(minutes=minutes)
        )
    )
    with force_locale(user.language):
        subject = str(_l("Reset your password"))
        url = public_url("accounts.reset_password", token=token)
        body = render_template("accounts/email/reset_password.txt", user=user, url=url, minutes=minutes)
    send_mail(user.email, subject, body)
    db.session.commit()


def _live_reset_token(token: str) -> PasswordResetToken | None:
    row = db.session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == token_hash(token)))
    if row is None or row.used_at is not None or aware(row.expires_at) < utcnow():
        return None
    return row


def reset_token_is_live(token: str) -> bool:
    return _live_reset_token(token) is not None


def reset_password(token: str, new: str) -> User:
    """Use a reset token once: set the password and end every session. Commits."""
    row = _live_reset_token(token)
    if row is None:
        raise DomainError(_l("This link has expired or has already been used. Please ask for a new one."))
    _set_password(row.user, new)
    now = utcnow()
    for other in db.session.scalars(
        select(PasswordResetToken).where(PasswordResetToken.user_id == row.user_id, PasswordResetToken.used_at.is_(None))
    ):
        other.used_at = now  # one reset spends every link that was sent
    row.user.awaiting_confirmation = False  # the link reached her mailbox: the address is hers
    end_all_sessions(row.user)
    audit.record("password.reset", actor=row.user, target=f"user:{row.user_id}")
    db.session.commit()
    return row.user
