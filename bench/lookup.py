"""Lookup benchmark: deskapp's lookup service against raw sqlite3 on a large customer database.

    python -m bench.lookup                      # 1,000,000 customers (built once, then reused)
    python -m bench.lookup --customers 20000    # a quick run

The database lives in bench/.data/ (git-ignored). Building it is resumable: customers are a pure
function of their number (bench/_data.py), so an interrupted build continues from the highest
account number already written. The build time is kept next to the file and printed.

Both paths answer the same fixed mix of rep-typed queries on the same file after a warm-up:

* ``deskapp``: :func:`deskapp.core.services.customers.lookup.lookup` through SQLAlchemy, as the UI calls it
  (query parsing, phone parsing, one ranked statement, plain rows).
* ``raw``: the minimal sqlite3 query that finds the same kind of match, written by hand with the
  parameters already computed: ``customer_fts MATCH`` joined to customer with LIMIT, an E.164 or
  address_key equality, a digits_reversed range. It does no ranking and no dedup, so it is the
  floor: the cost of just touching the index and the rows.
* ``same-sql``: deskapp's exact SQL statement run through sqlite3 with the same parameters,
  which isolates the Python overhead (parsing, SQLAlchemy, row objects) from the SQL's own cost.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._data import SEED, customer, customers  # noqa: E402

DATA_DIR = ROOT / "bench" / ".data"
CHUNK = 50_000


def database_path(n: int) -> Path:
    return DATA_DIR / f"lookup-{n}.sqlite3"


def _fast_build_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA cache_size = -1000000")
    dbapi_connection.execute("PRAGMA synchronous = OFF")


def build(n: int) -> tuple[Path, float]:
    """Create (or finish) the n-customer database; returns its path and total build seconds."""
    from sqlalchemy import event

    from deskapp.core.services.customers.store import write_customers
    from deskapp.core.storage import migrate
    from deskapp.core.storage.engine import make_engine

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = database_path(n)
    meta_path = path.with_suffix(".json")
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {"seconds": 0.0, "seed": SEED}
    engine = make_engine(f"sqlite:///{path}")
    # Build-only settings: a big page cache for the random index inserts, and no fsync per
    # batch (a crash mid-build only loses the last batch, which the resume rewrites).
    event.listen(engine, "connect", _fast_build_pragmas)
    migrate.upgrade(engine)
    with engine.connect() as connection:
        last = connection.exec_driver_sql("SELECT max(account_number) FROM customer").scalar()
    start = int(last[1:]) + 1 if last else 0
    if start < n:
        print(f"building {path.name}: customers {start:,}..{n - 1:,}", flush=True)
    while start < n:
        stop = min(n, start + CHUNK)
        began = time.perf_counter()
        write_customers(engine, customers(start, stop))
        meta["seconds"] += time.perf_counter() - began
        meta_path.write_text(json.dumps(meta))
        rate = (stop - start) / (time.perf_counter() - began)
        print(f"  {stop:>10,} written ({rate:,.0f}/s, {meta['seconds']:.0f} s so far)", flush=True)
        start = stop
    if not meta.get("optimized"):
        began = time.perf_counter()
        with engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO customer_fts(customer_fts) VALUES ('optimize')")
            connection.exec_driver_sql("ANALYZE")
        meta["seconds"] += time.perf_counter() - began
        meta["optimized"] = True
        meta_path.write_text(json.dumps(meta))
    engine.dispose()
    return path, meta["seconds"]


def query_mix(n: int, seed: int = SEED) -> list[tuple[str, str]]:
    """(category, query) pairs a rep would type, all about customers that exist in the database."""
    import phonenumbers

    from deskapp.core.search.normalize import fold
    from deskapp.core.search.phones import format_international

    rng = random.Random(seed)
    mix: list[tuple[str, str]] = []
    people = [c for c in (customer(rng.randrange(n), seed) for _ in range(400)) if c.family_name][:120]
    for i, person in enumerate(people):
        family, given = person.family_name, person.given_name.split()[0]
        kind = i % 12
        if kind == 0:
            mix.append(("name, accents", f"{given} {family}"))
        elif kind == 1:
            mix.append(("name, no accents", fold(f"{family} {given}")))
        elif kind in (2, 3):
            mix.append((f"prefix {2 + i % 5}", fold(family.replace(" ", ""))[: 2 + i % 5]))
        elif kind == 4:
            mix.append(("given + family prefix", fold(f"{given} {family[:3]}")))
        elif kind == 5:
            mix.append(("phone last 4", person.phones[0][-4:]))
        elif kind == 6:
            digits = person.phones[0]
            mix.append(("phone last 7", f"{digits[-7:-4]} {digits[-4:]}"))
        elif kind == 7:
            mix.append(("phone full", format_international(person.phones[0])))
        elif kind == 8:
            number = phonenumbers.parse(person.phones[0])
            mix.append(("phone national", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)))
        elif kind == 9 and person.emails:
            mix.append(("email", person.emails[0].upper()))
        elif kind == 10:
            mix.append(("account", person.account_number.lower()))
        else:
            mix.append(("prefix 3", fold(family)[:3]))
    return mix


def raw_floor(category: str, query: str) -> tuple[str, tuple[object, ...]]:
    """The minimal hand-written SQL that finds this kind of match (no ranking)."""
    from deskapp.core.search.fts import match_expression
    from deskapp.core.search.normalize import email_key, tokens
    from deskapp.core.search.phones import digits_only, to_e164

    columns = "c.id, c.account_number, c.given_name, c.family_name, c.organisation"
    if category in {"phone full", "phone national"}:
        e164 = to_e164(query, "FI") or to_e164(query, "PH") or to_e164(query, "ES") or to_e164(query, "GB")
        return (f"SELECT {columns}, p.e164 FROM customer_phone p JOIN customer c ON c.id = p.customer_id "
                "WHERE p.e164 = ?", (e164,))
    if category.startswith("phone"):
        rev = digits_only(query)[::-1]
        return (f"SELECT {columns}, p.e164 FROM customer_phone p JOIN customer c ON c.id = p.customer_id "
                "WHERE p.digits_reversed >= ? AND p.digits_reversed < ? LIMIT 50", (rev, rev + "\U0010ffff"))
    if category == "email":
        return (f"SELECT {columns} FROM customer_email e JOIN customer c ON c.id = e.customer_id "
                "WHERE e.address_key = ?", (email_key(query),))
    if category == "account":
        return f"SELECT {columns} FROM customer c WHERE c.account_number = ?", (query.upper(),)
    return (f"SELECT {columns} FROM customer_fts JOIN customer c ON c.id = customer_fts.rowid "
            "WHERE customer_fts MATCH ? LIMIT 50", (match_expression(tokens(query)),))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(path: Path, n: int, rounds: int) -> None:
    from deskapp.core.services.customers.lookup import lookup, lookup_statement
    from deskapp.core.storage.engine import make_engine

    engine = make_engine(f"sqlite:///{path}")
    raw = sqlite3.connect(path)
    mix = query_mix(n)
    plans = []
    with engine.connect() as connection:
        for category, query in mix:  # warm-up pass, and deskapp's own SQL for "same-sql"
            lookup(engine, query)
            same_sql = lookup_statement(connection, query)
            assert same_sql is not None, query
            floor = raw_floor(category, query)
            raw.execute(floor[0], floor[1]).fetchall()
            plans.append((category, query, same_sql, floor))
    times: dict[str, list[float]] = {"deskapp": [], "raw": [], "same-sql": []}
    by_category: dict[str, list[float]] = {}
    clock = time.perf_counter
    def run_deskapp(plan: Any) -> None:
        lookup(engine, plan[1])

    def run_raw(plan: Any) -> None:
        raw.execute(*plan[3]).fetchall()

    def run_same(plan: Any) -> None:
        raw.execute(*plan[2]).fetchall()

    paths = (("deskapp", run_deskapp), ("raw", run_raw), ("same-sql", run_same))
    for round_number in range(rounds):
        for index, plan in enumerate(plans):
            # Rotate which path goes first: the first one pays for pages the others then find cached.
            shift = (round_number + index) % len(paths)
            for name, run in paths[shift:] + paths[:shift]:
                t0 = clock()
                run(plan)
                elapsed = clock() - t0
                times[name].append(elapsed)
                if name == "deskapp":
                    by_category.setdefault(plan[0], []).append(elapsed)
    raw.close()
    engine.dispose()

    def ms(value: float) -> str:
        return f"{value * 1000:7.2f}"

    print(f"{len(plans)} queries x {rounds} rounds")
    print(f"{'path':<10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, values in times.items():
        print(f"{name:<10} {ms(percentile(values, .5))} {ms(percentile(values, .95))} {ms(max(values))}")
    d, r, s = (times[k] for k in ("deskapp", "raw", "same-sql"))
    print(f"ratio deskapp/raw:      p50 {percentile(d, .5) / percentile(r, .5):.2f}x  "
          f"p95 {percentile(d, .95) / percentile(r, .95):.2f}x")
    print(f"ratio deskapp/same-sql: p50 {percentile(d, .5) / percentile(s, .5):.2f}x  "
          f"p95 {percentile(d, .95) / percentile(s, .95):.2f}x")
    print("deskapp by category:")
    for category, values in sorted(by_category.items()):
        print(f"  {category:<22} p50 {ms(percentile(values, .5))}  p95 {ms(percentile(values, .95))}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5, help="timed passes over the query mix")
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args(argv)
    path, seconds = build(args.customers)
    print(f"database: {path} ({path.stat().st_size / 1e6:,.0f} MB), build time {seconds:,.0f} s")
    if not args.build_only:
        measure(path, args.customers, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
