"""Small SQL building blocks shared by features."""
from __future__ import annotations

from sqlalchemy import or_


def listed_in(column, code: str):
    """True where a comma-separated column (such as "he,ar") holds `code` as one of its items."""
    return or_(column == code, column.like(f"{code},%"), column.like(f"%,{code}"), column.like(f"%,{code},%"))
