"""iCalendar (RFC 5545) feeds of meetings, written with the icalendar package."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Alarm, Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..core.errors import DomainError
from ..core.timeutil import aware, utcnow
from ..extensions import db
from ..main.models import CALENDAR
from ..main.versions import usable, version_columns
from .models import CalendarFeed, Group, Meeting, Membership
from .models.group import MEMBER
from .models.meeting import REMINDERS
from .permissions import can_see_home_address

PRODID = "-//groups_app//Mother to Mother//EN"
DEFAULT_REMINDER = "1d"


@dataclass(frozen=True)
class Feed:
    """Her personal feed as the pages and the feed reader see it: her address and reminder."""

    user: User
    token: str
    reminder: str
    # The version of what her feed's meetings show (migration 0021), read with her account: None when
    # there is none to keep a digest under (no version row, or a transaction that changed one)
    version: int | None = None


def _version_columns():
    """The feeds' version beside her account (main.versions.version_columns)."""
    return version_columns(CALENDAR, db.session.get_bind().dialect.name == "postgresql")


def _default_token(user_id: int) -> str:
    """Her address before she ever saves a choice: derived from the app's secret, so that showing
    it writes nothing. A saved feed keeps it; "make a new address" replaces it with a random one."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"calendar-feed:{user_id}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"d{user_id}-{digest}"


def existing_feed(user: User) -> CalendarFeed | None:
    """Her saved feed row, if she has saved a choice; reading never makes one."""
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def feed_of(user: User) -> Feed:
    """Her feed: the saved one, or the default address with a reminder a day before. Writes nothing."""
    row = existing_feed(user)
    if row is not None:
        return Feed(user, row.token, row.reminder)
    return Feed(user, _default_token(user.id), DEFAULT_REMINDER)


def feed_for(user: User) -> CalendarFeed:
    """Her saved feed, made on first save (a POST, or a service call), keeping the address she
    was shown. Commits when it makes one."""
    feed = existing_feed(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token=_default_token(user.id), reminder=DEFAULT_REMINDER)
        db.session.add(feed)
        db.session.commit()
    return feed


def set_reminder(user: User, reminder: str, new_address: bool = False) -> CalendarFeed:
    """Her reminder choice; with `new_address`, a new secret address too (the old one stops
    working). Commits."""
    if reminder not in REMINDERS:
        raise DomainError(_("Please choose a reminder from the list."), field="reminder")
    feed = feed_for(user)
    if new_address:
        feed.token = secrets.token_urlsafe(24)
    feed.reminder = reminder
    db.session.commit()
    return feed


def reset_feed(user: User, reminder: str) -> CalendarFeed:
    return set_reminder(user, reminder, new_address=True)


def feed_owner(token: str) -> Feed | None:
    """Whose feed this address is: a saved feed's token, or a default address of someone who has
    not saved one (once she has, only the saved token works). One statement either way: a default
    address names its owner, whose account is read with her saved feed, if any (a saved feed
    keeps the default address of its own owner, or has a random one, which never looks like it)."""
    match = re.fullmatch(r"d(\d{1,12})-[0-9a-f]{32}", token or "")
    if match is None:
        found = db.session.execute(select(CalendarFeed, *_version_columns()).options(joinedload(CalendarFeed.user))
                                   .where(CalendarFeed.token == token)).first()
        if found is None:
            return None
        row, version, changed_here = found
        return Feed(row.user, row.token, row.reminder, usable(version, changed_here))
    found = db.session.execute(
        select(User, CalendarFeed.token, CalendarFeed.reminder, *_version_columns())
        .outerjoin(CalendarFeed, CalendarFeed.user_id == User.id).where(User.id == int(match.group(1)))
    ).first()
    if found is None:
        return None
    user, saved_token, reminder, version, changed_here = found
    version = usable(version, changed_here)
    if saved_token is not None:
        return Feed(user, saved_token, reminder, version) if hmac.compare_digest(token, saved_token) else None
    if not hmac.compare_digest(token, _default_token(user.id)):
        return None
    return Feed(user, token, DEFAULT_REMINDER, version)


FEED_HISTORY_DAYS = 92  # a feed keeps the last three months; years of meetings would only slow every refresh


GROUP_FEED_AHEAD = 50  # a group's feed: its next 50 meetings (and one that started within 3 hours)


def member_since(now: datetime) -> datetime:
    return now - timedelta(days=FEED_HISTORY_DAYS)


def group_since(now: datetime) -> datetime:
    return now - timedelta(hours=3)


def member_window(user_id, since):
    """Which meetings her feed carries: her groups' meetings from three months back on (values,
    or bound parameters in the version's statement)."""
    return (select(Meeting.id)
            .join(Membership, (Membership.group_id == Meeting.group_id) & (Membership.user_id == user_id))
            .where(Membership.status == MEMBER, Meeting.starts_at >= since))


def group_window(group_id, since):
    """Which meetings a group's feed carries: its next ones, a meeting under way included."""
    return (select(Meeting.id).where(Meeting.group_id == group_id, Meeting.starts_at >= since)
            .order_by(Meeting.starts_at, Meeting.id).limit(GROUP_FEED_AHEAD))


def meetings_of_member(user: User, now: datetime | None = None) -> list[Meeting]:
    """The meetings of her groups from three months back on, in one query (and their topics' texts)."""
    window = member_window(user.id, member_since(now or utcnow())).subquery()
    return list(db.session.scalars(
        select(Meeting).join(window, window.c.id == Meeting.id).order_by(Meeting.starts_at, Meeting.id)))


def meetings_of_group(group: Group, now: datetime | None = None) -> list[Meeting]:
    """A group's feed: its next meetings, in one query (and their topics' texts)."""
    window = group_window(group.id, group_since(now or utcnow())).subquery()
    return list(db.session.scalars(
        select(Meeting).join(window, window.c.id == Meeting.id).order_by(Meeting.starts_at, Meeting.id)))


def build_calendar(meetings: list[Meeting], viewer: User | None, languages: list[str], name: str,
                   reminder: str = "none", extra_events: list | None = None, member: bool = False) -> bytes:
    """A VCALENDAR of the meetings, as the viewer may see them, in the first of her languages.
    `member`: the viewer is a member of every group of these meetings (her personal feed carries
    only those), so each may show her its home's address without asking the database again."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    places: dict[int, str] = {}  # one permission check per group, not one per meeting
    with force_locale(languages[0] if languages else "en"):
        for meeting in meetings:
            if meeting.group_id not in places:
                places[meeting.group_id] = location_for(meeting.group, viewer, member)
            calendar.add_component(_event(meeting, viewer, languages, reminder, places[meeting.group_id]))
        for event in extra_events or []:
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _event(meeting: Meeting, viewer: User | None, languages: list[str], reminder: str,
           place: str | None = None) -> Event:
    group = meeting.group
    zone = ZoneInfo(group.timezone)
    event = Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", aware(meeting.updated_at))
    event.add("dtstart", meeting.start.astimezone(zone))
    event.add("dtend", meeting.end.astimezone(zone))
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    topic = meeting.topic.text_for(languages) if meeting.topic else None
    if topic:
        summary = _("%(group)s: %(topic)s", group=group.name, topic=topic.title)
    else:
        summary = _("%(group)s: support group meeting", group=group.name)
    if meeting.cancelled:
        summary = _("Cancelled: %(summary)s", summary=summary)
    event.add("summary", summary)
    event.add("location", place if place is not None else location_for(group, viewer))
    if topic and topic.description:
        event.add("description", topic.description)
    if reminder in ("1h", "1d") and not meeting.cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", -timedelta(hours=1) if reminder == "1h" else -timedelta(days=1))
        event.add_component(alarm)
    return event


def location_for(group, viewer: User | None, member: bool = False) -> str:
    """The address where the viewer may see it; for a home, others see only the locality."""
    place = group.locality.name()
    if group.address and (member or can_see_home_address(viewer, group)):
        return f"{group.address}, {place}"
    return place
