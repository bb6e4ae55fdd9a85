"""Writing a dedication: the checks on what she wrote and to whom, the daily limit, telling the mentor."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale, format_number, lazy_ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ...accounts.auth import normalise_email
from ...accounts.models import User
from ...core import audit
from ...core.audit import AuditEvent
from ...core.errors import DomainError, NotAllowed
from ...core.i18n import LANGUAGES
from ...core.mail import public_url, send_mail
from ...core.notify import notify
from ...core.timeutil import utcnow
from ...extensions import db
from ..models import MAX_LENGTH, Dedication
from .mentors import Mentor, find_mentor, first_name

OUTSIDE = "other"  # the form's choice for a mentor outside the app
LINK = re.compile(r"(https?:|ftp:|://|www\.)", re.IGNORECASE)
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
PER_DAY = 3  # dedications one writer may send in 24 hours, unless THANKS_PER_DAY says otherwise


class UnknownMentor(DomainError):
    """The mentor she chose is not one of hers, or does not exist: the same answer for both."""

    status = 404


class TooMany(DomainError):
    status = 429


@dataclass
class DedicationFields:
    mentor: str  # a Mentor.key, or OUTSIDE
    message: str
    language: str
    signature: str  # first_name or anonymous
    outside_name: str = ""
    outside_email: str = ""
    outside_language: str = ""


def check_text(text: str | None, field: str = "message") -> str:
    """Her words as she wrote them (only the blank lines around them go), or why they cannot be sent."""
    text = (text or "").strip()
    if not text:
        raise DomainError(_l("Please write your message."), field=field)
    if len(text) > MAX_LENGTH:
        raise DomainError(_l("Please shorten your message to at most %(max)s characters: it has %(count)s.",
                             max=format_number(MAX_LENGTH), count=format_number(len(text))), field=field)
    if "<" in text or ">" in text:
        # gettext, not a lazy string: a lazy string passes into the page unescaped, and this one holds < and >
        raise DomainError(_("Please write your message without the signs < and >: it cannot hold HTML."), field=field)
    if LINK.search(text):
        raise DomainError(_l("Please write your message without web addresses (http:// or www.)."), field=field)
    return text


def _check_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("Please write her name."), field="outside_name")
    if len(name) > 120 or "<" in name or ">" in name or LINK.search(name):
        raise DomainError(_l("Please write only her name, in at most 120 characters."), field="outside_name")
    return name


def _refers_to(key: str, user: User) -> bool:
    """Whether a mentor key the form sent names her own account (her own group, or her own record)."""
    from ...visits.models import Volunteer

    if match := re.fullmatch(r"g\d+-(\d+)", key or ""):
        return int(match.group(1)) == user.id
    if match := re.fullmatch(r"v(\d+)", key or ""):
        return db.session.scalar(select(Volunteer.user_id).where(Volunteer.id == int(match.group(1)))) == user.id
    return False


def _throttle(writer: User) -> None:
    limit = int(current_app.config.get("THANKS_PER_DAY", PER_DAY))
    since = utcnow() - timedelta(days=1)
    # Counted in the audit log, so that taking messages back does not open the way to more.
    sent = db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "dedication.written", AuditEvent.actor_id == writer.id, AuditEvent.at >= since))
    if sent >= limit:
        raise TooMany(lazy_ngettext(
            "You can send %(limit)s thank-you message a day. Your words are kept below: please send them tomorrow.",
            "You can send %(limit)s thank-you messages a day. Your words are kept below: please send them tomorrow.",
            limit, limit=format_number(limit)))


def _outside_mentor(fields: DedicationFields, writer: User) -> dict:
    name = _check_name(fields.outside_name)
    email = normalise_email(fields.outside_email)
    if not email or len(email) > 254 or not EMAIL.match(email):
        raise DomainError(_l("Please write her email address, for example name@example.org."), field="outside_email")
    if email == normalise_email(writer.email):
        raise DomainError(_l("This is your own email address. You cannot thank yourself: please write hers."),
                          field="outside_email")
    if fields.outside_language not in LANGUAGES:
        raise DomainError(_l("Please choose the language to write to her in."), field="outside_language")
    account = db.session.scalar(select(User).where(User.email == email))
    return {"mentor_kind": "outside", "mentor_name": name, "mentor_email": email,
            "mentor_language": fields.outside_language, "mentor_id": account.id if account else None,
            "mentor": account}


def _mentor_values(fields: DedicationFields, writer: User) -> dict:
    if fields.mentor == OUTSIDE:
        return _outside_mentor(fields, writer)
    if not fields.mentor:
        raise DomainError(_l("Please choose whom you want to thank."), field="mentor")
    if _refers_to(fields.mentor, writer):
        raise DomainError(_l("You cannot thank yourself. Please choose a mentor mother who helped you."), field="mentor")
    mentor: Mentor | None = find_mentor(writer, fields.mentor)
    if mentor is None:
        raise UnknownMentor(_l("We cannot find this mentor mother among yours. Please choose one from the list, "
                               "or write the name and email address of someone outside the app."), field="mentor")
    return {"mentor_kind": mentor.kind, "mentor_id": mentor.user.id, "mentor": mentor.user,
            "group_id": mentor.group.id if mentor.group else None, "volunteer_id": mentor.volunteer_id}


def write_dedication(fields: DedicationFields, *, by: User) -> Dedication:
    """A new dedication from `by` to one of her mentors, waiting for the mentor's answer and for
    review; the mentor is told at once in her own language. Commits."""
    if by is None or not getattr(by, "is_authenticated", False) or not by.has_role("mother"):
        raise NotAllowed(_l("Only mothers can write thank-you messages."))
    _throttle(by)
    mentor = _mentor_values(fields, by)
    message = check_text(fields.message)
    if fields.language not in LANGUAGES:
        raise DomainError(_l("Please choose the language of your message."), field="language")
    if fields.signature not in ("first_name", "anonymous"):
        raise DomainError(_l("Please choose how to sign your message."), field="signature")
    account = mentor.pop("mentor")
    dedication = Dedication(writer_id=by.id, message=message, language=fields.language,
                            signed_as=first_name(by.name) if fields.signature == "first_name" else "", **mentor)
    db.session.add(dedication)
    db.session.flush()
    audit.record("dedication.written", actor=by, target=f"dedication:{dedication.id}",
                 detail={"user": account.id} if account else None)
    if account is not None:
        notify(account, _l("A mother thanks you"), "thanks/email/thanked.txt", link=public_url("thanks.mine"),
               dedication=dedication)
    else:
        _mail_outside(dedication)
    db.session.commit()
    return dedication


def _mail_outside(dedication: Dedication) -> None:
    """A mentor without an account hears in the language the mother chose for her, and is asked to
    join with this email address to answer."""
    with force_locale(dedication.mentor_language):
        subject = str(_l("A mother thanks you"))
        body = render_template("thanks/email/thanked_outside.txt", dedication=dedication,
                               join=public_url("accounts.register"), link=public_url("thanks.mine")).strip()
    send_mail(dedication.mentor_email, subject, body)


def claim_by_email(user: User) -> int:
    """Dedications written to her email address before she had an account become hers. Commits."""
    email = normalise_email(user.email)
    if not email:
        return 0
    result = db.session.execute(
        update(Dedication)
        .where(Dedication.mentor_id.is_(None), Dedication.mentor_email == email, Dedication.writer_id != user.id)
        .values(mentor_id=user.id)
    )
    db.session.commit()
    return result.rowcount or 0


def withdraw(dedication: Dedication, *, by: User) -> None:
    """The writer takes her words back: they are deleted. Commits."""
    if by is None or dedication.writer_id != by.id:
        raise NotAllowed(_l("Only the mother who wrote this message can take it back."))
    audit.record("dedication.withdrawn", actor=by, target=f"dedication:{dedication.id}",
                 detail={"user": dedication.mentor_id} if dedication.mentor_id else None)
    db.session.delete(dedication)
    db.session.commit()
