"""Many reps at once on one PostgreSQL server: optimistic locking loses no update, notes none.

The negative control writes the same way without a version check and must lose updates, so the
positive result means something (if the control stopped losing updates, the workers would no
longer overlap and the test would prove nothing: it then fails).
"""

from __future__ import annotations

import time

from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from deskapp.core.domain.models import CaseNote, Customer, NoteRevision
from deskapp.core.services.customers.editing import CustomerConflict, update_customer
from deskapp.core.services.customers.profile import customer_profile
from deskapp.core.services.kernel.actors import console_actor
from deskapp.core.services.notes import notes
from deskapp.core.services.notes.verify import verify_history
from deskapp.core.storage.engine import session_factory
from tests.helpers_pg import postgres_only, run_threads
from tests.seeding import Seed, new_case, seed

WORKERS = 8
ROUNDS = 25
THINK = 0.002  # between reading and writing, as a rep reads before saving: makes overlaps likely
API_ROUNDS = 10  # the service round trip is slower; fewer rounds give as many conflicts


def _start(engine: Engine) -> Seed:
    s = seed(engine)
    with engine.begin() as connection:
        connection.execute(update(Customer).where(Customer.id == s.customer).values(birth_year=0))
    return s


def _counter(engine: Engine, customer_id: int) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(Customer.birth_year).where(Customer.id == customer_id)).scalar_one())


@postgres_only()
def test_versioned_read_modify_write_loses_no_update(any_engine: Engine) -> None:
    s = _start(any_engine)
    make = session_factory(any_engine)

    def worker(_index: int) -> int:
        retries = 0
        for _round in range(ROUNDS):
            while True:
                with make() as session:
                    customer = session.get(Customer, s.customer)
                    assert customer is not None
                    value = customer.birth_year or 0
                    time.sleep(THINK)
                    customer.birth_year = value + 1
                    try:
                        session.commit()  # UPDATE … WHERE id = ? AND version_id = ?
                        break
                    except StaleDataError:
                        session.rollback()
                        retries += 1
        return retries

    retries = run_threads(WORKERS, worker)
    lost = WORKERS * ROUNDS - _counter(any_engine, s.customer)
    print(f"\nversioned: {WORKERS}x{ROUNDS} updates, lost {lost}, stale retries {sum(retries)}")
    assert lost == 0
    assert sum(retries) > 0  # the workers really did collide


@postgres_only()
def test_control_without_version_check_loses_updates(any_engine: Engine) -> None:
    s = _start(any_engine)

    def worker(_index: int) -> None:
        for _round in range(ROUNDS):
            with any_engine.begin() as connection:
                value = connection.execute(
                    text("SELECT birth_year FROM customer WHERE id = :id"), {"id": s.customer}).scalar_one()
                time.sleep(THINK)
                connection.execute(text("UPDATE customer SET birth_year = :v WHERE id = :id"),
                                   {"v": value + 1, "id": s.customer})

    run_threads(WORKERS, worker)
    lost = WORKERS * ROUNDS - _counter(any_engine, s.customer)
    print(f"\ncontrol (no version check): {WORKERS}x{ROUNDS} updates, lost {lost}")
    assert lost > 0


@postgres_only()
def test_update_customer_retrying_on_conflict_loses_nothing(any_engine: Engine) -> None:
    s = _start(any_engine)
    make = session_factory(any_engine)
    with make() as session:
        start = customer_profile(session, console_actor(session), s.customer)
        update_customer(session, s.rep, s.customer, {"occupation": "n0"}, start.version_id)

    def worker(index: int) -> int:
        conflicts = 0
        agent = s.rep if index % 2 else s.other_rep
        with make() as session:
            profile = customer_profile(session, console_actor(session), s.customer)
        for _round in range(API_ROUNDS):
            while True:
                count = int(dict(profile.profile)["occupation"][1:])
                time.sleep(THINK)
                try:
                    with make() as session:
                        profile = update_customer(session, agent, s.customer, {"occupation": f"n{count + 1}"},
                                                  profile.version_id)
                    break
                except CustomerConflict as conflict:
                    conflicts += 1
                    profile = conflict.theirs  # what the conflict view shows; the rep re-applies
        return conflicts

    conflicts = run_threads(WORKERS, worker)
    with make() as session:
        final = customer_profile(session, console_actor(session), s.customer)
    assert dict(final.profile)["occupation"] == f"n{WORKERS * API_ROUNDS}"
    assert sum(conflicts) > 0


@postgres_only()
def test_many_writers_adding_notes_and_revisions_lose_none(any_engine: Engine) -> None:
    s = seed(any_engine)
    make = session_factory(any_engine)
    with make() as session:
        case_id = new_case(session, s).id
        shared = notes.add_note(session, s.rep, case_id, "shared note")

    def worker(index: int) -> int:
        conflicts = 0
        for k in range(ROUNDS):
            agent = s.rep if index % 2 else s.other_rep
            with make() as session:
                notes.add_note(session, agent, case_id, f"note {index}-{k}")
            while True:  # every writer also revises one shared note (its author's account)
                try:
                    with make() as session:
                        notes.edit_note(session, s.rep, shared.id, f"revision {index}-{k}")
                    break
                except notes.NoteConflict:
                    conflicts += 1
        return conflicts

    conflicts = run_threads(WORKERS, worker)
    with Session(any_engine) as session:
        note_count = session.scalar(select(func.count()).select_from(CaseNote).where(CaseNote.case_id == case_id))
        revisions = session.scalar(select(func.count()).select_from(NoteRevision)
                                   .where(NoteRevision.note_id == shared.id))
        assert notes.verify_chain(session, shared.id)
        assert verify_history(session, console_actor(session)).ok  # the audit chain did not fork either
    print(f"\nnotes: {note_count} notes, {revisions} revisions of the shared note, {sum(conflicts)} retried")
    assert note_count == 1 + WORKERS * ROUNDS
    assert revisions == 1 + WORKERS * ROUNDS
