"""Fixtures for texts: English messages, mothers with phones from phonenumbers' example numbers,
and the local fake provider (tests/texts/fake_provider.py) wired into the app."""
from __future__ import annotations

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from tests.conftest import make_user
from tests.texts.fake_provider import TOKEN, FakeProvider


def example(region: str, kind: PhoneNumberType) -> str:
    """phonenumbers' own example number of a region and type, in E.164: never someone's real phone."""
    return phonenumbers.format_number(phonenumbers.example_number_for_type(region, kind), PhoneNumberFormat.E164)


IL_MOBILE = example("IL", PhoneNumberType.MOBILE)  # +972502345678
IL_LANDLINE = example("IL", PhoneNumberType.FIXED_LINE)
GB_MOBILE = example("GB", PhoneNumberType.MOBILE)


def il_mobile(n: int) -> str:
    """The n-th of ten mobile numbers next to the example (the last digit changed)."""
    return IL_MOBILE[:-1] + str(n % 10)


def il_landline(n: int) -> str:
    """The n-th (1-99, not 67) of landlines next to the example (the last two digits changed)."""
    return IL_LANDLINE[:-2] + f"{n:02}"


def make_texting_mother(n: int = 0, **fields):
    """A mother without email who chose text messages, with a mobile phone."""
    values = {"language": "en", "email": None, "contact_by_email": False, "contact_by_sms": True, **fields}
    return make_user("mother", phone=il_mobile(n), **values)


@pytest.fixture(autouse=True)
def _english(english_by_default):
    """Messages are checked in English here (see tests/conftest.py)."""


@pytest.fixture
def webhook(app, monkeypatch):
    """The inbound webhook's secret is the fake provider's auth token."""
    monkeypatch.setitem(app.config, "TEXT_WEBHOOK_SECRET", TOKEN)
    return FakeProvider


@pytest.fixture
def provider(app, monkeypatch):
    """A running fake provider, and the app sending texts to it through the real HttpGateway."""
    running = FakeProvider().start()
    for key, value in running.config().items():
        monkeypatch.setitem(app.config, key, value)
    yield running
    running.stop()
