"""Customer lookup: what a representative types finds the right person within a keystroke.

Every query is one SQL statement. Hits come from several sources, each answered from an index:

======  ===========================================================================
tier    source
======  ===========================================================================
0       exact account number, email address or full phone number (E.164)
1       phone numbers ending in the digits typed (reversed digits, B-tree prefix range)
2       family names starting with a typed word (family-name index, read in order)
3       every typed word is a prefix of some word of the customer (FTS5 / pg_trgm)
======  ===========================================================================

A customer found by several sources keeps the best tier; ties are broken by family name, given
name and id, so the list never reshuffles between identical keystrokes.

Work per keystroke is bounded. The full-text source reads at most :data:`CANDIDATE_CAP` matches
(in id order) before ranking; a prefix that matches more people than that ("kor" in a million
Finns) shows the best-ranked of those, and the family-name source, which is complete and in
order, still puts every "Korhonen" first. The rep narrows further with the next keystroke. Short
queries are capped harder still (see :class:`deskapp.core.search.query.TextMode`).

No ORM object leaves this module: rows are frozen :class:`LookupRow` values, safe to hand to
another thread.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from deskapp.core.domain.models import Brand, Customer, CustomerAlert, CustomerEmail, CustomerPhone
from deskapp.core.search import fts
from deskapp.core.search.phones import format_international
from deskapp.core.search.query import ParsedQuery, TextMode, parse_query

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# Full-text matches read before ranking; see the module docstring. Each costs a customer-row read
# (~1-5 µs, more on a cold cache), so this bounds a broad prefix to about a millisecond.
CANDIDATE_CAP = 200
# Phone readings searched at once (one per region the desk serves is typical).
MAX_PHONES = 4
ACCOUNT_SLOTS = 3
# Two-letter queries: how much of the family-name index is read, and how many rows are shown.
SHORT_SCAN = 500
SHORT_LIMIT = 20
# Upper bound of a prefix range: every string starting with p sorts between p and p + this.
_PREFIX_END = "\U0010ffff"


@dataclass(frozen=True, slots=True)
class LookupRow:
    """One customer as the lookup list shows it."""

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


def lookup(
    bind: Session | Engine | Connection,
    query: str,
    *,
    brand: str | None = None,
    limit: int = DEFAULT_LIMIT,
    default_region: str | None = None,
) -> list[LookupRow]:
    """Find customers for what a representative typed.

    Args:
        bind: A session, engine or connection of a migrated deskapp database.
        query: Any text: names in any order and case, with or without accents, an account
            number, an email address, a phone number in any usual form or its last 4+ digits.
        brand: Only customers of the brand with this code.
        limit: At most this many rows (capped at :data:`MAX_LIMIT`).
        default_region: Region for national phone numbers ("FI"); default: the brand's region,
            or every region the desk's brands use.

    Returns:
        Matching customers, best first; empty when nothing matches or the query is hopeless.
    """
    limit = max(0, min(limit, MAX_LIMIT))
    if limit == 0:
        return []
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return _lookup(connection, query, brand, limit, default_region)
    return _lookup(bind, query, brand, limit, default_region)


def _lookup(
    bind: Session | Connection, query: str, brand: str | None, limit: int, default_region: str | None
) -> list[LookupRow]:
    brand_key = brand.strip().casefold() if brand is not None else None
    regions: tuple[str, ...] = ()
    if default_region:
        regions = (default_region.upper(),)
    elif _may_be_phone(query):
        regions = _regions(bind, brand_key)
    parsed = parse_query(query, regions)
    if parsed.is_empty:
        return []
    connection = bind.connection() if isinstance(bind, Session) else bind
    shape = _Shape.of(parsed, brand_key is not None, connection.dialect.name)
    sql, names, defaults, positional = _compiled(shape, connection.dialect)
    params = defaults | _params(parsed, brand_key, limit)
    args: Any = tuple(params[name] for name in names) if positional else params
    rows = connection.exec_driver_sql(sql, args).all()
    return [_row(row) for row in rows]


def _may_be_phone(query: str) -> bool:
    return any(ch.isdigit() for ch in query[:200])


def _regions(bind: Session | Connection, brand_key: str | None) -> tuple[str, ...]:
    stmt = sa.select(Brand.default_region).distinct().order_by(Brand.default_region)
    if brand_key is not None:
        stmt = stmt.where(Brand.code == brand_key)
    return tuple(region for region in bind.execute(stmt).scalars() if region)


@dataclass(frozen=True, slots=True)
class _Shape:
    """What distinguishes one SQL statement from another; parameters fill in the rest."""

    dialect: str
    text_mode: str
    words: int
    account: bool
    email: bool
    phones: int
    suffix: bool
    brand: bool

    @classmethod
    def of(cls, parsed: ParsedQuery, brand: bool, dialect: str) -> _Shape:
        return cls(
            dialect=dialect,
            text_mode=parsed.text_mode,
            words=len(parsed.words),
            account=bool(parsed.account_keys),
            email=parsed.email is not None,
            phones=min(len(parsed.phones), MAX_PHONES),
            suffix=parsed.phone_suffix is not None,
            brand=brand,
        )


def _params(parsed: ParsedQuery, brand_key: str | None, limit: int) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": limit, "brand": brand_key, "cap": CANDIDATE_CAP}
    keys = parsed.account_keys
    for i in range(ACCOUNT_SLOTS):  # fixed slots keep one SQL text per shape
        params[f"account{i}"] = keys[min(i, len(keys) - 1)] if keys else None
    params["email"] = parsed.email
    for i, number in enumerate(parsed.phones[:MAX_PHONES]):
        params[f"phone{i}"] = number
    if parsed.phone_suffix is not None:
        params["suffix_lo"] = parsed.phone_suffix
        params["suffix_hi"] = parsed.phone_suffix + _PREFIX_END
    for i, word in enumerate(parsed.words):
        params[f"w{i}"] = word
        params[f"w{i}_end"] = word + _PREFIX_END
        params[f"w{i}_like"] = f"% {word}%"
    if parsed.text_mode == TextMode.FULL:
        params["match"] = fts.match_expression(list(parsed.words))
    elif parsed.text_mode == TextMode.FAMILY:
        params["short_scan"] = SHORT_SCAN
        params["short_limit"] = min(limit, SHORT_LIMIT)
    return params


# ------------------------------------------------------------------------------------------ SQL
_C = Customer.__table__
_P = CustomerPhone.__table__
_E = CustomerEmail.__table__
_A = CustomerAlert.__table__
_B = Brand.__table__
_FTS = sa.table(fts.FTS_TABLE, sa.column("rowid", sa.Integer))


def _hit(id_column: Any, tier: int, phone: Any = None, email: Any = None) -> list[Any]:
    return [
        id_column.label("id"),
        sa.literal_column(str(tier), sa.Integer).label("tier"),
        (phone if phone is not None else sa.cast(sa.null(), sa.String)).label("phone"),
        (email if email is not None else sa.cast(sa.null(), sa.String)).label("email"),
    ]


def _brand_filter(customer: Any) -> Any:
    brand_id = sa.select(_B.c.id).where(_B.c.code == sa.bindparam("brand")).scalar_subquery()
    # "+ 0" keeps the planner off the brand index: with a handful of brands it matches a third
    # of the desk, and SQLite would otherwise scan it and probe FTS once per row instead of
    # reading the few FTS/family-name matches and checking their brand.
    return customer.c.brand_id + 0 == brand_id


def _family_range(word_index: int) -> Any:
    return sa.and_(
        _C.c.family_key >= sa.bindparam(f"w{word_index}"),
        _C.c.family_key < sa.bindparam(f"w{word_index}_end"),
    )


def _family_order() -> list[Any]:
    return [_C.c.family_key, _C.c.given_name, _C.c.id]


def _wrapped(stmt: sa.Select[Any], name: str) -> sa.Select[Any]:
    # A UNION member with its own ORDER BY/LIMIT must be a subquery on every backend.
    sub = stmt.subquery(name)
    return sa.select(sub.c.id, sub.c.tier, sub.c.phone, sub.c.email)


def _text_candidates(shape: _Shape) -> sa.Select[Any]:
    """Ids of customers whose words start with every typed word, at most ``cap`` of them."""
    if shape.dialect == "sqlite":
        stmt = sa.select(_FTS.c.rowid.label("id")).where(
            sa.literal_column(fts.FTS_TABLE).op("MATCH")(sa.bindparam("match"))
        )
        if shape.brand:
            stmt = stmt.join(_C, _C.c.id == _FTS.c.rowid).where(_brand_filter(_C))
    else:
        # PostgreSQL: the same word-prefix test as a regular expression, served by the pg_trgm
        # GIN index of migration 0002. Words are letters and digits only, nothing to escape.
        stmt = sa.select(_C.c.id.label("id")).where(
            *(
                _C.c.search_text.regexp_match(sa.literal("(^| )") + sa.bindparam(f"w{i}"))
                for i in range(shape.words)
            )
        )
        if shape.brand:
            stmt = stmt.where(_brand_filter(_C))
    return stmt.limit(sa.bindparam("cap"))


def _sources(shape: _Shape) -> list[sa.Select[Any]]:
    sources: list[sa.Select[Any]] = []
    if shape.account:
        sources.append(
            sa.select(*_hit(_C.c.id, 0)).where(
                _C.c.account_number.in_([sa.bindparam(f"account{i}") for i in range(ACCOUNT_SLOTS)])
            )
        )
    if shape.email:
        sources.append(
            sa.select(*_hit(_E.c.customer_id, 0, email=_E.c.address)).where(
                _E.c.address_key == sa.bindparam("email")
            )
        )
    if shape.phones:
        sources.append(
            sa.select(*_hit(_P.c.customer_id, 0, phone=_P.c.e164)).where(
                _P.c.e164.in_([sa.bindparam(f"phone{i}") for i in range(shape.phones)])
            )
        )
    if shape.suffix:
        suffix = sa.select(*_hit(_P.c.customer_id, 1, phone=_P.c.e164)).where(
            _P.c.digits_reversed >= sa.bindparam("suffix_lo"),
            _P.c.digits_reversed < sa.bindparam("suffix_hi"),
        )
        sources.append(_wrapped(suffix.limit(sa.bindparam("cap")), "suffix_hits"))
    if shape.text_mode == TextMode.FAMILY:
        sources.append(_short_family_source(shape))
    elif shape.text_mode == TextMode.FULL:
        if shape.words == 1:
            family = sa.select(*_hit(_C.c.id, 2)).where(_family_range(0))
            if shape.brand:
                family = family.where(_brand_filter(_C))
            sources.append(_wrapped(family.order_by(*_family_order()).limit(sa.bindparam("limit")), "family_hits"))
        candidates = _text_candidates(shape).subquery("candidates")
        family_match = sa.or_(*(_family_range(i) for i in range(shape.words)))
        tier = sa.case((family_match, 2), else_=3)
        no_text = sa.cast(sa.null(), sa.String)
        sources.append(
            sa.select(
                _C.c.id.label("id"), tier.label("tier"), no_text.label("phone"), no_text.label("email")
            ).join_from(candidates, _C, _C.c.id == candidates.c.id)
        )
    return sources


def _short_family_source(shape: _Shape) -> sa.Select[Any]:
    """Two-letter queries: a bounded, ordered window of the family-name index."""
    window = sa.select(_C.c.id, _C.c.search_text).where(_family_range(0))
    if shape.brand:
        window = window.where(_brand_filter(_C))
    window_sub = window.order_by(*_family_order()).limit(sa.bindparam("short_scan")).subquery("window")
    # Only the window's rows are tested, never the table: words hold no LIKE wildcards.
    spaced = sa.literal(" ") + window_sub.c.search_text
    others = [spaced.like(sa.bindparam(f"w{i}_like")) for i in range(1, shape.words)]
    stmt = sa.select(*_hit(window_sub.c.id, 2)).where(*others).limit(sa.bindparam("short_limit"))
    return _wrapped(stmt, "short_hits")


@functools.lru_cache(maxsize=256)
def _compiled(shape: _Shape, dialect: sa.Dialect) -> tuple[str, tuple[str, ...], dict[str, Any], bool]:
    """SQL text, parameter order, constant parameters and paramstyle for one query shape.

    Compiled once per shape and dialect: the statement is the hot path of every keystroke, and
    building and compiling it again costs more than running it on an indexed database.
    """
    compiled = _statement(shape).compile(dialect=dialect)
    defaults = {name: bind.value for name, bind in compiled.binds.items() if bind.value is not None}
    names = tuple(compiled.positiontup or ())
    return str(compiled), names, defaults, bool(compiled.positional)


def _statement(shape: _Shape) -> sa.Select[Any]:
    """The lookup statement for one query shape."""
    sources = _sources(shape)
    hits = (sources[0] if len(sources) == 1 else sa.union_all(*sources)).subquery("hits")
    best = (
        sa.select(
            hits.c.id,
            sa.func.min(hits.c.tier).label("tier"),
            sa.func.max(hits.c.phone).label("phone"),
            sa.func.max(hits.c.email).label("email"),
        )
        .group_by(hits.c.id)
        .subquery("best")
    )
    top_query = sa.select(best, _C.c.family_key, _C.c.given_name).join_from(best, _C, _C.c.id == best.c.id)
    if shape.brand:
        top_query = top_query.where(_brand_filter(_C))
    top = (
        top_query.order_by(best.c.tier, _C.c.family_key, _C.c.given_name, _C.c.id)
        .limit(sa.bindparam("limit"))
        .subquery("top")
    )
    c = _C.alias("c")
    first_phone = (
        sa.select(_P.c.e164).where(_P.c.customer_id == c.c.id).order_by(_P.c.position).limit(1).scalar_subquery()
    )
    first_email = (
        sa.select(_E.c.address).where(_E.c.customer_id == c.c.id).order_by(_E.c.position).limit(1).scalar_subquery()
    )
    has_alerts = sa.exists(sa.select(_A.c.id).where(_A.c.customer_id == c.c.id))
    return (
        sa.select(
            c.c.id,
            c.c.account_number,
            c.c.given_name,
            c.c.family_name,
            c.c.organisation,
            c.c.kind,
            sa.func.coalesce(top.c.phone, first_phone).label("phone"),
            sa.func.coalesce(top.c.email, first_email).label("email"),
            c.c.preferred_locale,
            _B.c.code.label("brand"),
            has_alerts.label("has_alerts"),
        )
        .select_from(top.join(c, c.c.id == top.c.id).join(_B, _B.c.id == c.c.brand_id))
        .order_by(top.c.tier, top.c.family_key, top.c.given_name, top.c.id)
    )


def _row(row: Any) -> LookupRow:
    # Positional unpacking: attribute access on result rows costs more than the SQL for 50 rows.
    (customer_id, account, given, family, organisation, kind, phone, email, locale, brand, alerts) = row
    name = f"{given} {family}" if given and family else (given or family or organisation or "")
    return LookupRow(
        customer_id=customer_id,
        account_number=account,
        name=name,
        kind=str(kind),
        organisation=organisation,
        phone=phone,
        email=email,
        preferred_locale=locale,
        brand=brand,
        has_alerts=bool(alerts),
    )
