"""phones e164: every stored phone number in one form

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 10:00:00.000000

Numbers were kept as typed, less the punctuation, so '0501234567' and '+972501234567' could be
two accounts of one mother. Each number becomes E.164 through the function the app now uses.
A number that cannot be read, or that would become the same number as another account's, is
left as it is and reported (one line per case, with the user ids) for a person to sort out:
merging two accounts is not a migration's decision.
"""
import logging

import sqlalchemy as sa
from alembic import op

from groups_app.core.phones import e164_or_none

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

logger = logging.getLogger('alembic.runtime.migration')

users = sa.table('users', sa.column('id', sa.Integer), sa.column('phone', sa.String))


def plan(rows):
    """(changes {id: new phone}, report lines) for the (id, phone) rows given."""
    by_number: dict[str, list[tuple[int, str]]] = {}
    report = []
    for user_id, phone in rows:
        number = e164_or_none(phone)
        if number is None:
            report.append(f'phones e164: user {user_id}: {phone!r} is not a phone number; left as it is')
        else:
            by_number.setdefault(number, []).append((user_id, phone))
    changes = {}
    for number, holders in sorted(by_number.items()):
        if len(holders) > 1:
            ids = ', '.join(str(user_id) for user_id, _phone in sorted(holders))
            report.append(f'phones e164: users {ids} all have {number}; left as they are, one account should go')
            continue
        user_id, phone = holders[0]
        if phone != number:
            changes[user_id] = number
    return changes, report


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(sa.select(users.c.id, users.c.phone).where(users.c.phone.is_not(None))).all()
    changes, report = plan(rows)
    for line in report:
        logger.warning(line)
    for user_id, number in sorted(changes.items()):
        connection.execute(users.update().where(users.c.id == user_id).values(phone=number))


def downgrade():
    # Nothing to undo: E.164 numbers are still phone numbers, and the spellings they came from
    # were not kept. The app of 0004 finds a mother by the old spelling only, so after a
    # downgrade she signs in with her email or '+972...' until the upgrade runs again.
    pass
