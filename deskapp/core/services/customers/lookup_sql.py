"""The SQL of customer lookup: one statement per query shape, compiled once (see :mod:`.lookup`)."""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa

from deskapp.core.domain.models import Brand, Case, Customer, CustomerAlert, CustomerEmail, CustomerPhone
from deskapp.core.search import fts, pg_prefixes
from deskapp.core.search.query import TextMode
from deskapp.core.services.customers.lookup_shape import (
    ACCOUNT_SLOTS,
    EXACT,
    FAMILY_REST,
    FAMILY_SHARE,
    MAX_ID,
    PREFIX_END,
    SUFFIX,
    WORDS,
    Shape,
)

# ------------------------------------------------------------------------------------------ SQL
_C = Customer.__table__
_P = CustomerPhone.__table__
_E = CustomerEmail.__table__
_A = CustomerAlert.__table__
_B = Brand.__table__
_K = Case.__table__
_FTS = sa.table(fts.FTS_TABLE, sa.column("rowid", sa.Integer))
# PostgreSQL's word-prefix table (migration 0016).
_PREFIXES = sa.table(pg_prefixes.TABLE, sa.column("prefix", sa.String), sa.column("customer_id", sa.Integer))


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


def _text_candidates(shape: Shape, gate: Any = None) -> sa.Select[Any]:
    """Ids of customers whose words start with every typed word (the caller limits them).

    ``gate``, when given, is a condition that needs no row of the search: when it is false the
    full-text index is not read at all.
    """
    if shape.dialect == "sqlite":
        match = sa.literal_column(fts.FTS_TABLE).op("MATCH")(sa.bindparam("match"))
        if gate is None:
            stmt = sa.select(_FTS.c.rowid.label("id")).where(match)
        else:
            # SQLite starts a virtual-table scan before it tests a constant WHERE term, so the
            # gate is a one-row table joined first: a false gate ends the loop before FTS5 runs.
            gate_row = sa.select(gate.label("open")).subquery("gate")
            stmt = sa.select(_FTS.c.rowid.label("id")).select_from(
                gate_row.join(_FTS, gate_row.c.open == sa.true())
            ).where(match)
        if shape.brand:
            stmt = stmt.join(_C, _C.c.id == _FTS.c.rowid).where(_brand_filter(_C))
        return stmt
    if not shape.numeric:
        return _prefix_candidates(shape, gate)
    # PostgreSQL, a typed word of one or two digits (not in the word-prefix table): the word-prefix
    # test as a regular expression, served by the pg_trgm GIN index of migration 0002. Words are
    # letters and digits only, nothing to escape. A gate becomes a one-time filter in front of the scan.
    starts = [sa.literal("(^| )") + sa.bindparam(f"w{i}", type_=sa.String) for i in range(shape.words)]
    stmt = sa.select(_C.c.id.label("id")).where(*(_C.c.search_text.regexp_match(start) for start in starts))
    extra = ([_brand_filter(_C)] if shape.brand else []) + ([gate] if gate is not None else [])
    return stmt.where(*extra)


def _prefix_candidates(shape: Shape, gate: Any) -> sa.Select[Any]:
    """PostgreSQL: the first customers (by id, as FTS5 gives them) with a word starting with each typed word.

    One equality per typed word on the word-prefix table reads its customers in id order, so the
    words' streams are merged and the merge stops at the page limit. A word longer than the
    table's prefixes is read by its first characters and checked on ``search_text``.

    A word of one or two characters starts the words of a large part of the desk ("c" those of
    every account number): merged as a stream, it was read until the other words' last match
    ("c00920122": 55 ms at 1,000,000 customers). Next to a longer word it is instead looked up
    in the table's key for each customer the longer words find (a subquery per row, which
    PostgreSQL never turns into a join).
    """
    probed = [i for i in range(shape.words) if shape.short >> i & 1]
    merged = [i for i in range(shape.words) if i not in probed] or [probed.pop(0)]
    streams = {i: _PREFIXES.alias(f"prefix{i}") for i in merged}
    first = streams[merged[0]]
    source: Any = first
    for i in merged[1:]:
        stream = streams[i]
        source = source.join(stream, sa.and_(stream.c.customer_id == first.c.customer_id,
                                             stream.c.prefix == sa.bindparam(f"w{i}_key", type_=sa.String)))
    conditions: list[Any] = [first.c.prefix == sa.bindparam(f"w{merged[0]}_key", type_=sa.String)]
    for i in probed:
        probe = _PREFIXES.alias(f"probe{i}")
        conditions.append(sa.select(probe.c.customer_id).where(
            probe.c.prefix == sa.bindparam(f"w{i}_key", type_=sa.String),
            probe.c.customer_id == first.c.customer_id).scalar_subquery().is_not(None))
    # strpos, not a regular expression: the planner guesses a third of the rows pass (it takes a
    # regular expression for a rare one, and then plans the merge as if it were huge).
    checks = [sa.func.strpos(sa.literal(" ") + _C.c.search_text,
                             sa.literal(" ") + sa.bindparam(f"w{i}", type_=sa.String)) > 0
              for i in range(shape.words) if shape.long >> i & 1]
    if checks or shape.brand:
        source = source.join(_C, _C.c.id == first.c.customer_id)
        conditions += checks + ([_brand_filter(_C)] if shape.brand else [])
    if gate is not None:
        conditions.append(gate)
    return (sa.select(first.c.customer_id.label("id")).select_from(source).where(*conditions)
            .order_by(first.c.customer_id).limit(sa.bindparam("limit")))


def _sources(shape: Shape) -> list[sa.Select[Any]]:
    sources: list[sa.Select[Any]] = []
    if shape.account:
        sources.append(
            sa.select(*_hit(_C.c.id, 0)).where(
                _C.c.account_number.in_([sa.bindparam(f"account{i}") for i in range(ACCOUNT_SLOTS)])
            )
        )
    if shape.case:
        sources.append(
            sa.select(*_hit(_K.c.customer_id, EXACT)).where(_K.c.reference_number == sa.bindparam("case_number"))
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
        suffix = sa.select(*_hit(_P.c.customer_id, SUFFIX, phone=_P.c.e164)).where(
            _P.c.digits_reversed >= sa.bindparam("suffix_lo"),
            _P.c.digits_reversed < sa.bindparam("suffix_hi"),
        )
        if shape.dialect == "postgresql":
            # SQLite reads the range in its index's order (digits, then id); PostgreSQL would read
            # it in table order, so beyond a page of matches it showed other people than SQLite.
            suffix = suffix.order_by(_P.c.digits_reversed, _P.c.id)
        sources.append(_wrapped(suffix.limit(sa.bindparam("limit")), "suffix_hits"))
    if shape.text_mode == TextMode.FAMILY:
        sources.append(_short_family_source(shape))
    elif shape.text_mode == TextMode.FULL:
        gate = None
        if shape.words == 1:
            family = sa.select(*_hit(_C.c.id, FAMILY_REST)).where(_family_range(0))
            if shape.brand:
                family = family.where(_brand_filter(_C))
            family = _wrapped(family.order_by(*_family_order()).limit(sa.bindparam("limit")), "family_hits")
            sources.append(family)
            family_count = sa.select(sa.func.count()).select_from(family.subquery("full_page")).scalar_subquery()
            page_full = family_count >= sa.bindparam("limit")
            sources.append(_family_share_source(shape, page_full))
            # A full page of family-name matches outranks anything else the word finds, so the
            # full-text search is skipped ("cruz" among a million customers: no FTS read at all).
            gate = sa.not_(page_full)
        sub = _text_candidates(shape, gate).limit(sa.bindparam("limit")).subquery("candidates")
        sources.append(sa.select(*_hit(sub.c.id, WORDS)))
    return sources


def _family_share_source(shape: Shape, page_full: Any) -> sa.Select[Any]:
    """Each family name's share of the page: its first members by given name (tier FAMILY_SHARE).

    The distinct family-name keys in the typed word's range are found by skipping through the
    family-name index (one seek each, at most a page of them); each gets ``ceil(page / keys)``
    members (only when more than one family name matches and the page is full). Per key, the cut-off
    (the share's last given name and id) is read with an OFFSET on the index, so the members are
    then one bounded index range: no table row and no window function.
    """
    limit = sa.type_coerce(sa.bindparam("limit"), sa.Integer)
    word_end: Any = sa.bindparam("w0_end")
    first_key = sa.select(sa.func.min(_C.c.family_key)).where(_family_range(0)).scalar_subquery()
    keys = sa.select(first_key.label("k"), sa.literal_column("1", sa.Integer).label("n")).cte(
        "family_keys", recursive=True
    )
    later = _C.alias("later")
    next_key = (
        sa.select(sa.func.min(later.c.family_key))
        .where(later.c.family_key > keys.c.k, later.c.family_key < word_end)
        .scalar_subquery()
    )
    keys = keys.union_all(sa.select(next_key, keys.c.n + 1).where(keys.c.k.is_not(None), keys.c.n < limit))
    key_count = sa.select(sa.func.count()).select_from(keys).where(keys.c.k.is_not(None)).scalar_subquery()
    page = sa.type_coerce(sa.bindparam("page"), sa.Integer)  # the statement reads one row more
    quota = sa.select(((page + key_count - 1) // key_count).label("q")).cte("family_quota")
    member = _C.alias("member")

    def at_share_end(column: Any) -> Any:
        stmt = sa.select(column).where(member.c.family_key == keys.c.k)
        if shape.brand:
            stmt = stmt.where(_brand_filter(member))
        offset = sa.select(quota.c.q).scalar_subquery() - 1
        return stmt.order_by(member.c.given_name, member.c.id).limit(1).offset(offset).scalar_subquery()

    cuts = (
        sa.select(
            keys.c.k,
            sa.func.coalesce(at_share_end(member.c.given_name), sa.literal(PREFIX_END)).label("given_end"),
            sa.func.coalesce(at_share_end(member.c.id), sa.literal(MAX_ID)).label("id_end"),
        )
        # Shares change nothing when everything fits on the page (then every family-name match
        # is tier 3, in alphabetical order) or when one family name has it all: then no cut-off
        # is read at all, and the statement costs what it did before shares.
        .where(keys.c.k.is_not(None), page_full, key_count > 1)
        .cte("family_cuts")
        # Computed once per key: inlined, SQLite would evaluate the cut-offs once per member row.
        .prefix_with("MATERIALIZED")
    )
    stmt = (
        sa.select(*_hit(_C.c.id, FAMILY_SHARE))
        .select_from(cuts.join(_C, _C.c.family_key == cuts.c.k))
        .where(
            _C.c.given_name <= cuts.c.given_end,
            sa.or_(_C.c.given_name < cuts.c.given_end, _C.c.id <= cuts.c.id_end),
        )
    )
    if shape.brand:
        stmt = stmt.where(_brand_filter(_C))
    return stmt


def _short_family_source(shape: Shape) -> sa.Select[Any]:
    """Two-letter queries: a bounded, ordered window of the family-name index."""
    window = sa.select(_C.c.id, _C.c.search_text).where(_family_range(0))
    if shape.brand:
        window = window.where(_brand_filter(_C))
    window_sub = window.order_by(*_family_order()).limit(sa.bindparam("short_scan")).subquery("window")
    # Only the window's rows are tested, never the table: words hold no LIKE wildcards.
    spaced = sa.literal(" ") + window_sub.c.search_text
    others = [spaced.like(sa.bindparam(f"w{i}_like")) for i in range(1, shape.words)]
    stmt = sa.select(*_hit(window_sub.c.id, FAMILY_SHARE)).where(*others).limit(sa.bindparam("short_limit"))
    return _wrapped(stmt, "short_hits")


@functools.lru_cache(maxsize=256)
def compiled(shape: Shape, dialect: sa.Dialect) -> tuple[str, tuple[str, ...], dict[str, Any], bool]:
    """SQL text, parameter order, constant parameters and paramstyle for one query shape.

    Compiled once per shape and dialect: the statement is the hot path of every keystroke, and
    building and compiling it again costs more than running it on an indexed database.
    """
    compiled = _statement(shape).compile(dialect=dialect)
    defaults = {name: bind.value for name, bind in compiled.binds.items() if bind.value is not None}
    names = tuple(compiled.positiontup or ())
    return str(compiled), names, defaults, bool(compiled.positional)


def _statement(shape: Shape) -> sa.Select[Any]:
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
    tier: Any = best.c.tier
    if shape.text_mode == TextMode.FULL and shape.words > 1:
        # Full-text hits arrive as WORDS without reading their row; the row is read here anyway
        # for the sort, so this is where a family-name match among them is promoted. (One word
        # has the family-name sources, complete whenever the full-text search runs at all.)
        family_match = sa.or_(*(_family_range(i) for i in range(shape.words)))
        promoted = sa.case((family_match, FAMILY_SHARE), else_=WORDS)
        tier = sa.func.min(tier, promoted) if shape.dialect == "sqlite" else sa.func.least(tier, promoted)
    tier_label = tier.label("tier")
    top_query = sa.select(
        best.c.id, tier_label, best.c.phone, best.c.email, _C.c.family_key, _C.c.given_name
    ).join_from(best, _C, _C.c.id == best.c.id)
    if shape.brand:
        top_query = top_query.where(_brand_filter(_C))
    top = (
        top_query.order_by(tier_label, _C.c.family_key, _C.c.given_name, _C.c.id)
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
