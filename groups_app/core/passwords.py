"""The password rules: long enough, not common, not the user's own name or contact."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

MIN_LENGTH = 8
MAX_LENGTH = 256  # long passphrases welcome; the bound only stops abuse of the slow hash

RULES_HELP = _l(
    "At least 8 characters. A few words you will remember make a good password. "
    "Very common passwords are not accepted."
)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    words = (line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(w for w in words if w and not w.startswith("#"))


def password_problem(password: str, *personal: str | None) -> str | None:
    """The reason this password is refused, in the user's language, or None if it is fine."""
    if len(password) < MIN_LENGTH:
        return str(_l("The password must have at least 8 characters."))
    if len(password) > MAX_LENGTH:
        return str(_l("The password must have at most 256 characters."))
    lowered = password.strip().lower()
    if lowered in common_passwords() or len(set(lowered)) <= 2:
        return str(_l("This password is too common and easy to guess. Please choose another."))
    for value in personal:
        if value and len(value) >= 4 and value.strip().lower() in lowered:
            return str(_l("The password must not contain your name, email or phone number."))
    return None
