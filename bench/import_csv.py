"""Benchmark: ``deskapp import customers`` versus a bare sqlite3 loader, on the same generated CSV.

    python -m bench.import_csv               # 1,000,000 rows (run from the repository root)
    python -m bench.import_csv --rows 100000 # quicker
    python -m bench.import_csv --rows 20000 --profile
    python -m bench.import_csv --rows 100000 --runs 3   # alternate both sides, median ratio

The CSV is generated once per row count (deterministic: same seed, same file) and cached in
bench/.data/, which git ignores. Both contenders start from an empty database file:

* deskapp: a freshly migrated database, then ``import_customers`` (validation, E.164 parsing,
  search text, upsert by account number; into an empty table that is the bulk path of
  deskapp/core/services/customers/bulk.py: one transaction, FTS triggers and secondary indexes
  dropped, then built once and recreated).
* baseline: the same tables created from the migrated schema's own DDL, rows inserted with
  ``executemany`` in one transaction with no validation (phones just reduced to "+digits",
  search text just casefolded), then the same indexes built, and the FTS index too when a
  migration created ``customer_fts``.

The goal is deskapp ≤ 2× the baseline.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import pstats
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

DATA = Path(__file__).parent / ".data"
HEADER = ["account_number", "kind", "given_name", "family_name", "organisation", "email", "phone",
          "preferred_locale", "brand", "birth_year", "gender", "income_band", "lifestyle", "occupation", "alerts"]
CHILD_TABLES = ("customer_email", "customer_phone", "customer_alert")
# CPU seconds of the last run of each side: wall time minus this is waiting (disk, other jobs).
CPU_SECONDS: dict[str, float] = {}

GIVEN = {
    "fi": ["Aino", "Eino", "Helmi", "Juhani", "Kaarina", "Lauri", "Liisa", "Matti", "Onni", "Sanna", "Väinö",
           "Elina", "Pekka", "Tiina", "Jukka", "Päivi"],
    "fil": ["Jose", "Maria", "Juan", "Ana", "Mark", "Kristine", "Rodel", "Jocelyn", "Paolo", "Rosalinda",
            "Noel", "Divina", "Arnel", "Lorna"],
    "es": ["María", "José", "Lucía", "Javier", "Carmen", "Sofía", "Álvaro", "Inés", "Pablo", "Núria",
           "Andrés", "Begoña"],
}
FAMILY = {
    "fi": ["Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen",
           "Koskinen", "Järvinen", "Lehtonen", "Saarinen", "Ahonen", "Kärkkäinen"],
    "fil": ["Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza", "Dela Cruz", "Villanueva",
            "Ramos", "Aquino", "Castillo"],
    "es": ["García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
           "Núñez", "Ibáñez", "O'Donnell"],
}
DEPARTMENTS = ["IT Support", "Payroll", "Facilities", "Human Resources", "Logistics", "Finance"]
OCCUPATIONS = ["teacher", "nurse", "engineer", "driver", "student", "retired", "chef", "sales", ""]
ALERTS = ["hard of hearing", "VIP", "fraud watch", "prefers email", "interpreter needed"]


def phone(rng: random.Random, locale: str) -> str:
    """A valid mobile number, written the way people in that country often write it."""
    if locale == "fi":
        prefix = rng.choice(["40", "41", "44", "45", "50"])
        rest = f"{rng.randrange(10**7):07d}"
        if rng.random() < 0.5:
            return f"0{prefix} {rest[:3]} {rest[3:]}"  # national, needs --region FI
        return f"+358 {prefix} {rest[:3]} {rest[3:]}"
    if locale == "fil":
        rest = f"{rng.randrange(10**7):07d}"
        return f"+63-9{rng.choice(['17', '18', '20', '27'])}-{rest[:3]}-{rest[3:]}"
    rest = f"{rng.randrange(10**8):08d}"
    return f"0034 6{rest[:2]} {rest[2:4]} {rest[4:6]} {rest[6:]}"


def generate(path: Path, rows: int, seed: int = 20261123) -> None:
    """Write ``rows`` realistic customers to ``path``."""
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    with temp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            locale = rng.choices(["fi", "fil", "es"], weights=[5, 3, 2])[0]
            internal = rng.random() < 0.03
            given = rng.choice(GIVEN[locale])
            family = rng.choice(FAMILY[locale])
            emails = []
            if rng.random() < 0.8:
                emails.append(f"{given}.{family}{n}@example.com".replace(" ", "").replace("'", "").lower())
            if rng.random() < 0.1:
                emails.append(f"{family}{n}@mail.example.org".replace(" ", "").replace("'", "").lower())
            phones = [phone(rng, locale) for _ in range(rng.choices([0, 1, 2], weights=[1, 7, 2])[0])]
            writer.writerow([
                f"C{n:08d}", "internal" if internal else "external", given, family,
                rng.choice(DEPARTMENTS) if internal else "", "|".join(emails), "|".join(phones),
                "tl" if locale == "fil" and rng.random() < 0.3 else locale,
                f"desk-{locale}", str(rng.randint(1935, 2006)) if rng.random() < 0.6 else "",
                rng.choice(["female", "male", "", ""]), rng.choice(["low", "middle", "high", ""]), "",
                rng.choice(OCCUPATIONS), "|".join(rng.sample(ALERTS, k=1)) if rng.random() < 0.05 else "",
            ])
    temp.replace(path)


def data_file(rows: int) -> Path:
    path = DATA / f"customers_{rows}.csv"
    if not path.exists():
        started = time.perf_counter()
        print(f"generating {path} …", file=sys.stderr)
        generate(path, rows)
        print(f"  generated in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


def fresh(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def run_deskapp(csv_path: Path, db: Path, profile: bool) -> tuple[float, object]:
    from sqlalchemy.orm import Session

    from deskapp.core.services.customers.csv_import import import_customers
    from deskapp.core.services.kernel.actors import console_actor
    from deskapp.core.storage import migrate
    from deskapp.core.storage.engine import make_engine

    engine = make_engine(f"sqlite:///{fresh(db)}")
    migrate.upgrade(engine)
    with Session(engine) as session:
        console = console_actor(session)  # as ``deskapp import customers`` acts; outside the timing
    profiler = cProfile.Profile() if profile else None
    started, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    summary = import_customers(engine, console, csv_path, region="FI")
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    CPU_SECONDS["deskapp"] = time.process_time() - cpu
    engine.dispose()
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return elapsed, summary


def schema(db: Path) -> list[tuple[str, str, str]]:
    """(type, name, sql) of the customer tables, their indexes, the FTS table and triggers."""
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND "
            "(tbl_name IN ('brand', 'customer', 'customer_email', 'customer_phone', 'customer_alert', "
            "'customer_fts')) ORDER BY rowid"
        ).fetchall()


def baseline_rows(csv_path: Path) -> Iterator[list[str]]:
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        yield from reader


def plain_phone(text: str) -> str:
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    return "+358" + digits[1:]


def run_baseline(csv_path: Path, db: Path, deskapp_db: Path) -> float:
    objects = schema(deskapp_db)
    tables = [sql for kind, name, sql in objects if kind == "table" and not name.startswith("customer_fts")]
    indexes = [sql for kind, _name, sql in objects if kind == "index"]
    fts = [sql for kind, name, sql in objects if kind == "table" and name == "customer_fts"]
    triggers = [sql for kind, _name, sql in objects if kind == "trigger"]
    connection = sqlite3.connect(fresh(db), isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    started, cpu = time.perf_counter(), time.process_time()
    connection.execute("BEGIN")
    for sql in tables:
        connection.execute(sql)
    brands: dict[str, int] = {}
    now = "2026-11-23 12:00:00.000000"
    customers, emails, phones, alerts = [], [], [], []

    def flush() -> None:
        connection.executemany(
            "INSERT INTO customer (id, brand_id, kind, account_number, given_name, family_name, organisation, "
            "preferred_locale, birth_year, gender, income_band, lifestyle, occupation, search_text, family_key, "
            "created_at, updated_at, version_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)", customers)
        connection.executemany("INSERT INTO customer_email (customer_id, position, address, address_key) "
                               "VALUES (?,?,?,?)", emails)
        connection.executemany("INSERT INTO customer_phone (customer_id, position, e164, digits_reversed) "
                               "VALUES (?,?,?,?)", phones)
        connection.executemany("INSERT INTO customer_alert (customer_id, position, text) VALUES (?,?,?)", alerts)
        for rows in (customers, emails, phones, alerts):
            rows.clear()

    for cid, row in enumerate(baseline_rows(csv_path), start=1):
        (account, kind, given, family, organisation, email, phone_cell, locale, brand, birth_year, gender,
         income, lifestyle, occupation, alert_cell) = row
        if brand not in brands:
            brands[brand] = len(brands) + 1
            connection.execute("INSERT INTO brand (id, code, name, default_region, default_locale) "
                               "VALUES (?, ?, ?, 'FI', 'en')", (brands[brand], brand, brand))
        customers.append((cid, brands[brand], kind, account, given, family, organisation or None,
                          "fil" if locale == "tl" else locale, int(birth_year) if birth_year else None,
                          gender or None, income or None, lifestyle or None, occupation or None,
                          f"{given} {family} {email} {account}".casefold(), family.casefold(), now, now))
        for i, address in enumerate(filter(None, email.split("|"))):
            emails.append((cid, i, address, address.casefold()))
        for i, text in enumerate(filter(None, phone_cell.split("|"))):
            e164 = plain_phone(text)
            phones.append((cid, i, e164, e164[:0:-1]))
        for i, text in enumerate(filter(None, alert_cell.split("|"))):
            alerts.append((cid, i, text))
        if len(customers) >= 5000:
            flush()
    flush()
    for sql in indexes:
        connection.execute(sql)
    for sql in fts:
        connection.execute(sql)
        connection.execute("INSERT INTO customer_fts(customer_fts) VALUES ('rebuild')")
    for sql in triggers:
        connection.execute(sql)
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    CPU_SECONDS["baseline"] = time.process_time() - cpu
    connection.close()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=1, help="alternate deskapp and baseline this many times")
    parser.add_argument("--profile", action="store_true", help="profile the deskapp import")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    csv_path = data_file(args.rows)
    desk_db = DATA / "import-deskapp.sqlite3"
    base_db = DATA / "import-baseline.sqlite3"
    print(f"rows: {args.rows:,}  file: {csv_path.stat().st_size / 1e6:.0f} MB")
    desk_times, base_times = [], []
    for run in range(args.runs):
        # Alternate who goes first, so a burst of load from other jobs hits both sides alike.
        order = ("deskapp", "baseline") if run % 2 == 0 else ("baseline", "deskapp")
        for who in order:
            if who == "deskapp":
                desk_s, summary = run_deskapp(csv_path, desk_db, args.profile)
                desk_times.append(desk_s)
                print(f"deskapp import:  {desk_s:8.1f} s  cpu {CPU_SECONDS['deskapp']:6.1f} s  "
                      f"({args.rows / desk_s:,.0f} rows/s)  {summary}"[:200])
            elif not args.skip_baseline:
                if not desk_db.exists():
                    run_deskapp(csv_path, desk_db, profile=False)  # the baseline copies its schema
                base_s = run_baseline(csv_path, base_db, desk_db)
                base_times.append(base_s)
                has_fts = any(name == "customer_fts" for _k, name, _s in schema(desk_db))
                print(f"sqlite3 baseline:{base_s:8.1f} s  cpu {CPU_SECONDS['baseline']:6.1f} s  "
                      f"({args.rows / base_s:,.0f} rows/s)  FTS index: {has_fts}")
        if base_times and len(desk_times) == len(base_times):
            print(f"  run {run + 1}: ratio {desk_times[-1] / base_times[-1]:.2f}x")
    if base_times:
        desk_median, base_median = statistics.median(desk_times), statistics.median(base_times)
        print(f"median deskapp {desk_median:.1f} s, baseline {base_median:.1f} s over {args.runs} run(s)")
        print(f"ratio deskapp/baseline: {desk_median / base_median:.2f}x  (goal ≤ 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
