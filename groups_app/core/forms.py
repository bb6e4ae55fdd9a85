"""The base form: WTForms' own messages go through our catalogs, like every other string."""
from __future__ import annotations

from datetime import date

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import PasswordInput, TextArea

from .errors import DomainError
from .input import FIRST_YEAR, LAST_YEAR, MAX_ID, MIN_INT, one_line

# WTForms and Flask-WTF messages a user can meet, listed so that extraction puts them in our
# catalogs (Amharic has no WTForms translation of its own).
BUILTIN_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid choice."),
    _l("Not a valid integer value."),
    _l("Invalid email address."),
    _l("Not a valid time value."),
    _l("Not a valid date value."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("The CSRF token is missing."),
    _l("The CSRF token is invalid."),
    _l("The CSRF token has expired."),
    _l("The CSRF tokens do not match."),
)


class _Translations:
    """Plain lookups: WTForms fills in the %(...)s placeholders itself."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


class BaseForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _Translations()

        def bind_field(self, form, unbound_field, options):
            return guard_field(unbound_field.bind(form=form, **options))


def guard_field(field):
    """Every field of our forms takes numbers and choices as the database can store them: a choice
    coerced to a number (an id) and an integer field stay within 32 bits, a choice that cannot be
    read says so in our catalogs (never echoing what was sent), and a single-line field is one line."""
    if isinstance(field, SelectField):  # RadioField and SelectMultipleField too
        field.coerce = _bounded(field.coerce)
        field.invalid_value_message = field.invalid_value_message or NOT_A_CHOICE
        field.invalid_choice_message = field.invalid_choice_message or NOT_A_CHOICE  # not the values sent
    if isinstance(field, IntegerField):
        field.validators = [*field.validators, _within_32_bits]
    if isinstance(field, StringField) and not isinstance(field.widget, (TextArea, PasswordInput)):
        field.filters = (*field.filters, one_line)
    return field


NOT_A_CHOICE = _l("Not a valid choice.")


def _bounded(coerce):
    def bounded(value):
        result = coerce(value)
        if isinstance(result, int) and not isinstance(result, bool) and not MIN_INT <= result <= MAX_ID:
            raise ValueError("out of range")
        return result

    return bounded


def _within_32_bits(form, field):
    if isinstance(field.data, int) and not MIN_INT <= field.data <= MAX_ID:
        raise ValidationError(_l("Not a valid integer value."))


class IsoDateField(DateField):
    """A date field (the phone's date picker sends YYYY-MM-DD) with a message in our catalogs."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = date.fromisoformat(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError(_l("Please give the date as year-month-day, for example 2026-03-31.")) from None
        if not FIRST_YEAR <= self.data.year <= LAST_YEAR:
            self.data = None
            raise ValueError(_l("This date is too far in the past or in the future."))


def show_error(form: FlaskForm, error) -> int:
    """Put a service's DomainError next to its field (or on top of the form); return its status."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and field.type != "FieldList":  # a list of sub-forms shows it on top
        field.errors = [*field.errors, error.message] if isinstance(field.errors, list) else [error.message]
    else:
        form.form_errors.append(error.message)
    return error.status


def submit(form: FlaskForm, action) -> tuple[bool, int, object]:
    """The usual life of a form post: when it is submitted and valid, run `action` (a service
    call); a DomainError rolls back and lands next to its field, so that nothing she typed is
    lost. Returns (done, status for the page, what the action returned)."""
    from ..extensions import db

    if form.validate_on_submit():
        try:
            return True, 200, action()
        except DomainError as error:
            db.session.rollback()
            return False, show_error(form, error), None
    return False, (400 if form.is_submitted() else 200), None


def refused(error: DomainError, back: str | None = None):
    """A one-button action was refused: say why on a page of its own, with the rule's status."""
    from flask import render_template

    return render_template("errors/message.html", message=error.message, back=back), error.status
