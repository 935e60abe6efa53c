"""A realistic desk with planted duplicates of every kind and many same-name strangers.

Names come from small pools, so common names recur among different people (each with their own
phone and e-mail): the strangers a duplicate finder must not report. Planted duplicates:

* ``email_case``: the same person again with a new phone and the e-mail in other capitals;
* ``accents``: the name typed without accents and in capitals ("MAKINEN"), same phone, no e-mail;
* ``swapped``: given and family name swapped, same phone or e-mail;
* ``typo``: a one-letter typo (changed, dropped or doubled letter), same phone or e-mail;
* ``new_phone``: same name and e-mail, another phone;
* ``internal``: a department entered twice ("Finance" / "FINANCE"), same e-mail.

Besides the same-name strangers, ``households`` are different people of one family sharing a phone
(another given name, their own e-mail): also not duplicates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sqlalchemy import Engine

from deskapp.core.domain.enums import CustomerKind
from deskapp.core.services.customers.store import CustomerRecord, write_customers

GIVEN = ("Jukka", "Aino", "Mikko", "Päivi", "Sari", "José", "María", "Lucía", "Andrés", "Jorge", "Juan", "Ana",
         "Maricel", "Rodel", "Jocelyn", "Mark", "Liza", "Rommel", "Siobhan", "Oliver", "Emma", "Jack", "Grace",
         "Noah", "Tuomas", "Eveliina", "Álvaro", "Begoña", "Cristina", "Jerome")
FAMILY = ("Mäkinen", "Virtanen", "Korhonen", "Nieminen", "Hämäläinen", "Muñoz", "García", "Peña", "Fernández",
          "López", "Dela Cruz", "Santos", "Reyes", "Bautista", "Villanueva", "O'Brien", "Smith", "Jones", "Taylor",
          "Brown", "Lehtonen", "Rodríguez", "Gómez", "Mendoza", "Aquino", "Ramos", "Walsh", "Byrne", "Järvinen",
          "Ortega")
KINDS = ("email_case", "accents", "swapped", "typo", "new_phone", "internal")
BRANDS = ("nordtel", "luzon")


@dataclass
class PlantedDesk:
    """What was written: the records and the planted pairs (account numbers, sorted)."""

    records: list[CustomerRecord] = field(default_factory=list)
    pairs: dict[tuple[str, str], str] = field(default_factory=dict)  # pair -> kind
    same_name_pairs: int = 0  # pairs of different people with the same name
    households: set[tuple[str, str]] = field(default_factory=set)  # different people sharing a phone


def _strip_accents(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _typo(rng: random.Random, name: str) -> str:
    i = rng.randrange(1, len(name))
    how = rng.choice(("change", "drop", "double"))
    if how == "drop":
        return name[:i] + name[i + 1:]
    if how == "double":
        return name[:i] + name[i] + name[i:]
    letter = rng.choice([c for c in "aeiourstnl" if c != name[i].lower()])
    return name[:i] + letter + name[i + 1:]


def plant(customers: int = 2000, per_kind: int = 40, seed: int = 18) -> PlantedDesk:
    """Records for ``customers`` people plus ``per_kind`` planted duplicates of each kind."""
    rng = random.Random(seed)
    desk = PlantedDesk()
    serial = iter(range(1, 10_000_000))

    def account() -> str:
        return f"PD-{next(serial):07d}"

    def phone() -> str:
        return f"+35840{next(serial):07d}"

    people: list[CustomerRecord] = []
    by_name: dict[tuple[str, str, str], int] = {}
    for _i in range(customers):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        number = next(serial)
        record = CustomerRecord(account_number=account(), brand_code=rng.choice(BRANDS), given_name=given,
                                family_name=family, emails=[f"{_strip_accents(given).lower()}.{number}@example.com"],
                                phones=[phone()], birth_year=rng.randint(1940, 2005))
        people.append(record)
        key = (record.brand_code, given, family)
        by_name[key] = by_name.get(key, 0) + 1
    desk.same_name_pairs = sum(n * (n - 1) // 2 for n in by_name.values())
    departments: list[CustomerRecord] = []
    for i in range(per_kind):
        departments.append(CustomerRecord(account_number=account(), brand_code="internal",
                                          kind=CustomerKind.INTERNAL, organisation=f"Department {i} Finance",
                                          emails=[f"dept{i}@corp.example"]))
    originals = rng.sample(people, per_kind * (len(KINDS) - 1))
    copies: list[CustomerRecord] = []
    for index, kind in enumerate(KINDS):
        sources = departments if kind == "internal" else originals[index * per_kind:(index + 1) * per_kind]
        for source in sources:
            copy = _duplicate(rng, kind, source, account(), phone())
            copies.append(copy)
            desk.pairs[tuple(sorted((source.account_number, copy.account_number)))] = kind  # type: ignore[index]
    # Households: another member of the family shares the landline (a different person: not a duplicate).
    relatives: list[CustomerRecord] = []
    for source in rng.sample(people, per_kind):
        given = rng.choice([name for name in GIVEN if name != source.given_name])
        relative = CustomerRecord(account_number=account(), brand_code=source.brand_code, given_name=given,
                                  family_name=source.family_name, phones=list(source.phones),
                                  emails=[f"{_strip_accents(given).lower()}.{next(serial)}@example.com"])
        relatives.append(relative)
        desk.households.add(tuple(sorted((source.account_number, relative.account_number))))  # type: ignore[arg-type]
    desk.records = people + departments + copies + relatives
    rng.shuffle(desk.records)
    return desk


def _duplicate(rng: random.Random, kind: str, source: CustomerRecord, account: str, phone: str) -> CustomerRecord:
    copy = CustomerRecord(account_number=account, brand_code=source.brand_code, kind=source.kind,
                          given_name=source.given_name, family_name=source.family_name,
                          organisation=source.organisation, birth_year=source.birth_year)
    shared_email = rng.random() < 0.5
    if kind == "email_case":
        copy.emails = [source.emails[0].upper()]
        copy.phones = [phone]
    elif kind == "accents":
        copy.given_name = _strip_accents(source.given_name)
        copy.family_name = _strip_accents(source.family_name).upper()
        copy.phones = list(source.phones)
    elif kind == "swapped":
        copy.given_name, copy.family_name = source.family_name, source.given_name
        copy.emails, copy.phones = (list(source.emails), []) if shared_email else ([], list(source.phones))
    elif kind == "typo":
        if rng.random() < 0.5:
            copy.given_name = _typo(rng, source.given_name)
        else:
            copy.family_name = _typo(rng, source.family_name)
        copy.emails, copy.phones = (list(source.emails), [phone]) if shared_email else ([], list(source.phones))
    elif kind == "new_phone":
        copy.emails, copy.phones = list(source.emails), [phone]
    else:  # internal
        copy.organisation = (source.organisation or "").upper()
        copy.emails = list(source.emails)
    return copy


def write(engine: Engine, desk: PlantedDesk) -> None:
    """Write the planted desk's customers (brands are created as they are met)."""
    write_customers(engine, desk.records)
