"""What pages keep between requests for a version of the facts they come from (`data_versions`,
changed by database triggers: migrations 0018, 0019, 0021, 0023, 0025, 0026), in one place: the version read beside
a page's own rows, whether it may be kept under, and the store a process keeps per version."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import func, null, select

from ..core import places
from .models import LOCALITIES, DataVersion


def changed_setting(name: str) -> str:
    """PostgreSQL: the transaction setting a kind's triggers set once they changed its version."""
    return f"groups_app.{name}_changed"


def version_columns(name: str, postgresql: bool) -> tuple:
    """Two columns to read beside a statement's rows: the kind's version and, on PostgreSQL, whether
    this transaction changed it (its triggers change it once per transaction, so later changes in
    the same transaction would leave it as it is). Made anew for each statement they go into."""
    version = select(DataVersion.n).where(DataVersion.name == name).scalar_subquery()
    return version, (func.current_setting(changed_setting(name), True) if postgresql else null())


def usable(version: int | None, changed_here: str | None) -> int | None:
    """The version to keep figures under, from `version_columns`' two values; None: keep nothing (no
    version row, a database emptied by hand; or this transaction changed it)."""
    return None if changed_here == "y" else version


def carried_by(rows) -> int | None:
    """`usable` of the version that rows read with `version_columns` as their last two columns carry
    (the same on every row); None without rows."""
    return usable(*rows[0][-2:]) if rows else None


def kept_now(slot: str) -> tuple[int, dict] | None:
    """What this process keeps under app.extensions[slot] and the version it was kept for, without
    a version to check against yet (a page that reads it back beside the rows it needs first)."""
    return current_app.extensions.get(slot)


def kept_for(slot: str, version: int | None, at_most: int) -> dict | None:
    """The store this process keeps under app.extensions[slot] for `version`: a fresh, empty one when
    the version changed or the store grew past `at_most` entries (replaced whole, so the threads of a
    process never see one half changed); None when there is no version to keep under."""
    if version is None:
        return None
    kept = current_app.extensions.get(slot)
    if kept is None or kept[0] != version or len(kept[1]) > at_most:
        kept = current_app.extensions[slot] = (version, {})
    return kept[1]


def localities_columns(postgresql: bool) -> tuple:
    """The localities' version's two columns, labelled, for a list with a locality filter to read
    beside its own rows (`localities_version_of`; migration 0025)."""
    version, changed_here = version_columns(LOCALITIES, postgresql)
    return version.label("localities_version"), changed_here.label("localities_changed")


def localities_version_of(row) -> int | None:
    """`usable` of the localities' version that a row read with `localities_columns` carries; None
    without a row (a page with none reads the names)."""
    return None if row is None else usable(row.localities_version, row.localities_changed)


def kept_localities(version: int | None) -> dict | None:
    """The store of `core.places.named_localities` for the localities' version a page read beside its
    own rows (`localities_columns`, read back by `localities_version_of`; migration 0025)."""
    return kept_for(places.KEPT, version, at_most=places.KEPT_LANGUAGES)
