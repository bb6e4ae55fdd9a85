"""The home page, which routes each role to its work, and the coordinator's overview."""
from __future__ import annotations

from flask import abort, current_app, redirect, render_template, send_from_directory, url_for
from flask_babel import get_locale
from flask_login import current_user

from ..accounts.forms import ROLE_LABELS
from ..core.extension_points import home_section
from ..core.i18n import in_her_language
from ..core.notify import mark_read
from ..core.permissions import ANYONE, allow, owner, role
from . import services
from .home import her_work_cards


@allow(ANYONE)
def home():
    if not current_user.is_authenticated:
        return render_template("main/home.html")
    return render_template("main/home.html", sections=home_section.collect(current_user),
                           cards=her_work_cards(current_user))


@allow(owner("the notice's recipient"))
def read_notice(notice_id: int):
    if not mark_read(current_user, notice_id):
        abort(404)
    return redirect(url_for("main.home"))


@allow(role("coordinator", "admin"))
def coordinator():
    overview = services.program_overview()
    rows = services.overview_rows(overview, str(get_locale() or "he"), in_her_language(ROLE_LABELS))
    return render_template("main/coordinator.html", overview=overview, **rows)


@allow(ANYONE)
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; answer with the icon, cached a week."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=7 * 24 * 3600)
