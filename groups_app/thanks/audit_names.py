"""What the audit log says about thanks: who wrote to whom, answered, reviewed. Never the message."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts.audit_log import Kind, Subject
from ..extensions import db
from .models import Dedication

AREA = ("thanks", _l("Thanks"))

# Placeholders: actor, and mentor (the mother a message thanks), named from the dedication.
KINDS: dict[str, Kind] = {
    "dedication.written": Kind("thanks", _l("Thank-you message written"),
                               _l("%(actor)s wrote a thank-you message to %(mentor)s.")),
    "dedication.withdrawn": Kind("thanks", _l("Thank-you message taken back"),
                                 _l("%(actor)s took back a thank-you message they had written.")),
    "dedication.agreed": Kind("thanks", _l("Thank-you message allowed on the tree"),
                              _l("%(actor)s agreed that a thank-you message to her may go on the tree.")),
    "dedication.declined": Kind("thanks", _l("Thank-you message kept private"),
                                _l("%(actor)s chose to keep a thank-you message to her private.")),
    "dedication.approved": Kind("thanks", _l("Thank-you message approved"),
                                _l("%(actor)s approved a thank-you message to %(mentor)s for the tree.")),
    "dedication.rejected": Kind("thanks", _l("Thank-you message kept off the tree"),
                                _l("%(actor)s kept a thank-you message to %(mentor)s off the tree.")),
    "thanks.goal_changed": Kind("thanks", _l("Goal of the tree changed"),
                                _l("%(actor)s changed the number of leaves the tree of thanks hopes for.")),
}


def kinds():
    return AREA[0], AREA[1], KINDS


def names(refs: dict[str, set[str]]) -> dict:
    """Targets `dedication:<id>` name the mother it thanks: one query."""
    ids = {int(key) for key in refs.get("dedication", set()) if key.isdigit()}
    if not ids:
        return {}
    found = {}
    for dedication in db.session.scalars(select(Dedication).where(Dedication.id.in_(ids))).unique():
        url = url_for("accounts.user_roles", user_id=dedication.mentor_id) if dedication.mentor_id else None
        found[("dedication", str(dedication.id))] = {"mentor": Subject(dedication.mentor_display_name, url)}
    return found
