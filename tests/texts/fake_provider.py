"""A local stand-in for Twilio's Messages API, on 127.0.0.1, for the real HttpGateway to talk to.

    provider = FakeProvider().start()
    app.config.update(provider.config())       # TEXT_GATEWAY=http pointed at it
    provider.script = ["error", "accept"]      # what the next POSTs get; then "accept" for ever
    ... provider.messages ...                  # every text it took: {"sid", "to", "from", "body", ...}
    provider.post_inbound(app, client, "+972502345678", "STOP")  # a signed inbound text to the app
    provider.stop()

Behaviours: "accept" (201 with a sid), "refuse" (400, Twilio code 21211: not a valid number),
"error" (503), "timeout" (takes the text, then answers too late: the answer is lost) and "hang"
(answers too late without taking it). GET on the same address lists what it took, filtered by To
and DateSent>, as Twilio's list does.
"""
from __future__ import annotations

import base64
import json
import secrets
import threading
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from urllib.request import Request, urlopen

from groups_app.core.mail import public_url
from groups_app.texts.gateways import signature

ACCOUNT = "AC00000000000000000000000000000000"
TOKEN = "fake-provider-auth-token"
SENDER = "+15005550006"  # Twilio's documented test "From" number
PATH = f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"


class FakeProvider:
    def __init__(self, late_seconds: float = 3.0):
        self.messages: list[dict] = []  # what it took, in order
        self.requests: list[tuple[str, str]] = []  # (method, behaviour) of every call it answered
        self.script: list[str] = []
        self.late_seconds = late_seconds  # how late "timeout" and "hang" answer
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    # ---- running ----------------------------------------------------------------------------------
    def start(self) -> FakeProvider:
        provider = self

        class Handler(_Handler):
            owner = provider

        self._release.clear()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="fake-sms-provider", daemon=True).start()
        return self

    def stop(self) -> None:
        self._release.set()  # late answers end now
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def config(self, timeout: float = 0.5) -> dict:
        """The app settings that send texts here (and accept inbound texts it signs)."""
        return {"TEXT_GATEWAY": "http", "TEXT_API_URL": self.url, "TEXT_ACCOUNT_SID": ACCOUNT, "TEXT_API_KEY": TOKEN,
                "TEXT_SENDER": SENDER, "TEXT_WEBHOOK_SECRET": TOKEN, "TEXT_TIMEOUT_SECONDS": timeout}

    def to(self, phone: str) -> list[dict]:
        return [m for m in self.messages if m["to"] == phone]

    # ---- inbound: the provider calling the app ------------------------------------------------------
    @staticmethod
    def inbound_request(app, from_number: str, body: str, secret: str = TOKEN) -> tuple[str, dict, dict]:
        """(path, form, headers) of a signed inbound text, as Twilio would POST it to the app."""
        params = {"MessageSid": "SM" + secrets.token_hex(16), "AccountSid": ACCOUNT, "From": from_number,
                  "To": SENDER, "Body": body, "NumSegments": "1"}
        with app.app_context():
            url = public_url("texts.inbound")
        return urlsplit(url).path, params, {"X-Twilio-Signature": signature(url, params, secret)}

    def post_inbound(self, app, target, from_number: str, body: str = "STOP", secret: str = TOKEN) -> int:
        """Send a signed inbound text to the app: `target` is a Flask test client or a live server's
        base address ("http://127.0.0.1:5123"). Returns the status code."""
        path, params, headers = self.inbound_request(app, from_number, body, secret)
        if hasattr(target, "post"):
            return target.post(path, data=params, headers=headers).status_code
        from urllib.parse import urlencode

        request = Request(target.rstrip("/") + path, data=urlencode(params).encode(), headers=headers, method="POST")
        with urlopen(request, timeout=10) as response:  # noqa: S310 - a local test server
            return response.status


class _Handler(BaseHTTPRequestHandler):
    owner: FakeProvider

    def log_message(self, *args):  # quiet
        pass

    def _answer(self, status: int, payload: dict) -> None:
        raw = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)
        except OSError:
            pass  # the client gave up waiting

    def _authorised(self) -> bool:
        expected = "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            self._answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
            return False
        return True

    def do_POST(self):
        if urlsplit(self.path).path != PATH:
            return self._answer(404, {"code": 20404, "message": "Not found", "status": 404})
        if not self._authorised():
            return None
        length = int(self.headers.get("Content-Length") or 0)
        form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
        owner = self.owner
        with owner._lock:
            behaviour = owner.script.pop(0) if owner.script else "accept"
            owner.requests.append(("POST", behaviour))
        if behaviour == "refuse":
            return self._answer(400, {"code": 21211, "message": f"The 'To' number {form.get('To')} is not a valid "
                                      "phone number.", "status": 400})
        if behaviour == "error":
            return self._answer(503, {"code": 20503, "message": "Service unavailable", "status": 503})
        if behaviour == "hang":
            owner._release.wait(owner.late_seconds)
            return self._answer(503, {"code": 20503, "message": "Too late", "status": 503})
        message = {"sid": "SM" + secrets.token_hex(16), "account_sid": ACCOUNT, "to": form.get("To"),
                   "from": form.get("From"), "messaging_service_sid": form.get("MessagingServiceSid"),
                   "body": form.get("Body"), "status": "queued",
                   "date_created": format_datetime(datetime.now(UTC), usegmt=True)}
        with owner._lock:
            owner.messages.append(message)
        if behaviour == "timeout":
            owner._release.wait(owner.late_seconds)  # taken, but the answer comes after the client gave up
        return self._answer(201, message)

    def do_GET(self):
        parts = urlsplit(self.path)
        if parts.path != PATH:
            return self._answer(404, {"code": 20404, "message": "Not found", "status": 404})
        if not self._authorised():
            return None
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        with self.owner._lock:
            self.owner.requests.append(("GET", "list"))
            found = [m for m in self.owner.messages if "To" not in query or m["to"] == query["To"]]
        return self._answer(200, {"messages": list(reversed(found)), "page": 0, "page_size": 50})
