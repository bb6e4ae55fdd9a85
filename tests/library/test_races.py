"""Integrity under concurrency: real threads race for one copy, on SQLite and on PostgreSQL
(the suite runs on both), and a property-based test checks the invariants after every step."""
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from groups_app.core.errors import DomainError
from groups_app.extensions import db as _db
from groups_app.library.models import Copy, Hold, Loan
from groups_app.library.services import circulation as c
from tests.conftest import _empty_tables, add_members, at_once, make_book, make_copy, make_group, make_mother, make_user


def _race(app, *calls):
    """Each call in its own thread and session, all released at once: ("ok", result) or ("refused", message)."""
    def outcome(call):
        try:
            return ("ok", call())
        except DomainError as error:
            return ("refused", str(error.message))

    return at_once(app, *[lambda call=call: outcome(call) for call in calls], timeout=30)


def _ids(*objects):
    return [o.id for o in objects]


def test_two_facilitators_checking_out_one_copy_at_once(app, db):
    f1, f2 = make_user("facilitator"), make_user("facilitator")
    group = make_group(f1, f2)
    a, b = make_mother(), make_mother()
    add_members(group, a, b)
    make_copy(make_book(), group, "RACE-1")
    ids = _ids(group, a, b, f1, f2)

    def lend(mother_id, by_id):
        from groups_app.accounts.models import User
        from groups_app.groups.models import Group

        return c.checkout("RACE-1", _db.session.get(Group, ids[0]), _db.session.get(User, mother_id),
                          by=_db.session.get(User, by_id)).id

    for _ in range(3):  # a few rounds: the race is real, so give it chances to interleave
        results = _race(app, lambda: lend(ids[1], ids[3]), lambda: lend(ids[2], ids[4]))
        assert sorted(r[0] for r in results) == ["ok", "refused"], results
        db.session.expire_all()
        assert db.session.scalar(select(func.count(Loan.id)).where(Loan.returned_at.is_(None))) == 1
        c.checkin("RACE-1", group, by=f1)


def test_two_mothers_holding_the_last_copy_at_once(app, db):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    a, b = make_mother(), make_mother()
    add_members(group, a, b)
    book = make_book()
    copy = make_copy(book, group, "LAST-1")
    ids = _ids(group, a, b, book)

    def hold(mother_id):
        from groups_app.accounts.models import User
        from groups_app.groups.models import Group
        from groups_app.library.models import Book

        placed = c.place_hold(_db.session.get(Book, ids[3]), _db.session.get(Group, ids[0]), _db.session.get(User, mother_id))
        return placed.status, placed.position

    results = _race(app, lambda: hold(ids[1]), lambda: hold(ids[2]))
    assert all(r[0] == "ok" for r in results), results  # nobody's hold is lost
    assert sorted(r[1] for r in results) == [("ready", None), ("waiting", 1)]  # exactly one gets the copy
    db.session.expire_all()
    assert db.session.get(Copy, copy.id).status == "set_aside"


# ---- property-based: random sequences keep the invariants ---------------------------------------

class LibraryMachine(RuleBasedStateMachine):
    """Three mothers, two copies of one book, one group: holds, pauses, cancels, checkouts,
    returns, renewals and lapses in any order."""

    app = None

    def __init__(self):
        super().__init__()
        _empty_tables(self.app)
        self.facilitator = make_user("facilitator")
        self.group = make_group(self.facilitator)
        self.mothers = [make_mother() for _ in range(3)]
        add_members(self.group, *self.mothers)
        self.book = make_book()
        self.codes = ["P-1", "P-2"]
        for code in self.codes:
            make_copy(self.book, self.group, code)
        self.clock = c.utcnow()

    def _try(self, call):
        try:
            call()
        except DomainError:
            _db.session.rollback()

    @rule(m=st.integers(0, 2))
    def hold(self, m):
        self._try(lambda: c.place_hold(self.book, self.group, self.mothers[m], now=self.clock))

    @rule(m=st.integers(0, 2), paused=st.booleans())
    def pause(self, m, paused):
        hold = _db.session.scalar(select(Hold).where(Hold.user_id == self.mothers[m].id, Hold.status.in_(("waiting", "paused"))))
        if hold is not None:
            self._try(lambda: c.pause_hold(hold, self.mothers[m], paused))

    @rule(m=st.integers(0, 2))
    def cancel(self, m):
        hold = _db.session.scalar(select(Hold).where(Hold.user_id == self.mothers[m].id,
                                                     Hold.status.in_(("waiting", "paused", "ready"))))
        if hold is not None:
            self._try(lambda: c.cancel_hold(hold, self.mothers[m]))

    @rule(m=st.integers(0, 2), k=st.integers(0, 1), override=st.booleans())
    def checkout(self, m, k, override):
        self._try(lambda: c.checkout(self.codes[k], self.group, self.mothers[m], by=self.facilitator,
                                     override=override, now=self.clock))

    @rule(k=st.integers(0, 1))
    def checkin(self, k):
        self._try(lambda: c.checkin(self.codes[k], self.group, by=self.facilitator, now=self.clock))

    @rule(m=st.integers(0, 2))
    def renew(self, m):
        loan = _db.session.scalar(select(Loan).where(Loan.user_id == self.mothers[m].id, Loan.returned_at.is_(None)))
        if loan is not None:
            self._try(lambda: c.renew(loan, self.mothers[m], now=self.clock))

    @rule(days=st.integers(1, 20))
    def time_passes(self, days):
        self.clock += c.timedelta(days=days)
        c.lapse_holds(now=self.clock)

    @invariant()
    def one_open_loan_per_copy_and_statuses_agree(self):
        for copy in _db.session.scalars(select(Copy)):
            open_loans = _db.session.scalar(select(func.count(Loan.id)).where(Loan.copy_id == copy.id,
                                                                            Loan.returned_at.is_(None)))
            assert open_loans <= 1
            assert (copy.status == "on_loan") == (open_loans == 1)

    @invariant()
    def queue_places_unique_and_gap_free(self):
        places = sorted(_db.session.scalars(select(Hold.position).where(Hold.status.in_(("waiting", "paused")))))
        assert places == list(range(1, len(places) + 1))

    @invariant()
    def a_set_aside_copy_belongs_to_the_first_waiting_hold(self):
        for copy in _db.session.scalars(select(Copy).where(Copy.status == "set_aside")):
            ready = _db.session.scalars(select(Hold).where(Hold.copy_id == copy.id, Hold.status == "ready")).all()
            assert len(ready) == 1
        # and nobody waits while a copy sits on the shelf with an active hold before it
        shelf = _db.session.scalar(select(func.count(Copy.id)).where(Copy.status == "on_shelf"))
        waiting = _db.session.scalar(select(func.count(Hold.id)).where(Hold.status == "waiting"))
        assert not (shelf and waiting)

    def teardown(self):
        _db.session.remove()


def test_random_sequences_keep_the_invariants(app):
    LibraryMachine.app = app
    run_state_machine_as_test(LibraryMachine, settings=settings(
        max_examples=25, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
