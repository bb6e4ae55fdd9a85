"""A calendar feed's version (its strong ETag), and the feed bodies a process keeps by version.

Calendar programs fetch a feed every few hours and most fetches find nothing changed. A feed's
ETag is a digest of everything its body is made from, read in one statement (the rows of the
meetings it carries, with what each event shows, and the texts of their topics), plus what the
request already knows (the group or her account, feed and reminder, the languages, what other
features add, the catalogs and this code's format). The windows ("from three months back",
"from three hours ago, the next 50") are read with the same clock as the body, so a meeting
leaving the window changes the rows and the digest: no "day" needs to be part of it.
A body is read between two readings of its version and carries it (and is kept) only when they
agree, so a change saved while it is written never leaves a version on a body it does not match.

A member's feed keeps the digest of its rows, per process, for the version of the facts they are
read from (`data_versions`' row 'calendar', changed by triggers: migration 0021), read beside her
account before anything else, and for as long as the clock leaves the rows as they are (until the
oldest meeting it carries leaves its three months): a fetch with nothing changed reads no rows.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import icalendar
from flask import current_app
from flask_babel import force_locale, get_locale
from sqlalchemy import String, bindparam, cast, literal, null, select, union_all
from sqlalchemy.orm import aliased

from ..core.places import Locality
from ..core.timeutil import aware
from ..extensions import db
from ..main.versions import kept_for
from .calendar import Feed, group_since, group_window, member_since, member_window
from .models import Group, Meeting, TopicText

FEED_FORMAT = "4"  # raise when this module changes what a feed says for the same data


class _KeptRows(NamedTuple):
    """A feed's rows' digest, read with its window starting at `since`: it holds for any later start
    up to `until` (the oldest meeting's start: after it, that meeting leaves the window), or for
    ever when the window held no meeting (until None)."""
    since: datetime
    until: datetime | None
    digest: str


_KEPT = "groups.feed_rows"  # app.extensions: (version, {(owner, languages): _KeptRows})
_KEPT_AT_MOST = 20_000  # feeds kept for one version; past it, the process starts afresh


def _version_statement(personal: bool):
    """What the events of a feed's meetings are made from, in one statement: each meeting's own
    columns (times as the database stores them, not parsed), with its group's name, address,
    venue, zone and place names for her feed (a group's feed takes them from the group); then the
    texts of the topics they carry that the feed may show: in the feed's languages or English, or
    any when a topic has none of those (`Topic.text_for`). A text has no time of change, so its
    words are the version. Built once per process, with bound parameters."""
    window = (member_window(bindparam("owner"), bindparam("since", type_=Meeting.starts_at.type)) if personal
              else group_window(bindparam("owner"), bindparam("since", type_=Meeting.starts_at.type)))
    group_columns = ([Group.name, Group.address, Group.venue_kind, Group.timezone, Locality.name_en,
                      Locality.name_he, Locality.name_ar, Locality.name_ru] if personal else [])
    meetings = select(literal("m").label("kind"), Meeting.id.label("a"), Meeting.sequence.label("b"),
                      Meeting.duration_minutes, Meeting.topic_id, Meeting.status, cast(Meeting.starts_at, String),
                      cast(Meeting.updated_at, String), *group_columns,
                      Meeting.starts_at.label("start")).where(Meeting.id.in_(window))
    if personal:
        meetings = meetings.join(Group, Group.id == Meeting.group_id).join(Locality, Locality.id == Group.locality_id)
    languages = bindparam("languages", expanding=True)
    other = aliased(TopicText)
    shown = TopicText.language.in_(languages) | ~select(other.id).where(
        other.topic_id == TopicText.topic_id, other.language.in_(languages)).exists()
    texts = select(literal("t"), TopicText.topic_id, TopicText.id, null(), null(), TopicText.language,
                   TopicText.title, TopicText.description, *[null()] * len(group_columns), null()
                   ).where(TopicText.topic_id.in_(select(Meeting.topic_id).where(Meeting.id.in_(window))), shown)
    return union_all(meetings, texts).order_by("kind", "a", "b")


_STATEMENTS: dict[bool, object] = {}


def _version_rows(personal: bool, owner: int, since: datetime, languages: list[str]) -> list[tuple]:
    statement = _STATEMENTS.get(personal)
    if statement is None:
        statement = _STATEMENTS[personal] = _version_statement(personal)
    rows = db.session.execute(statement, {"owner": owner, "since": since, "languages": [*languages, "en"]}).all()
    return [tuple(row) for row in rows]  # all at once: row by row, the cursor was asked once per row


def _rows_digest(personal: bool, owner: int, since: datetime, languages: list[str], version: int | None) -> str:
    """The digest of the feed's rows (`_version_rows`): kept by this process for `version` (None:
    keep nothing) and for as long as the window's start, moving with the clock, leaves them as they
    are; read and kept otherwise. Each meeting row's last column is its start, typed."""
    key = (personal, owner, tuple(languages))
    kept = kept_for(_KEPT, version, _KEPT_AT_MOST)
    known = kept.get(key) if kept is not None else None
    if known is not None and known.since <= since and (known.until is None or since <= known.until):
        return known.digest
    rows = _version_rows(personal, owner, since, languages)
    digest = hashlib.sha256(repr([row[:-1] for row in rows]).encode()).hexdigest()  # `_digest` adds the rest
    if kept is not None:
        starts = [aware(row[-1]) for row in rows if row[0] == "m"]
        kept[key] = _KeptRows(since, min(starts) if starts else None, digest)
    return digest


def _digest(*parts) -> str:
    """The parts' digest: each written as Python writes it (`repr`: strings quoted and escaped, so
    no two different lists of rows read the same), events as their bytes."""
    hashed = hashlib.sha256()
    for part in (FEED_FORMAT, icalendar.__version__, _catalogs(), *parts):
        hashed.update(part if isinstance(part, bytes) else repr(part).encode())
        hashed.update(b"\x1e")
    return hashed.hexdigest()[:40]


def _catalogs() -> str:
    """The compiled translations' fingerprint, made once per app: a new catalog changes every
    feed's words, so it changes every version."""
    known = current_app.extensions.get("groups.feed_catalogs")
    if known is None:
        hashed = hashlib.sha256()
        for folder in current_app.config.get("BABEL_TRANSLATION_DIRECTORIES", "translations").split(";"):
            for path in sorted(Path(current_app.root_path, folder).glob("*/LC_MESSAGES/*.mo")):
                hashed.update(str(path.relative_to(path.parents[2])).encode() + path.read_bytes())
        known = current_app.extensions["groups.feed_catalogs"] = hashed.hexdigest()[:16]
    return known


def group_feed_version(group: Group, now: datetime) -> str:
    """A group's public feed: its meetings and their topics, its name, languages, zone and place;
    its address only where the feed shows it (not a home's), so the public version says nothing
    about an address it does not show."""
    shown_address = group.address if group.venue_kind != "home" else ""
    place = group.locality
    return _digest("group", group.id, group.name, group.languages, group.timezone, group.venue_kind, shown_address,
                   (place.name_en, place.name_he, place.name_ar, place.name_ru),
                   [row[:-1] for row in _version_rows(False, group.id, group_since(now), group.language_list)])


class FeedEvents(Sequence):
    """What a feature adds to her feed (groups.hooks.feed_events) as the rows its events are made
    from: the rows are its part of the feed's version, and the events, which icalendar makes and
    writes at a cost, are made from them only when a body is written (or when asked for), in the
    language of the request that read the rows. Every value an event shows must be in its row."""

    def __init__(self, rows: list[tuple], make: Callable[[list[tuple]], list]):
        self.rows, self._make, self._events = rows, make, None
        locale = get_locale()
        self._locale = str(locale) if locale is not None else None

    def _made(self) -> list:
        if self._events is None:
            if self._locale is None:
                self._events = self._make(self.rows)
            else:
                with force_locale(self._locale):
                    self._events = self._make(self.rows)
        return self._events

    def __len__(self) -> int:
        return len(self.rows)  # one event per row

    def __getitem__(self, index):
        return self._made()[index]


def personal_feed_version(feed: Feed, name: str, extra: list, now: datetime, kept: bool = True) -> str:
    """Her feed: her address and reminder, her languages, the feed's name as this request writes
    it, what other features add (each contribution's rows when it gives them as FeedEvents, else
    its events as written), and her groups' meetings with each group's details (she is a member of
    each, so the address is part of it: their rows' digest, kept per version of what they show;
    with `kept` False, read from the database whatever was kept, as `feed_body` reads it again)."""
    user = feed.user
    added = [part.rows if isinstance(part, FeedEvents) else b"".join(event.to_ical() for event in part)
             for part in extra]
    return _digest("personal", user.id, feed.token, feed.reminder, user.language, user.other_languages, name, added,
                   _rows_digest(True, user.id, member_since(now), user.read_languages, feed.version if kept else None))


def events_of(extra: list) -> list:
    """The events of what other features add to her feed (made now where they are FeedEvents)."""
    return [event for part in extra for event in part]


class _Bodies:
    """The feeds this process wrote last, by version, within a budget of bytes (least recently
    used go first). A version names everything a body is made from, so a body found here is the
    body the database would give now."""

    def __init__(self, budget: int):
        self.budget, self.size, self.items, self.lock = budget, 0, OrderedDict(), threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            body = self.items.get(key)
            if body is not None:
                self.items.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        if len(body) > self.budget:
            return
        with self.lock:
            if key in self.items:
                return
            self.items[key] = body
            self.size += len(body)
            while self.size > self.budget:
                self.size -= len(self.items.popitem(last=False)[1])


def feed_body(version: str, build: Callable[[], bytes], read_version: Callable[[], str]) -> tuple[bytes, str | None]:
    """The body of this version, kept from an earlier request of this process or built now, and
    the version it may carry: None when the feed changed while it was built (read again after)."""
    bodies = current_app.extensions.get("groups.feed_bodies")
    if bodies is None:
        budget = current_app.config.get("CALENDAR_FEED_CACHE_BYTES", 8 * 1024 * 1024)
        bodies = current_app.extensions["groups.feed_bodies"] = _Bodies(budget)
    body = bodies.get(version)
    if body is not None:
        return body, version
    body = build()
    if read_version() != version:
        return body, None
    bodies.put(version, body)
    return body, version
