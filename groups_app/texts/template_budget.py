"""What each text-message template costs: rendered in every language with the longest realistic
values and counted in segments. `flask texts templates` prints it; a test keeps each at 2 or less.

The longest realistic values: a 40-character group name and a long book title (the templates cut
both), the longest short date and time of the year in the language, a 6-digit id, and a
PUBLIC_URL of 30 characters. Each is tried in Latin letters and in Hebrew, since a name in Hebrew
makes even an English text UCS-2 (70 characters a segment instead of 160).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time
from flask import current_app

from ..core.i18n import LANGUAGES
from ..core.notify import render_text
from .segments import count_segments

MAX_SEGMENTS = 2
SAMPLE_PUBLIC_URL = "https://mothers.example.org.il"  # 30 characters
SAMPLE_ID = 999_999
ZONE = "Asia/Jerusalem"
# Names and titles as a coordinator might write them, in Latin letters and in Hebrew.
SAMPLES = {
    "latin": {"group": "Young mothers of Tel Sheva, Tuesday group", "person": "Fatima Abu Rabia-Alkrenawi Hasson",
              "title": "What to Expect the First Year: the complete guide for new parents"},
    "hebrew": {"group": "אמהות צעירות מתל שבע - קבוצת יום שלישי", "person": "פאטמה אבו רביעה-אלקרינאוי חסון",
               "title": "מה צפוי לנו בשנה הראשונה: המדריך המלא להורים חדשים"},
}


class Cost(NamedTuple):
    template: str
    language: str
    encoding: str
    segments: int
    length: int
    text: str


def template_names() -> list[str]:
    """Every text-message template of the app's features: `<feature>/templates/<feature>/texts/*.txt`."""
    names = set()
    for blueprint in current_app.blueprints.values():
        if blueprint.template_folder:
            folder = Path(blueprint.root_path) / blueprint.template_folder
            names |= {path.relative_to(folder).as_posix() for path in folder.glob("*/texts/*.txt")}
    return sorted(names)


def _longest(language: str) -> datetime:
    """A moment whose short day and short time are the longest of the year in `language`."""
    days = (date(2026, 1, 1) + timedelta(days=n) for n in range(366))
    day = max(days, key=lambda d: len(format_skeleton("MMMEd", datetime.combine(d, time(12)), locale=language)))
    hours = (time(h, m) for h in range(24) for m in (0, 30, 45))
    at = max(hours, key=lambda t: len(format_time(t, "short", locale=language)))
    return datetime.combine(day, at, tzinfo=ZoneInfo(ZONE)).astimezone(UTC)


def sample_context(language: str, script: str = "latin") -> dict:
    """Stand-ins for what the notices pass their templates, with the longest values."""
    values = SAMPLES[script]
    moment = _longest(language)
    user = SimpleNamespace(id=SAMPLE_ID, name=values["person"], language=language, phone="+972501234567")
    group = SimpleNamespace(id=SAMPLE_ID, name=values["group"], timezone=ZONE)
    meeting = SimpleNamespace(id=SAMPLE_ID, group_id=SAMPLE_ID, group=group, start=moment, starts_at=moment)
    book = SimpleNamespace(id=SAMPLE_ID, title=values["title"])
    copy = SimpleNamespace(id=SAMPLE_ID, code="TS-BOOK-0042", book=book, group=group, group_id=SAMPLE_ID)
    hold = SimpleNamespace(id=SAMPLE_ID, book=book, copy=copy, ready_until=moment, user=user)
    loan = SimpleNamespace(id=SAMPLE_ID, copy=copy, due=moment, due_at=moment, due_day=moment.date(), user=user)
    return {"user": user, "group": group, "meeting": meeting, "old_start": moment, "book": book, "copy": copy,
            "hold": hold, "loan": loan,
            "volunteer_name": values["person"], "visit_at": moment,  # visits/texts/visit_next.txt (cut to 15)
            "code": "999999", "minutes": 15}  # accounts/texts/phone_code.txt


@contextmanager
def public_address(url: str | None) -> Iterator[None]:
    """Links built from `url` for a while (the app's own PUBLIC_URL when None)."""
    config = current_app.config
    before = config["PUBLIC_URL"]
    config["PUBLIC_URL"] = url or before
    try:
        yield
    finally:
        config["PUBLIC_URL"] = before


def costs(public_url: str | None = SAMPLE_PUBLIC_URL, names: list[str] | None = None) -> list[Cost]:
    """Each template in each language, at its dearest (the Latin or the Hebrew sample)."""
    result = []
    with public_address(public_url):
        for name in names or template_names():
            for language in LANGUAGES:
                worst = None
                for script in SAMPLES:
                    context = sample_context(language, script)
                    text = render_text(context.pop("user"), name, **context)
                    size = count_segments(text)
                    if worst is None or (size.segments, size.length) > (worst.segments, worst.length):
                        worst = Cost(name, language, size.encoding, size.segments, size.length, text)
                result.append(worst)
    return result


def report(public_url: str | None = SAMPLE_PUBLIC_URL) -> list[str]:
    """One line per template: its segments in each language, and the dearest length."""
    by_template: dict[str, list[Cost]] = {}
    for cost in costs(public_url):
        by_template.setdefault(cost.template, []).append(cost)
    lines = []
    for name, rows in by_template.items():
        each = "  ".join(f"{c.language} {c.segments}" for c in rows)
        dearest = max(rows, key=lambda c: (c.segments, c.length))
        flag = "" if dearest.segments <= MAX_SEGMENTS else f"  OVER {MAX_SEGMENTS} SEGMENTS"
        lines.append(f"{name:40} {each}   (longest: {dearest.length} {dearest.encoding} units, {dearest.language}){flag}")
    return lines
