"""The starter leaflets in library/leaflets, imported by `flask content import`."""
from __future__ import annotations

from pathlib import Path

from .importer import import_leaflets


def import_leaflets_part(folder: Path) -> list[str]:
    report = import_leaflets(folder / "leaflets")
    lines = [f"Leaflet versions: {report.added} added, {report.updated} updated, {report.unchanged} unchanged."]
    return lines + [f"  not imported: {problem}" for problem in report.problems]
