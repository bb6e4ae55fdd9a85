"""The provider's inbound webhook (signed, for anyone who holds the secret) and the coordinator's pages."""
from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl

from flask import Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from ..core.http import page_number
from ..core.mail import public_url
from ..core.permissions import ANYONE, allow, role
from ..core.security import no_store
from ..core.timeutil import today
from .gateways import signature_ok
from .services import inbound as inbound_service
from .services import reach

COORDINATORS = role("coordinator")
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'  # no automatic reply


def _signed_params() -> MultiDict:
    """The form exactly as the provider sent and signed it: the app's request cleaning (core.input)
    turns a CR LF into LF and drops control characters, which would break the signature."""
    raw = request.get_data(cache=True)  # kept: request.form is then parsed (and cleaned) from it
    if raw and request.mimetype == "application/x-www-form-urlencoded":
        return MultiDict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    return request.form


@allow(ANYONE)  # the provider, proven by the signature
def inbound():
    # The address the provider signed is the public one (PUBLIC_URL), never the Host a request names.
    url = public_url("texts.inbound") + (f"?{request.query_string.decode('latin-1')}" if request.query_string else "")
    if not signature_ok(url, _signed_params(), request.headers.get("X-Twilio-Signature"),
                        current_app.config.get("TEXT_WEBHOOK_SECRET")):
        current_app.logger.warning("texts: an inbound webhook call with a missing or wrong signature was refused")
        return Response("signature refused\n", 403, mimetype="text/plain")
    try:
        inbound_service.receive(request.form)
    except inbound_service.MalformedInbound:
        return Response("From and Body are required\n", 400, mimetype="text/plain")
    return Response(EMPTY_TWIML, mimetype="text/xml")


@allow(COORDINATORS)
def unreachable():
    page = reach.unreachable_mothers(by=current_user, page=page_number())
    no_store()
    return render_template("texts/unreachable.html", pagination=page, people=page.items)


def _chosen_month() -> tuple[date, str | None]:
    """The month asked for (YYYY-MM), or this month on the program's calendar with a message."""
    value = request.args.get("month", "").strip()
    this_month = today().replace(day=1)
    if not value:
        return this_month, None
    try:
        year, number = (int(part) for part in value.split("-"))
        if 2000 <= year <= 2100:
            return date(year, number, 1), None
    except ValueError:
        pass
    return this_month, _("That is not a month. Choose a month and a year.")


@allow(COORDINATORS)
def month():
    chosen, error = _chosen_month()
    rows = reach.texts_by_group(chosen, by=current_user)
    no_store()
    previous = (chosen.replace(day=1) - date.resolution).replace(day=1)
    following = (chosen.replace(day=28) + 4 * date.resolution).replace(day=1)
    return render_template("texts/month.html", month=chosen, rows=rows, error=error, previous=previous,
                           following=following, messages=sum(r.messages for r in rows),
                           segments=sum(r.segments for r in rows)), 400 if error else 200


@allow(COORDINATORS)
def month_csv():
    chosen, error = _chosen_month()
    if error:
        return Response(error + "\n", 400, mimetype="text/plain")
    rows = reach.texts_by_group(chosen, by=current_user)
    body = reach.texts_csv(chosen, rows, [_("Month"), _("Group"), _("Messages"), _("Segments")],
                           no_group=_("Not about a group"), total=_("All groups"))
    no_store()
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="text-messages-{chosen:%Y-%m}.csv"'})
