"""Referrals: the public form's rules, the coordinator's inbox and notes, acceptance."""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ...accounts.auth import hash_password
from ...accounts.models import User, UserRole
from ...core import audit
from ...core.errors import Conflict, DomainError
from ...core.i18n import LANGUAGES
from ...core.phones import InvalidPhoneNumber, normalise_phone
from ...core.places import Locality
from ...core.timeutil import aware, today, utcnow
from ...extensions import db
from ..models import SOURCES, STATUSES, Case, Referral
from ..permissions import require_coordinator
from .area import add_months, check

SOURCE_LABELS = {
    "family_physician": _l("Family physician"),
    "nurse": _l("Nurse (family health clinic)"),
    "public_health": _l("Public health service"),
    "mental_health": _l("Mental health professional"),
    "hospital": _l("Hospital staff"),
    "family": _l("A family member"),
    "self": _l("The mother herself"),
    "other": _l("Someone else"),
}
STATUS_LABELS = {
    "new": _l("New"),
    "contacted": _l("Contacted"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "not_eligible": _l("Not eligible"),
}
# The audit action for each status a coordinator can set by hand ("accepted" comes with a case).
STATUS_ACTIONS = {"new": "referral.reopened", "contacted": "referral.contacted", "declined": "referral.declined",
                  "not_eligible": "referral.not_eligible"}
DUE_MONTHS_AHEAD = 10


class TooManyReferrals(DomainError):
    status = 429


@dataclass
class ReferralFields:
    mother_name: str
    phone: str
    locality_id: int | None
    languages: list[str]
    source: str
    consent: bool
    baby_birth_date: date | None = None
    due_date: date | None = None
    mother_age: int | None = None
    first_baby: bool | None = None
    referrer_name: str = ""
    referrer_contact: str = ""


# ---- the public form ------------------------------------------------------------------------------

def address_hash(address: str | None) -> str:
    """The sender's address, hashed with the app's secret: enough to count, not to know who."""
    return hashlib.sha256((current_app.config["SECRET_KEY"] + (address or "")).encode()).hexdigest()


def _validated(fields: ReferralFields) -> dict:
    name = (fields.mother_name or "").strip()
    if not name:
        raise DomainError(_l("Please write the mother's name."), field="mother_name")
    try:
        phone = normalise_phone(fields.phone)
    except InvalidPhoneNumber:
        raise DomainError(_l("This does not look like a phone number. Please write it with its area code, for example "
                             "050-123-4567."), field="phone") from None
    if not phone:
        raise DomainError(_l("Please write the mother's phone number."), field="phone")
    if fields.locality_id is None or db.session.get(Locality, fields.locality_id) is None:
        raise DomainError(_l("Please choose her locality from the list."), field="locality_id")
    languages = list(dict.fromkeys(code for code in fields.languages or () if code in LANGUAGES))  # her order
    if not languages:
        raise DomainError(_l("Please tick at least one language she speaks."), field="languages")
    now = today()
    born, due = fields.baby_birth_date, fields.due_date
    if born is None and due is None:
        raise DomainError(_l("Please give the baby's birth date or, if she is pregnant, her due date."),
                          field="baby_birth_date")
    if born is not None and born > now:
        raise DomainError(_l("The baby's birth date cannot be in the future. If she is pregnant, give the due date "
                             "instead."), field="baby_birth_date")
    if due is not None and due < now:
        raise DomainError(_l("The due date has passed. If the baby is born, give the birth date instead."),
                          field="due_date")
    if due is not None and due > add_months(now, DUE_MONTHS_AHEAD):
        raise DomainError(_l("The due date is more than 10 months away. Please check it."), field="due_date")
    if fields.mother_age is not None and not 12 <= fields.mother_age <= 60:
        raise DomainError(_l("Please give her age in years (12 to 60), or leave it empty."), field="mother_age")
    if fields.source not in SOURCES:
        raise DomainError(_l("Please choose who is referring her."), field="source")
    if fields.consent is not True:
        raise DomainError(_l("We can only contact her if she agrees. Please ask her first, then tick the box."),
                          field="consent")
    return dict(mother_name=name[:120], phone=phone, locality_id=fields.locality_id, languages=",".join(languages),
                baby_birth_date=born, due_date=due, mother_age=fields.mother_age, first_baby=fields.first_baby,
                source=fields.source, referrer_name=(fields.referrer_name or "").strip()[:120],
                referrer_contact=(fields.referrer_contact or "").strip()[:200], consent=True)


def receive(fields: ReferralFields, *, address: str | None, honeypot: str = "") -> Referral | None:
    """A referral from the public form, saved whole or not at all. Commits.

    A filled-in hidden field (only a program fills it) saves nothing and returns None, so that
    the sender is answered as if it worked; more than REFERRALS_PER_HOUR from one address in an
    hour is refused with TooManyReferrals (429)."""
    if (honeypot or "").strip():
        audit.record_now("referral.ignored", actor=None)
        return None
    hashed = address_hash(address)
    recent = db.session.scalar(select(func.count(Referral.id)).where(
        Referral.address_hash == hashed, Referral.created_at > utcnow() - timedelta(hours=1)))
    if recent >= current_app.config["REFERRALS_PER_HOUR"]:
        audit.record_now("referral.throttled", actor=None)
        raise TooManyReferrals(_l("Too many referrals were sent from this connection in the last hour. Nothing is "
                                  "lost: please send this one again later."))
    referral = Referral(**_validated(fields), address_hash=hashed, status="new")
    referral.eligibility = check(referral).reason
    db.session.add(referral)
    db.session.flush()
    audit.record("referral.received", actor=None, target=f"referral:{referral.id}", detail={"source": referral.source})
    db.session.commit()
    return referral


# ---- the inbox ------------------------------------------------------------------------------------

def inbox(status: str | None = None, page: int = 1, per_page: int = 25):
    """Referrals, newest first, of one status or all: one query for the page, one for the count."""
    query = select(Referral).order_by(Referral.created_at.desc(), Referral.id.desc())
    if status in STATUSES:
        query = query.where(Referral.status == status)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def status_counts() -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    counts.update(db.session.execute(select(Referral.status, func.count(Referral.id)).group_by(Referral.status)).all())
    return counts


def case_of(referral: Referral) -> Case | None:
    return db.session.scalar(select(Case).where(Case.referral_id == referral.id))


# ---- notes: each entry stamped with who wrote it and when ----------------------------------------
# The stamp is a line that starts with an invisible separator (U+2063), which is removed from
# what people type, so that no note can fake one: "\u2063<UTC ISO time>\u2063<kind>\u2063<name>".

MARK = "\u2063"
_STAMP = re.compile(f"^{MARK}([^{MARK}]+){MARK}([a-z_]+){MARK}(.*)$")


@dataclass
class NoteEntry:
    at: datetime | None
    kind: str  # "note", "override", or the status it was changed to
    author: str
    text: str


def _append_note(referral: Referral, kind: str, text: str, by) -> None:
    clean = (text or "").replace(MARK, "").strip()
    stamp = f"{MARK}{utcnow().isoformat()}{MARK}{kind}{MARK}{by.name}"
    referral.notes = ((referral.notes or "").rstrip("\n") + "\n\n" if referral.notes else "") + stamp + "\n" + clean


def note_entries(referral: Referral) -> list[NoteEntry]:
    """The notes as entries, oldest first; text before any stamp is an entry of its own."""
    entries: list[NoteEntry] = []
    for line in (referral.notes or "").splitlines():
        match = _STAMP.match(line)
        if match:
            try:
                at = aware(datetime.fromisoformat(match.group(1)))
            except ValueError:
                at = None
            entries.append(NoteEntry(at, match.group(2), match.group(3), ""))
        elif entries:
            entries[-1].text += ("\n" if entries[-1].text else "") + line
        elif line.strip():
            entries.append(NoteEntry(None, "note", "", line))
    for entry in entries:
        entry.text = entry.text.strip()
    return entries


# ---- the coordinator's actions --------------------------------------------------------------------

def change_status(referral: Referral, status: str, note: str = "", *, by) -> None:
    """Set the status (not "accepted": that is `accept`) and/or add a note. Commits."""
    require_coordinator(by)
    note = (note or "").strip()
    if status == referral.status:
        if not note:
            raise DomainError(_l("Nothing to save: choose another status or write a note."), field="note")
        _append_note(referral, "note", note, by)
        audit.record("referral.noted", actor=by, target=f"referral:{referral.id}")
    else:
        if status not in STATUS_ACTIONS:
            raise DomainError(_l("Please choose a status from the list. To accept a referral, use the Accept button."),
                              field="status")
        if referral.status == "accepted":
            raise Conflict(_l("This referral is accepted and her case is open, so its status stays as it is."),
                           field="status")
        referral.status = status
        _append_note(referral, status, note, by)
        audit.record(STATUS_ACTIONS[status], actor=by, target=f"referral:{referral.id}")
    referral.updated_at = utcnow()
    db.session.commit()


def accept(referral: Referral, *, by, override: bool = False, override_reason: str = "") -> Case:
    """Link the account with her phone number, or create one (mother role, her first language, no
    email, a random password she can replace through a reset), and open a waiting case with what
    the referral says, in one transaction. An ineligible referral needs `override` and a reason.
    Nobody is emailed. Commits."""
    require_coordinator(by)
    try:
        return _accept(referral, by, override, (override_reason or "").strip())
    except IntegrityError:  # the same referral, or the same phone number, at the same moment
        db.session.rollback()
        raise Conflict(_l("Someone else accepted this referral, or opened an account with her phone number, at the "
                          "same moment. Please look at the referral again.")) from None
    except Exception:
        db.session.rollback()
        raise


def _accept(referral: Referral, by, override: bool, reason: str) -> Case:
    # Two coordinators at once: one case. Lock the row alone (PostgreSQL refuses FOR UPDATE on the
    # outer join that loads its locality), then read it afresh.
    db.session.execute(select(Referral.id).where(Referral.id == referral.id).with_for_update())
    db.session.refresh(referral)
    if referral.status == "accepted" or case_of(referral) is not None:
        raise Conflict(_l("This referral is already accepted: her case is open."))
    result = check(referral)
    overridden = not result.eligible
    if overridden and not override:
        raise Conflict(_l("This referral is not eligible (see why above). To accept it all the same, tick the box "
                          "and write why."), field="override")
    if overridden and not reason:
        raise DomainError(_l("Please write why you accept it although it is not eligible."), field="override_reason")
    mother = db.session.scalar(select(User).where(User.phone == referral.phone))
    created = mother is None
    if mother is None:
        languages = referral.language_list or ["he"]
        mother = User(name=referral.mother_name, email=None, phone=referral.phone, language=languages[0],
                      other_languages=",".join(languages[1:]), locality_id=referral.locality_id,
                      baby_birth_date=referral.baby_birth_date, due_date=referral.due_date,
                      first_time_mother=referral.first_baby, contact_by_email=False, contact_by_sms=True,
                      password_hash=hash_password(secrets.token_urlsafe(32)))
        mother.roles.append(UserRole(role="mother", granted_by_id=by.id))
        db.session.add(mother)
        db.session.flush()
    elif db.session.scalar(select(Case.id).where(Case.mother_id == mother.id, Case.status != "closed")):
        raise Conflict(_l("A mother with this phone number already has an open case. Mark this referral as "
                          "contacted or declined, with a note."))
    case = Case(referral_id=referral.id, mother_id=mother.id, locality_id=referral.locality_id,
                languages=referral.languages, source=referral.source, mother_age=referral.mother_age,
                first_baby=referral.first_baby, baby_birth_date=referral.baby_birth_date, due_date=referral.due_date,
                status="waiting", opened_on=today())
    db.session.add(case)
    referral.status, referral.mother_id, referral.eligibility = "accepted", mother.id, result.reason
    referral.updated_at = utcnow()
    if overridden:
        _append_note(referral, "override", reason, by)
    db.session.flush()
    # "mother", not "user": the log (read by admins) must not tie her name to home visits
    audit.record("referral.accepted", actor=by, target=f"referral:{referral.id}",
                 detail={"mother": mother.id, "case": case.id, "new_account": created, "override": overridden})
    db.session.commit()
    return case
