"""What the audit log calls a leaflet and its language versions, and where it links them."""
from __future__ import annotations

from flask import url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts.audit_log import Kind, Subject
from ..core.i18n import LANGUAGE_LABELS
from ..extensions import db
from .models import Leaflet
from .services import visible


def names(refs: dict[str, set[str]]) -> dict:
    """Targets are `leaflet:<slug>` or `leaflet:<slug>:<language>`: one query for the leaflets
    (their language versions come with them)."""
    keys = refs.get("leaflet") or set()
    slugs = {key.partition(":")[0] for key in keys}
    if not slugs:
        return {}
    leaflets = {item.slug: item for item in db.session.scalars(select(Leaflet).where(Leaflet.slug.in_(slugs)))}
    found: dict = {}
    for key in keys:
        slug, _sep, language = key.partition(":")
        item = leaflets.get(slug)
        if item is None:
            continue
        version = item.translation(language) or item.translation(str(get_locale())) or item.source
        url = None
        if any(visible(t) for t in item.translations):
            url = url_for("leaflets.leaflet", slug=slug, lang=language if visible(item.translation(language)) else None)
        found[("leaflet", key)] = {"leaflet": Subject(version.title if version else slug, url)}
        if language:
            found[("leaflet", key)]["language"] = Subject(str(LANGUAGE_LABELS.get(language, language)))
    return found


AREA = ("leaflets", _l("Leaflets"))
# The actions this feature records (audit.record("...", ...)), each with its label in the log's
# filter and its sentence.
KINDS: dict[str, Kind] = {
    "leaflet.saved": Kind("leaflets", _l("Leaflet settings saved"), _l("%(actor)s saved the settings of the leaflet %(leaflet)s.")),
    "leaflet.draft": Kind("leaflets", _l("Leaflet draft saved"), _l("%(actor)s saved a draft of %(leaflet)s in %(language)s.")),
    "leaflet.review": Kind("leaflets", _l("Leaflet sent for review"),
                           _l("%(actor)s sent %(leaflet)s in %(language)s for review.")),
    "leaflet.publish": Kind("leaflets", _l("Leaflet published"), _l("%(actor)s published %(leaflet)s in %(language)s.")),
    "leaflet.withdrawn": Kind("leaflets", _l("Leaflet withdrawn"), _l("%(actor)s withdrew %(leaflet)s in %(language)s.")),
}


def kinds():
    return AREA[0], AREA[1], KINDS
