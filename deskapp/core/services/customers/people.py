"""Customers as plain :class:`~deskapp.core.search.similarity.Person` values, and import rows that look like them.

The duplicate finder (``deskapp.core.services.merge``) compares what :func:`load_people` reads;
the CSV import asks :class:`Lookalikes` whether the rows it reads look like customers already on
the desk under another account number ("line 12 looks like FI-000231: same e-mail"), through the
phone and e-mail indexes only, a slice of rows at a time, and never merges anything.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, String, func, select, type_coerce
from sqlalchemy.orm import Session

from deskapp.core.domain.enums import CustomerKind
from deskapp.core.domain.merge import CustomerMerge
from deskapp.core.domain.models import Customer, CustomerEmail, CustomerPhone
from deskapp.core.search.normalize import email_key
from deskapp.core.search.similarity import LIKELY, Person, score
from deskapp.core.services.customers.store import CustomerRecord

# Import rows checked per query, and at most this many look-alikes kept for the report.
SLICE = 2000
MAX_REPORTED = 1000


@dataclass(frozen=True, slots=True)
class Lookalike:
    """A row of a file that looks like a customer already on the desk."""

    line: int
    account_number: str  # the row's
    existing: str  # the customer it looks like
    reasons: tuple[str, ...]


@dataclass
class Lookalikes:
    """Collects import rows (with their line) and reports those that look like customers already there.

    Only customers on the desk before the import count: rows of one file are not compared with
    each other (``deskapp customers duplicates`` finds those after the import).
    """

    engine: Engine
    found: list[Lookalike] = field(default_factory=list)
    total: int = 0
    _pending: list[tuple[int, CustomerRecord]] = field(default_factory=list)
    _brands: dict[str, int] | None = None
    _last_existing: int | None = None  # customers the import itself adds come after this id

    def __post_init__(self) -> None:
        """Remember where the desk's customers end before the import writes any."""
        with self.engine.connect() as connection:
            self._last_existing = connection.scalar(select(func.max(Customer.id))) or 0

    def add(self, line: int, record: CustomerRecord) -> None:
        """Note a row; it is checked with the next slice (never on a desk that had no customers)."""
        if self._last_existing and (record.phones or record.emails):
            self._pending.append((line, record))
            if len(self._pending) >= SLICE:
                self.check()

    def check(self) -> None:
        """Compare the rows noted so far with the customers on the desk now."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        with self.engine.connect() as connection:
            if self._brands is None:
                from deskapp.core.domain.models import Brand

                self._brands = {code.casefold(): bid for code, bid in connection.execute(select(Brand.code, Brand.id))}
            phones = {p for _line, r in pending for p in r.phones}
            emails = {email_key(e) for _line, r in pending for e in r.emails}
            ids = set(connection.scalars(select(CustomerPhone.customer_id).where(CustomerPhone.e164.in_(phones))))
            ids |= set(connection.scalars(select(CustomerEmail.customer_id)
                                          .where(CustomerEmail.address_key.in_(emails))))
            if not ids:
                return
            people = load_people(connection, Customer.id.in_(ids) & (Customer.id <= (self._last_existing or 0)))
        by_contact: dict[str, list[Person]] = {}
        for person in people:
            for key in (*person.phones, *person.emails):
                by_contact.setdefault(key, []).append(person)
        for line, record in pending:
            row = _person(record, self._brands.get(record.brand_code.strip().casefold() or "default", -1))
            best: tuple[float, Person, tuple[str, ...]] | None = None
            near = {p.customer_id: p for key in (*row.phones, *row.emails) for p in by_contact.get(key, [])}
            for person in near.values():
                if person.account_number == record.account_number:
                    continue  # the same account: an update, not a duplicate
                match = score(row, person)
                if match.score >= LIKELY and (best is None or match.score > best[0]):
                    best = (match.score, person, match.reasons)
            if best is not None:
                self.total += 1
                if len(self.found) < MAX_REPORTED:
                    self.found.append(Lookalike(line, record.account_number, best[1].account_number, best[2]))


def _person(record: CustomerRecord, brand_id: int) -> Person:
    return Person(0, record.account_number, record.kind == CustomerKind.INTERNAL, brand_id, record.given_name,
                  record.family_name, record.organisation or "", frozenset(record.phones),
                  frozenset(email_key(e) for e in record.emails), record.birth_year)


def load_people(session: Session | Connection, condition: object = None) -> list[Person]:
    """Customers (not tombstones) as :class:`Person` values, with their phones and e-mails.

    ``condition`` (a SQL expression on ``customer``) narrows the customers; without it the whole
    desk is read, through the driver's cursor: SQLAlchemy's row processing would be half the time
    of ``deskapp customers duplicates`` on a large desk (bench/duplicates.py).
    """
    merged = select(CustomerMerge.other_id).where(CustomerMerge.unmerged_at.is_(None))
    query = select(
        Customer.id, Customer.account_number, type_coerce(Customer.kind, String), Customer.brand_id,
        Customer.given_name, Customer.family_name, Customer.organisation, Customer.birth_year,
    ).where(Customer.id.not_in(merged))
    phones = select(CustomerPhone.customer_id, CustomerPhone.e164)
    emails = select(CustomerEmail.customer_id, CustomerEmail.address_key)
    if condition is not None:
        query = query.where(condition)  # type: ignore[arg-type]  # a SQL expression from this module
        chosen = select(Customer.id).where(condition)  # type: ignore[arg-type]
        phones = phones.where(CustomerPhone.customer_id.in_(chosen))
        emails = emails.where(CustomerEmail.customer_id.in_(chosen))
    # Hundreds of thousands of small objects: the cyclic collector would walk them again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        rows = _rows(session, query, bulk=condition is None)
        phone_map = _grouped(_rows(session, phones, bulk=condition is None))
        email_map = _grouped(_rows(session, emails, bulk=condition is None))
        empty: frozenset[str] = frozenset()
        internal = CustomerKind.INTERNAL.value
        return [Person(cid, account, kind == internal, brand_id, given or "", family or "", organisation or "",
                       phone_map.get(cid, empty), email_map.get(cid, empty), birth_year)
                for cid, account, kind, brand_id, given, family, organisation, birth_year in rows]
    finally:
        if collecting:
            gc.enable()


def _rows(bind: Session | Connection, query: Any, *, bulk: bool) -> list[Any]:
    connection = bind.connection() if isinstance(bind, Session) else bind
    if not bulk:
        return list(connection.execute(query).all())
    # No parameters (the whole desk): the statement's text runs as it is on the driver's cursor.
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _grouped(rows: list[Any]) -> dict[int, frozenset[str]]:
    found: dict[int, list[str]] = {}
    for cid, value in rows:
        found.setdefault(cid, []).append(value)
    return {cid: frozenset(values) for cid, values in found.items()}
