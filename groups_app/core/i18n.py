"""The six interface languages, their writing direction, and how a request picks one."""
from __future__ import annotations

from flask import current_app, g, has_request_context, request, session
from flask_babel import Domain
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

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
    catalog = domain.get_translations

    # Templates' _(), gettext (what {% trans %} calls), ngettext, pgettext and npgettext go straight to
    # the domain. Jinja's own wrappers (install_gettext_callables) reach the catalog through two more
    # context.call hops per string, each inspecting the function it calls, and Flask-Babel's find the
    # request's domain through flask.g first: 50 to 300 strings a page. These do what Jinja's newstyle
    # wrappers do, in the same order: translate, mark safe when the template autoescapes, then always
    # format with the variables (so "%%" is written "%" whether or not there are any). The parameters'
    # odd names are Jinja's too: a template may pass `num=` or `context=` of its own.
    @pass_context
    def gettext(__context, __string, **variables):
        translations = catalog()
        if not variables and __context.eval_ctx.autoescape:
            # A string without variables (most of a page's) is the same Markup every time in this
            # catalog: kept on the catalog object, which lives as long as the catalog does
            kept = translations.__dict__.get("groups_app_markup")
            if kept is None:
                kept = translations.__dict__.setdefault("groups_app_markup", {})
            text = kept.get(__string)
            if text is None:
                text = kept[__string] = Markup(translations.ugettext(__string)) % variables  # nosec B704  # as below
            return text
        text = translations.ugettext(__string)
        return (Markup(text) if __context.eval_ctx.autoescape else text) % variables  # nosec B704  # our catalog's text, marked safe as Jinja's own gettext does; the variables are escaped by %

    @pass_context
    def ngettext(__context, __singular, __plural, __num, **variables):
        variables.setdefault("num", __num)
        text = catalog().ungettext(__singular, __plural, __num)
        return (Markup(text) if __context.eval_ctx.autoescape else text) % variables  # nosec B704  # our catalog's text, marked safe as Jinja's own gettext does; the variables are escaped by %

    @pass_context
    def pgettext(__context, __string_context, __string, **variables):
        variables.setdefault("context", __string_context)
        text = catalog().upgettext(__string_context, __string)
        return (Markup(text) if __context.eval_ctx.autoescape else text) % variables  # nosec B704  # our catalog's text, marked safe as Jinja's own gettext does; the variables are escaped by %

    @pass_context
    def npgettext(__context, __string_context, __singular, __plural, __num, **variables):
        variables.setdefault("context", __string_context)
        variables.setdefault("num", __num)
        text = catalog().unpgettext(__string_context, __singular, __plural, __num)
        return (Markup(text) if __context.eval_ctx.autoescape else text) % variables  # nosec B704  # our catalog's text, marked safe as Jinja's own gettext does; the variables are escaped by %

    app.jinja_env.newstyle_gettext = True
    app.jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext, pgettext=pgettext,
                                 npgettext=npgettext)

# Label tables (a status, a mood, a reason) are lazy strings made at import, in no language yet. A
# template that writes one evaluates it again for every attribute Jinja and MarkupSafe look for
# (`__html__`, then the text), each a catalog lookup through Flask-Babel's proxies: a case page
# with 20 visits spent a tenth of its time there. Tables are resolved here once per language.
_RESOLVED: dict[tuple[int, str], tuple[object, dict]] = {}


def in_her_language(labels: dict) -> dict:
    """A table of lazy labels, or a table of such tables, as plain strings in the request's language.
    Made once per table and language for the life of the process (the catalogs do not change while
    it runs); the table itself is kept beside it, so that a table's id is never mistaken for another's."""
    from flask_babel import get_locale

    key = (id(labels), str(get_locale()))
    found = _RESOLVED.get(key)
    if found is None or found[0] is not labels:
        found = (labels, _resolve(labels))
        _RESOLVED[key] = found
    return found[1]


def _resolve(labels: dict) -> dict:
    return {key: _resolve(value) if isinstance(value, dict) else str(value) for key, value in labels.items()}
