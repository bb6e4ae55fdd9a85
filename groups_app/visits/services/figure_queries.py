"""The program figures' SQL: one aggregate query per figure, whatever the program's size, the same on
SQLite and PostgreSQL (the few functions that differ are chosen by dialect in the helpers below)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import (
    Date,
    Interval,
    String,
    and_,
    case,
    cast,
    distinct,
    exists,
    extract,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from ...accounts.models import User
from ...core.sql import listed_in
from ...core.timeutil import program_zone
from ...extensions import db
from ..models import CLOSE_REASONS, Case, CourseEnrolment, Referral, VisitLog, Volunteer

YOUNG = 21  # a mother under this age is "young"
RETURN_AFTER_DAYS = 365  # a volunteer who takes a mother this long after her first one is "returning"
EARLY_REASONS = tuple(r for r in CLOSE_REASONS if r != "first_birthday")
AT_END = "at_end"  # closed at (or after) the first birthday

# {"loc" | "lang" | "all": {(row key or None, category or None): (measure, ...)}}
Levels = dict[str, dict[tuple[str | None, str | None], tuple]]


@dataclass(frozen=True)
class Scope:
    """What the coordinator asked for: a year (None: to date), a locality, a language; and today."""

    year: int | None
    locality_id: int | None
    language: str | None
    today: date


# ---- portable SQL ------------------------------------------------------------------------------

def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def first_item(column):
    """The first item of a comma-separated list: the language she named first ("ar,he" -> "ar")."""
    if _postgres():
        return func.split_part(column, ",", 1)
    return func.substr(column, 1, func.instr(column + ",", ",") - 1)


def shifted(column, *, years: int = 0, days: int = 0):
    """A date moved on by whole years and days. (From 29 February, SQLite lands on 1 March and
    PostgreSQL on 28 February: one day's difference, once in four years.)"""
    if _postgres():
        return cast(column + literal_column(f"interval '{years} years {days} days'", Interval), Date)
    return func.date(column, f"+{years} years", f"+{days} days")


def _year(column):
    # SQLAlchemy compiles extract() to strftime() on SQLite, EXTRACT on PostgreSQL.
    return extract("year", column)


def _flag(condition, name: str):
    return case((condition, 1), else_=0).label(name)


def _count_if(condition):
    return func.sum(case((condition, 1), else_=0))


def year_days(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year + 1, 1, 1)


def utc_midnight(day: date) -> datetime:
    """Midnight starting `day` on the program's calendar, in UTC (stored times are UTC)."""
    return datetime.combine(day, datetime.min.time(), tzinfo=program_zone()).astimezone(UTC)


def _case_scope(scope: Scope, dated=None) -> list:
    conditions = []
    if scope.locality_id:
        conditions.append(Case.locality_id == scope.locality_id)
    if scope.language:
        conditions.append(listed_in(Case.languages, scope.language))
    if scope.year and dated is not None:
        start, end = year_days(scope.year)
        conditions += [dated >= start, dated < end]
    return conditions


def levels(base, measures: list, *, by_category: bool) -> Levels:
    """`measures` over the rows of `base` (a CTE with loc, lang and, `by_category`, cat), at every
    level the page shows, in one UNION ALL query: per locality (and category), per language (and
    category), and for the whole (and per category)."""
    none = cast(null(), String)
    keys = {"loc": cast(base.c.loc, String), "lang": base.c.lang, "all": none}
    parts = []
    for level, key in keys.items():
        for with_category in ((True, False) if by_category else (False,)):
            category = cast(base.c.cat, String) if with_category else none
            grouping = ([key] if level != "all" else []) + ([category] if with_category else [])
            parts.append(select(literal(level, String).label("level"), key.label("key"), category.label("cat"),
                                *measures).select_from(base).group_by(*grouping))
    found: Levels = {"loc": {}, "lang": {}, "all": {}}
    for level, key, category, *values in db.session.execute(union_all(*parts)):
        found[level][(key or None, category)] = tuple(int(v or 0) for v in values)  # PostgreSQL sums are Decimal
    return found


# ---- the figures -------------------------------------------------------------------------------

def first_year() -> int | None:
    """The year of the program's first match or referral (for the year filter)."""
    matched, referred = db.session.execute(select(
        select(func.min(Case.matched_on)).scalar_subquery(),
        select(func.min(Referral.created_at)).scalar_subquery(),
    )).one()
    years = [int(str(value)[:4]) for value in (matched, referred) if value is not None]
    return min(years) if years else None


def _served_cases(scope: Scope):
    """Cases matched with a volunteer (in the year), with their number of visits."""
    visits = select(VisitLog.case_id, func.count().label("n")).group_by(VisitLog.case_id).subquery()
    return (select(Case.id, Case.mother_id, Case.matched_on, Case.locality_id.label("loc"),
                   first_item(Case.languages).label("lang"), Case.mother_age.label("age"),
                   Case.first_baby.label("first_baby"), func.coalesce(visits.c.n, 0).label("n"))
            .outerjoin(visits, visits.c.case_id == Case.id)
            .where(Case.matched_on.is_not(None), *_case_scope(scope, Case.matched_on))
            .cte("served"))


def mothers_served(scope: Scope) -> Levels:
    """Distinct mothers (an anonymised case counts as one), per year of the match."""
    served = _served_cases(scope)
    base = select(served.c.loc, served.c.lang, _year(served.c.matched_on).label("cat"),
                  func.coalesce(served.c.mother_id, -served.c.id).label("who")).cte("served_years")
    return levels(base, [func.count(distinct(base.c.who))], by_category=True)


def cases(scope: Scope) -> Levels:
    """Cases served: count, under 21 / 21 or older / age not recorded, first baby / not / not
    recorded, and their visits."""
    base = _served_cases(scope)
    return levels(base, [
        func.count(), _count_if(base.c.age < YOUNG), _count_if(base.c.age >= YOUNG), _count_if(base.c.age.is_(None)),
        _count_if(base.c.first_baby.is_(True)), _count_if(base.c.first_baby.is_(False)), _count_if(base.c.first_baby.is_(None)),
        func.sum(base.c.n),
    ], by_category=False)


def median_visits(scope: Scope) -> dict[str, dict[str | None, float]]:
    """The median number of visits per case, per locality, per language and for the whole: window
    functions (row_number, count over a partition) do it in one query on both databases."""
    base = _served_cases(scope)
    ranked = select(
        base.c.loc, base.c.lang, base.c.n,
        func.row_number().over(partition_by=base.c.loc, order_by=base.c.n).label("r_loc"),
        func.count().over(partition_by=base.c.loc).label("c_loc"),
        func.row_number().over(partition_by=base.c.lang, order_by=base.c.n).label("r_lang"),
        func.count().over(partition_by=base.c.lang).label("c_lang"),
        func.row_number().over(order_by=base.c.n).label("r_all"),
        func.count().over().label("c_all"),
    ).cte("ranked")
    parts = []
    for level, key in (("loc", cast(ranked.c.loc, String)), ("lang", ranked.c.lang), ("all", cast(null(), String))):
        rank, count = ranked.c[f"r_{level}"], ranked.c[f"c_{level}"]
        # the middle row (odd count) or the two middle rows (even): 2 * rank between count and count + 2
        part = select(literal(level, String).label("level"), key.label("key"), func.avg(ranked.c.n)).where(
            rank * 2 >= count, rank * 2 <= count + 2)
        parts.append(part.group_by(key) if level != "all" else part)
    found: dict[str, dict[str | None, float]] = {"loc": {}, "lang": {}, "all": {}}
    for level, key, median in db.session.execute(union_all(*parts)):
        if median is not None:
            found[level][key or None] = float(median)
    return found


def referrals(scope: Scope) -> Levels:
    """Referrals received (in the year), per source."""
    conditions = []
    if scope.locality_id:
        conditions.append(Referral.locality_id == scope.locality_id)
    if scope.language:
        conditions.append(listed_in(Referral.languages, scope.language))
    if scope.year:
        start, end = year_days(scope.year)
        conditions += [Referral.created_at >= utc_midnight(start), Referral.created_at < utc_midnight(end)]
    base = (select(Referral.locality_id.label("loc"), first_item(Referral.languages).label("lang"),
                   Referral.source.label("cat")).where(*conditions).cte("referred"))
    return levels(base, [func.count()], by_category=True)


def volunteers(scope: Scope) -> Levels:
    """Volunteers trained (completed a course, in the year), active now (not paused, and visiting a
    mother or ready to be matched), whose first mother was matched over a year ago, and returning
    (took another mother more than a year after her first). By her own locality and language."""
    completed = select(CourseEnrolment.volunteer_id).where(CourseEnrolment.completed_on.is_not(None))
    trained = completed
    if scope.year:
        start, end = year_days(scope.year)
        trained = completed.where(CourseEnrolment.completed_on >= start, CourseEnrolment.completed_on < end)
    firsts = (select(Case.volunteer_id.label("vid"), func.min(Case.matched_on).label("first_on"))
              .where(Case.volunteer_id.is_not(None), Case.matched_on.is_not(None))
              .group_by(Case.volunteer_id).subquery())
    later = aliased(Case)
    returned = exists().where(later.volunteer_id == Volunteer.id,
                              later.matched_on > shifted(firsts.c.first_on, days=RETURN_AFTER_DAYS))
    visiting = exists().where(Case.volunteer_id == Volunteer.id, Case.status == "active")
    active = and_(Volunteer.active.is_(True),
                  or_(visiting, and_(Volunteer.screening == "passed", Volunteer.id.in_(completed))))
    conditions = []
    if scope.locality_id:
        conditions.append(User.locality_id == scope.locality_id)
    if scope.language:
        conditions.append(or_(User.language == scope.language, listed_in(User.other_languages, scope.language)))
    base = (select(User.locality_id.label("loc"), User.language.label("lang"),
                   _flag(Volunteer.id.in_(trained), "trained"), _flag(active, "active"),
                   _flag(firsts.c.first_on <= scope.today - timedelta(days=RETURN_AFTER_DAYS), "eligible"),
                   _flag(returned, "returned"))
            .select_from(Volunteer).join(User, User.id == Volunteer.user_id)
            .outerjoin(firsts, firsts.c.vid == Volunteer.id)
            .where(*conditions).cte("volunteering"))
    return levels(base, [func.sum(base.c.trained), func.sum(base.c.active), func.sum(base.c.eligible),
                         func.sum(base.c.returned)], by_category=False)


def closed(scope: Scope) -> Levels:
    """Cases closed (in the year): at the first birthday, or early (before it, for another reason)
    and why."""
    early = and_(Case.close_reason != "first_birthday",
                 or_(Case.baby_birth_date.is_(None), Case.closed_on < shifted(Case.baby_birth_date, years=1)))
    why = case((and_(early, Case.close_reason.in_(EARLY_REASONS)), Case.close_reason),
               (early, literal("other", String)), else_=literal(AT_END, String))
    base = (select(Case.locality_id.label("loc"), first_item(Case.languages).label("lang"), why.label("cat"))
            .where(Case.status == "closed", *_case_scope(scope, Case.closed_on)).cte("closed"))
    return levels(base, [func.count()], by_category=True)


# ---- trends ------------------------------------------------------------------------------------

def _bucketed(dated, bounds: list, query) -> list[int]:
    """Counts per interval [bounds[i], bounds[i + 1]) of `dated`, in one grouped query."""
    bucket = case(*[(dated >= bounds[i], i) for i in reversed(range(len(bounds) - 1))], else_=-1)
    rows = query.add_columns(bucket.label("bucket")).where(dated >= bounds[0], dated < bounds[-1]).subquery()
    counts = [0] * (len(bounds) - 1)
    for index, n in db.session.execute(select(rows.c.bucket, func.count()).group_by(rows.c.bucket)):
        if 0 <= index < len(counts):
            counts[index] = n
    return counts


def referrals_per_month(scope: Scope, months: list[date]) -> list[int]:
    """Referrals received in each month (`months`: first days, then the day after the last month)."""
    query = select(Referral.id)
    if scope.locality_id:
        query = query.where(Referral.locality_id == scope.locality_id)
    if scope.language:
        query = query.where(listed_in(Referral.languages, scope.language))
    return _bucketed(Referral.created_at, [utc_midnight(m) for m in months], query)


def active_cases_per_month(scope: Scope, months: list[date]) -> list[int]:
    """Cases active at some time in each month: matched by its end, not closed before it began."""
    columns = [func.sum(case((and_(Case.matched_on < following,
                                   or_(Case.closed_on.is_(None), Case.closed_on >= first)), 1), else_=0))
               for first, following in zip(months, months[1:], strict=False)]
    row = db.session.execute(select(*columns).where(Case.matched_on.is_not(None), *_case_scope(scope))).one()
    return [int(n or 0) for n in row]


def visits_per_week(scope: Scope, weeks: list[date]) -> list[int]:
    """Visits made in each week (`weeks`: first days, then the day after the last week)."""
    query = select(VisitLog.id).join(Case, Case.id == VisitLog.case_id).where(*_case_scope(scope))
    return _bucketed(VisitLog.visited_on, weeks, query)
