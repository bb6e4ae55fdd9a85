"""Registration (and finishing it by email), the profile a mother controls, roles, her data export and account deletion."""
from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash

from ..core import audit
from ..core.errors import DomainError
from ..core.extension_points import ExtensionPoint
from ..core.i18n import LANGUAGES
from ..core.mail import public_url, send_mail
from ..core.notify import notify
from ..core.passwords import password_problem
from ..core.permissions import ROLES
from ..core.phones import InvalidPhoneNumber, can_receive_texts, e164_or_none, normalise_phone, phone_digits
from ..core.timeutil import today, utcnow
from ..extensions import db
from . import phone_check
from .auth import end_all_sessions, hash_password, normalise_email
from .models import User, UserRole

data_export = ExtensionPoint(
    "accounts.data_export", "part(user) -> dict: what a feature holds about her, merged into her data download"
)


def _phone(value: str | None) -> str | None:
    """What she typed as her phone number, stored as E.164; a DomainError on the phone field if
    it cannot be a phone number."""
    try:
        return normalise_phone(value)
    except InvalidPhoneNumber:
        raise DomainError(
            _l("This does not look like a phone number. Please write it with its area code, for example 050-123-4567, "
               "or with its country code, for example +44 20 7946 0000."),
            field="phone",
        ) from None


def _phone_taken(phone: str, but: User | None = None) -> bool:
    query = select(User.id).where(User.phone == phone)
    if but is not None:
        query = query.where(User.id != but.id)
    return db.session.scalar(query) is not None


PHONE_TAKEN = _l("An account with this phone number already exists. You can sign in or reset the password.")


def register(*, name: str, email: str | None, phone: str | None, language: str, password: str) -> User | None:
    """A new account with the mother role. Commits.

    Joined with an email address, the account waits until she opens the link mailed to it
    (`confirm_email`); joined with a phone number alone it is ready at once, and no text goes to
    the number until she types the code texted to it (`phone_check`). An email address that has an account already gets no second one and no
    error either: its owner is mailed instead and None is returned, so that the page answers as
    for a new account and tells nobody which addresses have accounts.
    """
    name = (name or "").strip()
    email, phone = normalise_email(email), _phone(phone)
    if not name:
        raise DomainError(_l("Please write your name."), field="name")
    if not email and not phone:
        raise DomainError(_l("Please give an email address or a phone number."), field="email")
    if language not in LANGUAGES:
        raise DomainError(_l("Please choose a language from the list."), field="language")
    if phone and _phone_taken(phone):
        raise DomainError(PHONE_TAKEN, field="phone")
    problem = password_problem(password, name, email, phone, phone_digits(phone))
    if problem:
        raise DomainError(problem, field="password")
    owner = db.session.scalar(select(User).where(User.email == email)) if email else None
    password_hash = hash_password(password)  # for an address taken too: the time taken tells nothing
    if owner is not None:
        _tell_owner(owner)
        db.session.commit()
        return None
    user = User(
        name=name,
        email=email,
        phone=phone,
        language=language,
        password_hash=password_hash,
        contact_by_email=bool(email),
        contact_by_sms=bool(phone) and not email,
        awaiting_confirmation=bool(email),
    )
    user.roles.append(UserRole(role="mother"))
    db.session.add(user)
    db.session.flush()
    audit.record("account.registered", actor=user, target=f"user:{user.id}")
    # The welcome on her home page; by email she gets the link to finish joining instead.
    notify(user, _l("Welcome to Mother to Mother"), "accounts/email/welcome.txt", email=False)  # in her language
    if email:
        _mail_confirmation(user)
    db.session.commit()
    return user


# ---- finishing an email registration --------------------------------------------------------

class _ClockSigner(TimestampSigner):
    """Signs with the app's one clock, so that a link's age is counted as every other time is."""

    def get_timestamp(self) -> int:
        return int(utcnow().timestamp())


def _confirmation_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="accounts.confirm-email", signer=_ClockSigner)


def _email_key(email: str | None) -> str:
    """The link names the address by a hash: no email address in logs of visited links."""
    return hashlib.sha256((email or "").encode()).hexdigest()[:16]


def _mail_confirmation(user: User) -> None:
    """Queue, in her language, the welcome with the link that finishes joining."""
    token = _confirmation_serializer().dumps({"user": user.id, "email": _email_key(user.email)})
    days = current_app.config["CONFIRM_EMAIL_DAYS"]
    with force_locale(user.language):
        subject = str(_l("Welcome to Mother to Mother"))
        body = render_template("accounts/email/confirm_email.txt", user=user, days=days,
                               url=public_url("accounts.confirm_email", token=token)).strip()
    send_mail(user.email, subject, body)


def _tell_owner(owner: User) -> None:
    """Someone joined with an address that has an account: tell its owner, not the visitor."""
    audit.record("account.register_existing", actor=None, target=f"user:{owner.id}")
    if owner.awaiting_confirmation:
        _mail_confirmation(owner)  # most likely herself, joining again: a fresh link
        return
    if not owner.active:
        return
    with force_locale(owner.language):
        subject = str(_l("Someone tried to join with your email address"))
        body = render_template("accounts/email/register_attempt.txt", user=owner,
                               login_url=public_url("accounts.login"),
                               forgot_url=public_url("accounts.forgot_password")).strip()
    send_mail(owner.email, subject, body)


def pending_account(token: str) -> User | None:
    """The account a finishing link is for, if the link is genuine, recent and not yet used."""
    try:
        data = _confirmation_serializer().loads(token, max_age=current_app.config["CONFIRM_EMAIL_DAYS"] * 86400)
    except BadData:
        return None
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) and isinstance(data.get("user"), int) else None
    if user is None or not user.awaiting_confirmation or not user.active or _email_key(user.email) != data.get("email"):
        return None
    return user


def confirm_email(token: str, password: str) -> User:
    """Finish joining: the link proves the address is hers, the password that she is the one who
    joined (not someone who used her address first). Commits."""
    user = pending_account(token)
    if user is None:
        raise DomainError(_l("This link has expired or has already been used. Please ask for a new one."))
    if not check_password_hash(user.password_hash, password):
        raise DomainError(_l("The password is not right."), field="password")
    user.awaiting_confirmation = False
    audit.record("account.confirmed", actor=user, target=f"user:{user.id}")
    db.session.commit()
    return user


PROFILE_FIELDS = (
    "name",
    "language",
    "other_languages",
    "locality_id",
    "due_date",
    "baby_birth_date",
    "first_time_mother",
    "notices_by",
    "contact_by_phone",
    "phone",
)
# How she is told about meetings and books: one choice, stored in the two booleans that the
# notices, her data download and the STOP reply read (contact_by_email, contact_by_sms).
NOTICE_CHANNELS = ("home", "email", "text")


def notice_channel(user: User) -> str:
    """Her choice as the profile shows it: "text", "email" or "home" (the home page only)."""
    return "text" if user.contact_by_sms else "email" if user.contact_by_email else "home"


def update_profile(user: User, **values: Any) -> None:
    """Change what she chose to change; a rule broken changes nothing. Commits."""
    unknown = set(values) - set(PROFILE_FIELDS) - {"contact_by_email", "contact_by_sms"}
    if unknown:
        raise ValueError(f"not profile fields: {unknown}")
    if "name" in values and not (values["name"] or "").strip():
        raise DomainError(_l("Please write your name."), field="name")
    if values.get("language", user.language) not in LANGUAGES:
        raise DomainError(_l("Please choose a language from the list."), field="language")
    others = values.get("other_languages")
    if others is not None:
        if isinstance(others, (list, tuple)):
            others = ",".join(c for c in others if c in LANGUAGES)
        values["other_languages"] = others
    birth = values.get("baby_birth_date")
    if birth and birth > today():
        raise DomainError(_l("The baby's birth date cannot be in the future."), field="baby_birth_date")
    phone = user.phone
    if "phone" in values:
        phone = values["phone"] = _phone(values["phone"])
        if not phone and not user.email:
            raise DomainError(_l("Please give an email address or a phone number."), field="phone")
        if phone and _phone_taken(phone, but=user):
            raise DomainError(PHONE_TAKEN, field="phone")
    _contact_rules(user, phone, values)
    if phone != user.phone:
        phone_check.forget(user)  # a new number is not shown to be hers yet
    for key, value in values.items():
        setattr(user, key, value.strip() if isinstance(value, str) and key == "name" else value)
    audit.record("profile.updated", actor=user, target=f"user:{user.id}", detail={"fields": sorted(values)})
    db.session.commit()


def _contact_rules(user: User, phone: str | None, values: dict[str, Any]) -> None:
    """Turn her choice (`notices_by`) into the two booleans, and refuse a channel she cannot be
    reached by: email with no address, texts with no phone or a phone that cannot receive them."""
    channel = values.pop("notices_by", None)
    field = "notices_by" if channel is not None else None
    if channel is not None:
        if channel not in NOTICE_CHANNELS:
            raise DomainError(_l("Please choose how we should tell you."), field="notices_by")
        values["contact_by_email"], values["contact_by_sms"] = channel == "email", channel == "text"
    if values.get("contact_by_email") and not user.email:
        raise DomainError(_l("We have no email address for you. Please choose another way to be told."),
                          field=field or "contact_by_email")
    if values.get("contact_by_sms"):
        if not phone:
            raise DomainError(_l("Please write your mobile phone number above to get text messages."),
                              field=field or "phone")
        if not can_receive_texts(phone):
            raise DomainError(_l("This number cannot receive text messages. Please give a mobile number, "
                                 "or choose another way to be told."), field=field or "phone")
    if values.get("contact_by_phone") and not phone:
        raise DomainError(_l("Add a phone number before allowing contact by phone or text message."),
                          field="contact_by_phone")


def set_language(user: User | None, language: str) -> None:
    if language not in LANGUAGES:
        raise DomainError(_l("Please choose a language from the list."))
    if user is not None and user.is_authenticated:
        user.language = language
        db.session.commit()


def set_access(user: User, roles: set[str], active: bool, *, by: User) -> None:
    """Give the user exactly `roles`, and enable or disable the account, in one transaction.

    Disabling ends every session of the account at once. Commits.
    """
    roles = set(roles)
    if roles - set(ROLES):
        raise DomainError(_l("Unknown role."))
    if user.id == by.id and "admin" not in roles:
        raise DomainError(_l("You cannot remove your own admin role. Ask another admin."), field="roles")
    if user.id == by.id and not active:
        raise DomainError(_l("You cannot disable your own account."), field="active")
    current = {r.role: r for r in user.roles}
    for name in sorted(set(current) - roles):
        user.roles.remove(current[name])
        audit.record("role.removed", actor=by, target=f"user:{user.id}", detail={"role": name})
    for name in sorted(roles - set(current)):
        user.roles.append(UserRole(role=name, granted_by_id=by.id))
        audit.record("role.granted", actor=by, target=f"user:{user.id}", detail={"role": name})
    if active != user.active:
        user.active = active
        if not active:
            end_all_sessions(user)
        audit.record("account.enabled" if active else "account.disabled", actor=by, target=f"user:{user.id}")
    db.session.commit()


def search_users(query: str = "", role: str | None = None, page: int = 1, per_page: int = 30):
    """People for the admin's roles page, with their roles loaded in the same round trips."""
    stmt = select(User).options(selectinload(User.roles)).order_by(User.name, User.id)
    if query:
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(
            func.lower(User.name).like(like) | func.lower(func.coalesce(User.email, "")).like(like)
            | func.coalesce(User.phone, "").like(like)
            | (User.phone == (e164_or_none(query) or ""))  # a whole number, in any spelling
        )
    if role:
        stmt = stmt.where(User.roles.any(UserRole.role == role))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def export_user_data(user: User) -> dict[str, Any]:
    """Everything we hold about her, as plain data for her download."""
    data: dict[str, Any] = {
        "account": {
            "name": user.name,
            "email": user.email,
            "phone": user.phone,
            "phone_confirmed_at": user.phone_confirmed_at.isoformat() if user.phone_confirmed_at else None,
            "language": user.language,
            "other_languages": user.read_languages[1:],
            "locality": user.locality.name_en if user.locality else None,
            "due_date": user.due_date.isoformat() if user.due_date else None,
            "baby_birth_date": user.baby_birth_date.isoformat() if user.baby_birth_date else None,
            "first_time_mother": user.first_time_mother,
            "contact_by_email": user.contact_by_email,
            "contact_by_sms": user.contact_by_sms,
            "contact_by_phone": user.contact_by_phone,
            "created_at": user.created_at.isoformat(),
            "roles": sorted(user.role_names),
        }
    }
    for part in data_export.collect(user):
        data.update(part)
    return data


def delete_account(user: User, password: str) -> None:
    """Erase her account and what hangs on it, after she confirms with her password. Commits."""
    if not check_password_hash(user.password_hash, password):
        raise DomainError(_l("The password is not right."), field="password")
    if user.has_role("admin"):
        others = db.session.scalar(
            select(func.count(UserRole.id)).where(UserRole.role == "admin", UserRole.user_id != user.id)
        )
        if not others:
            raise DomainError(_l("You are the only admin. Give the admin role to someone else first."))
    user_id = user.id
    db.session.delete(user)
    audit.record("account.deleted", actor=None, target=f"user:{user_id}")
    db.session.commit()
