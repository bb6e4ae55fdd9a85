"""From counts to the tables a coordinator reads: one per figure and breakdown (locality,
language), small counts protected by `suppression.suppress` across all of them at once, and the
shares, averages and medians computed from what is shown."""
from __future__ import annotations

from dataclasses import dataclass, field

from babel import Locale, UnknownLocaleError
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...core.i18n import LANGUAGE_LABELS, LANGUAGES
from ..forms.cases import CLOSE_REASON_LABELS
from ..models import SOURCES
from . import figure_queries as q
from .referrals import SOURCE_LABELS
from .suppression import HIDDEN, HIDDEN_TEXT, SMALL, SMALL_TEXT, Grid, suppress

NONE = "none"  # nothing to compute (a share of no cases): shown as a dash
TOTALS = ("totals",)  # the key of a table's totals row (row keys are strings or None)

CAPTIONS = {
    ("served", "loc"): _l("Mothers served, by locality"), ("served", "lang"): _l("Mothers served, by language"),
    ("referrals", "loc"): _l("Referrals by source, by locality"),
    ("referrals", "lang"): _l("Referrals by source, by language"),
    ("age", "loc"): _l("Young mothers, by locality"), ("age", "lang"): _l("Young mothers, by language"),
    ("first", "loc"): _l("First-time mothers, by locality"), ("first", "lang"): _l("First-time mothers, by language"),
    ("visits", "loc"): _l("Visits per case, by locality"), ("visits", "lang"): _l("Visits per case, by language"),
    ("volunteers", "loc"): _l("Volunteers, by locality"), ("volunteers", "lang"): _l("Volunteers, by language"),
    ("closed", "loc"): _l("Cases closed, by locality"), ("closed", "lang"): _l("Cases closed, by language"),
    ("early", "loc"): _l("Why cases closed early, by locality"),
    ("early", "lang"): _l("Why cases closed early, by language"),
}


@dataclass(frozen=True)
class Cell:
    """A number as published. `value` is None when `mark` hides it (SMALL "<5", HIDDEN "*") or when
    there is nothing to compute (NONE, a dash). `kind`: count, share (0 to 1) or decimal."""

    value: float | int | None
    mark: str = ""
    kind: str = "count"

    def text(self) -> str:
        """As the page shows it, in the reader's language."""
        if self.mark:
            return _marked(self.mark)
        if self.kind == "share":
            return format_percent(self.value)
        if self.kind == "decimal":
            return format_decimal(self.value, "#,##0.#")
        return format_decimal(self.value)

    def plain(self) -> str:
        """As the CSV holds it: digits a spreadsheet reads, the same marks as the page."""
        if self.mark:
            return _marked(self.mark)
        if self.kind == "share":
            return f"{self.value * 100:.0f}%"
        if self.kind == "decimal":
            return f"{self.value:.1f}"
        return str(self.value)


def _marked(mark: str) -> str:
    return {SMALL: SMALL_TEXT, HIDDEN: HIDDEN_TEXT}.get(mark, "–")


@dataclass
class Table:
    key: str
    caption: str
    row_heading: str
    columns: list[str]
    rows: list[tuple[str, list[Cell]]]
    total: list[Cell]


@dataclass
class Figure:
    key: str
    title: str
    note: str
    tables: list[Table] = field(default_factory=list)  # by locality, by language


@dataclass
class _Draft:
    """A table before suppression: raw counts with totals, and how to compute its derived cells."""

    key: str
    dim: str
    keys: list[str | None]
    columns: list[str]
    grid: Grid
    derived: list[tuple[str, object]] = field(default_factory=list)  # (heading, function(values, marks, key))


def build_figures(year: int | None, served: q.Levels, cases: q.Levels, medians, referred: q.Levels,
                  volunteering: q.Levels, closed: q.Levels, places: dict, order: dict[str, int],
                  locale: str) -> dict[str, Figure]:
    """Every figure's tables, by locality and by language, protected together."""
    drafts: list[_Draft] = []
    for dim in ("loc", "lang"):
        drafts += _case_drafts(dim, year, served, cases, medians)
        drafts.append(_category_draft("referrals", dim, referred, list(SOURCES), [SOURCE_LABELS[s] for s in SOURCES],
                                      _("Total")))
        drafts.append(_measure_draft("volunteers", dim, volunteering, [0, 1, 2, 3],
                                     [_("Trained"), _("Active"), _("First mother over a year ago"), _("Returning")],
                                     [(_("Returning (share)"), _share(3, 2))]))
        drafts += _closed_drafts(dim, closed)
    marks = suppress([d.grid for d in drafts], _links(drafts))
    figures = {key: Figure(key, str(title), str(note)) for key, title, note in _FIGURES}
    for draft, table_marks in zip(drafts, marks, strict=True):
        figures[draft.key].tables.append(_table(draft, table_marks, places, order, locale))
    return figures


_FIGURES = (
    ("served", _l("Mothers served"),
     _l("Each mother once, in the year she was matched with her volunteer; under “All years”, each mother once.")),
    ("referrals", _l("Referrals by source"), _l("Every referral received, whatever became of it, by who referred "
                                                "the mother.")),
    ("age", _l("Young mothers"), _l("Mothers under 21 among the cases matched with a volunteer.")),
    ("first", _l("First-time mothers"), _l("Mothers with their first baby among the cases matched with a volunteer.")),
    ("visits", _l("Visits per case"), _l("Home visits logged for each case matched with a volunteer (in the year "
                                         "of the match).")),
    ("volunteers", _l("Volunteers"), _l("Trained: completed a training course (in the year). Active: now, not "
                                        "paused, visiting a mother or ready to be matched. Returning: took another "
                                        "mother more than a year after her first. By the volunteer's own locality "
                                        "and language.")),
    ("closed", _l("Cases closed"), _l("Closed (in the year) at the baby's first birthday, or early: before it, for "
                                      "another reason.")),
    ("early", _l("Why cases closed early"), ""),
)


# ---- drafts: raw grids ---------------------------------------------------------------------------

def _row_keys(dim: str, *found: q.Levels) -> list[str | None]:
    keys = {key for levels in found for (key, _category) in levels[dim]}
    return sorted(keys, key=lambda k: (k is None, k or ""))  # ordered for the reader in _table


def _nonzero(keys, rows) -> tuple[list, list]:
    kept = [(k, r) for k, r in zip(keys, rows, strict=True) if any(r)]
    return [k for k, _r in kept], [r for _k, r in kept]


def _category_draft(key, dim, found: q.Levels, categories, headings, total_heading, derived=()) -> _Draft:
    """Rows of counts per category, with each row's total, and the totals row."""
    def row(level, k):
        return [found[level].get((k, c), (0,))[0] for c in categories] + [found[level].get((k, None), (0,))[0]]

    candidates = _row_keys(dim, found)
    keys, rows = _nonzero(candidates, [row(dim, k) for k in candidates])
    return _Draft(key, dim, keys, [*map(str, headings), str(total_heading)], Grid(rows + [row("all", None)]),
                  list(derived))


def _measure_draft(key, dim, found: q.Levels, indexes, headings, derived=(), row_totals=False) -> _Draft:
    """Rows of several measures (`indexes` into the query's measures), and the totals row."""
    def row(level, k):
        values = found[level].get((k, None), (0,) * (max(indexes) + 1))
        return [values[i] for i in indexes]

    candidates = _row_keys(dim, found)
    keys, rows = _nonzero(candidates, [row(dim, k) for k in candidates])
    return _Draft(key, dim, keys, [str(h) for h in headings], Grid(rows + [row("all", None)], row_totals=row_totals),
                  list(derived))


def _case_drafts(dim, year, served: q.Levels, cases: q.Levels, medians) -> list[_Draft]:
    years = [str(year)] if year else sorted({c for (_k, c) in served["all"] if c is not None})
    drafts = [_category_draft("served", dim, served, years, years, _("All years"))]
    if year:  # one year: its column is the total
        drafts[0].columns.pop()
        drafts[0].grid = Grid([row[:-1] for row in drafts[0].grid.values], row_totals=False)
    drafts.append(_measure_draft("age", dim, cases, [1, 2, 3, 0],
                                 [_("Under 21"), _("21 or older"), _("Age not recorded"), _("Cases")],
                                 [(_("Under 21 (share)"), _share(0, 3))], row_totals=True))
    drafts.append(_measure_draft("first", dim, cases, [4, 5, 6, 0],
                                 [_("First baby"), _("Not her first"), _("Not recorded"), _("Cases")],
                                 [(_("First baby (share)"), _share(0, 3))], row_totals=True))
    drafts.append(_measure_draft("visits", dim, cases, [0, 7], [_("Cases"), _("Visits")],
                                 [(_("Average"), _share(1, 0, kind="decimal")), (_("Median"), _median(medians, dim))]))
    return drafts


def _closed_drafts(dim, found: q.Levels) -> list[_Draft]:
    reasons = list(q.EARLY_REASONS)
    overall = _category_draft("closed", dim, found, [q.AT_END], [_("At the first birthday")], _("Total"),
                              [(_("Early (share)"), _share(1, 2))])
    for values in overall.grid.values:  # [at the end, total] -> [at the end, early, total]
        values.insert(1, values[1] - values[0])
    overall.columns.insert(1, _("Early"))
    early = _category_draft("early", dim, found, reasons, [CLOSE_REASON_LABELS[r] for r in reasons], _("Total"))
    for values in early.grid.values:  # the query's row totals count every closed case: only the early ones here
        values[-1] = sum(values[:-1])
    return [overall, early]


def _links(drafts: list[_Draft]) -> list[list[tuple[int, int, int]]]:
    """Cells that publish one number in two tables: each figure's totals by locality and by language;
    per row, the cases in Mothers served, Young mothers, First-time mothers and Visits per case; the
    early closings in Cases closed and Why cases closed early."""
    index = {(d.key, d.dim): i for i, d in enumerate(drafts)}
    links = []
    for key in {d.key for d in drafts}:
        loc, lang = index[(key, "loc")], index[(key, "lang")]
        width = len(drafts[loc].grid.values[-1])
        links += [[(loc, len(drafts[loc].keys), c), (lang, len(drafts[lang].keys), c)] for c in range(width)]
    for dim in ("loc", "lang"):
        links += _same_rows(drafts, [(index[("served", dim)], -1), (index[("age", dim)], -1),
                                     (index[("first", dim)], -1), (index[("visits", dim)], 0)])
        links += _same_rows(drafts, [(index[("closed", dim)], 1), (index[("early", dim)], -1)])
    return links


def _same_rows(drafts, places: list[tuple[int, int]]) -> list:
    """Links the cells in column `c` of table `t`, for each (t, c) in `places`, row by row key (and totals)."""
    links = []
    keys = {k for t, _c in places for k in drafts[t].keys}
    for k in [*keys, TOTALS]:
        group = []
        for t, c in places:
            rows = drafts[t].keys
            r = len(rows) if k is TOTALS else (rows.index(k) if k in rows else None)
            if r is not None:
                group.append((t, r, c % len(drafts[t].grid.values[r])))
        if len(group) > 1:
            links.append(group)
    return links


# ---- derived cells -------------------------------------------------------------------------------

def _share(numerator: int, denominator: int, kind: str = "share"):
    def compute(values, marks, _key) -> Cell:
        if marks[numerator] or marks[denominator]:
            return Cell(None, HIDDEN, kind)
        if not values[denominator]:
            return Cell(None, NONE, kind)
        return Cell(values[numerator] / values[denominator], "", kind)

    return compute


def _median(medians, dim):
    def compute(values, marks, key) -> Cell:
        if marks[0]:
            return Cell(None, HIDDEN, "decimal")
        found = medians["all"].get(None) if key is TOTALS else medians[dim].get(key)
        return Cell(found, "", "decimal") if values[0] and found is not None else Cell(None, NONE, "decimal")

    return compute


# ---- tables as shown ----------------------------------------------------------------------------

def _table(draft: _Draft, marks, places, order: dict[str, int], locale: str) -> Table:
    derived = [heading for heading, _f in draft.derived]

    def cells(values, row_marks, key) -> list[Cell]:
        shown = [Cell(None if m else v, m) for v, m in zip(values, row_marks, strict=True)]
        return shown + [compute(values, row_marks, key) for _h, compute in draft.derived]

    rows = [(_row_label(draft.dim, k, places, locale), cells(v, m, k), _order(draft.dim, k, order))
            for k, v, m in zip(draft.keys, draft.grid.values, marks, strict=False)]
    rows.sort(key=lambda row: row[2])
    return Table(
        key=f"{draft.key}-{'locality' if draft.dim == 'loc' else 'language'}",
        caption=str(CAPTIONS[(draft.key, draft.dim)]),
        row_heading=_("Locality") if draft.dim == "loc" else _("Language"),
        columns=draft.columns + derived,
        rows=[(label, row_cells) for label, row_cells, _o in rows],
        total=cells(draft.grid.values[-1], marks[-1], TOTALS),
    )


def _row_label(dim: str, key: str | None, places, locale: str) -> str:
    if key is None:
        return _("Not recorded")
    if dim == "loc":
        place = places.get(key)
        return place.name(locale) if place else _("Not recorded")
    if key in LANGUAGE_LABELS:
        return str(LANGUAGE_LABELS[key])
    try:
        return Locale.parse(key).get_display_name(locale) or key
    except (ValueError, UnknownLocaleError):
        return key


def _order(dim: str, key: str | None, order: dict[str, int]):
    """Localities in the reader's order, languages in the interface's, then the others; "not recorded" last."""
    if key is None:
        return (2, 0, "")
    if dim == "loc":
        return (0, order.get(key, len(order)), key)
    codes = list(LANGUAGES)
    return (0, codes.index(key), "") if key in codes else (1, 0, key)
