"""A group's regular schedule as dates: weekly, every two weeks, or monthly on a weekday.

Plain functions of dates, so that tests can check them without a database.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def first_on_or_after(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = first_on_or_after(date(year, month, 1), weekday)
    return first + timedelta(weeks=n - 1)


def occurrences(frequency: str, weekday: int, anchor: date, start: date, end: date) -> list[date]:
    """Meeting dates between `start` and `end` (inclusive) of a schedule that began on `anchor`.

    Monthly meetings keep the ordinal of the first one (the 2nd Tuesday stays the 2nd Tuesday;
    a 5th becomes the 4th, which every month has).
    """
    first = first_on_or_after(anchor, weekday)
    days: list[date] = []
    if frequency in ("weekly", "biweekly"):
        step = 7 if frequency == "weekly" else 14
        day = first
        if start > day:
            skip = (start - day).days // step
            day += timedelta(days=skip * step)
        while day <= end:
            if day >= start:
                days.append(day)
            day += timedelta(days=step)
        return days
    if frequency == "monthly":
        n = min((first.day - 1) // 7 + 1, 4)
        year, month = first.year, first.month
        while True:
            day = _nth_weekday(year, month, weekday, n)
            if day > end:
                return days
            if day >= start and day >= first:
                days.append(day)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise ValueError(f"unknown frequency {frequency!r}")


def to_utc(day: date, at: time, zone: str) -> datetime:
    """A local wall-clock time in the group's zone, as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))
