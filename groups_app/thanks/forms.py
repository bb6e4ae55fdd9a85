"""Forms of thanks: the dedication a mother writes, and the tree's goal."""
from __future__ import annotations

from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, IntegerField, RadioField, SelectField, StringField, TextAreaField

from ..core.forms import BaseForm
from ..core.i18n import language_choices
from .models import MAX_LENGTH
from .services.mentors import Mentor, first_name
from .services.writing import OUTSIDE, DedicationFields


class DedicationForm(BaseForm):
    # The service checks the mentor, so that one who is not hers gets its own clear answer.
    mentor = RadioField(_l("Whom do you want to thank?"), validate_choice=False)
    outside_name = StringField(_l("Her name"), render_kw={"autocomplete": "off", "dir": "auto"})
    outside_email = EmailField(_l("Her email address"), render_kw={"autocomplete": "off", "dir": "ltr"})
    outside_language = SelectField(_l("Her language"), choices=language_choices,
                                   description=_l("We write to her in this language."))
    message = TextAreaField(_l("Your message"), render_kw={"rows": 5, "dir": "auto"})
    language = SelectField(_l("The language of your message"), choices=language_choices)
    signature = RadioField(_l("Sign it"))

    @classmethod
    def for_writer(cls, writer, mentors: list[Mentor]) -> DedicationForm:
        form = cls()
        form.message.description = _("A few words in your own language, at most %(max)s characters. "
                                     "No web addresses.", max=format_number(MAX_LENGTH))
        form.mentor.choices = [(m.key, m.label) for m in mentors] + [
            (OUTSIDE, _("Someone outside the app, by her name and email address"))]
        name = first_name(writer.name)
        form.signature.choices = [("first_name", _("With my first name, %(name)s", name=name)),
                                  ("anonymous", _("Without my name"))]
        if not form.is_submitted():
            form.language.data = form.outside_language.data = writer.language
            form.signature.data = "first_name"
            if len(mentors) == 1:
                form.mentor.data = mentors[0].key
        return form

    def fields(self) -> DedicationFields:
        return DedicationFields(mentor=self.mentor.data or "", message=self.message.data or "",
                                language=self.language.data, signature=self.signature.data or "",
                                outside_name=self.outside_name.data or "", outside_email=self.outside_email.data or "",
                                outside_language=self.outside_language.data or "")


class GoalForm(BaseForm):
    goal = IntegerField(_l("Leaves the tree hopes for"),
                        description=_l("The counter on the tree of thanks counts toward this number."))
