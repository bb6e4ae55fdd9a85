"""The six interface languages, their writing direction, and how a request picks one."""
from __future__ import annotations

from flask import current_app, g, has_request_context, request, session
from flask_babel import Domain
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


class RequestCachedDomain(Domain):
    """Flask-Babel's message domain, finding the request's catalog once per locale instead of
    once per string.

    Flask-Babel looks the catalog up for every string (`_()` in code, a lazy form label, a string
    in a template): it reaches `flask.g` through several proxies and formats the locale's name each
    time, and a page shows 50 to 300 strings. Here the catalog is kept on Flask-Babel's request
    namespace next to the locale object it belongs to; `force_locale` (mail in her language, a feed
    in its language) and `refresh()` set a new locale object, so the identity check sees the change.
    """

    def get_translations(self):
        try:
            ctx = g._flask_babel
            locale = ctx.babel_locale
        except (AttributeError, RuntimeError):  # outside a request, or no locale chosen yet: the library's way
            return super().get_translations()
        known = getattr(ctx, "groups_app_catalog", None)
        if locale is not None and known is not None and known[0] is locale:
            return known[1]
        translations = super().get_translations()
        ctx.groups_app_catalog = (getattr(ctx, "babel_locale", None), translations)
        return translations


def install_request_cached_catalogs(app, babel) -> None:
    """Use RequestCachedDomain for this app's strings, in code and in templates. The Babel
    extension object is one per process (extensions.py): its domain is set once."""
    if not isinstance(babel.__dict__.get("domain_instance"), RequestCachedDomain):
        babel.domain_instance = RequestCachedDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))
    domain = babel.domain_instance
    # Templates' _(), ngettext() and pgettext() straight to the domain (Flask-Babel's own first
    # find the request's domain through flask.g, for every string).
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: domain.get_translations().ugettext(s),
        ngettext=lambda s, p, n: domain.get_translations().ungettext(s, p, n),
        pgettext=lambda c, s: domain.get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: domain.get_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
