"""The audit log in words: each event as a sentence in the reader's language, with names and links.

Every action the code records has a line in `KINDS` (a test checks the source for new ones): the
label the admin's filter shows, and the sentence, with named placeholders that this module fills
with linked names. People are named here; the groups, meetings, books and leaflets that events
are about are named by their own features, which connect to `audit_subjects`: one query per kind
of thing for the whole page, whatever its length.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from babel.dates import format_date, format_time
from flask import current_app, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..core.audit import AuditEvent
from ..core.extension_points import ExtensionPoint
from ..core.i18n import LANGUAGE_LABELS
from ..core.timeutil import aware, program_zone
from ..extensions import db
from .forms import ROLE_LABELS
from .models import User


class Subject(NamedTuple):
    """A name in a sentence, and the page it links to (None: no page to link)."""

    label: str
    url: str | None = None


audit_subjects = ExtensionPoint(
    "accounts.audit_subjects",
    "names(refs: dict[str, set[str]]) -> dict[tuple[str, str], dict[str, Subject]]: for the targets "
    "('group', '3') of the kinds a feature owns, the placeholders they fill (group, date, book...); "
    "a fixed number of queries however many refs",
)


# ---- what each action is called, and what it says --------------------------------------------

AREAS = {  # each other feature names its own area and actions (audit_kinds)
    "accounts": _l("Accounts and sign-ins"),
}


class Kind(NamedTuple):
    area: str
    label: Any  # a lazy string: the choice in the filter
    sentence: Any  # a lazy string with named placeholders
    other: Any = None  # said instead of `sentence` when `use_other(event, values)` is true
    use_other: Callable[[AuditEvent, dict], bool] | None = None


def _no_actor(event: AuditEvent, values: dict) -> bool:
    return event.actor_id is None


# Placeholders: actor (who did it), person (whom it was about: the account a sign-in tried, the
# account a role was given), role, page; the features' own (group, date, topic, book, copy,
# leaflet, language, case ...) are named in their audit_names.py.
KINDS: dict[str, Kind] = {
    "login.succeeded": Kind("accounts", _l("Sign-in"), _l("%(actor)s signed in.")),
    "login.failed": Kind(
        "accounts", _l("Failed sign-in"), _l("A sign-in to the account of %(person)s failed."),
        _l("A sign-in failed: no account has that email address or phone number."), _no_actor),
    "login.throttled": Kind("accounts", _l("Sign-in paused after failures"),
                            _l("A sign-in was refused after too many failed tries.")),
    "login.under_attack": Kind("accounts", _l("Many failed sign-ins to one account"),
                               _l("Many sign-ins to the account of %(person)s failed; they were told by a notice.")),
    "password.changed": Kind("accounts", _l("Password changed"), _l("%(actor)s changed their password.")),
    "password.reset_requested": Kind(
        "accounts", _l("Password reset link asked for"), _l("%(actor)s asked for a link to reset their password."),
        _l("Someone asked for a password reset link for an email address or phone number with no account."),
        _no_actor),
    "password.reset": Kind("accounts", _l("Password reset"), _l("%(actor)s set a new password with a reset link.")),
    "account.registered": Kind("accounts", _l("New account"), _l("%(actor)s created an account.")),
    "account.register_existing": Kind(
        "accounts", _l("Joining with a used address"),
        _l("Someone tried to join with the email address of %(person)s; they were told by email.")),
    "account.confirmed": Kind("accounts", _l("Joining finished"),
                              _l("%(actor)s opened the link sent to their email address and finished joining.")),
    "mail.retried": Kind("accounts", _l("Mail sent again"), _l("%(actor)s sent again a message that could not be sent.")),
    "profile.updated": Kind("accounts", _l("Profile changed"), _l("%(actor)s changed their profile.")),
    "account.phone_code_sent": Kind("accounts", _l("Phone code sent"),
                                    _l("%(actor)s asked for a code by text message to confirm their phone number.")),
    "account.phone_confirmed": Kind("accounts", _l("Phone confirmed"),
                                    _l("%(actor)s confirmed their phone number with the code texted to it.")),
    "role.granted": Kind("accounts", _l("Role given"), _l("%(actor)s gave %(person)s the role %(role)s.")),
    "role.removed": Kind("accounts", _l("Role taken away"), _l("%(actor)s took the role %(role)s from %(person)s.")),
    "account.enabled": Kind("accounts", _l("Account enabled"), _l("%(actor)s enabled the account of %(person)s.")),
    "account.disabled": Kind("accounts", _l("Account disabled"), _l("%(actor)s disabled the account of %(person)s.")),
    "account.deleted": Kind("accounts", _l("Account deleted"), _l("Someone deleted their own account.")),
    "access.denied": Kind("accounts", _l("Page refused"), _l("%(actor)s was refused the page %(page)s.")),
}
UNKNOWN = _l("%(actor)s did something the log has no words for yet (%(action)s).")

audit_kinds = ExtensionPoint(
    "accounts.audit_kinds",
    "kinds() -> (area, area label, {action: Kind}): the actions a feature records, in words",
)


def all_areas() -> dict[str, Any]:
    return {**AREAS, **{area: label for area, label, _kinds in audit_kinds.collect()}}


def all_kinds() -> dict[str, Kind]:
    """Every action in words: the ones above and those the features connected to `audit_kinds`.
    Merged once per app (features connect at start), not once per event on the page."""
    kinds = current_app.extensions.get("groups_app.audit_kinds")
    if kinds is None:
        kinds = dict(KINDS)
        for _area, _label, more in audit_kinds.collect():
            kinds.update(more)
        current_app.extensions["groups_app.audit_kinds"] = kinds
    return kinds


def kind_choices() -> list[SelectChoice]:
    """The filter's choices: any kind, then every kind by area, in the reader's language."""
    choices = [SelectChoice("", _("All kinds of event"))]
    kinds = all_kinds()
    for area, area_label in all_areas().items():
        choices += [SelectChoice(action, str(kind.label), optgroup=str(area_label))
                    for action, kind in kinds.items() if kind.area == area]
    return choices


# ---- names for a page of events ---------------------------------------------------------------

SOMEONE_GONE = _l("someone whose account was deleted")


def _split(target: str | None) -> tuple[str, str] | None:
    kind, _sep, key = (target or "").partition(":")
    return (kind, key) if key else None


def _refs(events: Iterable[AuditEvent]) -> dict[str, set[str]]:
    """What the events point at, by kind: their targets, and the people and groups in their detail."""
    refs: dict[str, set[str]] = {}
    for event in events:
        if split := _split(event.target):
            refs.setdefault(split[0], set()).add(split[1])
        for key in ("user", "group"):
            value = (event.detail or {}).get(key)
            if isinstance(value, int):
                refs.setdefault(key, set()).add(str(value))
    return refs


def _person(user_id: int | None, name: str | None) -> Subject:
    if user_id is None or name is None:
        return Subject(str(SOMEONE_GONE))
    return Subject(name, url_for("accounts.user_roles", user_id=user_id))


def _people(keys: set[str]) -> dict[tuple[str, str], dict[str, Subject]]:
    ids = {int(key) for key in keys if key.isdigit()}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}
    return {("user", str(i)): {"person": _person(i, names.get(i))} for i in ids}


def names_for(events: list[AuditEvent]) -> dict[tuple[str, str], dict[str, Subject]]:
    """The placeholders of everything the events point at: one query for the people, and one
    per kind of thing from the features that own them."""
    refs = _refs(events)
    found = _people(refs.get("user", set()))
    for part in audit_subjects.collect(refs):
        found.update(part)
    return found


class _Values(dict):
    """Placeholder values; a sentence asking for one the event does not have still reads."""

    def __missing__(self, key):
        return _("(not recorded)")


def _markup(subject: Subject | Markup | str) -> Markup:
    if isinstance(subject, Markup):
        return subject
    if not isinstance(subject, Subject):
        subject = Subject(str(subject))
    name = Markup("<bdi>%s</bdi>") % subject.label
    return Markup('<a href="%s">%s</a>') % (subject.url, name) if subject.url else name


def _fallback(kind: str, key: str) -> dict[str, Any]:
    """What a target still says when its row is gone or no feature names it."""
    if kind == "copy":
        return {"copy": key}
    if kind == "topic":
        return {"topic": key}
    if kind == "leaflet":
        slug, _sep, language = key.partition(":")
        return {"leaflet": slug, "language": str(LANGUAGE_LABELS.get(language, language))}
    return {}


def _values(event: AuditEvent, names: dict) -> _Values:
    detail = event.detail or {}
    values = _Values(actor=_person(event.actor_id, event.actor.name if event.actor else None))
    if split := _split(event.target):
        values.update(_fallback(*split))
        values.update(names.get(split, {}))
    if isinstance(detail.get("group"), int):
        values.update(names.get(("group", str(detail["group"])), {}))
    whom = ("user", str(detail["user"])) if isinstance(detail.get("user"), int) else split
    if whom and whom[0] == "user":
        values["person"] = names.get(whom, {}).get("person", Subject(str(SOMEONE_GONE)))
    elif event.actor_id is not None:
        values["person"] = values["actor"]  # a failed sign-in names the account it tried as its actor
    if detail.get("role") in ROLE_LABELS:
        values["role"] = ROLE_LABELS[detail["role"]]
    if isinstance(detail.get("from"), str):
        try:
            values["date"] = format_date(date.fromisoformat(detail["from"]), "long", locale=get_locale())
        except ValueError:
            pass
    if event.path:
        values["page"] = Markup('<bdi dir="ltr">%s</bdi>') % event.path
    values["action"] = event.action
    return values


def describe(event: AuditEvent, names: dict | None = None) -> Markup:
    """The event as one sentence in the reader's language, its names linked to their pages."""
    names = names_for([event]) if names is None else names
    values = _values(event, names)
    kind = all_kinds().get(event.action)
    template = UNKNOWN if kind is None else kind.sentence
    if kind is not None and kind.use_other is not None and kind.use_other(event, values):
        template = kind.other
    filled = _Values({key: _markup(value) for key, value in values.items()})
    try:
        return escape(str(template)) % filled
    except (KeyError, ValueError, TypeError):  # a translation that broke a placeholder: say it in English
        with force_locale("en"):
            return escape(str(template)) % filled


# ---- a page of the log ---------------------------------------------------------------------------

@dataclass
class Line:
    event: AuditEvent
    sentence: Markup
    at: datetime  # on the program's clock
    time: str


@dataclass
class Day:
    label: str
    lines: list[Line] = field(default_factory=list)


def by_day(events: list[AuditEvent]) -> list[Day]:
    """The events as sentences under the days they happened, on the program's calendar."""
    names = names_for(events)
    zone, locale = program_zone(), get_locale()
    days: list[Day] = []
    for event in events:
        at = aware(event.at).astimezone(zone)
        label = format_date(at.date(), "full", locale=locale)
        if not days or days[-1].label != label:
            days.append(Day(label))
        days[-1].lines.append(Line(event, describe(event, names), at, format_time(at, "short", tzinfo=zone, locale=locale)))
    return days

