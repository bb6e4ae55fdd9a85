"""The home page, which routes each role to its work, and the coordinator's overview."""
from __future__ import annotations

from flask import render_template

from ..accounts.forms import ROLE_LABELS
from ..core.i18n import LANGUAGE_LABELS
from ..core.permissions import ANYONE, allow, role
from . import bp, services


@bp.route("/")
@allow(ANYONE)
def home():
    return render_template("main/home.html")


@bp.route("/coordinator/")
@allow(role("coordinator", "admin"))
def coordinator():
    overview = services.program_overview()
    return render_template("main/coordinator.html", overview=overview, role_labels=ROLE_LABELS,
                           language_labels=LANGUAGE_LABELS)
