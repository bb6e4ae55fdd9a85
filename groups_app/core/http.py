"""Small request helpers shared by the views of every feature."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import request

from .input import record_id


def safe_next(default: str) -> str:
    """The `next` address if it stays on this site, else `default` (no open redirects, and no line
    break or tab, which would end the Location header: werkzeug refuses them with a 500)."""
    target = request.args.get("next") or request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc \
            and not any(c in target for c in "\\\n\t"):
        return target
    return default


def page_number() -> int:
    return request.args.get("page", type=record_id) or 1  # a page no list has is the first, not an overflow
