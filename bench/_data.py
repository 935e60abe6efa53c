"""Deterministic customers for benchmarks: Finnish, Filipino, Spanish and English names and phones.

Customer ``i`` is a pure function of ``(seed, i)``, so any bench script can rebuild the same
database, resume a half-built one from its last account number, or pick query targets that are
known to exist without reading the database. Import it from another bench script with::

    from bench._data import customers, customer   # run as `python -m bench.<script>` from the repo

Family names are drawn with a Zipf-like skew, as in real populations ("Korhonen", "Dela Cruz",
"García" and "Smith" are common, most names are rare), so prefix queries see realistic match counts.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from deskapp.core.domain.enums import CustomerKind
from deskapp.core.search.normalize import tokens
from deskapp.core.services.customers.store import CustomerRecord

SEED = 20261124


@dataclass(frozen=True)
class Culture:
    """Names, phone plan and brand of one of the desk's markets."""

    code: str
    brand: str
    locale: str
    region: str
    country_code: str
    mobile_prefixes: tuple[str, ...]
    national_digits: int
    given: tuple[str, ...]
    family: tuple[str, ...]
    email_domains: tuple[str, ...]


FINNISH = Culture(
    "fi", "pohjola", "fi", "FI", "358", ("40", "41", "44", "45", "50"), 9,
    given=("Jukka", "Matti", "Mikko", "Timo", "Juha", "Kari", "Antti", "Pekka", "Janne", "Ville",
           "Anne", "Päivi", "Tiina", "Sari", "Johanna", "Minna", "Leena", "Sanna", "Hanna", "Elina",
           "Aino", "Eero", "Väinö", "Jyrki", "Sini", "Outi", "Ilkka", "Tuula", "Kaisa", "Ari",
           "Eveliina", "Ossi", "Riikka", "Heikki", "Sirpa", "Tapio", "Marjut", "Lauri", "Iida"),
    family=("Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen",
            "Koskinen", "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen", "Heinonen", "Niemi",
            "Heikkilä", "Kinnunen", "Salonen", "Turunen", "Salo", "Laitinen", "Tuominen", "Rantanen",
            "Karjalainen", "Jokinen", "Mattila", "Savolainen", "Lahtinen", "Ahonen", "Mäki-Petäjä",
            "Öhman", "Åberg", "Kärkkäinen", "Pöyhönen", "Väisänen", "Ylönen", "Mäenpää", "Kyllönen",
            "Räsänen", "Leppänen", "Hiltunen", "Miettinen", "Pitkänen", "Seppälä", "Aaltonen"),
    email_domains=("posti.fi", "suomi24.fi", "gmail.com", "elisanet.fi"),
)
FILIPINO = Culture(
    "ph", "bayani", "fil", "PH", "63", ("905", "917", "918", "927", "939", "998"), 10,
    given=("José", "Maria", "Juan", "Ana", "Mark", "Michelle", "John Paul", "Mary Grace", "Rodrigo",
           "Jocelyn", "Rhea", "Jerome", "Kristine", "Angelica", "Ramon", "Lourdes", "Ma. Theresa",
           "Jun", "Bong", "Nenita", "Reynaldo", "Marites", "Carlo", "Liza", "Danilo", "Imelda"),
    family=("Dela Cruz", "Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza", "Torres",
            "Tomas", "Andrada", "Castillo", "Flores", "Villanueva", "Ramos", "Castro", "Rivera",
            "Aquino", "Navarro", "Salazar", "De los Santos", "Dizon", "Manalo", "Macapagal", "Pangilinan",
            "Magbanua", "Dimaculangan", "Lacson", "Soriano", "Mercado", "Agustín", "Peña", "Delos Reyes"),
    email_domains=("gmail.com", "yahoo.com.ph", "globe.com.ph"),
)
SPANISH = Culture(
    "es", "iberia", "es", "ES", "34", ("6",), 9,
    given=("José", "María", "Antonio", "Carmen", "Manuel", "Lucía", "Francisco", "Josefa", "David",
           "Isabel", "Javier", "Ana", "Álvaro", "Inés", "Sofía", "Íñigo", "Begoña", "Nuria", "Raúl",
           "Óscar", "Pilar", "Jesús", "Ángela", "Marta", "Sergio", "Elena", "Rocío", "Ignacio"),
    family=("García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez",
            "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez",
            "Romero", "Alonso", "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos",
            "Núñez", "Ibáñez", "Peña", "Castaño", "Ortiz", "Serrano", "Rubio", "Molina", "Delgado"),
    email_domains=("gmail.com", "hotmail.es", "telefonica.net"),
)
ENGLISH = Culture(
    "en", "albion", "en", "GB", "44", ("74", "75", "78"), 10,
    given=("James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William",
           "Elizabeth", "David", "Sarah", "Oliver", "Amelia", "Harry", "Olivia", "George", "Chloé",
           "Seán", "Siobhán", "Niamh", "Connor", "Zoë", "Renée", "Noël", "Bartholomew"),
    family=("Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
            "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
            "Hughes", "Green", "Hall", "O'Brien", "O'Connor", "McDonald", "MacLeod", "Smith-Jones",
            "Fitzgerald", "D'Arcy", "Ní Bhriain", "Featherstonehaugh", "Cholmondeley", "Brontë"),
    email_domains=("gmail.com", "outlook.com", "btinternet.com", "yahoo.co.uk"),
)
CULTURES = (FINNISH, FINNISH, FILIPINO, FILIPINO, SPANISH, ENGLISH)  # the desk's market shares
DEPARTMENTS = ("Finance", "Human Resources", "Logistics", "IT Service Desk", "Procurement", "Legal",
               "Marketing", "Facilities", "Payroll", "Customer Care")
ALERTS = ("VIP", "Hard of hearing", "Fraud watch", "Prefers email", "Interpreter needed")


def _skewed(rng: random.Random, items: tuple[str, ...]) -> str:
    # Zipf-like: weight 1/(rank+1), computed by inverse transform on a harmonic CDF would be
    # exact; squaring a uniform draw is close enough and cheap.
    return items[int(len(items) * rng.random() ** 2.2)]


def account_number(i: int) -> str:
    """The account number of customer ``i`` (also the resume key)."""
    return f"C{i:08d}"


def phone(culture: Culture, rng: random.Random) -> str:
    """A valid-looking E.164 mobile number of ``culture``."""
    prefix = rng.choice(culture.mobile_prefixes)
    subscriber = "".join(str(rng.randrange(10)) for _ in range(culture.national_digits - len(prefix)))
    return f"+{culture.country_code}{prefix}{subscriber}"


def customer(i: int, seed: int = SEED) -> CustomerRecord:
    """Customer number ``i``: the same record on every run for the same seed."""
    rng = random.Random(seed * 1_000_003 + i)
    culture = CULTURES[rng.randrange(len(CULTURES))]
    if rng.random() < 0.03:
        department = rng.choice(DEPARTMENTS)
        return CustomerRecord(
            account_number=account_number(i), brand_code=culture.brand, kind=CustomerKind.INTERNAL,
            organisation=f"{department} {culture.region}-{rng.randrange(1, 40)}",
            emails=[f"{department.split()[0].lower()}{i}@corp.example"], phones=[phone(culture, rng)],
            preferred_locale=culture.locale,
        )
    given = _skewed(rng, culture.given)
    family = _skewed(rng, culture.family)
    local = ".".join(tokens(given)[:1] + tokens(family))
    emails = [f"{local}{rng.randrange(1, 999)}@{rng.choice(culture.email_domains)}"] if rng.random() < 0.8 else []
    phones = [phone(culture, rng) for _ in range(1 if rng.random() < 0.8 else 2)]
    alerts = [rng.choice(ALERTS)] if rng.random() < 0.05 else []
    return CustomerRecord(
        account_number=account_number(i), brand_code=culture.brand, given_name=given, family_name=family,
        emails=emails, phones=phones, preferred_locale=culture.locale, alerts=alerts,
        birth_year=1930 + rng.randrange(80),
    )


def customers(start: int, stop: int, seed: int = SEED) -> Iterator[CustomerRecord]:
    """Customers ``start`` .. ``stop - 1``."""
    for i in range(start, stop):
        yield customer(i, seed)
