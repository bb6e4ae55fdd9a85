"""Cells for every CSV the app writes: text a spreadsheet would run as a formula stays text."""
from __future__ import annotations

from collections.abc import Iterable

# OWASP, "CSV Injection": a cell starting with one of these is read as a formula by Excel,
# LibreOffice and Google Sheets; a leading single quote makes them show it as plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str | int | float:
    """The cell as a spreadsheet should show it. Numbers the app computed stay numbers (a
    negative count is no formula); anything else, names and titles people typed above all,
    gets a leading quote when it starts like a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_row(values: Iterable) -> list:
    return [safe_cell(value) for value in values]
