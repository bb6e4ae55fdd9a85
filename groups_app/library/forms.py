"""Forms of the lending library."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..accounts.forms import REQUIRED, MultiCheckboxField
from ..core.forms import BaseForm
from ..core.i18n import language_choices
from .services.catalogue import SUBJECTS


class BookForm(BaseForm):
    title = StringField(_l("Book title"), validators=[DataRequired(REQUIRED), Length(max=300)])
    authors = StringField(_l("Authors"), validators=[Length(max=300)])
    language = SelectField(_l("Language"), choices=language_choices)
    isbn = StringField(_l("ISBN (if the book has one)"), validators=[Length(max=20)], render_kw={"dir": "ltr", "inputmode": "numeric"})
    publisher = StringField(_l("Publisher"), validators=[Length(max=200)])
    year = IntegerField(_l("Year"), validators=[Optional()])
    subjects = MultiCheckboxField(_l("Subjects"), choices=list(SUBJECTS.items()))
    summary = TextAreaField(_l("Short summary"), validators=[Length(max=2000)])
    source = StringField(_l("Where the book and its ISBN were seen (a link)"), validators=[DataRequired(REQUIRED), Length(max=500)],
                         render_kw={"dir": "ltr"})


class CopyForm(BaseForm):
    group_id = SelectField(_l("Library of the group"), coerce=int)
    code = StringField(_l("Copy code (on the label)"), validators=[DataRequired(REQUIRED), Length(max=20)],
                       render_kw={"dir": "ltr", "autocomplete": "off"})
    condition = StringField(_l("Condition"), validators=[Length(max=300)])


class CheckoutForm(BaseForm):
    code = StringField(_l("Copy code"), validators=[DataRequired(REQUIRED), Length(max=20)],
                       render_kw={"dir": "ltr", "autocomplete": "off", "autocapitalize": "characters"})
    mother = SelectField(_l("Lend to"), coerce=int, validate_choice=False)
    override = BooleanField(_l("Lend even though she is over the limit or has a book overdue"))


class CheckinForm(BaseForm):
    code = StringField(_l("Copy code"), validators=[DataRequired(REQUIRED), Length(max=20)],
                       render_kw={"dir": "ltr", "autocomplete": "off", "autocapitalize": "characters"})


class LostForm(BaseForm):
    code = StringField(_l("Copy code"), validators=[DataRequired(REQUIRED), Length(max=20)],
                       render_kw={"dir": "ltr", "autocomplete": "off"})
    damaged = StringField(_l("If damaged rather than lost: what is wrong"), validators=[Length(max=300)])


class RulesForm(BaseForm):
    loan_days = IntegerField(_l("Loan period in days"), validators=[Optional()])
    max_loans = IntegerField(_l("Books per mother at a time"), validators=[Optional()])
    hold_days = IntegerField(_l("Days a set-aside copy waits at least"), validators=[Optional()],
                             description=_l("It also waits until the end of her group's next meeting."))
