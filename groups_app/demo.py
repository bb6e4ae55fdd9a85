"""Believable, multilingual demo data for every role. Never in production, never twice."""
from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from .accounts.auth import hash_password
from .accounts.models import User, UserRole
from .core.places import Locality
from .core.timeutil import today as today_in
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
    today = today or today_in()
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
    _demo_groups(today)
    return made


# name, locality, venue, address, languages, weekday (Mon=0), hour, facilitator's email name, members
GROUPS = [
    ("בוקר אמהות באר שבע", "Beersheba", "community_centre", "מתנ\"ס השכונה, אולם בקומה הראשונה",
     "he,en,es", 6, 10, "facilitator2", ("mother", "mother.es", "volunteer")),
    ("حلقة الرضاعة في رهط", "Rahat", "home", "بيت أمل، الحي 12، قرب المدرسة",
     "ar", 1, 17, "facilitator", ("mother.ar", "facilitator")),
    ("Молодые мамы Арада", "Arad", "clinic", "Типат Халав, зал для встреч", "ru,he", 3, 11, "facilitator2",
     ("mother.ru",)),
    ("קבוצת הריון ותינוקות דימונה", "Dimona", "community_centre", "מתנ\"ס, האולם הקטן", "am,he", 0, 18,
     "facilitator", ("mother.am", "volunteer")),
]


def _demo_groups(today: date) -> None:
    """Four groups with a past (meetings with topics and attendance) and a planned future."""
    from .groups.models import Attendance, Group, GroupFacilitator, Meeting, MeetingQuestion, Membership, Rsvp, Topic
    from .groups.schedule import to_utc
    from .groups.services.meetings import extend_meetings

    people = {u.email.split("@")[0]: u for u in db.session.scalars(select(User).where(User.email.like(f"%@{DEMO_DOMAIN}")))}
    localities = {loc.name_en: loc for loc in db.session.scalars(select(Locality))}
    topics = list(db.session.scalars(select(Topic).order_by(Topic.slug)))
    for index, (name, place, venue, address, languages, weekday, hour, facilitator, members) in enumerate(GROUPS):
        group = Group(name=name, description="", venue_kind=venue, address=address, locality=localities[place],
                      languages=languages, frequency="weekly", weekday=weekday, start_time=time(hour),
                      duration_minutes=90, timezone="Asia/Jerusalem", capacity=12, open=True,
                      schedule_from=today - timedelta(weeks=8))
        db.session.add(group)
        db.session.flush()
        db.session.add(GroupFacilitator(group_id=group.id, user_id=people[facilitator].id))
        for member in members:
            db.session.add(Membership(group_id=group.id, user_id=people[member].id, status="member"))
        for weeks_ago in range(6, 0, -1):  # six past meetings, most attended by most members
            day = today - timedelta(days=(today.weekday() - weekday) % 7, weeks=weeks_ago)
            meeting = Meeting(group_id=group.id, starts_at=to_utc(day, group.start_time, group.timezone),
                              duration_minutes=90, occurrence=day,
                              topic_id=topics[(index * 3 + weeks_ago) % len(topics)].id if topics else None)
            db.session.add(meeting)
            db.session.flush()
            if weeks_ago == 1:
                continue  # last week's attendance is still to enter: her home page says so
            for n, member in enumerate(members):
                if (weeks_ago + n) % 3:
                    db.session.add(Attendance(meeting_id=meeting.id, user_id=people[member].id))
            meeting.attendance_taken_at = meeting.starts_at + timedelta(hours=2)
        extend_meetings(group, today)
        upcoming = db.session.scalars(
            select(Meeting).where(Meeting.group_id == group.id, Meeting.occurrence >= today).order_by(Meeting.starts_at)
        ).all()
        if upcoming and topics:
            upcoming[0].topic_id = topics[index % len(topics)].id
            upcoming[0].plan = "Open with a round: name, baby's age, one good moment this week."
        if upcoming:
            first_member = people[members[0]]
            db.session.add(Rsvp(meeting_id=upcoming[0].id, user_id=first_member.id, coming=True))
            db.session.add(MeetingQuestion(meeting_id=upcoming[0].id, user_id=first_member.id, anonymous=True,
                                           text="How did you manage night feeds when you went back to work?"))
    db.session.commit()
    _demo_library(people)
    _demo_visits(people, today)
    _demo_thanks(people)


# Each demo library stocks the books in its group's languages, its first language first, up to
# this many of each (books come from library/books.csv, imported first).
BOOKS_PER_LANGUAGE = 5


def _demo_library(people) -> None:
    """Copies of the starter books in each group's library, a loan and a hold."""
    from .groups.models import Group
    from .library.models import Book, Copy
    from .library.services import circulation

    books = db.session.scalars(select(Book).order_by(Book.id)).all()
    if not books:
        return
    for group in db.session.scalars(select(Group).order_by(Group.id)).unique():
        stock = [b for code in group.language_list for b in [b for b in books if b.language == code][:BOOKS_PER_LANGUAGE]]
        for n, book in enumerate(stock, 1):
            db.session.add(Copy(book_id=book.id, group_id=group.id, code=f"{group.locality.name_en[:2].upper()}-{n:03d}"))
    db.session.commit()
    # In Beer-Sheva a book is out with one mother and another waits for it; in Arad one is out.
    for locality, borrower, waiting, facilitator in (("Beersheba", "mother.es", "mother", "facilitator2"),
                                                     ("Arad", "mother.ru", None, "facilitator2")):
        group = next((g for g in db.session.scalars(select(Group)).unique() if g.locality.name_en == locality), None)
        copy = group and db.session.scalars(select(Copy).where(Copy.group_id == group.id).order_by(Copy.id)).first()
        if copy is None:
            continue
        circulation.checkout(copy.code, group, people[borrower], by=people[facilitator])
        if waiting:
            circulation.place_hold(copy.book, group, people[waiting])


def _demo_visits(people, today: date) -> None:
    """Home visits: the service area, a trained volunteer (Tsega, Amharic and Hebrew) and one in
    training, a course, a referral waiting in the inbox, and a case with three weekly visits."""
    from .core.timeutil import utcnow
    from .visits.models import (
        Case,
        CourseEnrolment,
        CourseSession,
        Referral,
        ServiceLocality,
        TrainingCourse,
        VisitLog,
        Volunteer,
        VolunteerHours,
    )

    localities = {loc.name_en: loc for loc in db.session.scalars(select(Locality))}
    for locality in localities.values():  # the demo program serves the whole Negev list
        db.session.add(ServiceLocality(locality_id=locality.id))
    course = TrainingCourse(name="Autumn volunteers' course", starts_on=today - timedelta(weeks=20), sessions_planned=6)
    db.session.add(course)
    db.session.flush()
    for week in range(6):
        db.session.add(CourseSession(course_id=course.id, held_on=course.starts_on + timedelta(weeks=week),
                                     topic="Listening without advising" if week == 0 else ""))
    tsega = Volunteer(user_id=people["volunteer"].id, interview_on=today - timedelta(weeks=22), screening="passed",
                      commitment_from=today - timedelta(weeks=12), availability="0,2,3", max_cases=2)
    amal = Volunteer(user_id=people["facilitator"].id, interview_on=today - timedelta(weeks=3), screening="passed",
                     commitment_from=today, availability="1,4")
    db.session.add_all([tsega, amal])
    db.session.flush()
    db.session.add(CourseEnrolment(course_id=course.id, volunteer_id=tsega.id,
                                   completed_on=course.starts_on + timedelta(weeks=6)))
    db.session.add(CourseEnrolment(course_id=course.id, volunteer_id=amal.id))  # still in training
    # A nurse referred Almaz; she was accepted and matched with Tsega, who visits weekly.
    almaz = people["mother.am"]
    born = today - timedelta(weeks=9)
    referral = Referral(mother_name=almaz.name, phone="+972501230001", locality_id=almaz.locality_id,
                        languages="am,he", baby_birth_date=born, mother_age=20, first_baby=True, source="nurse",
                        referrer_name="Tipat Halav nurse", consent=True, status="accepted", mother_id=almaz.id,
                        created_at=utcnow() - timedelta(weeks=5))
    db.session.add(referral)
    db.session.flush()
    case = Case(referral_id=referral.id, mother_id=almaz.id, volunteer_id=tsega.id,
                supervisor_id=people["staff"].id, locality_id=almaz.locality_id, languages="am,he", source="nurse",
                mother_age=20, first_baby=True, baby_birth_date=born, status="active",
                opened_on=today - timedelta(weeks=5), matched_on=today - timedelta(weeks=4))
    db.session.add(case)
    db.session.flush()
    for n, weeks_ago in enumerate((3, 2, 1)):
        visit = VisitLog(case_id=case.id, volunteer_id=tsega.id, visited_on=today - timedelta(weeks=weeks_ago),
                         minutes=90, topics="feeding,sleep" if n == 0 else "mothers_wellbeing", mood=3 + (n % 2),
                         form_token=f"demo-visit-{n}")
        db.session.add(visit)
        db.session.flush()
        db.session.add(VolunteerHours(volunteer_id=tsega.id, worked_on=visit.visited_on, kind="visit", minutes=90,
                                      visit_id=visit.id))
    # A new referral waits in the coordinator's inbox: a young Bedouin mother in Rahat.
    db.session.add(Referral(mother_name="Maryam", phone="+972501230002", locality_id=localities["Rahat"].id,
                            languages="ar", baby_birth_date=today - timedelta(weeks=3), mother_age=19,
                            first_baby=True, source="hospital", referrer_name="Maternity ward nurse",
                            referrer_contact="the ward's social worker", consent=True))
    db.session.commit()


def _demo_thanks(people) -> None:
    """Two leaves on the tree of thanks (agreed and approved) and one waiting for staff."""
    from .core.timeutil import utcnow
    from .groups.models import Group
    from .thanks.models import Dedication
    from .visits.models import Volunteer

    rahat = next(g for g in db.session.scalars(select(Group)).unique() if g.locality.name_en == "Rahat")
    tsega = db.session.scalar(select(Volunteer).where(Volunteer.user_id == people["volunteer"].id))
    now = utcnow()
    db.session.add_all([
        Dedication(writer_id=people["mother.ar"].id, mentor_id=people["facilitator"].id, mentor_kind="facilitator",
                   group_id=rahat.id, message="شكرًا لكِ يا أمل، تعلّمتُ منكِ أن أثق بنفسي كأم.", language="ar",
                   signed_as="هدى", consent="agreed", consent_at=now, review="approved", reviewed_at=now,
                   reviewed_by_id=people["staff"].id),
        Dedication(writer_id=people["mother.am"].id, mentor_id=people["volunteer"].id, mentor_kind="volunteer",
                   volunteer_id=tsega.id, message="ፀጋ፣ በየሳምንቱ ስለመጣሽልኝ አመሰግናለሁ።", language="am", signed_as="",
                   consent="agreed", consent_at=now, review="approved", reviewed_at=now,
                   reviewed_by_id=people["staff"].id),
        Dedication(writer_id=people["mother.es"].id, mentor_id=people["facilitator2"].id, mentor_kind="facilitator",
                   message="Gracias, Olga, por cada encuentro del grupo.", language="es", signed_as="Lucía"),
    ])
    db.session.commit()
