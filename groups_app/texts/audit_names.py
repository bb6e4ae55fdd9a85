"""What the audit log says about texts: a mother no text can reach, a mother who replied STOP."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..accounts.audit_log import Kind

AREA = ("texts", _l("Text messages"))

# Placeholders: actor, and person (the mother, from the target `user:<id>`).
KINDS: dict[str, Kind] = {
    "text.unreachable": Kind("texts", _l("Text message not possible"),
                             _l("A text message to %(person)s was not sent: her phone number cannot receive texts.")),
    "text.stopped": Kind("texts", _l("Text messages stopped"),
                         _l("%(actor)s replied STOP: no more text messages or email; her home page only.")),
}


def kinds():
    return AREA[0], AREA[1], KINDS
