"""Segments: what a text costs. GSM-7 160 / 153 a part (extension characters count two), UCS-2
70 / 67 a part counted in UTF-16 units (an emoji is two); a character never split across parts."""
import pytest

from groups_app.texts.segments import count_segments


@pytest.mark.parametrize(("text", "expected"), [
    ("a" * 160, ("GSM-7", 1, 160)),
    ("a" * 161, ("GSM-7", 2, 161)),
    ("a" * 306, ("GSM-7", 2, 306)),
    ("a" * 307, ("GSM-7", 3, 307)),
    ("ש" * 70, ("UCS-2", 1, 70)),
    ("ש" * 71, ("UCS-2", 2, 71)),
    ("ع" * 134, ("UCS-2", 2, 134)),
    ("ع" * 135, ("UCS-2", 3, 135)),
    ("", ("GSM-7", 1, 0)),
])
def test_the_boundaries_of_one_and_more_segments(text, expected):
    assert tuple(count_segments(text)) == expected


def test_extension_characters_count_twice():
    assert count_segments("a" * 158 + "{") == ("GSM-7", 1, 160)
    assert count_segments("a" * 159 + "€") == ("GSM-7", 2, 161)
    assert count_segments("[~]|^\\").length == 12


def test_an_extension_character_is_not_split_across_two_parts():
    # 306 septets would fit two parts of 153, but the euro sign cannot straddle the first boundary.
    assert count_segments("a" * 152 + "€" + "a" * 152) == ("GSM-7", 3, 306)


def test_emoji_are_two_units_and_force_ucs2():
    assert count_segments("😀") == ("UCS-2", 1, 2)
    assert count_segments("😀" * 35) == ("UCS-2", 1, 70)
    assert count_segments("a" * 69 + "😀") == ("UCS-2", 2, 71)
    assert count_segments("a" * 66 + "😀" + "a" * 66) == ("UCS-2", 3, 134)  # the pair stays whole


@pytest.mark.parametrize("text", ["Встреча отменена", "ስብሰባው ተሰርዟል", "הפגישה בוטלה", "تم إلغاء اللقاء",
                                  "reunión cancelada: ç"])
def test_anything_outside_the_gsm_alphabet_is_ucs2(text):
    assert count_segments(text).encoding == "UCS-2"


def test_the_gsm_alphabet_has_some_accents_and_greek_capitals_but_not_o_acute():
    assert count_segments("¿Mañana? ¡Ñ! café è ΔΦΓ £5 @10:00").encoding == "GSM-7"
    assert count_segments("Reunión").encoding == "UCS-2"  # ó, á, í, ú are not in GSM 03.38: Spanish may cost UCS-2
