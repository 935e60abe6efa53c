"""Build a realistic, deterministic demo database (``deskapp demo``).

Everything comes from seeded :class:`random.Random` instances and a fixed time anchor, so two
fresh databases built the same day hold the same rows. Running it again never duplicates:
brands, agents and customers are upserted by their natural keys (code, username, account
number), and cases are only generated for customers who have none yet.

Customers are streamed through :func:`write_customers` in batches, so a million of them never
sit in memory; cases, notes and feedback are made only for the first few thousand customers.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from deskapp.core.demo import data
from deskapp.core.demo.library_use import add_demo_usage
from deskapp.core.domain.base import utcnow
from deskapp.core.domain.enums import (
    CaseStatus,
    Channel,
    CustomerKind,
    NoteKind,
    Priority,
    Role,
    SupportStage,
)
from deskapp.core.domain.models import Agent, Brand, Case, CaseNote, Customer, NoteRevision
from deskapp.core.domain.quality import Feedback
from deskapp.core.search.normalize import fold
from deskapp.core.search.phones import to_e164
from deskapp.core.security.passwords import hash_password
from deskapp.core.security.permissions import CONSOLE_USERNAME, require
from deskapp.core.services.customers.regions import forget_regions
from deskapp.core.services.customers.store import CustomerRecord, write_customers
from deskapp.core.services.kernel.audit import audit
from deskapp.core.services.kernel.integrity import chain_key, seal_revision
from deskapp.core.services.knowledge.library import load_starter_kb
from deskapp.core.services.starter import load_starter_library
from deskapp.core.services.surveys.answers import REASONS, counter_visit
from deskapp.core.services.surveys.phone_import import phone_visit

SEED = 20240611
DEFAULT_CUSTOMERS = 2000
CASE_CUSTOMER_LIMIT = 2000  # only the first customers get cases, so a 1M build stays fast
STAGES = tuple(SupportStage)
CHANNELS = tuple(Channel)
CHANNEL_WEIGHTS = {Channel.PHONE: 40, Channel.EMAIL: 20, Channel.CHAT: 15, Channel.COUNTER: 12,
                   Channel.SELF_SERVICE: 8, Channel.ON_SITE: 5}
PRIORITY_WEIGHTS = {Priority.LOW: 15, Priority.NORMAL: 65, Priority.HIGH: 15, Priority.URGENT: 5}

FIXED_CUSTOMERS = (
    CustomerRecord(account_number="FI-000001", brand_code="nordtel", given_name="Jukka", family_name="Mäkinen",
                   emails=["jukka.makinen@example.com"], phones=["+358401234567"], preferred_locale="fi",
                   birth_year=1968, gender="male", occupation="electrician", alerts=["hard of hearing"]),
    CustomerRecord(account_number="FI-000002", brand_code="nordtel", given_name="Aino",
                   family_name="Mäki-Petäjä", emails=["aino.maki-petaja@example.com"],
                   phones=["+358501234567"], preferred_locale="fi", age_band="25-34"),
    CustomerRecord(account_number="ES-000001", brand_code="iberia", given_name="Dolores", family_name="Muñoz",
                   emails=["dolores.munoz@correo.example.net"], phones=["+34612345678"],
                   preferred_locale="es", age_band="55-64", lifestyle="retired", alerts=["VIP"]),
    CustomerRecord(account_number="ES-000002", brand_code="iberia", given_name="Íñigo",
                   family_name="Núñez Peña", phones=["+34699123456"], preferred_locale="es"),
    CustomerRecord(account_number="PH-000001", brand_code="luzon", given_name="Ma. Cristina",
                   family_name="Dela Cruz", emails=["cristina.delacruz@example.com"], phones=["+639171234567"],
                   preferred_locale="fil", occupation="nurse", income_band="middle"),
    CustomerRecord(account_number="GB-000001", brand_code="northwind", given_name="Siobhan",
                   family_name="O'Brien", emails=["siobhan.obrien@example.co.uk"], phones=["+447400123456"],
                   preferred_locale="en", alerts=["prefers email"]),
    CustomerRecord(account_number="INT-000001", brand_code="internal", kind=CustomerKind.INTERNAL,
                   organisation="Finance", emails=["finance@corp.example.com"], phones=["+358401000001"],
                   preferred_locale="en"),
)


@dataclass(slots=True)
class DemoSummary:
    """What the demo database holds after a build, and what this run added."""

    brands: int = 0
    agents: int = 0
    customers: int = 0
    cases: int = 0
    notes: int = 0
    cases_created: int = 0
    notes_created: int = 0
    customers_written: int = 0
    agent_usernames: list[str] = field(default_factory=list)


def default_anchor() -> dt.datetime:
    """Midnight UTC today: "now" of the demo's timeline (deterministic within a day)."""
    return utcnow().replace(hour=0, minute=0, second=0, microsecond=0)


def build_demo(engine: Engine, actor_id: int, customers: int = DEFAULT_CUSTOMERS, *, seed: int = SEED,
               anchor: dt.datetime | None = None) -> DemoSummary:
    """Create or top up the demo data in ``engine``'s (migrated) database (``demo.build``, audited).

    Args:
        engine: The database to fill.
        actor_id: Who builds it (the console's account for ``deskapp demo``).
        customers: How many customers in total (the fixed, well-known ones included).
        seed: Seed of the generators; the same seed gives the same data.
        anchor: The demo's "now"; defaults to midnight UTC today.

    Returns:
        Totals in the database and what this run created.

    Raises:
        PermissionDenied: The actor may not build demo data.
    """
    with Session(engine) as session:
        require(session, actor_id, "demo.build")
    moment = anchor or default_anchor()
    summary = DemoSummary()
    _upsert_brands(engine)
    summary.agent_usernames = _upsert_agents(engine)
    eligible: list[CustomerRecord] = []
    counts = write_customers(engine, _collect(customer_records(customers, seed), eligible, CASE_CUSTOMER_LIMIT))
    summary.customers_written = counts.created + counts.updated
    summary.cases_created, summary.notes_created = _write_cases(engine, eligible, random.Random(seed + 1), moment)
    with Session(engine) as session:
        load_starter_library(session, actor_id)  # responses and call scripts; adds only what is missing
        load_starter_kb(session, actor_id)  # knowledge-base articles for the demo brands; only what is missing
    add_demo_usage(engine, seed)  # articles and responses used on the cases, for the usage figures
    with Session(engine) as session:
        for name, model in (("brands", Brand), ("agents", Agent), ("customers", Customer),
                            ("cases", Case), ("notes", CaseNote)):
            query = select(func.count()).select_from(model)
            if model is Agent:  # people only, not the console's account
                query = query.where(Agent.username != CONSOLE_USERNAME)
            setattr(summary, name, session.scalar(query) or 0)
        audit(session, actor_id, "demo.build", "demo", 0,
              detail={"cases": summary.cases_created, "notes": summary.notes_created})
        session.commit()
    return summary


def customer_records(count: int, seed: int = SEED) -> Iterator[CustomerRecord]:
    """The demo customers, fixed ones first; the first ``n`` are the same for any ``count >= n``."""
    rng = random.Random(seed)
    counters: dict[str, int] = {}
    for record in FIXED_CUSTOMERS:
        prefix = record.account_number.split("-")[0]
        counters[prefix] = counters.get(prefix, 0) + 1
        yield record
    weights = [region.weight for region in data.REGIONS]
    for _ in range(max(0, count - len(FIXED_CUSTOMERS))):
        region = rng.choices(data.REGIONS, weights)[0]
        counters[region.prefix] = counters.get(region.prefix, 0) + 1
        yield _random_customer(rng, region, f"{region.prefix}-{counters[region.prefix]:06d}")


def _random_customer(rng: random.Random, region: data.RegionSpec, account: str) -> CustomerRecord:
    female = rng.random() < 0.5
    given = rng.choice(region.given_female if female else region.given_male)
    family = rng.choice(region.family)
    if region.double_family and rng.random() < 0.8:
        second = rng.choice(region.family)
        family = f"{family} {second}" if second != family else family
    internal = region is data.INTERNAL
    record = CustomerRecord(account_number=account, brand_code=region.brand, given_name=given,
                            family_name=family, kind=CustomerKind.INTERNAL if internal else CustomerKind.EXTERNAL)
    locales, locale_weights = zip(*region.locales, strict=True)
    record.preferred_locale = rng.choices(locales, locale_weights)[0]
    record.phones = [_phone(rng, region) for _ in range(rng.choices((0, 1, 2), (5, 80, 15))[0])]
    record.emails = _emails(rng, region, given, family, internal)
    if internal:
        record.organisation = rng.choice(data.DEPARTMENTS)
        return record
    _profile(rng, record, female)
    if rng.random() < 0.03:
        record.alerts = [rng.choice(data.ALERTS)]
    return record


def _profile(rng: random.Random, record: CustomerRecord, female: bool) -> None:
    roll = rng.random()
    if roll < 0.4:
        record.birth_year = rng.randint(1935, 2006)
    elif roll < 0.65:
        record.age_band = rng.choice(data.AGE_BANDS)
    if rng.random() < 0.5:
        record.gender = "female" if female else "male"
        if rng.random() < 0.02:
            record.gender = "non-binary"
    if rng.random() < 0.3:
        record.income_band = rng.choice(data.INCOME_BANDS)
    if rng.random() < 0.3:
        record.lifestyle = rng.choice(data.LIFESTYLES)
    if rng.random() < 0.45:
        record.occupation = rng.choice(data.OCCUPATIONS)


def _emails(rng: random.Random, region: data.RegionSpec, given: str, family: str, internal: bool) -> list[str]:
    first = "".join(ch for ch in fold(given.rsplit(maxsplit=1)[-1]) if ch.isalnum())
    last = "".join(ch for ch in fold(family.split(maxsplit=1)[0]) if ch.isalnum())
    domain = rng.choice(region.email_domains)
    if internal:
        return [f"{first}.{last}@{domain}"]
    how_many = rng.choices((0, 1, 2), (15, 75, 10))[0]
    forms = (f"{first}.{last}", f"{first[:1]}{last}{rng.randint(1, 99)}", f"{last}.{first}{rng.randint(60, 99)}")
    return [f"{forms[i]}@{rng.choice(region.email_domains) if i else domain}" for i in range(how_many)]


@cache
def _valid_starts(region: data.RegionSpec) -> tuple[tuple[str, str], ...]:
    """(prefix, first subscriber digit) pairs phonenumbers accepts, checked once per region."""
    rest = region.subscriber_digits - 1
    return tuple((prefix, first) for prefix in region.phone_prefixes for first in data.SUBSCRIBER_FIRST_DIGITS
                 if all(to_e164(prefix + first + fill * rest) for fill in "059"))


def _phone(rng: random.Random, region: data.RegionSpec) -> str:
    prefix, first = rng.choice(_valid_starts(region))
    digits = "".join(rng.choice("0123456789") for _ in range(region.subscriber_digits - 1))
    return prefix + first + digits


def _collect(records: Iterator[CustomerRecord], into: list[CustomerRecord], limit: int) -> Iterator[CustomerRecord]:
    for record in records:
        if len(into) < limit:
            into.append(record)
        yield record


def _upsert_brands(engine: Engine) -> None:
    with Session(engine) as session:
        existing = {brand.code: brand for brand in session.scalars(select(Brand))}
        for spec in data.BRANDS:
            brand = existing.get(spec.code) or Brand(code=spec.code)
            brand.name, brand.default_region, brand.default_locale = spec.name, spec.region, spec.locale
            session.add(brand)
        session.commit()
    forget_regions()


def _upsert_agents(engine: Engine) -> list[str]:
    with Session(engine) as session:
        existing = {agent.username: agent for agent in session.scalars(select(Agent))}
        for spec in data.AGENTS:
            agent = existing.get(spec.username) or Agent(username=spec.username)
            agent.display_name, agent.role = spec.display_name, Role(spec.role)
            agent.ui_locale, agent.languages, agent.active = spec.ui_locale, spec.languages, True
            if not agent.password_hash:  # a password an admin has since changed is left alone
                agent.password_hash = hash_password(f"demo-{spec.username}")
            session.add(agent)
        session.commit()
    return [spec.username for spec in data.AGENTS]


@dataclass(slots=True)
class _Ctx:
    rng: random.Random
    anchor: dt.datetime
    agents: dict[str, int]
    brand_locale: dict[str, str]
    index: int = 0


def _write_cases(engine: Engine, eligible: list[CustomerRecord], rng: random.Random,
                 anchor: dt.datetime) -> tuple[int, int]:
    with Session(engine) as session:
        ids = dict(session.execute(select(Customer.account_number, Customer.id).where(
            Customer.account_number.in_([r.account_number for r in eligible]))).all())
        brands = dict(session.execute(select(Brand.code, Brand.id)).all())
        agents = dict(session.execute(select(Agent.username, Agent.id)).all())
        has_cases = set(session.scalars(select(Case.customer_id).where(Case.customer_id.in_(ids.values()))))
    ctx = _Ctx(rng, anchor, agents, {b.code: b.locale for b in data.BRANDS})
    fixed = {r.account_number for r in FIXED_CUSTOMERS}
    plans: list[dict[str, Any]] = []
    for record in eligible:
        n_cases = rng.choices((0, 1, 2, 3), (62, 27, 8, 3))[0]
        if record.account_number in fixed:
            n_cases = max(n_cases, 2)
        for _ in range(n_cases):
            plan = _plan_case(ctx, record, ids[record.account_number], brands[record.brand_code])
            if plan["case"]["customer_id"] not in has_cases:  # generated anyway, so the rng stays in step
                plans.append(plan)
    if not plans:
        return 0, 0
    with engine.begin() as conn:
        # A bulk insert skips the ORM's numbering (models._number_new_cases): number them here.
        last = conn.scalar(select(func.max(Case.reference_number))) or 0
        numbered = [p["case"] | {"reference_number": last + n} for n, p in enumerate(plans, start=1)]
        case_ids = conn.execute(insert(Case).returning(Case.id, sort_by_parameter_order=True),
                                numbered).scalars().all()
        note_rows = [note | {"case_id": cid} for p, cid in zip(plans, case_ids, strict=True) for note in p["notes"]]
        note_ids = conn.execute(insert(CaseNote).returning(CaseNote.id, sort_by_parameter_order=True),
                                [{k: v for k, v in n.items() if k != "revisions"} for n in note_rows]).scalars().all()
        key = chain_key(conn)
        revisions = [_chain(key, nid, n["revisions"]) for n, nid in zip(note_rows, note_ids, strict=True)]
        conn.execute(insert(NoteRevision), [rev for chain in revisions for rev in chain])
        feedback = [p["feedback"] | {"case_id": cid} for p, cid in zip(plans, case_ids, strict=True) if p["feedback"]]
        if feedback:
            conn.execute(insert(Feedback), feedback)
    return len(plans), len(note_rows)


def _chain(key: bytes, note_id: int, revisions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    prev: str | None = None
    rows = []
    for number, rev in enumerate(revisions, start=1):
        seal = seal_revision(key, prev, rev["author_id"], rev["created_at"], rev["body"])
        rows.append(rev | {"note_id": note_id, "number": number, "prev_hash": prev, "hash": seal.hash,
                           "body_salt": seal.body_salt, "body_digest": seal.body_digest})
        prev = seal.hash
    return rows


def _plan_case(ctx: _Ctx, record: CustomerRecord, customer_id: int, brand_id: int) -> dict[str, Any]:
    rng, j = ctx.rng, ctx.index
    ctx.index += 1
    # The first 48 cases walk through every stage, channel and phase so each appears in any demo.
    stage = STAGES[j % len(STAGES)] if j < 48 else rng.choice(STAGES)
    phases = data.PHASES_FOR_STAGE[stage]
    phase = phases[(j // len(STAGES)) % len(phases)] if j < 48 else rng.choices(
        phases, [3] + [1] * (len(phases) - 1))[0]
    channel = CHANNELS[j % len(CHANNELS)] if j < 48 else rng.choices(
        list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0]
    days_ago = min(rng.expovariate(1 / 60), 720.0)
    opened = ctx.anchor - dt.timedelta(days=days_ago, seconds=rng.randint(0, 3600))
    status = _status(rng, days_ago)
    language = ctx.brand_locale[record.brand_code]
    note_language = language if language in data.NOTE_OPENINGS else "en"
    # Reps who speak the brand's language take its cases; now and then the supervisor does.
    speakers = [a.username for a in data.AGENTS if a.role == "rep" and note_language in a.languages.split(",")]
    usual = rng.choice(speakers or ["sam"])
    owner: int | None = ctx.agents[usual if rng.random() < 0.92 else "sam"]
    if status is CaseStatus.OPEN and rng.random() < 0.15:
        owner = None  # still in the queue
    closed_at = min(opened + dt.timedelta(hours=rng.randint(1, 96)), ctx.anchor) \
        if status is CaseStatus.CLOSED else None
    author = owner if owner is not None else ctx.agents[usual]
    clock = opened
    notes = []
    for _ in range(rng.choices((1, 2), (70, 30))[0]):
        clock = min(clock + dt.timedelta(minutes=rng.randint(1, 240)), ctx.anchor)
        body = rng.choice(data.NOTE_OPENINGS[note_language])
        revisions = [{"author_id": author, "created_at": clock, "body": body}]
        for follow_up in rng.sample(data.NOTE_FOLLOW_UPS[note_language], rng.choices((0, 1, 2), (60, 30, 10))[0]):
            clock = min(clock + dt.timedelta(minutes=rng.randint(5, 2880)), ctx.anchor)
            body = body + "\n" + follow_up
            revisions.append({"author_id": author, "created_at": clock, "body": body})
        notes.append({"author_id": author, "kind": NoteKind.TEXT, "created_at": revisions[0]["created_at"],
                      "revisions": revisions})
    feedback: dict[str, Any] | None = None
    if status in (CaseStatus.RESOLVED, CaseStatus.CLOSED) and rng.random() < 0.65:
        scores, weights = zip(*data.SCORE_WEIGHTS, strict=True)
        comment = rng.choice(data.FEEDBACK_COMMENTS[note_language]) if rng.random() < 0.3 else None
        feedback = {"agent_id": owner, "score": rng.choices(scores, weights)[0], "comment": comment,
                    "channel": channel, "captured_at": closed_at or min(clock + dt.timedelta(hours=2), ctx.anchor)}
        feedback |= _who_rated(j, channel, language, feedback["score"], feedback["captured_at"])
    subject = rng.choice(data.SUBJECTS[record.brand_code][stage])
    case = {"customer_id": customer_id, "brand_id": brand_id, "subject": subject,
            "purchase_phase": phase, "support_stage": stage, "channel": channel,
            "priority": rng.choices(list(PRIORITY_WEIGHTS), list(PRIORITY_WEIGHTS.values()))[0],
            "status": status, "owner_id": owner, "opened_at": opened, "closed_at": closed_at,
            "updated_at": max(clock, closed_at or clock), "version_id": 1}
    return {"case": case, "notes": notes, "feedback": feedback}


def _who_rated(index: int, channel: Channel, language: str, score: int, at: dt.datetime) -> dict[str, Any]:
    """Half the counter and phone scores come from the customers themselves (rating screen, phone survey).

    A random stream of its own per case, so the rest of the demo stays as it was before surveys.
    """
    rng = random.Random(index * 7919 + 17)
    if channel not in (Channel.COUNTER, Channel.PHONE) or rng.random() < 0.5:
        return {"source": "rep", "language": None, "reasons": None, "visit_key": None}
    if channel is Channel.PHONE:
        return {"source": "customer", "language": None, "reasons": None, "visit_key": phone_visit(at)}
    liked = [code for code, _label in REASONS if code != "waiting_time"]
    reasons = rng.sample(liked, rng.randint(0, 2)) if score >= 4 else ["waiting_time"] * (rng.random() < 0.7)
    return {"source": "customer", "language": language, "reasons": reasons, "visit_key": counter_visit(at)}


def _status(rng: random.Random, days_ago: float) -> CaseStatus:
    statuses = (CaseStatus.OPEN, CaseStatus.WAITING, CaseStatus.RESOLVED, CaseStatus.CLOSED)
    if days_ago > 30:
        weights = (2, 3, 25, 70)
    elif days_ago > 7:
        weights = (15, 15, 40, 30)
    else:
        weights = (55, 25, 15, 5)
    return rng.choices(statuses, weights)[0]
