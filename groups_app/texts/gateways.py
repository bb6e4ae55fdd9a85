"""The way texts leave: a Gateway sends one text and can tell whether it already took one.

FolderGateway writes each text into the outbox folder (development: `flask outbox list|show`
read it with the mail). HttpGateway follows Twilio's Programmable Messaging REST API (version
2010-04-01): a form-encoded POST to /Accounts/{AccountSid}/Messages.json with HTTP basic auth
(Account SID, auth token), answered 201 with the message's `sid`; errors are JSON with Twilio's
`code`. Another provider is another class with the same two methods (see README).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formatdate, parsedate_to_datetime
from http.client import HTTPException
from pathlib import Path
from typing import Protocol
from urllib.error import HTTPError
from urllib.parse import urlencode, urlsplit
from urllib.request import Request, urlopen

from ..core.mail import outbox_stem
from ..core.timeutil import utcnow
from .segments import count_segments


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str


class GatewayRefused(Exception):
    """The provider will never send this text: do not try again. `about_recipient`: the number is
    the reason (not a mobile, unsubscribed), so her phone does not work for texts."""

    def __init__(self, message: str, about_recipient: bool = False):
        super().__init__(message)
        self.about_recipient = about_recipient


class GatewayUnavailable(Exception):
    """The provider could not be reached or asked us to wait: try again later."""


class Gateway(Protocol):
    def send(self, to: str, body: str) -> SendResult: ...

    def find(self, to: str, body: str, since: datetime) -> str | None:
        """The provider's id of this text if it took it since `since` (a try whose answer was lost)."""


# ---- development: the outbox folder -------------------------------------------------------------

class FolderGateway:
    """Each text is a small .eml file beside the mail, so the same `flask outbox` commands read it."""

    def __init__(self, folder: str | Path, sender: str = "texts"):
        self.folder, self.sender = Path(folder), sender

    def send(self, to: str, body: str) -> SendResult:
        size = count_segments(body)
        message_id = f"text-{outbox_stem()}"
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = f"Text message ({size.segments} x {size.encoding})"
        message["Date"] = formatdate(utcnow().timestamp(), localtime=False)
        message["X-Text-Id"] = message_id
        message.set_content(body)
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{message_id[5:]}.eml").write_bytes(message.as_bytes(policy=policy.SMTPUTF8))
        return SendResult(message_id)

    def find(self, to: str, body: str, since: datetime) -> str | None:
        for path in sorted(self.folder.glob("*.eml")):
            parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            if (parsed["X-Text-Id"] and str(parsed["To"]) == to and parsed.get_content().strip() == body.strip()
                    and parsedate_to_datetime(str(parsed["Date"])) >= since.replace(microsecond=0)):
                return str(parsed["X-Text-Id"])
        return None


# ---- production: Twilio's Messages API ---------------------------------------------------------

# Twilio error codes that mean the number itself cannot take texts (invalid, unreachable,
# unsubscribed by replying STOP to Twilio, not a mobile); other 400s are our configuration.
RECIPIENT_CODES = {21211, 21214, 21610, 21612, 21614}


class HttpGateway:
    def __init__(self, api_url: str, account_sid: str, auth_token: str, sender: str, timeout: float = 10):
        if urlsplit(api_url).scheme not in ("http", "https"):
            raise ValueError("TEXT_API_URL must be an http(s) address")
        self.base = f"{api_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        credentials = base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        self.headers = {"Authorization": f"Basic {credentials}", "Accept": "application/json"}
        self.sender, self.timeout = sender, timeout

    def _call(self, request: Request) -> dict:
        try:
            # The address is http(s), checked in __init__.
            with urlopen(request, timeout=self.timeout) as response:  # noqa: S310  # nosec B310  # the provider URL comes from configuration, https in production
                raw = response.read()
        except HTTPError as error:
            detail = _json(error.read())
            text = f"HTTP {error.code} {detail.get('code', '')} {detail.get('message', '')}".strip()
            if error.code == 400:
                raise GatewayRefused(text, about_recipient=detail.get("code") in RECIPIENT_CODES) from None
            raise GatewayUnavailable(text) from None  # 401/404: our settings; 429, 5xx: later
        except (OSError, HTTPException) as error:  # refused, reset, timed out (URLError is an OSError)
            raise GatewayUnavailable(f"{type(error).__name__}: {getattr(error, 'reason', error)}") from None
        return _json(raw)

    def send(self, to: str, body: str) -> SendResult:
        # A Messaging Service SID (MG...) picks the sender number itself; otherwise From is ours.
        sender = {"MessagingServiceSid": self.sender} if self.sender.startswith("MG") else {"From": self.sender}
        data = urlencode({"To": to, **sender, "Body": body}).encode()
        headers = {**self.headers, "Content-Type": "application/x-www-form-urlencoded"}
        answer = self._call(Request(self.base, data=data, headers=headers, method="POST"))
        return SendResult(str(answer.get("sid") or ""))  # a 2xx is taken: never sent again, even without a sid

    def find(self, to: str, body: str, since: datetime) -> str | None:
        query = urlencode({"To": to, "DateSent>": since.strftime("%Y-%m-%d"), "PageSize": 100})
        answer = self._call(Request(f"{self.base}?{query}", headers=self.headers, method="GET"))
        for message in answer.get("messages") or []:
            if message.get("to") == to and (message.get("body") or "").strip() == body.strip():
                return str(message.get("sid") or "")
        return None


def _json(raw: bytes) -> dict:
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def gateway_for(config: Mapping) -> Gateway:
    """The gateway TEXT_GATEWAY names: "folder" (the default) or "http"."""
    name = config.get("TEXT_GATEWAY", "folder")
    if name == "folder":
        return FolderGateway(config["OUTBOX_DIR"])
    if name == "http":
        return HttpGateway(config["TEXT_API_URL"], config["TEXT_ACCOUNT_SID"], config["TEXT_API_KEY"],
                           config["TEXT_SENDER"], float(config.get("TEXT_TIMEOUT_SECONDS", 10)))
    raise ValueError(f"TEXT_GATEWAY must be 'folder' or 'http', not {name!r}")


# ---- the inbound webhook's signature (Twilio's X-Twilio-Signature) --------------------------------

def signature(url: str, params, secret: str) -> str:
    """Base64 of HMAC-SHA1 over the full URL the provider called, then each POST parameter's name
    and value, sorted by name (Twilio's scheme). `params` may be a MultiDict."""
    items = sorted(params.items(multi=True)) if hasattr(params, "getlist") else sorted(params.items())
    data = url + "".join(name + value for name, value in items)
    return base64.b64encode(hmac.new(secret.encode(), data.encode(), hashlib.sha1).digest()).decode()


def signature_ok(url: str, params, given: str | None, secret: str | None) -> bool:
    """True only with a secret set and the signature it makes (compared in constant time)."""
    if not secret or not given:
        return False
    return hmac.compare_digest(signature(url, params, secret), given)
