"""Phone numbers: one stored form (E.164) for every way a number is written, and how it is shown."""
from __future__ import annotations

import re

import phonenumbers
from flask import current_app, has_app_context
from phonenumbers import PhoneMetadata, PhoneNumber, PhoneNumberFormat, PhoneNumberType

DEFAULT_REGION = "IL"  # a number written without +972 or 00972 is an Israeli one


class InvalidPhoneNumber(ValueError):
    """What was typed cannot be a phone number."""


def parse_phone(value: str) -> PhoneNumber:
    """The number written in `value`, in any spelling, or InvalidPhoneNumber.

    '050-123 4567', '+972 50-123-4567' and '00972 50 123 4567' are one number; a number that
    starts with + or 00 belongs to the country it names.
    """
    text = (value or "").strip()
    if any(ch.isalpha() for ch in text):
        # the library reads letters as keypad digits (1-800-FLOWERS); here they are a typo
        raise InvalidPhoneNumber(value)
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise InvalidPhoneNumber(value) from None
    if number.extension or not _plausible(number):
        raise InvalidPhoneNumber(value)
    return number


def _plausible(number: PhoneNumber) -> bool:
    """Valid by the library's tables, or of a possible length that fits the country's plan.

    is_valid_number alone would refuse ranges allocated after the library's tables were made
    (and the 050-123-xxxx numbers used in examples); is_possible_number alone, which only
    counts digits, would take a mobile number with a digit missing for a landline.
    """
    if phonenumbers.is_valid_number(number):
        return True
    if not phonenumbers.is_possible_number(number):
        return False
    region = phonenumbers.region_code_for_country_code(number.country_code)
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(number.country_code, region)
    pattern = metadata.general_desc.national_number_pattern if metadata and metadata.general_desc else None
    return bool(pattern) and re.fullmatch(pattern, phonenumbers.national_significant_number(number)) is not None


def normalise_phone(value: str | None) -> str | None:
    """E.164 ('+972501234567') for any spelling; None when nothing was written; InvalidPhoneNumber
    when what was written cannot be a phone number."""
    if not (value or "").strip():
        return None
    return phonenumbers.format_number(parse_phone(value), PhoneNumberFormat.E164)


def e164_or_none(value: str | None) -> str | None:
    """Like normalise_phone, but None for anything that is not a phone number (for look-ups)."""
    try:
        return normalise_phone(value)
    except InvalidPhoneNumber:
        return None


def phone_digits(e164: str | None) -> str | None:
    """The number without country code or leading 0 ('501234567'): the part a password must not
    contain, however the number is written inside it."""
    try:
        return phonenumbers.national_significant_number(phonenumbers.parse(e164 or "", DEFAULT_REGION))
    except phonenumbers.NumberParseException:
        return None


def display_phone(e164: str | None) -> str:
    """A stored number as people write it: '050-123-4567' for an Israeli number, '+1 202-555-0143'
    for any other. Something that does not parse is shown as it is."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == phonenumbers.country_code_for_region(DEFAULT_REGION):
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


# ---- which numbers can receive text messages ----------------------------------------------------

TEXTABLE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)


def text_countries(setting: str | None = None) -> set[str] | None:
    """The regions (ISO codes) texts may go to, from a TEXT_COUNTRIES value ("IL", "IL,PS"; the
    app's setting when None); None means anywhere ("*")."""
    if setting is None:
        setting = current_app.config.get("TEXT_COUNTRIES", "IL") if has_app_context() else "IL"
    codes = {code.strip().upper() for code in setting.split(",") if code.strip()}
    return None if "*" in codes else codes


def can_receive_texts(phone: str | None, countries: str | None = None) -> bool:
    """True for a mobile number (by the numbering plan's tables) in a country the provider serves
    (`countries` like TEXT_COUNTRIES; the app's setting when None). A landline, a number the tables
    do not know, or one abroad: False."""
    if not phone:
        return False
    try:
        number = phonenumbers.parse(phone, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return False
    if phonenumbers.number_type(number) not in TEXTABLE_TYPES:
        return False
    allowed = text_countries(countries)
    return allowed is None or phonenumbers.region_code_for_number(number) in allowed
