"""The starter leaflets in library/leaflets/: what they say must agree with the "when to call a
professional at once" box, with their English source and with each other, in every language.

Two health-content checks:

* Urgent signs. The box (groups_app/leaflets/templates/leaflets/_when_to_call.html) and the fact
  sheet list signs that mean "call MDA 101 or go to the emergency room AT ONCE". A leaflet must never
  put one of those signs under "tell someone soon" wording. Each leaflet body is cut into its `##`
  sections; any section that names an urgent sign (found by per-language keywords, URGENT_SIGNS)
  must have an at-once heading (AT_ONCE), must say 101, and must hold no "soon"/"early"/"in a few
  days" wording (NOT_URGENT) anywhere. Every translation must name the same urgent signs as the
  English text, so a keyword list that misses a language's wording fails here instead of letting a
  sign slip through unchecked. And every item of the box must be known to URGENT_SIGNS, so a new
  item in the box asks for keywords here.

* Numbers. A translation may contain no number that its English source does not have, and it
  must carry every number of the source, as digits or, where the language says it as a word
  (Hebrew "שבועיים", Arabic "الأربعة", Russian "круглосуточно"), as one of the NUMBER_WORDS.
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import select

from groups_app.core.i18n import LANGUAGES
from groups_app.leaflets import markdown, services
from groups_app.leaflets.importer import import_leaflets, parse
from groups_app.leaflets.models import Leaflet

ROOT = Path(__file__).resolve().parents[2]
LEAFLETS = ROOT / "library" / "leaflets"
WHEN_TO_CALL = ROOT / "groups_app" / "leaflets" / "templates" / "leaflets" / "_when_to_call.html"
SLUGS = sorted(p.name for p in LEAFLETS.iterdir() if p.is_dir())
FILES = sorted((slug, code) for slug in SLUGS for code in LANGUAGES if (LEAFLETS / slug / f"{code}.md").exists())
TRANSLATIONS = [(slug, code) for slug, code in FILES if code != "en"]
SOURCES_HEADING = {"en": "Sources", "he": "מקורות", "ar": "المصادر", "ru": "Источники", "am": "ምንጮች",
                   "es": "Fuentes"}
VIA_COPY = {"en": "via a copy", "he": "דרך עותק באתר אחר", "ar": "عبر نسخة في موقع آخر",
            "ru": "через копию на другом сайте", "am": "በሌላ ድረ-ገጽ ላይ ባለ ቅጂ በኩል",
            "es": "a través de una copia en otro sitio"}

# ---- urgent signs ---------------------------------------------------------------------------------
# Signs that mean "call a professional at once" (the when-to-call box, and the fact sheet's section
# "When to call a professional at once"), with the words each language uses for them. Patterns are
# regular expressions, matched without regard to case. Keep them specific: "pale" alone would also
# find "pale or clear urine", and "fit" would find "a fitted sheet".
URGENT_SIGNS: dict[str, dict[str, list[str]]] = {
    "dehydration": {
        "en": [r"dehydrat", r"dry mouth", r"sunken eyes", r"no tears", r"fewer wet nappies"],
        "he": [r"מיובש", r"התייבשות", r"פה יבש", r"עיניים שקועות", r"אין דמעות", r"פחות חיתולים רטובים"],
        "ar": [r"الجفاف", r"فم جاف", r"عينان غائرتان", r"لا دموع", r"حفاضات مبللة أقل"],
        "ru": [r"обезвожива", r"сухой рот", r"запавшие глаза", r"нет слёз", r"меньше мокрых подгузников"],
        "am": [r"ድርቀት", r"የአፍ መድረቅ", r"የዓይኖች መሰርጎድ", r"እንባ አለመኖር", r"ዳይፐሮች ቁጥር መቀነስ"],
        "es": [r"deshidrata", r"boca seca", r"ojos hundidos", r"sin lágrimas", r"menos pañales mojados"],
    },
    "very-sleepy-or-irritable": {
        "en": [r"very sleepy", r"irritable"],
        "he": [r"ישנוני מאוד", r"עצבני"],
        "ar": [r"نعسانًا جدًا", r"نعسان جدا", r"سريع الانزعاج"],
        "ru": [r"очень сонн", r"раздражительн"],
        "am": [r"በጣም እንቅልፋም", r"ብስጩ"],
        "es": [r"muy somnolient", r"irritable"],
    },
    "fever": {  # a baby under 3 months, or the mother, at 38°C or more
        code: [r"38\s?°"] for code in LANGUAGES
    },
    "colour": {
        "en": [r"blotchy", r"mottled", r"blue lips", r"unusually cold"],
        "he": [r"שפתיים כחולות", r"כתמים בעור"],
        "ar": [r"شفتان زرقاوان", r"زرقة الشفتين"],
        "ru": [r"синие губы", r"посинел", r"мраморн"],
        "am": [r"ሰማያዊ ከንፈር"],
        "es": [r"labios azules", r"piel moteada"],
    },
    "fit-floppy-or-hard-to-wake": {
        "en": [r"\bhas a fit\b", r"\bfloppy\b", r"hard to wake", r"seizure"],
        "he": [r"פרכוס", r"רפוי", r"קשה להעיר"],
        "ar": [r"تشنّج", r"تشنج", r"يصعب إيقاظ"],
        "ru": [r"судорог", r"вялый", r"трудно разбудить"],
        "am": [r"ለመቀስቀስ", r"ንዝረት"],
        "es": [r"convulsi", r"difícil de despertar", r"sin fuerza"],
    },
    "breathing": {
        "en": [r"hard to breathe", r"trouble breathing", r"stops breathing", r"\bgrunts?\b"],
        "he": [r"קשה לנשום", r"קושי בנשימה", r"מפסיק לנשום", r"הפסקות נשימה"],
        "ar": [r"صعوبة في التنفس", r"يتوقف عن التنفس"],
        "ru": [r"трудно дышать", r"затруднённое дыхание", r"перестаёт дышать"],
        "am": [r"መተንፈስ ሲያስቸግ", r"የመተንፈስ ችግር"],
        "es": [r"cuesta respirar", r"dificultad para respirar", r"deja de respirar"],
    },
    "rash": {
        "en": [r"\brash\b"], "he": [r"פריחה"], "ar": [r"طفح"], "ru": [r"сыпь"], "am": [r"ሽፍታ"],
        "es": [r"sarpullido", r"erupción"],
    },
    "thoughts-of-harm": {
        "en": [r"thoughts of harming"],
        "he": [r"מחשבות לפגוע"],
        "ar": [r"أفكار بإيذاء"],
        "ru": [r"мысли причинить вред"],
        "am": [r"የመጉዳት ሐሳብ"],
        "es": [r"hacerte daño"],
    },
    "heavy-bleeding": {
        "en": [r"heavy bleeding", r"heavy vaginal bleeding"],
        "he": [r"דימום כבד"], "ar": [r"نزيف شديد", r"نزيف غزير"], "ru": [r"сильное кровотечение"],
        "am": [r"ከባድ የደም መፍሰስ"], "es": [r"sangrado abundante"],
    },
    "chest-pain-or-racing-heart": {
        "en": [r"chest pain", r"racing heart", r"fast heartbeat"],
        "he": [r"כאב בחזה", r"דופק מהיר"], "ar": [r"ألم في الصدر", r"تسارع ضربات القلب"],
        "ru": [r"боль в грудной клетке", r"учащённое сердцебиение"],
        "am": [r"የደረት ሕመም", r"የልብ ምት መፍጠን"], "es": [r"dolor torácico", r"corazón acelerado"],
    },
    "headache-sight-or-fainting": {
        "en": [r"severe headache", r"changes in your sight", r"vision changes", r"fainting"],
        "he": [r"כאב ראש חזק", r"שינויים בראייה", r"התעלפות"], "ar": [r"صداع شديد", r"إغماء"],
        "ru": [r"сильная головная боль", r"обморок"], "am": [r"ከባድ ራስ ምታት", r"ራስን መሳት"],
        "es": [r"dolor de cabeza (?:fuerte|intenso)", r"desmayo"],
    },
    "leg": {
        "en": [r"painful leg", r"leg swelling"], "he": [r"רגל נפוחה"], "ar": [r"تورم الساق"],
        "ru": [r"отёк ноги"], "am": [r"የእግር እብጠት"], "es": [r"pierna hinchada"],
    },
    "mastitis": {
        "en": [r"mastitis", r"swollen area in the breast"], "he": [r"דלקת בשד", r"מסטיטיס"],
        "ar": [r"التهاب الثدي"], "ru": [r"мастит"], "am": [r"ማስቲቲስ", r"የጡት ብግነት"], "es": [r"mastitis"],
    },
}
# A section that names an urgent sign must say "at once" in its heading...
AT_ONCE = {
    "en": r"at once|right away|immediately",
    "he": r"(?<![\u05d0-\u05ea])מייד|(?<![\u05d0-\u05ea])מיד(?![\u05d0-\u05ea])",
    "ar": r"فورًا|فورا|فوراً|على الفور",
    "ru": r"сразу|немедленно|срочн",
    "am": r"ወዲያውኑ|አስቸኳይ|አሁኑኑ",
    "es": r"de inmediato|inmediatamente|enseguida",
}
# ...and must not, anywhere, say "soon", "early", "in a few days" or the like. (Amharic ቶሎ,
# "quickly", is used for "ask for help early" in good-latch, so an urgent section uses ወዲያውኑ.)
NOT_URGENT = {
    "en": r"\bsoon\b|\bearly\b|in a few days|when you can|next check",
    "he": r"בהקדם|מוקדם|בימים הקרובים|כשתוכלי",
    "ar": r"قريبًا|قريباً|مبكرًا|مبكراً|خلال أيام|في الأيام القادمة",
    "ru": r"скорее|в ближайш|пораньше|как можно раньше|через несколько дней",
    "am": r"ቶሎ|በቅርቡ|በጥቂት ቀናት",
    "es": r"\bpronto\b|en unos días|en los próximos días|cuando puedas",
}
EMERGENCY_NUMBER = r"(?<!\d)101(?!\d)"


@cache
def _read(slug: str, code: str) -> tuple[dict[str, str], str]:
    return parse(LEAFLETS / slug / f"{code}.md")


def _sections(code: str, body: str) -> list[tuple[str, str]]:
    """(heading, text) for each `##` section of the body, without the sources section."""
    sections, heading, lines = [], "", []
    for line in body.splitlines():
        if line.startswith("## "):
            sections.append((heading, "\n".join(lines)))
            heading, lines = line[3:].strip(), []
        else:
            lines.append(line)
    sections.append((heading, "\n".join(lines)))
    return [(h, t) for h, t in sections if h != SOURCES_HEADING[code]]


def _signs_in(code: str, text: str) -> set[str]:
    return {sign for sign, words in URGENT_SIGNS.items()
            if any(re.search(word, text, re.IGNORECASE) for word in words.get(code, []))}


def _urgent_signs(slug: str, code: str) -> set[str]:
    return set().union(*(_signs_in(code, f"{h}\n{t}") for h, t in _sections(code, _read(slug, code)[1])))


def test_every_item_of_the_when_to_call_box_is_a_known_urgent_sign():
    items = re.findall(r"<li>\{\{ _\(\"(.+?)\"\) \}\}</li>", WHEN_TO_CALL.read_text(encoding="utf-8"))
    assert len(items) >= 10, "the when-to-call box was not understood"
    for item in items:
        assert _signs_in("en", item), f"no URGENT_SIGNS entry for the when-to-call item {item!r}"


def test_the_checks_know_the_sign_words_of_every_language():
    for sign, words in URGENT_SIGNS.items():
        assert set(words) == set(LANGUAGES), sign
    assert set(AT_ONCE) == set(NOT_URGENT) == set(SOURCES_HEADING) == set(LANGUAGES)


@pytest.mark.parametrize("slug, code", FILES)
def test_urgent_signs_are_only_under_an_at_once_heading(slug, code):
    for heading, text in _sections(code, _read(slug, code)[1]):
        signs = _signs_in(code, f"{heading}\n{text}")
        if not signs:
            continue
        where = f"{slug}/{code}.md, section {heading or '(introduction)'!r}, names {sorted(signs)}"
        assert re.search(AT_ONCE[code], heading, re.IGNORECASE), \
            f"{where}: signs to act on at once need a heading that says so"
        soon = re.search(NOT_URGENT[code], f"{heading}\n{text}", re.IGNORECASE)
        assert soon is None, f"{where} together with non-urgent wording {soon.group(0)!r}"
        assert re.search(EMERGENCY_NUMBER, f"{heading}\n{text}"), f"{where} but not MDA 101"


@pytest.mark.parametrize("slug, code", TRANSLATIONS)
def test_translation_names_the_same_urgent_signs_as_its_source(slug, code):
    assert _urgent_signs(slug, code) == _urgent_signs(slug, "en")


def test_enough_milk_sends_a_dehydrated_or_very_sleepy_baby_to_help_at_once():
    assert {"dehydration", "very-sleepy-or-irritable"} <= _urgent_signs("enough-milk", "en")


# ---- numbers ----------------------------------------------------------------------------------------
# Numbers a language writes as words. Hebrew and Arabic words may carry a one- or two-letter prefix
# (ב-, ו-, ה-, ال...); Amharic and Russian words are matched as the start of a longer word.
NUMBER_WORDS: dict[str, dict[str, str]] = {
    "en": {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
           "eight": "8", "ten": "10", "twelve": "12", "a couple": "2"},
    "he": {"אחד": "1", "אחת": "1", "שניים": "2", "שתיים": "2", "שני": "2", "שתי": "2", "שלוש": "3",
           "שלושה": "3", "ארבע": "4", "ארבעה": "4", "חמש": "5", "חמישה": "5", "שש": "6", "שישה": "6",
           "ששת": "6", "שמונה": "8", "עשר": "10", "עשרה": "10",
           # a unit on its own is one; the dual form is two
           "שעה": "1", "יום": "1", "שבוע": "1", "חודש": "1", "שנה": "1", "פעם": "1",
           "שעתיים": "2", "יומיים": "2", "שבועיים": "2", "חודשיים": "2", "שנתיים": "2", "פעמיים": "2",
           "היומיים": "2"},
    "ar": {"واحد": "1", "واحدة": "1", "اثنان": "2", "اثنين": "2", "ثلاث": "3", "ثلاثة": "3", "أربع": "4",
           "أربعة": "4", "خمس": "5", "خمسة": "5", "ست": "6", "ستة": "6", "ثماني": "8", "ثمانية": "8",
           "عشر": "10", "عشرة": "10",
           "ساعة": "1", "يوم": "1", "أسبوع": "1", "شهر": "1", "سنة": "1", "مرة": "1",
           "ساعتين": "2", "يومين": "2", "أسبوعين": "2", "شهرين": "2", "سنتين": "2", "عامين": "2",
           "مرتين": "2", "حفاضان": "2", "اليومين": "2"},
    "ru": {"один": "1", "одн": "1", "два": "2", "две": "2", "двух": "2", "три": "3", "трёх": "3",
           "четыр": "4", "пят": "5", "шест": "6", "восьм": "8", "восем": "8", "десят": "10",
           "круглосуточно": "24", "сутки": "24"},
    "am": {"አንድ": "1", "ሁለት": "2", "ሦስት": "3", "ሶስት": "3", "አራት": "4", "አምስት": "5", "ስድስት": "6",
           "ስምንት": "8", "አሥር": "10", "አስር": "10"},
    "es": {"un": "1", "una": "1", "uno": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5",
           "seis": "6", "ocho": "8", "diez": "10", "doce": "12"},
}
URL = re.compile(r"https?://\S+")


def _digits(text: str) -> set[str]:
    """The numbers written with digits, the same in every local style: 17,000 = 17 000 = 17000 and
    8.4 = 8,4. URLs are left out (the sources test compares them)."""
    text = URL.sub(" ", text)
    text = re.sub(r"(?<=\d)[,\u00a0\u202f ](?=\d{3}(?!\d))", "", text)  # thousands separators
    text = re.sub(r"(?<=\d),(?=\d)", ".", text)  # decimal comma
    return set(re.findall(r"[0-9]+(?:\.[0-9]+)?", text))


def _words(code: str, text: str) -> set[str]:
    found = set()
    for word, number in NUMBER_WORDS[code].items():
        if code in ("he", "ar"):
            pattern = rf"(?<![^\W\d_])(?:[\u05d1\u05d4\u05d5\u05dc\u05de\u05e9\u05db]{{1,2}}|ال|[بلوفك]ال?)?{word}(?![^\W\d_])"
        elif code in ("ru", "am"):
            pattern = rf"(?<![^\W\d_]){word}"
        else:
            pattern = rf"\b{word}\b"
        if re.search(pattern, text, re.IGNORECASE):
            found.add(number)
    return found


def _text(slug: str, code: str) -> str:
    meta, body = _read(slug, code)
    return f"{meta['title']}\n{body}"


@pytest.mark.parametrize("slug, code", TRANSLATIONS)
def test_translation_has_no_number_its_source_lacks(slug, code):
    source = _text(slug, "en")
    extra = _digits(_text(slug, code)) - _digits(source) - _words("en", source)
    assert not extra, f"{slug}/{code}.md has numbers that are not in en.md: {sorted(extra)}"


@pytest.mark.parametrize("slug, code", TRANSLATIONS)
def test_translation_keeps_every_number_of_its_source(slug, code):
    text = _text(slug, code)
    missing = _digits(_text(slug, "en")) - _digits(text) - _words(code, text)
    assert not missing, f"{slug}/{code}.md lost numbers of en.md: {sorted(missing)}"


def test_the_number_check_reads_local_number_styles():
    assert _digits("8,4% из 1000; около 17 000 родов") == {"8.4", "1000", "17000"}
    assert _digits("8.4% of 1,000; about 17,000 births; 08-624-1010; ‎-18°C") == {
        "8.4", "1000", "17000", "08", "624", "1010", "18"}
    assert _words("he", "בששת החודשים") == {"6"} and _words("ar", "الأشهر الأربعة") == {"4"}
    assert "2" not in _words("he", "שניהם") and "6" not in _words("ar", "استعملي")


# ---- the same leaflet in every language ------------------------------------------------------------

@pytest.mark.parametrize("slug", SLUGS)
def test_every_leaflet_is_in_every_language(slug):
    assert {p.stem for p in (LEAFLETS / slug).glob("*.md")} == set(LANGUAGES)


@pytest.mark.parametrize("slug, code", TRANSLATIONS)
def test_translation_has_its_source_front_matter_and_sources(slug, code):
    meta, body = _read(slug, code)
    source_meta, source_body = _read(slug, "en")
    assert meta["title"] and ": " not in meta["title"]
    assert (meta.get("subjects"), meta.get("topics")) == (source_meta.get("subjects"), source_meta.get("topics"))
    sources = body.split(f"\n## {SOURCES_HEADING[code]}\n", 1)
    assert len(sources) == 2, f"{slug}/{code}.md: no '## {SOURCES_HEADING[code]}' section"
    lines = [line for line in sources[1].splitlines() if line.strip()]
    source_lines = [line for line in source_body.split("\n## Sources\n", 1)[1].splitlines() if line.strip()]
    assert [URL.findall(line) for line in lines] == [URL.findall(line) for line in source_lines]
    for line, source_line in zip(lines, source_lines, strict=True):
        assert line.startswith("- ")
        assert (VIA_COPY[code] in line) == (VIA_COPY["en"] in source_line), line


@pytest.mark.parametrize("slug, code", FILES)
def test_body_is_safe_markdown_that_sends_readers_to_mda_101(slug, code):
    meta, body = _read(slug, code)
    markdown.problems(body)  # raises on HTML or unsafe links
    peer_note = body.split(f"\n## {SOURCES_HEADING[code]}\n", 1)[0].strip().splitlines()[-1]
    assert re.search(EMERGENCY_NUMBER, peer_note), f"{slug}/{code}.md: the last line before the sources"


def test_the_importer_takes_every_file_in_every_language(app, db):
    report = import_leaflets(LEAFLETS)
    assert report.problems == []
    assert report.added == len(FILES)
    for leaflet in db.session.scalars(select(Leaflet)):
        assert {t.language for t in leaflet.translations} == set(LANGUAGES), leaflet.slug
        assert all(services.status(leaflet, t) == "published" for t in leaflet.translations), leaflet.slug
