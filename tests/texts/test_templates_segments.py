"""Every text-message template costs at most two segments in each of the six languages, with the
longest realistic values (see groups_app/texts/template_budget.py), with the catalogs as they
are: a string not yet translated renders in English, and the test must hold once it is."""
from __future__ import annotations

from groups_app.core.i18n import LANGUAGES
from groups_app.core.notify import render_text
from groups_app.texts.segments import count_segments
from groups_app.texts.template_budget import (
    MAX_SEGMENTS,
    SAMPLE_PUBLIC_URL,
    costs,
    public_address,
    report,
    sample_context,
    template_names,
)

NOTICES = {
    "groups/texts/meeting_cancelled.txt", "groups/texts/meeting_moved.txt", "groups/texts/meeting_restored.txt",
    "groups/texts/meeting_tomorrow.txt", "library/texts/hold_ready.txt", "library/texts/due_soon.txt",
    "library/texts/overdue.txt", "visits/texts/visit_next.txt",
}


def test_every_text_template_fits_in_two_segments_in_every_language(app, capsys):
    assert len(SAMPLE_PUBLIC_URL) == 30
    found = costs(SAMPLE_PUBLIC_URL)
    assert NOTICES <= set(template_names())
    assert {(c.template, c.language) for c in found} == {(t, lang) for t in template_names() for lang in LANGUAGES}
    over = [(c.template, c.language, c.segments, c.length, c.text) for c in found if c.segments > MAX_SEGMENTS]
    assert over == []
    dearest = max(found, key=lambda c: c.length)
    with capsys.disabled():
        print(f"\nFIGURE text templates over {MAX_SEGMENTS} segments: {len(over)} of {len(found)} "
              f"(longest {dearest.length} UCS-2 units of 134: {dearest.template}, {dearest.language})")


def test_each_notice_ends_with_its_short_link(app):
    with public_address(SAMPLE_PUBLIC_URL):
        for name in NOTICES:
            for language in LANGUAGES:
                context = sample_context(language)
                text = render_text(context.pop("user"), name, **context)
                assert text.split()[-1].startswith(SAMPLE_PUBLIC_URL + "/"), (name, language, text)
                assert "\n" not in text and "  " not in text


def test_long_names_and_titles_are_cut_and_an_english_text_stays_gsm7(app):
    context = sample_context("en", "latin")
    with public_address(SAMPLE_PUBLIC_URL):
        text = render_text(context.pop("user"), "groups/texts/meeting_moved.txt", **context)
        hold = sample_context("en", "hebrew")
        held = render_text(hold.pop("user"), "library/texts/hold_ready.txt", **hold)
    assert "Young mothers of Tel S..." in text and "Tuesday group" not in text
    assert count_segments(text).encoding == "GSM-7"  # Babel's narrow no-break space in "12:00 AM" is gone
    assert '"מה צפוי לנו בשנה הראש..."' in held


def test_the_command_prints_each_template_per_language(app):
    result = app.test_cli_runner().invoke(args=["texts", "templates", "--public-url", SAMPLE_PUBLIC_URL])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == report(SAMPLE_PUBLIC_URL)
    line = next(line for line in result.output.splitlines() if line.startswith("groups/texts/meeting_cancelled.txt"))
    assert all(f"{language} 2" in line or f"{language} 1" in line for language in LANGUAGES)
