"""Outgoing mail: a transactional outbox (the `mail_outbox` table) and its sender, which
delivers through SMTP when MAIL_SERVER is set and otherwise to a readable folder."""
from __future__ import annotations

import itertools
import secrets
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, DateTime, Index, Integer, String, Text, delete, select, update
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from . import audit
from .errors import Conflict, NotAllowed
from .timeutil import aware, utcnow

# ---- the outbox table ------------------------------------------------------------------------

QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
STATUSES = (QUEUED, SENDING, SENT, FAILED)
LEASE = timedelta(minutes=10)  # a message claimed longer ago than this, by a sender that died, is queued again
KEEP_SENT = timedelta(days=30)  # how long the record of a sent message (no body) is kept
MAX_BACKOFF_MINUTES = 60


class OutgoingMail(db.Model):
    """A message to send, written in the transaction of the change it tells about."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When a queued message may next be tried; while one is being sent, when its claim lapses.
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    message_id: Mapped[str] = mapped_column(String(255), unique=True)

    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name="status"),
        Index("ix_mail_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )


def public_url(endpoint: str, **values) -> str:
    """The full address of a page, for a message: built from PUBLIC_URL, never from the Host a
    request names (anyone can forge that), and the same in a request as in a command."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def send_mail(to: str, subject: str, body: str) -> OutgoingMail:
    """Queue a message in the current transaction: it leaves (`flask mail send`) only once the
    transaction commits, with the change it tells about, and never if that rolls back."""
    to = (to or "").strip()
    if not to or "\r" in to or "\n" in to:
        raise ValueError("a mail recipient must be one address on one line")
    now = utcnow()
    mail = OutgoingMail(
        to=to,
        subject=" ".join(str(subject).split())[:300],  # one line: no header can be smuggled in
        body=body,
        created_at=now,
        next_attempt_at=now,
        status=QUEUED,
        attempts=0,
        message_id=make_msgid(domain=urlsplit(current_app.config["PUBLIC_URL"]).hostname or "groups-app"),
    )
    db.session.add(mail)
    return mail


# ---- reading the outbox folder ----------------------------------------------------------------

@dataclass
class OutboxMessage:
    """A message the sender wrote to the outbox folder (no MAIL_SERVER)."""

    path: Path
    to: str
    subject: str
    date: str
    body: str


def outbox_messages(outbox_dir: str | None = None) -> list[OutboxMessage]:
    """The messages in the outbox folder, oldest first."""
    folder = Path(outbox_dir or current_app.config["OUTBOX_DIR"])
    if not folder.is_dir():
        return []
    messages = []
    for path in sorted(folder.glob("*.eml")):
        parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        messages.append(
            OutboxMessage(
                path=path,
                to=str(parsed["To"]),
                subject=str(parsed["Subject"]),
                date=str(parsed["Date"]),
                body=parsed.get_content(),
            )
        )
    return messages


# ---- delivering -------------------------------------------------------------------------------

@dataclass
class Delivery:
    """What one round of `deliver_due` did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0


_OUTBOX_SEQUENCE = itertools.count()


def outbox_stem() -> str:
    """A name for a file in the outbox folder that sorts in the order of writing (mail and texts
    share the folder): the moment, then a counter for when the clock is stopped (tests, demos) and
    every message has the same moment, then a random part for other processes."""
    return f"{utcnow():%Y%m%dT%H%M%S%f}-{next(_OUTBOX_SEQUENCE):09d}-{secrets.token_hex(3)}"


class _Transport:
    """SMTP when MAIL_SERVER is set (one connection for the round), else the outbox folder."""

    def __init__(self, config):
        self.config = config
        self.smtp: smtplib.SMTP | None = None
        self.unreachable = False  # connecting (or signing in) failed: no use trying the next message now

    def send(self, message: EmailMessage) -> None:
        config = self.config
        if not config["MAIL_SERVER"]:
            outbox = Path(config["OUTBOX_DIR"])
            outbox.mkdir(parents=True, exist_ok=True)
            name = f"{outbox_stem()}.eml"
            (outbox / name).write_bytes(message.as_bytes(policy=policy.SMTPUTF8))
            return
        if self.smtp is None:
            try:
                self.smtp = self._connect()
            except (smtplib.SMTPException, OSError):
                self.unreachable = True
                raise
        try:
            self.smtp.send_message(message)
        except smtplib.SMTPServerDisconnected:
            self.smtp = None
            raise

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20)
        try:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        except BaseException:
            smtp.close()
            raise
        return smtp

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None


def _as_email(mail: OutgoingMail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(aware(mail.created_at).timestamp(), localtime=False)
    message["Message-ID"] = mail.message_id  # the same at every try, so that a receiver can tell a repeat
    message.set_content(mail.body)
    return message


def _short_error(error: BaseException) -> str:
    """What went wrong, short enough for a list and with no password in it."""
    if isinstance(error, smtplib.SMTPResponseException):
        detail = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)
        text = f"{type(error).__name__}: {error.smtp_code} {detail}"
    elif isinstance(error, smtplib.SMTPRecipientsRefused):
        text = f"{type(error).__name__}: " + ", ".join(f"{code}" for code, _msg in error.recipients.values())
    else:
        text = f"{type(error).__name__}: {error}"
    secret = current_app.config.get("MAIL_PASSWORD")
    if secret:
        text = text.replace(secret, "***")
    return " ".join(text.split())[:200]


def requeue_abandoned(model, now: datetime, keep_sent: timedelta | None = KEEP_SENT) -> None:
    """Rows a sender claimed and never finished (it died, or the machine did) go back in the
    queue; records of rows sent longer ago than `keep_sent` are let go (None: kept). For any
    outbox table with mail_outbox's status, next_attempt_at and sent_at (the texts' too)."""
    if keep_sent is not None:
        db.session.execute(
            delete(model).where(model.status == SENT, model.sent_at < now - keep_sent)
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        update(model)
        .where(model.status == SENDING, model.next_attempt_at < now)
        .values(status=QUEUED)
        .execution_options(synchronize_session=False)  # the commit below expires what the session holds
    )
    db.session.commit()


def claim_next(model, now: datetime, lease: timedelta = LEASE):
    """Take the next due row of an outbox table for this sender alone. On PostgreSQL rows another
    sender has locked are skipped; everywhere the conditional UPDATE decides: only one sender's
    claim changes the row from queued to sending, so no message goes out twice."""
    query = (
        select(model.id)
        .where(model.status == QUEUED, model.next_attempt_at <= now)
        .order_by(model.next_attempt_at, model.id)
        .limit(5)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    for row_id in db.session.scalars(query).all():
        claimed = db.session.execute(
            update(model)
            .where(model.id == row_id, model.status == QUEUED)
            .values(status=SENDING, next_attempt_at=now + lease)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:
            db.session.commit()
            return db.session.get(model, row_id)
    db.session.commit()
    return None


def _requeue_abandoned(now: datetime) -> None:
    requeue_abandoned(OutgoingMail, now)


def _claim_next(now: datetime) -> OutgoingMail | None:
    return claim_next(OutgoingMail, now)


def backoff(attempts: int) -> timedelta:
    """The wait after the n-th failed try: 1, 2, 4, ... minutes, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), MAX_BACKOFF_MINUTES))


def deliver_due(now: datetime | None = None, limit: int = 100) -> Delivery:
    """Send up to `limit` queued messages that are due. A failed try is tried again later
    (see `backoff`); after MAIL_MAX_ATTEMPTS tries the message is marked failed for an admin.
    Safe to run in several processes at once."""
    now = now or utcnow()
    delivery = Delivery()
    _requeue_abandoned(now)
    transport = _Transport(current_app.config)
    try:
        for _ in range(limit):
            mail = _claim_next(now)
            if mail is None:
                break
            try:
                transport.send(_as_email(mail))
            except (smtplib.SMTPException, OSError, ValueError) as error:
                mail.attempts += 1
                mail.last_error = _short_error(error)
                if mail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
                    mail.status = FAILED
                    delivery.failed += 1
                else:
                    mail.status, mail.next_attempt_at = QUEUED, now + backoff(mail.attempts)
                    delivery.retrying += 1
                db.session.commit()
                if transport.unreachable:
                    break  # the server cannot be reached: the rest wait for the next round
                continue
            # Sent: the body goes (it may hold a reset link, whose token is stored nowhere else unhashed).
            mail.status, mail.sent_at, mail.last_error, mail.body = SENT, utcnow(), None, ""
            mail.attempts += 1
            db.session.commit()
            delivery.sent += 1
    finally:
        transport.close()
    return delivery


# ---- failed messages, for an admin ----------------------------------------------------------

def failed_mail(page: int = 1, per_page: int = 30):
    """Messages that could not be sent, newest first."""
    query = select(OutgoingMail).where(OutgoingMail.status == FAILED).order_by(
        OutgoingMail.created_at.desc(), OutgoingMail.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def retry(mail: OutgoingMail, *, by) -> None:
    """Queue a failed message again, with all its tries back. Admins only. Commits."""
    if by is None or not getattr(by, "is_authenticated", False) or not by.has_role("admin"):
        raise NotAllowed(_l("Only an admin can do this."))
    if mail.status != FAILED:
        raise Conflict(_l("This message is no longer among those that could not be sent."))
    mail.status, mail.attempts, mail.next_attempt_at, mail.last_error = QUEUED, 0, utcnow(), None
    audit.record("mail.retried", actor=by, target=f"mail:{mail.id}")
    db.session.commit()
