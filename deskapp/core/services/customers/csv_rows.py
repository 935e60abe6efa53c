"""The customer CSV columns, and turning one row of cells into a customer or a rejection.

Every check a row can fail names the column and says what is wrong, so whoever prepared the
file can fix it. Nothing here touches the database: brands are passed in as a snapshot.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from deskapp.core.domain.enums import CustomerKind
from deskapp.core.errors import InputFileError
from deskapp.core.i18n import _, later, normalise_locale
from deskapp.core.io.csv_io import unneutralise
from deskapp.core.search.phones import to_e164
from deskapp.core.services.customers.store import CustomerRecord

REQUIRED_COLUMNS = (
    "account_number", "kind", "given_name", "family_name", "organisation",
    "email", "phone", "preferred_locale", "brand",
)
OPTIONAL_COLUMNS = ("birth_year", "age_band", "gender", "income_band", "lifestyle", "occupation", "alerts")
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# Columns our own rejects file adds; importing a corrected rejects file ignores them quietly.
REJECT_COLUMNS = ("line", "reason")
MULTI_SEPARATOR = "|"
FIRST_BIRTH_YEAR = 1900

# The database's column sizes; a longer value is refused rather than cut.
MAX_LENGTH = {
    "account_number": 40, "given_name": 100, "family_name": 100, "organisation": 200, "email": 254,
    "brand": 40, "age_band": 20, "gender": 30, "income_band": 30, "lifestyle": 100, "occupation": 100,
    "alerts": 200,
}
# Emails and alerts are lists; their limit applies to each item, checked where they are split.
_SINGLE_VALUE_LIMITS = tuple((ALL_COLUMNS.index(name), name, limit) for name, limit in MAX_LENGTH.items()
                             if name not in ("email", "alerts"))
# The limit of each of ALL_COLUMNS, in that order (lists are checked item by item, later).
_LIMIT_BY_COLUMN = tuple(next((limit for _at, name, limit in _SINGLE_VALUE_LIMITS if name == column), sys.maxsize)
                         for column in ALL_COLUMNS)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_EMAIL = re.compile(r"[^@\s,;<>()\[\]\"]+@[^@\s,;<>()\[\]\"]+\.[^@\s,;<>()\[\]\".]+")
_HEADER_SPACE = re.compile(r"[\s\-]+")
_SHOWN_VALUE = 40


@dataclass(frozen=True, slots=True)
class BrandDefaults:
    """What an existing brand decides for rows that leave it open."""

    region: str | None
    locale: str


@dataclass(slots=True)
class Rejection:
    """A row that was not imported: where it is, which column is wrong and why."""

    line: int
    column: str | None
    reason: str
    cells: list[str]

    def explain(self) -> str:
        """The column and the reason, without the line (the rejects file has a line column)."""
        if self.column:
            return _("column {column}: {reason}").format(column=self.column, reason=self.reason)
        return self.reason

    def describe(self) -> str:
        """One line for the user, e.g. ``line 12, column phone: …``."""
        if self.column:
            return _("line {line}, column {column}: {reason}").format(
                line=self.line, column=self.column, reason=self.reason
            )
        return _("line {line}: {reason}").format(line=self.line, reason=self.reason)


class _Invalid(Exception):
    def __init__(self, column: str | None, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


@dataclass(frozen=True, slots=True)
class HeaderMap:
    """Where each known column is in the file, and the header cells nobody asked for."""

    index: dict[str, int]
    unknown: list[str]
    width: int


def canonical_column(name: str) -> str:
    """``" Account Number "`` → ``"account_number"`` (case, spaces and hyphens ignored)."""
    return _HEADER_SPACE.sub("_", name.strip().casefold()).strip("_")


def map_header(header: Sequence[str], path: object) -> HeaderMap:
    """Locate the columns; raise :class:`InputFileError` if a required one is missing or doubled."""
    index: dict[str, int] = {}
    unknown: list[str] = []
    for position, cell in enumerate(header):
        name = canonical_column(unneutralise(cell.strip()))
        if not name or name in REJECT_COLUMNS:
            continue  # trailing delimiters in spreadsheets make nameless columns
        if name not in ALL_COLUMNS:
            unknown.append(cell.strip())
        elif name in index:
            raise InputFileError(
                later("{path}: the column {column} appears twice in the header row.", path=path, column=name)
            )
        else:
            index[name] = position
    missing = [name for name in REQUIRED_COLUMNS if name not in index]
    if missing:
        raise InputFileError(
            later("{path}: the header row lacks the column(s) {columns}. Required columns: {required}.",
                  path=path, columns=", ".join(missing), required=", ".join(REQUIRED_COLUMNS))
        )
    return HeaderMap(index, unknown, len(header))


def _shown(value: str) -> str:
    return value if len(value) <= _SHOWN_VALUE else value[: _SHOWN_VALUE - 1] + "…"


class RowValidator:
    """Turns the cells of one row into a :class:`CustomerRecord`, or a :class:`Rejection`."""

    def __init__(self, header: HeaderMap, brands: Mapping[str, BrandDefaults], region: str | None) -> None:
        """Validate rows laid out as ``header``; ``brands`` maps casefolded codes to their defaults."""
        self._width = header.width
        # Where each of ALL_COLUMNS is in a row; a column the file lacks reads as empty.
        absent = max(header.width, *header.index.values()) + 1 if header.index else header.width + 1
        self._positions = [header.index.get(name, absent) for name in ALL_COLUMNS]
        self._brands = brands
        self._region = region
        self._this_year = dt.date.today().year
        # A file names a handful of brands and languages a million times; look each up once.
        self._brand_cache: dict[str, tuple[BrandDefaults | None, str | None]] = {}
        self._locale_cache: dict[str, str | None] = {}

    def validate(self, line: int, cells: list[str]) -> CustomerRecord | Rejection:
        """The record for ``cells`` (the row starting at ``line``), or why it cannot be imported."""
        try:
            return self._record(cells)
        except _Invalid as bad:
            return Rejection(line, bad.column, bad.reason, cells)

    def _values(self, cells: list[str]) -> list[str]:
        # Hot path (a million rows): one pass over the known columns, one control-character search
        # over the whole row, and the column is only looked for when something is wrong.
        count = len(cells)
        values = [cells[position].strip() if position < count else "" for position in self._positions]
        joined = "".join(values)
        if "'" in joined:
            values = [unneutralise(value) if value[:1] == "'" else value for value in values]
        if _CONTROL.search(joined):
            name = next(name for name, value in zip(ALL_COLUMNS, values, strict=True) if _CONTROL.search(value))
            raise _Invalid(name, _("contains a control character (such as a tab or line break)"))
        if any(map(int.__gt__, map(len, values), _LIMIT_BY_COLUMN)):
            for at, name, limit in _SINGLE_VALUE_LIMITS:  # the first too long, in MAX_LENGTH's order
                if len(values[at]) > limit:
                    raise _Invalid(name, _("is longer than {limit} characters").format(limit=limit))
        return values

    def _record(self, cells: list[str]) -> CustomerRecord:
        if len(cells) > self._width and any(cell.strip() for cell in cells[self._width:]):
            raise _Invalid(None, _("the row has {cells} cells but the header row names {columns} columns").format(
                cells=len(cells), columns=self._width))
        (account, kind_text, given, family, organisation, email, phone, locale, brand_code, birth_year, age_band,
         gender, income_band, lifestyle, occupation, alerts) = self._values(cells)
        if not account:
            raise _Invalid("account_number", _("the account number is missing"))
        if not kind_text or kind_text == "external":
            kind = CustomerKind.EXTERNAL
        elif kind_text == "internal":
            kind = CustomerKind.INTERNAL
        else:
            kind = self._kind(kind_text)
        if not given and not family and not (kind is CustomerKind.INTERNAL and organisation):
            if kind is CustomerKind.INTERNAL:
                raise _Invalid("given_name", _("no name: give a given or family name, or the department "
                                               "in organisation"))
            raise _Invalid("given_name", _("no name: give a given or family name"))
        try:
            brand, region = self._brand_cache[brand_code]
        except KeyError:
            brand = self._brands.get(brand_code.casefold() or "default")
            region = brand.region if brand is not None and brand.region else self._region
            self._brand_cache[brand_code] = brand, region
        return CustomerRecord(
            account_number=account,
            brand_code=brand_code,
            kind=kind,
            given_name=given,
            family_name=family,
            organisation=organisation or None,
            emails=self._emails(email) if email else [],
            phones=self._phones(phone, region) if phone else [],
            preferred_locale=self._locale(locale) if locale else (brand.locale if brand is not None else "en"),
            birth_year=self._birth_year(birth_year) if birth_year else None,
            age_band=age_band or None,
            gender=gender or None,
            income_band=income_band or None,
            lifestyle=lifestyle or None,
            occupation=occupation or None,
            alerts=self._alerts(alerts) if alerts else [],
        )

    @staticmethod
    def _kind(text: str) -> CustomerKind:
        folded = text.casefold()
        if folded == "external":
            return CustomerKind.EXTERNAL
        if folded == "internal":
            return CustomerKind.INTERNAL
        raise _Invalid("kind", _("\"{value}\" is not a kind; use external or internal").format(value=_shown(folded)))

    @staticmethod
    def _parts(text: str) -> list[str]:
        # ``text`` is stripped and not empty.
        if MULTI_SEPARATOR not in text:
            return [text]
        return [part for part in (piece.strip() for piece in text.split(MULTI_SEPARATOR)) if part]

    def _emails(self, text: str) -> list[str]:
        return check_emails(self._parts(text))

    def _phones(self, text: str, region: str | None) -> list[str]:
        return check_phones(self._parts(text), region)

    def _locale(self, text: str) -> str:
        try:
            code = self._locale_cache[text]
        except KeyError:
            code = self._locale_cache[text] = normalise_locale(text)
        if code is None:
            raise _Invalid("preferred_locale", _("\"{value}\" is not a supported language; use en, fi, fil "
                                                 "(or tl) or es").format(value=_shown(text)))
        return code

    def _birth_year(self, text: str) -> int:
        # Length first: int() refuses more than 4,300 digits with a ValueError of its own.
        if len(text) <= 4 and text.isascii() and text.isdigit() and FIRST_BIRTH_YEAR <= int(text) <= self._this_year:
            return int(text)
        raise _Invalid("birth_year", _("\"{value}\" is not a plausible birth year ({first}–{last})").format(
            value=_shown(text), first=FIRST_BIRTH_YEAR, last=self._this_year))

    def _alerts(self, text: str) -> list[str]:
        return check_alerts(self._parts(text))


# The checks of the list columns, shared with the window's "Change details" (customers.editing):
# a value the import refuses is refused there too, with the same words.
class FieldInvalid(_Invalid):
    """A value of ``column`` that cannot be stored; ``reason`` says why, in the UI language."""


def check_emails(addresses: list[str]) -> list[str]:
    """``addresses`` if each is a valid email address (raises :class:`FieldInvalid` naming the first that is not)."""
    for address in addresses:
        if len(address) > MAX_LENGTH["email"] or not _EMAIL.fullmatch(address):
            raise FieldInvalid("email", _("\"{value}\" is not a valid email address").format(value=_shown(address)))
    return addresses


def check_phones(numbers: list[str], region: str | None) -> list[str]:
    """The numbers in E.164, each once (raises :class:`FieldInvalid` naming the first that is not a number)."""
    phones: list[str] = []
    for part in numbers:
        e164 = to_e164(part, region)
        if e164 is None:
            if region is None and not part.startswith(("+", "00")):
                reason = _("\"{value}\" is not a valid phone number; write it with its country code "
                           "(+358 …) or import with --region").format(value=_shown(part))
            else:
                reason = _("\"{value}\" is not a valid phone number").format(value=_shown(part))
            raise FieldInvalid("phone", reason)
        if e164 not in phones:
            phones.append(e164)
    return phones


def check_alerts(alerts: list[str]) -> list[str]:
    """``alerts`` if none is too long (raises :class:`FieldInvalid`)."""
    for alert in alerts:
        if len(alert) > MAX_LENGTH["alerts"]:
            raise FieldInvalid("alerts", _("an alert is longer than {limit} characters").format(
                limit=MAX_LENGTH["alerts"]))
    return alerts
