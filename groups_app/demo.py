"""Believable, multilingual demo data for every role. Never in production, never twice."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from .accounts.auth import hash_password
from .accounts.models import User, UserRole
from .core.places import Locality
from .extensions import db

DEMO_PASSWORD = "peer support demo"
DEMO_DOMAIN = "demo.example.org"

# email name, display name, language, other languages, locality (English name), roles
PEOPLE = [
    ("admin", "Dana Levi", "he", "en", "Beersheba", ("admin",)),
    ("coordinator", "Miriam Cohen", "he", "en,ru", "Beersheba", ("coordinator",)),
    ("staff", "Yael Ben-David", "he", "en,es", "Beersheba", ("staff",)),
    ("facilitator", "Amal Abu-Rabia", "ar", "he", "Rahat", ("facilitator", "mother")),
    ("facilitator2", "Olga Petrova", "ru", "he", "Arad", ("facilitator",)),
    ("volunteer", "Tsega Worku", "am", "he", "Dimona", ("volunteer", "mother")),
    ("mother", "Noa Mizrahi", "he", "", "Beersheba", ("mother",)),
    ("mother.ar", "Huda Alkrenawi", "ar", "he", "Rahat", ("mother",)),
    ("mother.ru", "Svetlana Ivanova", "ru", "he", "Arad", ("mother",)),
    ("mother.am", "Almaz Tesfaye", "am", "he", "Dimona", ("mother",)),
    ("mother.es", "Lucía Gómez", "es", "he,en", "Beersheba", ("mother",)),
]


class DemoRefused(Exception):
    def __init__(self, message: str, already_loaded: bool = False):
        super().__init__(message)
        self.already_loaded = already_loaded


def load_demo(production: bool, today: date | None = None) -> list[tuple[str, str]]:
    """Create the demo people. Returns (email, roles) for each account made."""
    if production:
        raise DemoRefused("Demo data is never loaded in production (GROUPS_APP_ENV=production).")
    if db.session.scalar(select(User.id).where(User.email.like(f"%@{DEMO_DOMAIN}"))):
        raise DemoRefused("Demo data is already loaded in this database; nothing was changed.", already_loaded=True)
    today = today or date.today()
    localities = {loc.name_en: loc for loc in db.session.scalars(select(Locality))}
    password_hash = hash_password(DEMO_PASSWORD)
    made = []
    for index, (local, name, lang, others, place, roles) in enumerate(PEOPLE):
        user = User(
            name=name,
            email=f"{local}@{DEMO_DOMAIN}",
            language=lang,
            other_languages=others,
            locality=localities.get(place),
            password_hash=password_hash,
            first_time_mother=(index % 2 == 0) if "mother" in roles else None,
        )
        if "mother" in roles:
            if index % 3 == 0:
                user.due_date = today + timedelta(days=40 + index * 9)
            else:
                user.baby_birth_date = today - timedelta(days=20 + index * 17)
        user.roles = [UserRole(role=r) for r in roles]
        db.session.add(user)
        made.append((user.email, ", ".join(roles)))
    db.session.commit()
    return made
