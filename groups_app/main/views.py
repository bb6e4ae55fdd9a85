"""The home page, which routes each role to its work, and the coordinator's overview."""
from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_login import current_user

from ..accounts.forms import ROLE_LABELS
from ..core.i18n import LANGUAGE_LABELS
from ..core.notify import mark_read, unread_notices
from ..core.permissions import ANYONE, allow, owner, role
from . import bp, services


@bp.route("/")
@allow(ANYONE)
def home():
    if not current_user.is_authenticated:
        return render_template("main/home.html")
    return render_template("main/home.html", notices=unread_notices(current_user),
                           my_groups=services.my_groups(current_user))


@bp.route("/notices/<int:notice_id>/read", methods=["POST"])
@allow(owner("the notice's recipient"))
def read_notice(notice_id: int):
    if not mark_read(current_user, notice_id):
        abort(404)
    return redirect(url_for("main.home"))


@bp.route("/coordinator/")
@allow(role("coordinator", "admin"))
def coordinator():
    overview = services.program_overview()
    return render_template("main/coordinator.html", overview=overview, role_labels=ROLE_LABELS,
                           language_labels=LANGUAGE_LABELS)
