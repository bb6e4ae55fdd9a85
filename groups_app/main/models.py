"""Versions of data that pages keep computed between requests: one row per kind of figure."""
from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

OVERVIEW = "overview"  # the program overview's counts (main.services.program_overview)
CALENDAR = "calendar"  # what members' calendar feeds show (groups.calendar_versions; migration 0021)
ATTENDANCE = "attendance"  # the attendance report's figures (groups.services.attendance_figures; migration 0019)
TOPICS = "topics"  # the topic bank's lists of choices (groups.services.topics.topic_choices; migration 0023)
LOCALITIES = "localities"  # the localities' names in lists and filters (core.places.named_localities; migration 0025)
BOOKS = "books"  # what a catalogue search finds and its order (library.services.catalogue.search; migration 0026)


class DataVersion(db.Model):
    """A name and a value that changes whenever the facts behind that name change.

    The rows are written by database triggers only (migrations 0018, 0019, 0021, 0023, 0025, 0026), never by the app: every write
    path (the ORM, Core updates, bulk loads, erasure jobs) changes them in the same transaction as
    the facts. The value is a fresh random 64-bit number each time, not a counter: a counter would
    come back to the same number after a rolled-back change, a restored backup or an emptied table,
    and a process could then take counts it kept for that number as today's."""

    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)
