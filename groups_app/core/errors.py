"""Domain errors: a rule refused what a user asked, with a message in her language."""
from __future__ import annotations


class DomainError(Exception):
    """Raised by services; views show `message` next to `field` (or on top) with a 4xx."""

    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409
