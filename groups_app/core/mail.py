"""Outgoing mail: SMTP when MAIL_SERVER is set, otherwise a readable outbox folder."""
from __future__ import annotations

import secrets
import smtplib
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

from .timeutil import utcnow


@dataclass
class OutboxMessage:
    path: Path
    to: str
    subject: str
    date: str
    body: str


def send_mail(to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="groups-app")
    message.set_content(body)
    config = current_app.config
    if config["MAIL_SERVER"]:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        return
    outbox = Path(config["OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{utcnow():%Y%m%dT%H%M%S%f}-{secrets.token_hex(3)}.eml"
    (outbox / name).write_bytes(message.as_bytes(policy=policy.SMTPUTF8))


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
