"""Her library books' due dates, as all-day events in her personal calendar feed."""
from __future__ import annotations

from flask_babel import gettext as _
from icalendar import Event

from ..core.timeutil import aware
from .services.circulation import open_loans


def due_date_events(user) -> list[Event]:
    events = []
    for loan in open_loans(user):
        event = Event()
        event.add("uid", f"loan-{loan.id}-due@groups-app")
        event.add("dtstamp", aware(loan.out_at))
        event.add("dtstart", loan.due_day)
        event.add("sequence", loan.renewals)
        event.add("summary", _("Library book due: %(title)s", title=loan.copy.book.title))
        event.add("transp", "TRANSPARENT")
        events.append(event)
    return events
