"""Benchmark: ``deskapp customers duplicates`` on a large desk, against the same blocking in raw SQL.

The desk comes from the planted-duplicate generator of the tests (``tests/planted_duplicates.py``):
``--customers`` people from small name pools (so common names recur among strangers) plus planted
duplicates of every kind (one per 250 customers of each kind). Timed, ``--runs`` times interleaved:

* deskapp: :func:`deskapp.core.services.merge.duplicates.find_duplicates` (read every customer,
  phone and e-mail, block, score with rapidfuzz, order), and
* the baseline: bare sqlite3 running the same blocking as one SQL statement (pairs sharing a phone
  or an e-mail within a brand and kind, or the same family key and given name, blocks capped as
  deskapp caps them), returning the candidate pairs unscored.

Also printed: recall of the planted pairs and the pairs reported that were not planted. Run from
the repository: ``python -m bench.duplicates --customers 1000000`` (the default; try 100000 first).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deskapp.core.search.similarity import CONTACT_BLOCK_LIMIT, NAME_BLOCK_LIMIT
from deskapp.core.services.kernel.actors import console_actor
from deskapp.core.services.merge.duplicates import find_duplicates
from deskapp.core.storage import migrate
from deskapp.core.storage.engine import make_engine
from tests.planted_duplicates import plant, write

BASELINE_SQL = f"""
WITH phone AS (
    SELECT p.customer_id AS id, c.brand_id || c.kind || p.e164 AS k,
           count(*) OVER (PARTITION BY c.brand_id, c.kind, p.e164) AS n
    FROM customer_phone p JOIN customer c ON c.id = p.customer_id),
mail AS (
    SELECT e.customer_id AS id, c.brand_id || c.kind || e.address_key AS k,
           count(*) OVER (PARTITION BY c.brand_id, c.kind, e.address_key) AS n
    FROM customer_email e JOIN customer c ON c.id = e.customer_id),
name AS (
    SELECT id, brand_id || kind || family_key || '/' || lower(given_name) AS k,
           count(*) OVER (PARTITION BY brand_id, kind, family_key, lower(given_name)) AS n
    FROM customer WHERE family_key <> ''),
blocked AS (
    SELECT id, k FROM phone WHERE n BETWEEN 2 AND {CONTACT_BLOCK_LIMIT}
    UNION ALL SELECT id, k FROM mail WHERE n BETWEEN 2 AND {CONTACT_BLOCK_LIMIT}
    UNION ALL SELECT id, k FROM name WHERE n BETWEEN 2 AND {NAME_BLOCK_LIMIT})
SELECT DISTINCT a.id, b.id FROM blocked a JOIN blocked b ON a.k = b.k AND a.id < b.id
"""


def main() -> int:
    """Build the desk, time both, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", help="reuse (or build) the desk in this SQLite file")
    args = parser.parse_args()
    path = Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "duplicates.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    desk = plant(args.customers, per_kind=max(40, args.customers // 250))
    with engine.connect() as connection:
        present = connection.exec_driver_sql("SELECT count(*) FROM customer").scalar() or 0
    if present == 0:
        started = time.perf_counter()
        write(engine, desk)
        print(f"built {len(desk.records):,} customers in {time.perf_counter() - started:.1f} s", flush=True)
    mine, raw = [], []
    pairs: list[tuple[str, str]] = []
    baseline_pairs = 0
    for _run in range(args.runs):
        with Session(engine) as session:
            actor = console_actor(session)
            started = time.perf_counter()
            found = find_duplicates(session, actor)
            mine.append(time.perf_counter() - started)
        pairs = [tuple(sorted((p.keep.account_number, p.other.account_number))) for p in found]  # type: ignore[misc]
        connection = sqlite3.connect(path)
        started = time.perf_counter()
        baseline_pairs = len(connection.execute(BASELINE_SQL).fetchall())
        raw.append(time.perf_counter() - started)
        connection.close()
        print(f"run: deskapp {mine[-1]:.2f} s, raw SQL blocking {raw[-1]:.2f} s", flush=True)
    planted = set(desk.pairs)
    reported = set(pairs)
    hit = len(planted & reported)
    print(f"customers {len(desk.records):,}; likely pairs reported {len(reported):,}; "
          f"raw blocking candidates {baseline_pairs:,}")
    print(f"deskapp median {statistics.median(mine):.2f} s; raw SQL median {statistics.median(raw):.2f} s; "
          f"ratio {statistics.median(mine) / statistics.median(raw):.2f}x")
    print(f"recall {hit}/{len(planted)} = {hit / len(planted):.1%}; reported but not planted "
          f"{len(reported - planted)}; same-name stranger pairs on the desk {desk.same_name_pairs:,}")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
