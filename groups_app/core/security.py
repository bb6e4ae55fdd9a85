"""Security headers on every response, no-store caching for personal pages, unknown hosts refused."""
from __future__ import annotations

from flask import Flask, g, request
from flask_login import current_user
from werkzeug.exceptions import SecurityError

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def no_store() -> None:
    """Mark the current response as personal: no cache may keep it."""
    g.no_store = True


def init_app(app: Flask) -> None:
    if app.config.get("TRUST_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUST_PROXY"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        """A Host (or X-Forwarded-Host) not in TRUSTED_HOSTS: refused before anything is built
        from it. A plain answer: the page shell's links would need the very host refused."""
        return "Bad request: this address is not served here.\n", 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.after_request
    def set_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.endpoint != "static":
            # is_anonymous, not is_authenticated: the latter reads her `active` column, which a commit
            # in the view has expired, and would load her account again just to set a header.
            signed_in = current_user and not current_user.is_anonymous
            if signed_in or g.get("no_store"):
                headers["Cache-Control"] = "no-store"
            headers.add("Vary", "Cookie")
            headers.add("Vary", "Accept-Language")
        return response
