"""Her home page's small questions, asked together in one statement.

Each feature's section of her home page first needs a yes, no or count (has she unread messages,
a case of her own, thanks waiting for her answer) and most visits the answer is no: asked one
statement each, that was a round trip per feature on every home page. A feature connects a
function to `home_probe` that names its question as a `Probe`; `probed(user)` asks every
feature's question in one `SELECT` of scalar subqueries and keeps the answers for the request,
and each section asks its rows only when its answer says there is something to show.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, NamedTuple

from flask import has_request_context, request
from sqlalchemy import ColumnElement, select

from ..extensions import db
from .extension_points import ExtensionPoint


class Probe(NamedTuple):
    name: str  # the feature's own name for it ("thanks", "visits.cases"): unique among features
    shape: Hashable  # what the columns' SQL depends on (her roles, whether she has an email)
    columns: Callable[[Any], Sequence[ColumnElement]]  # shape -> columns, values only as bind parameters
    params: Mapping[str, Any]  # the values they bind; a name used by two probes must have one value


home_probe = ExtensionPoint(
    "home.probe", "probe(user) -> Probe | None: a question her home page asks with the others in one statement"
)
_KEPT = "groups_app.home_probe"


def probed(user) -> dict[str, tuple]:
    """Every feature's answers for her, by probe name (each a tuple, one value per column); asked
    once per request, in one statement."""
    kept = request.environ.setdefault(_KEPT, {}) if has_request_context() else {}
    if user.id not in kept:
        kept[user.id] = ask([probe for contribution in home_probe.contributions() if (probe := contribution(user))])
    return kept[user.id]


def ask(probes: Sequence[Probe]) -> dict[str, tuple]:
    if not probes:
        return {}
    params: dict[str, Any] = {}
    for probe in probes:
        for key, value in probe.params.items():
            if params.setdefault(key, value) != value:
                raise ValueError(f"home probes bind {key!r} to two values")
    parts = tuple((probe.name, probe.shape, probe.columns) for probe in probes)
    statement, widths = _statement(parts)
    row = db.session.execute(statement, params).one()
    answers, at = {}, 0
    for probe, width in zip(probes, widths, strict=True):
        answers[probe.name] = tuple(row[at:at + width])
        at += width
    return answers


@functools.lru_cache(maxsize=64)  # one per mix of features and shapes (roles): a handful in a program
def _statement(parts: tuple[tuple[str, Hashable, Callable], ...]):
    columns, widths = [], []
    for name, shape, build in parts:
        made = list(build(shape))
        widths.append(len(made))
        columns += [column.label(f"{name}_{i}".replace(".", "_")) for i, column in enumerate(made)]
    return select(*columns), tuple(widths)
