"""People, their roles and sessions, password-reset tokens and failed sign-ins."""
from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.permissions import ROLES
from ..core.places import Locality
from ..core.timeutil import utcnow
from ..extensions import db

_ROLE_LIST = ", ".join(f"'{r}'" for r in ROLES)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(5), default="he")
    other_languages: Mapped[str] = mapped_column(String(40), default="")
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Jerusalem")
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("localities.id", ondelete="SET NULL"))
    due_date: Mapped[date | None] = mapped_column(Date)
    baby_birth_date: Mapped[date | None] = mapped_column(Date)
    first_time_mother: Mapped[bool | None] = mapped_column(Boolean)
    contact_by_email: Mapped[bool] = mapped_column(Boolean, default=True)
    contact_by_sms: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_by_phone: Mapped[bool] = mapped_column(Boolean, default=False)
    # When she typed the code texted to her phone (accounts.phone_check): no other text goes to a
    # number she has not shown is hers. Cleared when she changes the number.
    phone_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Joined with an email address and has not yet opened the link sent to it: she cannot sign
    # in until she does (or resets her password), so that joining tells nobody which addresses
    # have accounts and nobody can use an address that is not theirs.
    awaiting_confirmation: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    locality: Mapped[Locality | None] = relationship()
    # Loaded when asked: the signed-in user's come with her session (accounts.auth.load_session),
    # lists that show roles ask for them (selectinload); a facilitator named on a page costs nothing.
    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        lazy="select",
        foreign_keys="UserRole.user_id",
    )

    __table_args__ = (
        CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="email_or_phone"),
        # the program overview counts active mothers by language, locality and stage from this index alone
        Index("ix_users_active_language_locality_id", "active", "language", "locality_id", "due_date",
              "baby_birth_date", "first_time_mother"),
    )

    # Flask-Login keeps get_id() in the session; ours is the server-side session's token,
    # so that deleting the session row ends the session for real.
    session_token = None  # set per request by accounts.auth; not a column

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(r.role for r in self.roles)

    def has_role(self, *names: str) -> bool:
        return bool(self.role_names & set(names))

    @property
    def read_languages(self) -> list[str]:
        """Her preferred language first, then the others she reads."""
        others = [c for c in self.other_languages.split(",") if c and c != self.language]
        return [self.language, *others]

    @property
    def contact(self) -> str:
        return self.email or self.phone or ""

    def __repr__(self) -> str:
        return f"<User {self.id} {self.name!r}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])

    __table_args__ = (
        UniqueConstraint("user_id", "role", name="uq_user_roles_user_role"),
        CheckConstraint(f"role IN ({_ROLE_LIST})", name="known_role"),
        Index("ix_user_roles_role_user_id", "role", "user_id"),  # people by role, counted from the index
    )


class UserSession(db.Model):
    """A signed-in session. The cookie holds a random token; we keep only its hash."""

    __tablename__ = "user_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()


class PasswordResetToken(db.Model):
    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class LoginFailure(db.Model):
    """One failed sign-in: a hash of the name typed (never the name or the password) and the address."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class PhoneCode(db.Model):
    """The code last texted to her to confirm her phone number: only its keyed hash is kept, for a
    short while, with how often it was tried and how many codes went in the last day."""

    __tablename__ = "phone_codes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    phone: Mapped[str] = mapped_column(String(20))  # the number it was sent to: a changed number voids it
    code_hash: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(default=0)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # the day its sends are counted in
    sends: Mapped[int] = mapped_column(default=1)
