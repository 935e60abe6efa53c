"""Lookup on PostgreSQL against SQLite, same customers, same queries, same run.

    DESKAPP_TEST_PG_URL=postgresql+psycopg://… python -m bench.lookup_pg               # 100,000 customers
    DESKAPP_TEST_PG_URL=… python -m bench.lookup_pg --customers 20000 --rounds 3
    python -m bench.lookup_pg --customers 1000000 --db postgresql+psycopg://…/deskapp_bench_1000000 \
        --sqlite bench/.data/lookup-1000000.sqlite3                               # reuse built desks

Builds a throw-away PostgreSQL database (dropped at the end) and a SQLite file in a temporary
folder from bench/_data.py's generator through :func:`write_customers`, then answers
bench/lookup.py's rep query mix on both through :func:`deskapp.core.services.customers.lookup.lookup`
after a warm-up pass, alternating which backend goes first in each round. Prints p50/p95/p99
per backend and per query category, and how many queries gave different answers (should be 0
on a database with the C collation; see the note printed when it is not).

``--db`` and ``--sqlite`` reuse desks built before (``bench.team_load`` keeps ``deskapp_bench_<N>``
on the server, ``bench.lookup`` keeps ``bench/.data/lookup-<N>.sqlite3``); both must hold
bench/_data.py's first ``--customers`` customers. They are read only, never dropped.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._data import customers  # noqa: E402
from bench.lookup import percentile, query_mix  # noqa: E402


def reuse(url: str) -> tuple[Any, float]:
    from deskapp.core.storage.engine import make_engine

    return make_engine(url), 0.0


def build(url: str, n: int) -> tuple[Any, float]:
    from deskapp.core.services.customers.store import write_customers
    from deskapp.core.storage import migrate
    from deskapp.core.storage.engine import make_engine

    engine = make_engine(url)
    migrate.upgrade(engine)
    started = time.perf_counter()
    write_customers(engine, customers(0, n))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    return engine, time.perf_counter() - started


def answers(engine: Any, query: str) -> list[str]:
    from deskapp.core.services.customers.lookup import lookup

    return [row.account_number for row in lookup(engine, query)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--db", help="an existing PostgreSQL desk of --customers customers (kept)")
    parser.add_argument("--sqlite", type=Path, help="an existing SQLite desk of --customers customers (kept)")
    args = parser.parse_args()
    server = os.environ.get("DESKAPP_TEST_PG_URL")
    if not server and not args.db:
        print("Set DESKAPP_TEST_PG_URL (e.g. source .ci/postgres.sh; start_postgres).", file=sys.stderr)
        return 2

    from sqlalchemy.engine import make_url

    from tests import helpers_pg

    server_url = make_url(server) if server and not args.db else None
    name = helpers_pg.new_database_name("deskapp_bench")
    folder = tempfile.TemporaryDirectory(prefix="deskapp-bench-")
    try:
        engines: dict[str, Any] = {}
        if args.sqlite:
            engines["sqlite"], _seconds = reuse(f"sqlite:///{args.sqlite}")
        else:
            engines["sqlite"], seconds = build(f"sqlite:///{Path(folder.name) / 'bench.sqlite3'}", args.customers)
            print(f"sqlite: {args.customers:,} customers written in {seconds:.1f} s")
        if server_url is None:
            engines["postgresql"], _seconds = reuse(args.db)
        else:
            pg_url = helpers_pg.create_database(server_url, name)
            engines["postgresql"], seconds = build(helpers_pg.url_string(pg_url), args.customers)
            print(f"postgresql: {args.customers:,} customers written in {seconds:.1f} s")
        with engines["postgresql"].connect() as connection:
            collation = connection.exec_driver_sql(
                "SELECT datcollate FROM pg_database WHERE datname = current_database()").scalar_one()

        mix = query_mix(args.customers)
        differ = [q for _c, q in mix if answers(engines["sqlite"], q) != answers(engines["postgresql"], q)]
        timings: dict[str, list[float]] = defaultdict(list)
        by_category: dict[tuple[str, str], list[float]] = defaultdict(list)
        for round_ in range(args.rounds):
            order = ["sqlite", "postgresql"] if round_ % 2 == 0 else ["postgresql", "sqlite"]
            for category, query in mix:
                for backend in order:
                    started = time.perf_counter()
                    answers(engines[backend], query)
                    elapsed = (time.perf_counter() - started) * 1000
                    timings[backend].append(elapsed)
                    by_category[(backend, category)].append(elapsed)

        print(f"\n{len(mix)} queries x {args.rounds} rounds after a warm-up; milliseconds per lookup")
        print(f"{'backend':<12}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}")
        for backend, values in timings.items():
            print(f"{backend:<12}{percentile(values, .50):8.2f}{percentile(values, .95):8.2f}"
                  f"{percentile(values, .99):8.2f}{max(values):8.2f}")
        print(f"\n{'category':<24}{'sqlite p95':>12}{'pg p95':>10}")
        for category in sorted({c for _b, c in by_category}):
            lite, pg = by_category[("sqlite", category)], by_category[("postgresql", category)]
            print(f"{category:<24}{percentile(lite, .95):12.2f}{percentile(pg, .95):10.2f}")
        print(f"\nqueries answered differently: {len(differ)} of {len(mix)} (PostgreSQL collation {collation})")
        for query in differ[:10]:
            print(f"  {query!r}")
        for engine in engines.values():
            engine.dispose()
    finally:
        if server_url is not None:
            helpers_pg.drop_database(server_url, name)
        folder.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
