"""The audit log's filters: whom the admin means, which kinds of event, which days."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..core.phones import display_phone
from ..core.timeutil import program_zone
from ..extensions import db
from . import services
from .audit_log import kind_choices
from .auth import find_by_identifier
from .forms import AuditFilterForm
from .models import User


def day_start(day: date) -> datetime:
    """Midnight at the start of `day` on the program's calendar."""
    return datetime.combine(day, time(0), tzinfo=program_zone())


def day_end(day: date) -> datetime:
    return day_start(day + timedelta(days=1))


# ---- whom the admin means -------------------------------------------------------------------------

def people_matching(text: str, limit: int = 20) -> list[User]:
    """The one account with this email or phone number (any spelling), or the one person with
    exactly this name; else everyone whose name, email or phone number contains it."""
    text = text.strip()
    exact = find_by_identifier(text)
    if exact is not None:
        return [exact]
    same_name = db.session.scalars(select(User).where(func.lower(User.name) == text.lower()).limit(2)).all()
    if len(same_name) == 1:
        return list(same_name)
    return list(services.search_users(text, per_page=limit).items)


def identifier(user: User) -> str:
    """What finds exactly her again in the person field: her email, else her phone number."""
    return user.email or display_phone(user.phone)


# ---- the filters, from the address --------------------------------------------------------------

@dataclass
class Filters:
    """What the admin asked for. A value that is not understood is reported on its field and left out."""

    form: AuditFilterForm
    person: User | None = None
    candidates: list[User] = field(default_factory=list)  # her words matched several people: she chooses
    bad: bool = False  # a value was not understood (and is left out): the page says so, with a 400

    @property
    def ready(self) -> bool:
        """Whether to show events: not while a name is still ambiguous or matches nobody."""
        return not self.candidates and not self.form.who.errors

    def _ok(self, name: str):
        f = self.form[name]
        return None if f.errors else f.data

    @property
    def query(self) -> dict[str, Any]:
        kind, since, until = self._ok("kind"), self._ok("since"), self._ok("until")
        return {"person_id": self.person.id if self.person else None, "actions": [kind] if kind else None,
                "since": day_start(since) if since else None, "until": day_end(until) if until else None}

    def args(self, **changes: str) -> dict[str, str]:
        """The address parameters of these filters (for the pager and the links), with `changes`."""
        since, until = self._ok("since"), self._ok("until")
        values = {"who": (self.form.who.data or "").strip(), "kind": self._ok("kind") or "",
                  "since": since.isoformat() if since else "", "until": until.isoformat() if until else ""}
        values.update(changes)
        return {key: value for key, value in values.items() if value}


def read_filters(args) -> Filters:
    """The filters in the address (`request.args`), checked; the person found by what was typed."""
    form = AuditFilterForm(formdata=args)
    form.kind.choices = kind_choices()
    form.validate()
    since, until = form.since, form.until
    if since.data and until.data and not since.errors and not until.errors and until.data < since.data:
        until.errors = [*until.errors, _("The last day is before the first day.")]
    chosen = Filters(form, bad=bool(form.errors))
    typed = (form.who.data or "").strip()
    if typed and not form.who.errors:
        people = people_matching(typed)
        if len(people) == 1:
            chosen.person = people[0]
        elif people:
            chosen.candidates = people
        else:
            form.who.errors = [*form.who.errors, _("Nobody has this name, email address or phone number.")]
    return chosen
