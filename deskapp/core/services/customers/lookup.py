"""Customer lookup: what a representative types finds the right person within a keystroke.

Every query is one SQL statement. Hits come from several sources, each answered from an index:

======  ===========================================================================
tier    source
======  ===========================================================================
0       exact account number, email address, full phone number (E.164) or case
        reference ("C-1042", "c1042": the case's customer)
1       phone numbers ending in the digits typed (reversed digits, B-tree prefix range)
2       family names starting with the typed word: each family name's share of the page
3       family names starting with the typed word: the rest, in alphabetical order
4       every typed word is a prefix of some word of the customer (FTS5 / pg_trgm)
======  ===========================================================================

A customer found by several sources keeps the best tier; within a tier the order is family
name, given name and id, so the list never reshuffles between identical keystrokes.

Family names (tiers 2 and 3), the rule for one typed word: "maki" starts the family names
Mäki-Petäjä (whose first word *is* "Mäki") and Mäkinen. Every distinct family-name word that
starts with the typed one gets an equal share of the page (``ceil(page / family names)``,
its members in given-name order); only what those shares leave over is filled alphabetically.
So a common family name can no longer bury the others: on the demo desk "maki" shows the first
25 Mäki-Petäjä and the first 25 Mäkinen instead of 41 Mäki-Petäjä and 9 Mäkinen. Within the
shares the list is alphabetical, so the family name that equals the typed word comes first (a
word sorts before its longer forms). When every match fits on the page, all of them are tier 3.
A name of several typed words ("jukka mak") is a full-text search; its family-name matches
rank as tier 2.

Work per keystroke is bounded. The full-text and phone-suffix sources read at most a page of
matches (in index order) before ranking; a prefix that matches more people than that ("kor" in
a million Finns) shows the best-ranked of those, and the family-name sources, which are complete
and in order, still put every "Korhonen" first: when they fill the page on their own, the
full-text search is not run at all. The shares read at most a page of family-name keys and
a page of members each, from the index alone. The rep narrows further with the next keystroke;
:func:`lookup_page` tells whether there is more to narrow ("50 shown — type more"). Short
queries are capped harder still (see :class:`deskapp.core.search.query.TextMode`).

No ORM object leaves this module: rows are frozen :class:`LookupRow` values, safe to hand to
another thread.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, TypedDict, Unpack

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from deskapp.core.domain.models import Customer
from deskapp.core.search.phones import format_international
from deskapp.core.search.query import parse_query
from deskapp.core.security.permissions import require
from deskapp.core.services.customers import lookup_shape
from deskapp.core.services.customers.lookup_shape import Shape
from deskapp.core.services.customers.lookup_sql import compiled
from deskapp.core.services.customers.regions import brand_regions
from deskapp.core.services.kernel import tombstones
from deskapp.core.storage.engine import GENERIC_PLANS, reader

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
class LookupRow(NamedTuple):
    """One customer as the lookup list shows it (a named tuple: a lookup builds up to 500 a keystroke)."""

    customer_id: int
    account_number: str
    name: str
    kind: str
    organisation: str | None
    phone: str | None
    email: str | None
    preferred_locale: str
    brand: str
    has_alerts: bool

    @property
    def phone_formatted(self) -> str | None:
        """The phone as people read it ("+358 40 1234567").

        Formatted when shown rather than when found: phonenumbers needs ~30 µs a number, which
        would be a third of a fast lookup for rows nobody scrolls to.
        """
        return _format_phone(self.phone) if self.phone else None


@functools.lru_cache(maxsize=4096)
def _format_phone(e164: str) -> str:
    return format_international(e164)


class LookupPage(NamedTuple):
    """One page of a lookup, and whether more customers match than it shows."""

    rows: list[LookupRow]
    more: bool


def lookup(
    bind: Session | Engine | Connection,
    query: str,
    *,
    brand: str | None = None,
    limit: int = DEFAULT_LIMIT,
    default_region: str | None = None,
) -> list[LookupRow]:
    """Find customers for what a representative typed (:func:`lookup_page` without the "more"; no actor).

    Args:
        bind: A session, engine or connection of a migrated deskapp database.
        query: See :func:`lookup_page`.
        brand: Only customers of the brand with this code.
        limit: At most this many rows (capped at :data:`MAX_LIMIT`).
        default_region: Region for national phone numbers; see :func:`lookup_page`.

    Returns:
        Matching customers, best first; empty when nothing matches or the query is hopeless.
    """
    return lookup_page(bind, query, brand=brand, limit=limit, default_region=default_region).rows


def lookup_page(
    bind: Session | Engine | Connection,
    query: str,
    *,
    brand: str | None = None,
    limit: int = DEFAULT_LIMIT,
    default_region: str | None = None,
) -> LookupPage:
    """Find customers for what a representative typed, and tell whether the page is full.

    Args:
        bind: A session, engine or connection of a migrated deskapp database.
        query: Any text: names in any order and case, with or without accents, an account
            number, an email address, a case reference ("C-1042"), a phone number in any usual
            form or its last 4+ digits.
        brand: Only customers of the brand with this code.
        limit: At most this many rows (capped at :data:`MAX_LIMIT`).
        default_region: Region for national phone numbers ("FI"); default: the brand's region,
            or every region the desk's brands use.

    Returns:
        The matching customers, best first (empty when nothing matches or the query is
        hopeless), and ``more``: True when further customers match, so the window can say
        "type more to narrow". Two-letter queries show at most
        :data:`~deskapp.core.services.customers.lookup_shape.SHORT_LIMIT` rows.
    """
    limit = _clamp(limit)
    if limit == 0:
        return LookupPage([], False)
    if isinstance(bind, Engine):
        with reader(bind).connect() as connection:
            return _lookup(connection, query, brand, limit, default_region)
    return _lookup(bind, query, brand, limit, default_region)


def find_customers(
    session: Session,
    actor_id: int,
    query: str,
    *,
    brand: str | None = None,
    limit: int = DEFAULT_LIMIT,
    default_region: str | None = None,
) -> list[LookupRow]:
    """:func:`lookup` for an acting agent, who needs ``customer.lookup`` (the window and the console use this).

    One primary-key read for the check, and none at all once the agent is in the session: cheap
    next to the search. The arguments after ``actor_id`` mean what they mean for :func:`lookup`.

    Raises:
        PermissionDenied: The agent is unknown or disabled, or may not look customers up.
    """
    return find_customer_page(session, actor_id, query, brand=brand, limit=limit, default_region=default_region).rows


class LookupOptions(TypedDict, total=False):
    """The keyword arguments of :func:`lookup_page` after the query."""

    brand: str | None
    limit: int
    default_region: str | None


def find_customer_page(session: Session, actor_id: int, query: str, **options: Unpack[LookupOptions]) -> LookupPage:
    """:func:`lookup_page` for an acting agent, who needs ``customer.lookup``.

    The window uses this to say "50 shown — type more to narrow" when the page is capped.

    Raises:
        PermissionDenied: The agent is unknown or disabled, or may not look customers up.
    """
    require(session, actor_id, "customer.lookup")
    return lookup_page(session, query, **options)


def _lookup(
    bind: Session | Connection, query: str, brand: str | None, limit: int, default_region: str | None
) -> LookupPage:
    prepared = _prepare(bind, query, brand, limit, default_region)
    if prepared is None:
        return LookupPage([], False)
    connection, sql, args, size = prepared
    # The statement reads one row past the page; the rows are in rank order, so it is the last.
    rows = _fetch(connection, sql, args)
    page = [_row(row) for row in rows[:size]]
    return LookupPage(_resolve_tombstones(bind, page, brand, default_region), len(rows) > size)


def _resolve_tombstones(bind: Session | Connection, rows: list[LookupRow], brand: str | None,
                        default_region: str | None) -> list[LookupRow]:
    """Show the kept customer in place of a merged one (found only by its account number).

    A merged customer's phones and e-mails moved to the kept one and its search words were
    cleared, so only a row without phone and e-mail can be one: nothing is asked otherwise.
    """
    maybe = [row.customer_id for row in rows if row.phone is None and row.email is None]
    kept = tombstones.kept_ids(bind, maybe) if maybe else {}
    if not kept:
        return rows
    accounts = dict(bind.execute(sa.select(Customer.id, Customer.account_number)
                                 .where(Customer.id.in_(set(kept.values())))).all())
    resolved: list[LookupRow] = []
    seen: set[int] = set()
    for row in rows:
        shown = row
        if row.customer_id in kept:
            keep = kept[row.customer_id]
            found = [hit for hit in _lookup(bind, accounts[keep], brand, 5, default_region).rows
                     if hit.customer_id == keep]
            if not found:
                continue
            shown = found[0]
        if shown.customer_id not in seen:
            seen.add(shown.customer_id)
            resolved.append(shown)
    return resolved


def lookup_statement(
    connection: Connection,
    query: str,
    *,
    brand: str | None = None,
    limit: int = DEFAULT_LIMIT,
    default_region: str | None = None,
) -> tuple[str, Any] | None:
    """The SQL text and driver parameters :func:`lookup` runs for this query (``None``: none runs).

    For query plans and benchmarks; the arguments mean what they mean for :func:`lookup`.
    """
    limit = _clamp(limit)
    prepared = _prepare(connection, query, brand, limit, default_region) if limit else None
    return None if prepared is None else (prepared[1], prepared[2])


def _clamp(limit: int) -> int:
    return max(0, min(limit, MAX_LIMIT))


def _prepare(
    bind: Session | Connection, query: str, brand: str | None, limit: int, default_region: str | None
) -> tuple[Connection, str, Any, int] | None:
    brand_key = brand.strip().casefold() if brand is not None else None
    # The desk's regions are read only for a query that looks like a phone number.
    regions: tuple[str, ...] | Callable[[], tuple[str, ...]] = (
        (default_region.upper(),) if default_region else functools.partial(brand_regions, bind, brand_key)
    )
    parsed = parse_query(query, regions)
    if parsed.is_empty:
        return None
    connection = bind.connection() if isinstance(bind, Session) else bind
    parsed = lookup_shape.arranged(parsed, connection.dialect.name)
    shape = Shape.of(parsed, brand_key is not None, connection.dialect.name)
    sql, names, defaults, positional = compiled(shape, connection.dialect)
    params = defaults | lookup_shape.params(parsed, brand_key, limit)
    args: Any = tuple(params[name] for name in names) if positional else params
    return connection, sql, args, lookup_shape.page_size(parsed, limit)


def _fetch(connection: Connection, sql: str, args: Any) -> Sequence[Any]:
    """The statement's rows as plain tuples.

    On SQLite the driver's cursor is used directly: SQLAlchemy's result wrapping costs 0.1–0.2 ms
    a lookup, a sixth of a typical one, and nothing it adds (type processing, row objects) is
    needed for these plain columns. Errors become the SQLAlchemy exceptions callers expect.
    PostgreSQL: :func:`_fetch_generic`.
    """
    if connection.dialect.name == "postgresql":
        return _fetch_generic(connection, sql, args)
    dbapi_error = connection.dialect.loaded_dbapi.Error
    try:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(sql, args)
            return cursor.fetchall()
        finally:
            cursor.close()
    except dbapi_error as error:
        raise sa.exc.DBAPIError.instance(sql, args, error, dbapi_error, dialect=connection.dialect) from error


def _fetch_generic(connection: Connection, sql: str, args: Any) -> Sequence[Any]:
    """PostgreSQL: the statement, prepared, with its generic plan, in one round trip.

    PostgreSQL would plan each lookup anew for its typed words (0.3–1 ms of a 1–2 ms lookup at
    1,000,000 customers), though the generic plan runs as fast (bench/lookup_pg.py). The reading
    engine's connections plan generically already (:func:`~deskapp.core.storage.engine.reader`);
    on any other the setting is changed for this statement only, in a pipeline with it: nothing
    else the connection runs is planned differently, and no round trip is added.

    A connection found dead is dropped from its pool, so the next keystroke gets a live one.
    """
    driver: Any = connection.connection.driver_connection
    dbapi_error = connection.dialect.loaded_dbapi.Error
    try:
        if connection.connection.info.get(GENERIC_PLANS):
            return driver.execute(sql, args, prepare=True).fetchall()  # type: ignore[no-any-return]
        with driver.pipeline():
            driver.execute("SET plan_cache_mode = force_generic_plan")
            cursor = driver.execute(sql, args, prepare=True)
            driver.execute("RESET plan_cache_mode")
        return cursor.fetchall()  # type: ignore[no-any-return]
    except dbapi_error as error:
        gone = connection.dialect.is_disconnect(error, driver, None)
        if gone:
            connection.invalidate(error)
        raise sa.exc.DBAPIError.instance(sql, args, error, dbapi_error, dialect=connection.dialect,
                                         connection_invalidated=gone) from error


def _row(row: Any) -> LookupRow:
    # Positional unpacking: attribute access on result rows costs more than the SQL for 50 rows.
    (customer_id, account, given, family, organisation, kind, phone, email, locale, brand, alerts) = row
    name = f"{given} {family}" if given and family else (given or family or organisation or "")
    return LookupRow(customer_id, account, name, str(kind), organisation, phone, email, locale, brand, bool(alerts))
