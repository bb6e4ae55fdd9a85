"""The key pages of the program, each with the bench account of the role that opens it."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app, url_for
from sqlalchemy import select

from ..accounts.models import User
from ..core.timeutil import program_zone, utcnow
from ..extensions import db
from ..groups.models import GroupFacilitator, Meeting, Membership
from ..leaflets.models import Leaflet
from .data import FEED_TOKEN, SEARCH_WORD, email, visits_models


class Page(NamedTuple):
    name: str
    who: str | None  # the bench account that opens it (its email's local part), or None: signed out
    path: str


def key_pages(now: datetime | None = None) -> list[Page]:
    """Every key page of the program, with real ids from the bench data, each for the role that opens it.
    Needs an app context (and a request context for url_for, which this makes)."""
    now = now or utcnow()
    with current_app.test_request_context():
        return _key_pages(now)


def _key_pages(now: datetime) -> list[Page]:
    mother = db.session.scalar(select(User).where(User.email == email("mother")))
    facilitator = db.session.scalar(select(User).where(User.email == email("facilitator")))
    group_id = db.session.scalar(
        select(Membership.group_id).where(Membership.user_id == mother.id).order_by(Membership.group_id).limit(1))
    led = select(GroupFacilitator.group_id).where(GroupFacilitator.user_id == facilitator.id)
    next_meeting = db.session.scalar(select(Meeting.id).where(Meeting.group_id == group_id, Meeting.starts_at > now,
                                                              Meeting.status == "scheduled").order_by(Meeting.starts_at).limit(1))
    last_held = db.session.scalar(select(Meeting.id).where(Meeting.group_id.in_(led), Meeting.starts_at < now,
                                                           Meeting.status == "scheduled").order_by(Meeting.starts_at.desc()).limit(1))
    slug = db.session.scalar(select(Leaflet.slug).order_by(Leaflet.id).limit(1))
    month = (now.astimezone(program_zone()).date().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")  # last month
    pages = [
        Page("home, signed out", None, url_for("main.home")),
        Page("home", "mother", url_for("main.home")),
        Page("group directory", "mother", url_for("groups.directory")),
        Page("group page", "mother", url_for("groups.group_page", group_id=group_id)),
        Page("meeting page", "mother", url_for("groups.meeting_page", meeting_id=next_meeting)),
        Page("planner", "facilitator", url_for("groups.planner")),
        Page("attendance", "facilitator", url_for("groups.attendance", meeting_id=last_held)),
        Page("program overview", "coordinator", url_for("main.coordinator")),
        Page("attendance report", "coordinator", url_for("groups.attendance_page", month=month)),
        Page("attendance CSV", "coordinator", url_for("groups.attendance_csv", month=month)),
        Page("catalogue search", "mother", url_for("library.catalogue", q=SEARCH_WORD)),
        Page("my books", "mother", url_for("library.mine")),
        Page("leaflets", "mother", url_for("leaflets.index")),
        Page("leaflet", "mother", url_for("leaflets.leaflet", slug=slug)),
        Page("group calendar feed", None, url_for("groups.group_calendar", group_id=group_id)),
        Page("personal calendar feed", None, url_for("groups.personal_calendar", token=FEED_TOKEN)),
    ]
    endpoints = current_app.view_functions
    visits = visits_models()
    if visits and {"visits.cases", "visits.my_cases", "visits.case"} <= set(endpoints):
        Case, _log, Volunteer = visits
        own = select(Volunteer.id).join(User, User.id == Volunteer.user_id).where(User.email == email("volunteer"))
        case_id = db.session.scalar(select(Case.id).where(Case.volunteer_id.in_(own)).order_by(Case.id).limit(1))
        pages += [Page("cases", "coordinator", url_for("visits.cases")),
                  Page("my cases", "volunteer", url_for("visits.my_cases")),
                  Page("case page", "volunteer", url_for("visits.case", case_id=case_id))]
    return pages
