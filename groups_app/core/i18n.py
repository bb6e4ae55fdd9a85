"""The six interface languages, their writing direction, and how a request picks one."""
from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user

# Code, name in its own language (never translated), writing direction.
LANGUAGES: dict[str, tuple[str, str]] = {
    "he": ("עברית", "rtl"),
    "ar": ("العربية", "rtl"),
    "ru": ("Русский", "ltr"),
    "am": ("አማርኛ", "ltr"),
    "es": ("Español", "ltr"),
    "en": ("English", "ltr"),
}
DEFAULT_LOCALE = "he"

# The language names in the interface language, for choices in forms.
LANGUAGE_LABELS = {
    "he": _l("Hebrew"),
    "ar": _l("Arabic"),
    "ru": _l("Russian"),
    "am": _l("Amharic"),
    "es": _l("Spanish"),
    "en": _l("English"),
}


def language_choices() -> list[tuple[str, str]]:
    return [(code, LANGUAGE_LABELS[code]) for code in LANGUAGES]


def direction(locale: str) -> str:
    return LANGUAGES.get(locale, ("", "ltr"))[1]


def select_locale() -> str:
    """The signed-in user's preference, else the switcher's choice, else Accept-Language."""
    if not has_request_context():  # commands and services called outside a request
        return current_app.config.get("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    best = request.accept_languages.best_match(list(LANGUAGES))
    return best or current_app.config.get("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)


def select_timezone() -> str | None:
    if not has_request_context():
        return None
    if current_user and current_user.is_authenticated:
        return current_user.timezone
    return None
