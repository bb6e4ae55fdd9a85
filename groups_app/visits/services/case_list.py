"""Lists of cases a page at a time, as plain rows with each case's people, visits so far and weeks
without a visit: the coordinator's (filtered, with its filters' choices) and a volunteer's mothers."""
from __future__ import annotations

import functools
from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Integer, bindparam, exists, func, select
from sqlalchemy.orm import aliased

from ...accounts.models import User
from ...core.places import Locality
from ...core.sql import contains, contains_pattern, page_window
from ...core.timeutil import today
from ...extensions import db
from ...main.versions import localities_columns, localities_version_of
from ..models import CASE_LIST_ORDER, Case, Volunteer
from .cases import PER_PAGE, Progress, _last_visit, _Mother, _visits_so_far, weeks_without_visit


@dataclass
class CaseFilters:
    status: str | None = None
    locality_id: int | None = None
    volunteer_id: int | None = None
    volunteer_name: str | None = None  # part of her volunteer's name, as she typed it


MAX_NAME = 120  # as users.name: longer text can match nobody


def name_pattern(text: str | None) -> str | None:
    """Her text as the bound `volunteer_name` of the list's statements (core.sql.contains_pattern)."""
    return contains_pattern(text, MAX_NAME)


# The coordinator's list: its statements are built once per process (building and cache-keying a
# select costs SQLAlchemy a few hundred calls), one for each set of filters in use, and read plain
# columns (the page shows values, not objects: 25 cases with their people as objects cost 3,000 calls).
_VolunteerUser = aliased(User, name="volunteer_user")
_FILTERS = (("status", Case.status), ("locality_id", Case.locality_id), ("volunteer_id", Case.volunteer_id))
_ORDER = CASE_LIST_ORDER  # open cases first, then the newest: read in order from ix_cases_list_order


def _named_volunteers():
    """The volunteers whose name contains the bound pattern `volunteer_name` (from `name_pattern`): each
    volunteer's name looked up by key (as a join, PostgreSQL reads every account of the program)."""
    name = select(User.name).where(User.id == Volunteer.user_id).correlate(Volunteer).scalar_subquery()
    return select(Volunteer.id).where(contains(name, "volunteer_name"))


def _chosen_cases(used: tuple[str, ...]):
    """The ids of the cases the filters in `used` let through (each value a bound parameter)."""
    wanted = select(Case.id)
    for name, column in _FILTERS:
        if name in used:
            wanted = wanted.where(column == bindparam(name))
    if "volunteer_name" in used:
        wanted = wanted.where(Case.volunteer_id.in_(_named_volunteers()))
    return wanted


@functools.cache
def _cases_page_statement(used: tuple[str, ...], postgresql: bool = False):
    """A page of cases (`limit` and `offset` written in when it runs: core.sql.page_window) with the
    total, each row's mother's and volunteer's names, her visits so far and her last visit: the
    page's ids are chosen on the narrow columns of `cases` alone (sorted without the people joined
    to each row), then only those rows are read with their people, and the total rides beside them,
    with the localities' version for the locality filter (main.versions.kept_localities)."""
    wanted = _chosen_cases(used)
    limit, offset = page_window()  # in the statement's text: PostgreSQL keeps one plan for it
    ids = wanted.order_by(*_ORDER).limit(limit).offset(offset)
    total = select(func.count()).select_from(wanted.subquery()).scalar_subquery()
    return (select(Case.id, Case.status, Case.languages, Case.locality_id, Case.mother_id, Case.volunteer_id,
                   Case.matched_on, Case.closed_on, Case.close_reason, _Mother.name.label("mother_name"),
                   _VolunteerUser.name.label("volunteer_name"), total.label("total"),
                   _visits_so_far().label("visits"), _last_visit().label("last_visit"),
                   *localities_columns(postgresql))
            .outerjoin(_Mother, _Mother.id == Case.mother_id)
            .outerjoin(Volunteer, Volunteer.id == Case.volunteer_id)
            .outerjoin(_VolunteerUser, _VolunteerUser.id == Volunteer.user_id)
            .where(Case.id.in_(ids)).order_by(*_ORDER))


@functools.cache
def _cases_count_statement(used: tuple[str, ...], postgresql: bool = False):
    """The count alone, for a page without rows, with the localities' version (which the rows carry
    when there are any); with, when those filters are used, whether some volunteer's name contains
    her text and the chosen volunteer's name (likewise)."""
    count = select(func.count().label("total"), *localities_columns(postgresql)).select_from(_chosen_cases(used).subquery())
    if "volunteer_name" in used:
        count = count.add_columns(exists(_named_volunteers()).label("named"))
    if "volunteer_id" in used:
        count = count.add_columns(select(User.name).join(Volunteer, Volunteer.user_id == User.id)
                                  .where(Volunteer.id == bindparam("volunteer_id")).scalar_subquery().label("chosen"))
    return count


class _CasesPage(Pagination):
    """A page of cases in one statement (two for a page past the end, which counts apart): each
    item a row of plain columns (`id`, `status`, `mother_name`, `volunteer_name`, ...).
    `chosen_volunteer`: the name of the volunteer `volunteer_id` chooses (None when there is none);
    `no_volunteer_named`: no volunteer's name contains her text; `localities_version`: the version
    to keep the locality filter's names under (None: read them)."""

    def _query_items(self) -> list:
        values = self._query_args["values"]
        postgresql = db.session.get_bind().dialect.name == "postgresql"
        rows = db.session.execute(_cases_page_statement(tuple(values), postgresql),
                                  {**values, "limit": self.per_page, "offset": self._query_offset}).all()
        self._counted = rows[0].total if rows else None
        self.localities_version = localities_version_of(rows[0] if rows else None)
        self.chosen_volunteer = rows[0].volunteer_name if rows and "volunteer_id" in values else None
        self.no_volunteer_named = False
        on = today()
        self.progress = {row.id: Progress(row.visits, row.last_visit,
                                          weeks_without_visit(row, row.last_visit, on) if row.status == "active" else 0)
                         for row in rows}
        return rows

    def _query_count(self) -> int:
        if self._counted is not None:
            return self._counted
        values = self._query_args["values"]
        postgresql = db.session.get_bind().dialect.name == "postgresql"
        counted = db.session.execute(_cases_count_statement(tuple(values), postgresql), values).one()
        self.localities_version = localities_version_of(counted)
        row = counted._mapping
        self.no_volunteer_named = "named" in row and not row["named"]
        self.chosen_volunteer = row.get("chosen", self.chosen_volunteer)
        return row["total"]


def cases_page(filters: CaseFilters, page: int = 1):
    """The coordinator's list of cases, filtered, a page at a time, each with her visits so far
    (and, when active, the weeks without a visit): one statement (two for a page past the end), whatever
    the number of volunteers: her volunteer filter is a name she types, not a list of every volunteer."""
    values = {name: getattr(filters, name) for name, _column in _FILTERS if getattr(filters, name)}
    named = name_pattern(filters.volunteer_name)
    if named is not None:
        values["volunteer_name"] = named
    pagination = _CasesPage(values=values, page=page, per_page=PER_PAGE, error_out=False)
    return pagination, pagination.progress


# ---- a volunteer's mothers ------------------------------------------------------------------------

def volunteer_cases_page(user: User, page: int = 1, per_page: int = PER_PAGE):
    """Her active mothers a page at a time, each with her visits so far and the weeks without one:
    one query (the page carries its total, and each case its visits and last visit, from the index
    on (case_id, visited_on)). A volunteer has five at most today; the page keeps it so if that
    changes. Each item is a row of plain columns (`id`, `mother_name`, the locality's names, ...)."""
    pagination = _HerCasesPage(values={"user_id": user.id}, page=page, per_page=per_page, error_out=False)
    on = today()
    mine = [(row, Progress(row.visits, row.last_visit, weeks_without_visit(row, row.last_visit, on)))
            for row in pagination.items]
    return pagination, mine


def _her_active_cases():
    return (select(Case.id).join(Volunteer, Volunteer.id == Case.volunteer_id)
            .where(Volunteer.user_id == bindparam("user_id"), Case.status == "active"))


@functools.cache  # built once per process, as the coordinator's list
def _her_cases_statement():
    return (select(Case.id, Case.status, Case.matched_on, Case.closed_on, Case.baby_birth_date, Case.due_date,
                   Case.mother_id, _Mother.name.label("mother_name"), Case.locality_id, Locality.name_en,
                   Locality.name_he, Locality.name_ar, Locality.name_ru, _visits_so_far().label("visits"),
                   _last_visit().label("last_visit"), func.count().over().label("total"))
            .join(Volunteer, Volunteer.id == Case.volunteer_id)
            .outerjoin(_Mother, _Mother.id == Case.mother_id).outerjoin(Locality, Locality.id == Case.locality_id)
            .where(Volunteer.user_id == bindparam("user_id"), Case.status == "active").order_by(Case.matched_on, Case.id)
            .limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer)))


@functools.cache
def _her_cases_count_statement():
    return select(func.count()).select_from(_her_active_cases().subquery())


class _HerCasesPage(Pagination):
    """A page of her mothers in one statement (two for a page past the end, which counts apart)."""

    def _query_items(self) -> list:
        rows = db.session.execute(_her_cases_statement(), {**self._query_args["values"], "limit": self.per_page,
                                                           "offset": self._query_offset}).all()
        self._counted = rows[0].total if rows else None
        return rows

    def _query_count(self) -> int:
        if self._counted is not None:
            return self._counted
        return db.session.scalar(_her_cases_count_statement(), self._query_args["values"])
