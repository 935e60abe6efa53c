"""Write customers in bulk (import, demo): upsert by account number, children replaced whole.

This runs on SQLAlchemy Core rather than the ORM because importing a million rows through
the ORM's unit of work is an order of magnitude slower; the FTS index is kept in sync by the
triggers the migrations install, so every path that writes customers stays searchable.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, update

from deskapp.core.domain.base import utcnow
from deskapp.core.domain.enums import CustomerKind
from deskapp.core.domain.models import Brand, Customer, CustomerAlert, CustomerEmail, CustomerPhone
from deskapp.core.search.normalize import compact, email_key, index_words, tokens
from deskapp.core.search.phones import digits_reversed
from deskapp.core.services.customers.regions import forget_regions

PROFILE_FIELDS = ("birth_year", "age_band", "gender", "income_band", "lifestyle", "occupation")
# What a write sets on a customer row (a new row also gets created_at and version_id 1).
CUSTOMER_COLUMNS = ("account_number", "brand_id", "kind", "given_name", "family_name", "organisation",
                    "preferred_locale", *PROFILE_FIELDS, "search_text", "family_key", "updated_at")


@dataclass(slots=True)
class CustomerRecord:
    """A validated customer as it comes from a file or the demo generator (phones already E.164)."""

    account_number: str
    brand_code: str
    kind: CustomerKind = CustomerKind.EXTERNAL
    given_name: str = ""
    family_name: str = ""
    organisation: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    preferred_locale: str = "en"
    birth_year: int | None = None
    age_band: str | None = None
    gender: str | None = None
    income_band: str | None = None
    lifestyle: str | None = None
    occupation: str | None = None
    alerts: list[str] = field(default_factory=list)


def customer_search_text(record: CustomerRecord) -> str:
    """Normalised words a customer is found by: names, organisation, emails, account number.

    Names of several words or parts are also indexed run together ("Dela Cruz" -> "delacruz",
    "Mäki-Petäjä" -> "makipetaja"), so "delacruz" and "dela cruz" both find the person.
    """
    return _search_words(record)[0]


def _search_words(record: CustomerRecord) -> tuple[str, str]:
    # The same words, in the same order, as search_text(given, family, organisation, *emails,
    # account, compact(account), *joined names); the name parts are cached, because an import of
    # a million customers sees the same names again and again. Also returns the family key.
    names, joined, key = _name_words(record.given_name, record.family_name)
    words = list(names)
    if record.organisation:
        words += index_words(record.organisation)
    for email in record.emails:
        words += index_words(email)
    account = record.account_number
    words += index_words(account)
    if not (account.isascii() and account.isalnum()):
        # An ASCII account of letters and digits only ("C00012") run together is itself: the
        # same words again, which the de-duplication below would drop.
        words += index_words(compact(account))
    words += joined
    return " ".join(dict.fromkeys(words)), key


def family_key(family_name: str) -> str:
    """The first normalised word of the family name, which the lookup sorts and matches by."""
    return _name_words("", family_name)[2]


@functools.lru_cache(maxsize=65536)
def _name_words(given: str, family: str) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    names = (*index_words(given), *index_words(family))
    joined = tuple(word for name in (given, family) if len(tokens(name)) > 1 for word in index_words(compact(name)))
    family_words = index_words(family)
    return names, joined, family_words[0] if family_words else ""


@dataclass(slots=True)
class WriteCounts:
    """How many customers a write created and updated."""

    created: int = 0
    updated: int = 0


class BrandResolver:
    """Brand codes to ids, creating a brand the first time its code is seen."""

    def __init__(self, connection: Connection, new_region: str | None = None) -> None:
        """Load the existing brands; a brand created here gets ``new_region`` for its phones."""
        self._connection = connection
        self._new_region = new_region
        rows = connection.execute(select(Brand.code, Brand.id)).all()
        self._ids: dict[str, int] = {code.casefold(): brand_id for code, brand_id in rows}
        self._by_spelling: dict[str, int] = {}  # codes exactly as written in the rows
        self.created: list[str] = []

    def __call__(self, code: str) -> int:
        """The id of brand ``code`` (case-insensitive)."""
        found = self._by_spelling.get(code)
        if found is None:
            found = self._by_spelling[code] = self._id(code)
        return found

    def _id(self, code: str) -> int:
        key = code.strip().casefold() or "default"
        if key not in self._ids:
            name = code.strip() or "Default"
            self._ids[key] = self._connection.execute(
                insert(Brand).values(code=key, name=name, **({"default_region": self._new_region}
                                                              if self._new_region else {}))
                .returning(Brand.id)
            ).scalar_one()
            self.created.append(key)
        return self._ids[key]


def write_customers(engine: Engine, records: Iterable[CustomerRecord], batch_size: int = 5000,
                    new_brand_region: str | None = None) -> WriteCounts:
    """Upsert ``records`` by account number, one transaction per batch; returns the counts.

    A brand code seen for the first time creates the brand, with ``new_brand_region`` (the
    import's ``--region``) as the country its national phone numbers belong to.
    """
    counts = WriteCounts()
    batch: list[CustomerRecord] = []
    for record in records:
        batch.append(record)
        if len(batch) >= batch_size:
            _write_batch(engine, batch, counts, new_brand_region)
            batch = []
    if batch:
        _write_batch(engine, batch, counts, new_brand_region)
    return counts


def _write_batch(engine: Engine, batch: Sequence[CustomerRecord], counts: WriteCounts,
                 new_brand_region: str | None = None) -> None:
    # A file may name one account twice; the last row wins, as it would row by row.
    unique = {record.account_number: record for record in batch}
    with engine.begin() as connection:
        brands = BrandResolver(connection, new_brand_region)
        existing = dict(
            connection.execute(
                select(Customer.account_number, Customer.id).where(Customer.account_number.in_(unique))
            ).all()
        )
        now = utcnow()
        new_rows = [_customer_row(rec, brands, now) | {"created_at": now, "version_id": 1}
                    for acc, rec in unique.items() if acc not in existing]
        ids: dict[str, int] = dict(existing)
        if new_rows:
            # Each returned row names its account, so the order does not matter; asking for
            # sort_by_parameter_order would make SQLite send one INSERT per row (bench/import_csv.py).
            result = connection.execute(insert(Customer).returning(Customer.account_number, Customer.id), new_rows)
            ids.update(dict(result.all()))
        if existing:
            changed = [_customer_row(unique[acc], brands, now) | {"b_id": cid} for acc, cid in existing.items()]
            columns: dict[str, Any] = {
                key: bindparam(key) for key in changed[0] if key not in {"b_id", "account_number"}
            }
            connection.execute(
                update(Customer)
                .where(Customer.id == bindparam("b_id"))
                .values(**columns, version_id=Customer.version_id + 1)
                .execution_options(synchronize_session=False),
                changed,
            )
            old_ids = list(existing.values())
            for child in (CustomerEmail, CustomerPhone, CustomerAlert):
                connection.execute(delete(child).where(child.customer_id.in_(old_ids)))
        _insert_children(connection, unique.values(), ids)
    if brands.created:
        forget_regions()
    counts.created += len(new_rows)
    # Every row naming an account already there (stored, or earlier in the batch) is an update,
    # so the counts do not depend on where batches or slices happen to split a file.
    counts.updated += len(existing) + len(batch) - len(unique)


def customer_values(record: CustomerRecord, brand_id: int, updated_at: Any) -> tuple[Any, ...]:
    """The values of :data:`CUSTOMER_COLUMNS` for ``record``."""
    text, key = _search_words(record)
    return (record.account_number, brand_id, record.kind.value, record.given_name, record.family_name,
            record.organisation, record.preferred_locale, record.birth_year, record.age_band, record.gender,
            record.income_band, record.lifestyle, record.occupation, text, key, updated_at)


def _customer_row(record: CustomerRecord, brands: BrandResolver, now: Any) -> dict[str, Any]:
    return dict(zip(CUSTOMER_COLUMNS, customer_values(record, brands(record.brand_code), now), strict=True))


def _insert_children(connection: Connection, records: Iterable[CustomerRecord], ids: dict[str, int]) -> None:
    emails: list[dict[str, Any]] = []
    phones: list[dict[str, Any]] = []
    alerts: list[dict[str, Any]] = []
    for record in records:
        cid = ids[record.account_number]
        emails += [{"customer_id": cid, "position": i, "address": a, "address_key": email_key(a)}
                   for i, a in enumerate(record.emails)]
        phones += [{"customer_id": cid, "position": i, "e164": p, "digits_reversed": digits_reversed(p)}
                   for i, p in enumerate(record.phones)]
        alerts += [{"customer_id": cid, "position": i, "text": t} for i, t in enumerate(record.alerts)]
    for model, rows in ((CustomerEmail, emails), (CustomerPhone, phones), (CustomerAlert, alerts)):
        if rows:
            connection.execute(insert(model), rows)
