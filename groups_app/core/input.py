"""What arrives from outside, made safe once: text from forms and query strings, ids and numbers.

Control characters are removed in the request itself, by `CleanRequest` (the app's
`request_class`), whose `parameter_storage_class` cleans every key and value as werkzeug parses
`request.form` and `request.args` (and so `request.values`). We chose the request over a
WTForms filter because several views read `request.form`/`request.args` directly (a group chosen
in a select, a filter in the address, `next`), and a form filter would not see those; here no view,
form or service can meet a NUL byte (which PostgreSQL refuses in text, DataError) or a stray
escape, whichever way it reads the request. What is removed: NUL and the other C0 and C1 control
characters except tab and line feed, and lone surrogates; a carriage return before a line feed (or
alone) becomes a line feed, so that multi-line text is stored one way. Single-line fields of our
forms also turn tab and line feed into spaces (`core.forms.BaseForm`). Invalid UTF-8 is left
percent-encoded by werkzeug (or the body is not parsed at all), never a 500.

Ids and numbers: route converters `<int:...>` stop at MAX_ID, so a 20-digit id in an address is a
404 and never reaches the database (SQLite's INTEGER and PostgreSQL's integer overflow); string
parts of an address refuse control characters the same way. A view that reads an id from a form
or query string itself uses `record_id` (`request.form.get("group_id", type=record_id)`), or
`bounded_int` / `year_number` for other numbers: a value that is none of these gives None (werkzeug's
`type=`), which a filter ignores and a form refuses with a translated message. WTForms fields get the
same bounds in `core.forms.BaseForm`.
"""
from __future__ import annotations

import re

from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter, UnicodeConverter

MAX_ID = 2**31 - 1  # PostgreSQL's integer; SQLite takes 64 bits but the same limit keeps both alike
MIN_INT = -(2**31)
FIRST_YEAR, LAST_YEAR = 1900, 2199  # a date in this program; arithmetic near year 1 or 9999 overflows

# C0 controls but tab (\x09) and line feed (\x0a), DEL and the C1 controls, lone surrogates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(value: str) -> str:
    """`value` without control characters; line ends as \\n."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


def one_line(value):
    """A single-line field's text: tabs and line feeds (which a browser never sends there) as spaces."""
    if isinstance(value, str) and ("\n" in value or "\t" in value):
        return value.replace("\n", " ").replace("\t", " ")
    return value


def _clean(value):
    return clean_text(value) if isinstance(value, str) else value  # uploaded files stay as they are


def _pairs(mapping):
    if mapping is None:
        return
    if isinstance(mapping, MultiDict):
        yield from mapping.items(multi=True)
    elif isinstance(mapping, dict):
        for key, value in mapping.items():
            if isinstance(value, (list, tuple)):
                for item in value:
                    yield key, item
            else:
                yield key, value
    else:
        yield from mapping


class CleanParameters(ImmutableMultiDict):
    """The request's form and query-string values, each key and text value cleaned once."""

    def __init__(self, mapping=None):
        super().__init__([(_clean(key), _clean(value)) for key, value in _pairs(mapping)])


class CleanRequest(Request):
    parameter_storage_class = CleanParameters


def record_id(value) -> int:
    """An id typed or chosen in a form: decimal digits, 1 to MAX_ID; otherwise ValueError (so that
    `MultiDict.get(name, type=record_id)` gives None)."""
    text = value.strip() if isinstance(value, str) else ""
    if not text.isdecimal() or len(text) > 10:  # isdecimal: "²" passes isdigit() but not int()
        raise ValueError("not an id")
    number = int(text)
    if not 1 <= number <= MAX_ID:
        raise ValueError("not an id")
    return number


def record_ids(values) -> list[int]:
    """The ids among `values` (`request.args.getlist("d")`); the others are left out."""
    ids = []
    for value in values:
        try:
            ids.append(record_id(value))
        except ValueError:
            continue
    return ids


def bounded_int(value) -> int:
    """A whole number from a form or address (a weekday, a count), signed, within 32 bits; else ValueError."""
    text = value.strip() if isinstance(value, str) else ""
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isdecimal() or len(digits) > 10:
        raise ValueError("not a number")
    number = int(text)
    if not MIN_INT <= number <= MAX_ID:
        raise ValueError("not a number")
    return number


def year_number(value) -> int:
    """A year from a filter in the address, FIRST_YEAR to LAST_YEAR; else ValueError."""
    number = bounded_int(value)
    if not FIRST_YEAR <= number <= LAST_YEAR:
        raise ValueError("not a year")
    return number


class IdConverter(IntegerConverter):
    """`<int:...>` in every URL rule: at most MAX_ID (a bigger number is a 404, not an overflow)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class TextConverter(UnicodeConverter):
    """`<name>` and `<string:name>`: a part of the address without control characters (a NUL in a
    slug or token is a 404, not a DataError on PostgreSQL)."""

    def __init__(self, map, minlength=1, maxlength=None, length=None):  # noqa: A002
        super().__init__(map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = self.regex.replace("[^/]", "[^/\\x00-\\x1f\\x7f-\\x9f]", 1)


def init_app(app: Flask) -> None:
    """Before any blueprint adds its rules: converters are looked up when a rule is added."""
    app.request_class = CleanRequest
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["default"] = TextConverter
    app.url_map.converters["string"] = TextConverter
