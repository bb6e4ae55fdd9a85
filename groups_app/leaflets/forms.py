"""Forms for writing leaflets."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..accounts.forms import REQUIRED, MultiCheckboxField
from ..core.forms import BaseForm
from ..core.i18n import language_choices
from .services import SUBJECTS


class LeafletForm(BaseForm):
    """A new leaflet starts from its title; its short name is made from it unless staff type one."""

    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=200)],
                        description=_l("In the language it is written in first. You can change it later."),
                        render_kw={"dir": "auto"})
    slug = StringField(_l("Short name (Latin letters and dashes)"), validators=[Optional(), Length(max=80)],
                       description=_l("Optional. It is part of the leaflet's web address; "
                                      "left empty, one is made from the title."),
                       render_kw={"dir": "ltr", "autocomplete": "off"})
    subjects = MultiCheckboxField(_l("Subjects"), choices=list(SUBJECTS.items()))
    topic_ids = MultiCheckboxField(_l("Meeting topics it goes with"), coerce=int)
    source_language = SelectField(_l("Language it is written in first"), choices=language_choices, default="en")


class TextForm(BaseForm):
    title = StringField(_l("Title"), validators=[Length(max=200)])
    body = TextAreaField(_l("Text (Markdown)"), render_kw={"rows": 18},
                         description=_l("Markdown: # for a heading, - for a list, **bold**, [words](https://link). "
                                        "End with the sources. No HTML."))
    pdf = FileField(_l("PDF edition (optional, at most 5 MB)"), render_kw={"accept": "application/pdf"})
