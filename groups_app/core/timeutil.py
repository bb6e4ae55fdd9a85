"""The one clock of the app: now in UTC, and today in the group's or the program's zone.

Times are stored in UTC and compared as aware datetimes, whatever the database returns. Every
"today", "this week", "overdue" and "upcoming" starts from `utcnow()` here, so that a test can
set the clock (`set_clock(app, moment)`) and the server's own zone never matters.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import Flask, current_app, has_app_context

DEFAULT_ZONE = "Asia/Jerusalem"


def set_clock(app: Flask, moment: datetime | None) -> None:
    """Stop the app's clock at `moment` (aware), or let it run again with None. For tests and demos."""
    if moment is not None and moment.tzinfo is None:
        raise ValueError("the clock takes an aware datetime")
    app.extensions["groups_app.clock"] = moment


def utcnow() -> datetime:
    if has_app_context():
        frozen = current_app.extensions.get("groups_app.clock")
        if frozen is not None:
            return frozen.astimezone(UTC)
    return datetime.now(UTC)


def program_zone() -> ZoneInfo:
    """The program's zone (DEFAULT_TIMEZONE), for what belongs to no one group."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", DEFAULT_ZONE) if has_app_context() else DEFAULT_ZONE
    return zone(name)


def zone(name: str | ZoneInfo | None) -> ZoneInfo:
    """A zone by name; an unknown or missing name means the program's zone."""
    if isinstance(name, ZoneInfo):
        return name
    if not name:
        return program_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return program_zone()


@cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(name for name in available_timezones()
                        if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix/", "right/"))))


def zone_choices() -> list[tuple[str, str]]:
    """Every place-named zone, the program's first: for a group's time zone."""
    first = current_app.config.get("BABEL_DEFAULT_TIMEZONE", DEFAULT_ZONE) if has_app_context() else DEFAULT_ZONE
    return [(first, first)] + [(name, name) for name in _zone_names() if name != first]


def local_now(where: str | ZoneInfo | None = None) -> datetime:
    """Now, on the wall clock of `where` (a zone name; the program's zone when None)."""
    return utcnow().astimezone(zone(where))


def today(where: str | ZoneInfo | None = None) -> date:
    """Today's date in `where` (a group's zone name; the program's zone when None)."""
    return local_now(where).date()


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes for timezone=True columns; they were stored in UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
