"""Small-cell suppression for published figures: a count from 1 to 4 shows as "<5", and enough other
cells are hidden that no such count can be worked out by subtraction from a shown total.

Pure functions over tables of counts, no database: the figures page, its CSV and its charts all
show what `suppress` decided, so that none of them gives away what another hides.

The rule, line by line (a row with its total, a column with its total):
- a count of 1 to 4 is *small* ("<5"); 0 stays 0 (it identifies no one);
- when a line's total is shown, a reader knows the sum of the line's hidden cells. If that sum and
  what she knows of each hidden cell (a small one is 1-4, a hidden one at least 5) pin one hidden
  cell to a single value (always so when a single cell is hidden), the line's smallest shown
  non-zero cell is hidden too ("complementary suppression"), or, if there is none, its total;
- the same number published in two tables (the totals of a breakdown by locality and by language,
  the cases of one locality in two tables) is linked: hidden in one, hidden in all;
- repeat until nothing changes. Shares, averages and medians computed from a hidden count are hidden.

Lines are checked one at a time, as the issue asks; a reader solving every row and column at once,
or comparing pages with different filters, is not modelled.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

THRESHOLD = 5
SMALL = "small"  # 1 to 4: shown as "<5"
HIDDEN = "hidden"  # 5 or more, hidden so that a small count next to it cannot be worked out
SMALL_TEXT = "<5"
HIDDEN_TEXT = "*"

Ref = tuple[int, int, int]  # (table, row, column)


@dataclass
class Grid:
    """Counts as they will be published, `values[row][column]`. With `row_totals`, each row's last value
    is its total; with `column_totals`, the last row holds the columns' totals (and, with both, the
    grand total in its last cell). A total may be less than its cells' sum (distinct mothers)."""

    values: list[list[int]]
    row_totals: bool = True
    column_totals: bool = True


def is_small(value: int | None) -> bool:
    return value is not None and 0 < value < THRESHOLD


def suppress(grids: Sequence[Grid], links: Iterable[Sequence[Ref]] = ()) -> list[list[list[str]]]:
    """For each grid, a same-shaped grid of marks: "" (shown), SMALL or HIDDEN. `links` groups
    cells (table, row, column) that publish the same number: they are shown or hidden together."""
    marks = [[[SMALL if is_small(v) else "" for v in row] for row in grid.values] for grid in grids]
    links = [list(group) for group in links]
    changed = True
    while changed:
        changed = False
        for index, grid in enumerate(grids):
            for cells, total in _lines(grid):
                extra = _complement(grid.values, marks[index], cells, total)
                if extra is not None:
                    row, column = extra
                    marks[index][row][column] = SMALL if is_small(grid.values[row][column]) else HIDDEN
                    changed = True
        for group in links:
            if any(marks[t][r][c] for t, r, c in group):
                for t, r, c in group:
                    if not marks[t][r][c]:
                        marks[t][r][c] = SMALL if is_small(grids[t].values[r][c]) else HIDDEN
                        changed = True
    return marks


def _lines(grid: Grid):
    """Each row with its total, then each column with its total: ([cell refs], total ref)."""
    rows = len(grid.values)
    columns = len(grid.values[0]) if rows else 0
    if grid.row_totals and columns > 1:
        for r in range(rows):
            yield [(r, c) for c in range(columns - 1)], (r, columns - 1)
    if grid.column_totals and rows > 1:
        for c in range(columns):
            yield [(r, c) for r in range(rows - 1)], (rows - 1, c)


def _complement(values, marks, cells, total) -> tuple[int, int] | None:
    """The cell to hide so that this line gives no hidden number away, or None if it gives none."""
    hidden = [(r, c) for r, c in cells if marks[r][c]]
    total_mark = marks[total[0]][total[1]]
    if not hidden and not total_mark:
        return None
    shown = sum(values[r][c] for r, c in cells if not marks[r][c])
    if total_mark:  # a hidden total is one more unknown: what is known of it, less the shown cells
        low, high = _bounds(total_mark)
        total_bounds = (low - shown, high - shown)
    else:
        total_bounds = (values[total[0]][total[1]] - shown,) * 2
    if not pinned([_bounds(marks[r][c]) for r, c in hidden], total_bounds):
        return None
    candidates = [(values[r][c], i) for i, (r, c) in enumerate(cells) if not marks[r][c] and values[r][c] > 0]
    if candidates:
        return cells[min(candidates)[1]]  # the smallest, the first of equals
    return None if total_mark else total


def _bounds(mark: str) -> tuple[float, float]:
    """What a reader knows of a hidden number: "<5" is 1 to 4; "*" is 5 or more."""
    return (1, THRESHOLD - 1) if mark == SMALL else (THRESHOLD, math.inf)


def pinned(cells: Sequence[tuple[float, float]], total: tuple[float, float]) -> bool:
    """Whether unknown numbers that add up to an unknown total, each known only within its bounds
    (a shown total: its value twice), leave one of them a single possible value (or cannot hold)."""
    for k, (low, high) in enumerate(cells):
        others = cells[:k] + cells[k + 1:]
        least = max(low, total[0] - sum(h for _l, h in others))
        most = min(high, total[1] - sum(lo for lo, _h in others))
        if least >= most:
            return True
    if total[0] != total[1]:  # a hidden total, from its cells
        return max(total[0], sum(lo for lo, _h in cells)) >= min(total[1], sum(h for _l, h in cells))
    return False
