"""The coordinator's attendance report: its pages of groups with their figures for a month, and
their CSV. The figures are counted, and kept per version of the facts they count, by
attendance_figures.py; the groups' rows carry that version (read before the figures are)."""
from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import NamedTuple

from flask_babel import get_locale, lazy_pgettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    bindparam,
    func,
    select,
)

from ...core.csvsafe import safe_cell, safe_row
from ...core.places import Locality
from ...core.sql import bound_page, listed_in, listed_in_bound, listed_in_values
from ...extensions import db
from ...main.models import ATTENDANCE
from ...main.versions import carried_by, localities_columns, usable, version_columns
from ..models import Group
from .attendance_figures import GroupMonth, figures, group_counts


class ReportRow(NamedTuple):
    """A group's line of the report as the page and the CSV write it: plain values, no objects."""
    id: int
    name: str
    locality: str  # in the reader's language
    meetings: int
    attendances: int
    distinct: int
    first_time: int
    pregnant: int
    breastfeeding: int
    regulars: int


class _LocalityNames(NamedTuple):  # what Locality.name reads, from the group's row
    name_en: str
    name_he: str
    name_ar: str | None
    name_ru: str | None


PER_PAGE = 25


def groups_query(locality_id: int | None = None, language: str | None = None):
    """The groups the report covers, by name, as objects (`attendance_report`; the page and the
    CSV read plain columns from `_group_statements`, which filter the same way)."""
    query = select(Group).where(Group.archived.is_(False)).order_by(Group.name, Group.id)
    if locality_id:
        query = query.where(Group.locality_id == locality_id)
    if language:
        query = query.where(listed_in(Group.languages, language))
    return query


# A group as the page and the CSV read it: plain columns (as objects with their localities, 25
# groups cost the ORM about 50 calls each), its locality's names for the reader's language.
_GROUP_COLUMNS = (Group.id, Group.name, Group.timezone, Locality.name_en, Locality.name_he, Locality.name_ar,
                  Locality.name_ru)
_NAMES = slice(3, 7)  # a row's locality names; then the localities' version (two columns), the figures' (two)
_LOCALITIES_VERSION = slice(7, 9)


@functools.cache
def _group_statements(by_locality: bool, by_language: bool, postgresql: bool = False):
    """The report's groups for each combination of filters, built once per process (the filters'
    values, a page's limit and offset are bound parameters): a page with its total beside the
    rows, the total alone (for a page past the end, which has no rows to carry it), and every group
    for the CSV. Building them on every request cost a page a few hundred calls.
    Each row of a page or of the CSV's carries the figures' version and, on PostgreSQL, whether this
    transaction changed a counted fact (main.versions.carried_by): read before the figures are, in
    the same statement as the groups; before them, the localities' version (for the page's locality
    filter, `report_page`)."""
    conditions = [Group.archived.is_(False)]
    if by_locality:
        conditions.append(Group.locality_id == bindparam("locality_id"))
    if by_language:
        conditions.append(listed_in_bound(Group.languages, "language"))
    groups = (select(*_GROUP_COLUMNS, *localities_columns(postgresql), *version_columns(ATTENDANCE, postgresql))
              .join(Locality, Locality.id == Group.locality_id)
              .where(*conditions).order_by(Group.name, Group.id))
    limit, offset = bindparam("limit"), bindparam("offset")
    total = select(func.count()).select_from(Group).where(*conditions)
    # The total rides beside the page's rows as a count of its own, not as a window count: a window
    # made SQLite carry every matching group's whole row through a sort to count them (0.67 ms against
    # 0.21 at 300 groups; PostgreSQL the same either way).
    return (groups.add_columns(total.correlate(None).scalar_subquery()).limit(limit).offset(offset), total, groups)


def _group_filters(locality_id: int | None, language: str | None) -> tuple[tuple, dict]:
    """The statements for these filters and their values."""
    params: dict = {}
    if locality_id:
        params["locality_id"] = locality_id
    if language:
        params.update(listed_in_values("language", language))
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    return _group_statements(bool(locality_id), bool(language), postgresql), params


def report_page(month: date, locality_id: int | None = None, language: str | None = None, page: int = 1,
                per_page: int = PER_PAGE, now: datetime | None = None):
    """One page of groups with their figures for the month: `.items` are ReportRow tuples."""
    statements, params = _group_filters(locality_id, language)
    # The total beside the rows (core.sql.BoundPage's `counted`): one statement for both
    pagination = bound_page(statements[:2], params, page, per_page, counted=True)
    groups = pagination.items
    # The version to keep the locality filter's names under (main.versions.kept_localities)
    pagination.localities_version = usable(*groups[0][_LOCALITIES_VERSION]) if groups else None
    pagination.items = _report_rows(groups, month, now)
    return pagination


def _report_rows(groups, month: date, now: datetime | None) -> list[ReportRow]:
    """Each group's (id, name, zone, locality's names, the figures' version...) with its figures, as
    the report's rows."""
    counts = group_counts({group[0]: group[2] for group in groups}, month, now, carried_by(groups))
    locale = str(get_locale() or "en")
    return [ReportRow(row[0], row[1], _locality_name(_LocalityNames(*row[_NAMES]), locale), *counts[row[0]])
            for row in groups]


@functools.lru_cache(maxsize=1024)
def _locality_name(names: _LocalityNames, locale: str) -> str:
    return Locality.name(names, locale)  # the model's rule, on the row's columns


def attendance_report(month: date, locality_id: int | None = None, language: str | None = None,
                      now: datetime | None = None) -> list[GroupMonth]:
    """Every group's figures for the month (the CSV's rows, a chunk at a time, use `figures`)."""
    return figures(list(db.session.scalars(groups_query(locality_id, language)).unique()), month, now)


CSV_COLUMNS = (
    _l("Group"), _l("Locality"), _l("Meetings"), _l("Attendances"), _l("Distinct mothers"), _l("First-time attendees"),
    lazy_pgettext("heading over a number of mothers", "Pregnant"), lazy_pgettext("heading over a number of mothers", "Breastfeeding"), _l("Regulars"),
)


def _csv_lines(rows) -> bytes:
    """Rows as CSV text in one write: the csv module's own quoting and line ends."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def csv_chunks(month: date, locality_id: int | None = None, language: str | None = None, chunk: int = 100,
               now: datetime | None = None) -> Iterator[bytes]:
    """The CSV a few lines at a time: the groups' rows in one statement (a few hundred bytes a group),
    their figures and lines `chunk` groups at a time, so that the first bytes leave at once and a
    round's statements stay small however many groups there are. (Rounds of groups by OFFSET, as
    before, had the database join and sort every group again for each round.) UTF-8 with a
    byte-order mark, so that spreadsheet programs read Hebrew, Arabic and Amharic right."""
    yield "\ufeff".encode() + _csv_lines([safe_row([str(c) for c in CSV_COLUMNS])])
    (_page, _total, every), params = _group_filters(locality_id, language)
    groups = db.session.connection().execute(every, params).all()
    for start in range(0, len(groups), chunk):
        # A group named "=HYPERLINK(...)" stays a name; the counts are numbers the app computed.
        yield _csv_lines([(safe_cell(row.name), safe_cell(row.locality), *row[3:])
                          for row in _report_rows(groups[start:start + chunk], month, now)])


def report_csv(month: date, locality_id: int | None = None, language: str | None = None) -> bytes:
    """The whole CSV at once (the view streams `csv_chunks` instead)."""
    return b"".join(csv_chunks(month, locality_id, language))
