"""A shortcut through phonenumbers' parse → is_valid_number → E.164 for the plain shapes imports are full of.

``phonenumbers.parse`` plus ``is_valid_number`` cost ~35 µs a number, most of it in the generality
of ``parse`` (RFC 3966 URIs, extensions, vanity letters, carrier codes, Argentine prefix rewrites)
and in ``is_valid_number`` checking a number's type twice. A million-row import has a million
numbers written as ``+358 40 123 4567``, ``0034 612 …`` or ``040 123 4567`` (with the brand's
region), so this module answers those shapes itself, from the same metadata, in a few µs.

It is exact or silent: :func:`e164_or_unsure` follows the library's steps for one narrow shape
(``+`` or digits, then digits and the separators `` ()./-``) and returns :data:`UNSURE` at the
first step where the library would do anything more than that (an international prefix, a
national prefix that might be stripped, a leading zero, a country code it does not know, a
number too short or too long); the caller then asks phonenumbers. tests/test_phone_fast.py
compares the two on every region's example numbers and on random numbers.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, SUPPORTED_REGIONS, PhoneMetadata

REGION_CODE_FOR_NON_GEO_ENTITY: Final = "001"
# parse() refuses longer input and shorter or longer national numbers (_MAX_INPUT_STRING_LENGTH,
# _MIN_LENGTH_FOR_NSN, _MAX_LENGTH_FOR_NSN); near those limits the library decides.
_MAX_INPUT = 250
_MIN_NSN = 2
_MAX_NSN = 17
_MAX_COUNTRY_CODE_DIGITS = 3


class Unsure(enum.Enum):
    """The fast path cannot tell; ask phonenumbers."""

    UNSURE = "unsure"


UNSURE: Final = Unsure.UNSURE

# Digits, then digits and separators parse() drops without effect (it keeps only the digits).
_NATIONAL = re.compile(r"[0-9(][0-9 ()./\-]*")


@dataclass(frozen=True, slots=True)
class _Desc:
    """A PhoneNumberDesc as _is_number_matching_desc uses it: lengths first, then the pattern."""

    lengths: frozenset[int]
    pattern: str


def _desc(number_desc: Any) -> _Desc | None:
    if number_desc is None or not number_desc.national_number_pattern:
        return None  # such a description matches nothing
    return _Desc(frozenset(number_desc.possible_length or ()), number_desc.national_number_pattern)


def _valid_by_length(general: Any, descs: list[_Desc]) -> dict[int, Any]:
    r"""Per national-number length, one fullmatch that says what _number_type_helper != UNKNOWN says.

    That is: the general description matches (its lengths, then its pattern) and so does one of
    ``descs``. A full match of ``(?=(?:g)\Z)(?:(?:a)|(?:b))`` is a full match of ``g`` and of ``a``
    or ``b``, so one regex call replaces up to eleven. Descriptions without lengths allow any.
    """
    found: dict[int, Any] = {}
    if general is None or not general.national_number_pattern:
        return found
    general_lengths = set(general.possible_length or ())
    for size in range(_MIN_NSN, _MAX_NSN + 1):
        if general_lengths and size not in general_lengths:
            continue
        patterns = [desc.pattern for desc in descs if not desc.lengths or size in desc.lengths]
        if patterns:
            any_type = "|".join(f"(?:{pattern})" for pattern in patterns)
            found[size] = re.compile(f"(?=(?:{general.national_number_pattern})\\Z)(?:{any_type})").fullmatch
    return found


@dataclass(frozen=True, slots=True)
class _Plan:
    """One region's metadata, compiled once into what validation and parsing need."""

    country_code: int
    country_prefix: str
    country_prefix_plus: str
    general_pattern: Any  # fullmatch, or None when the region has no general description
    valid: dict[int, Any]  # national-number length -> fullmatch of a valid number of that length
    leading_digits: Any
    national_prefix: Any
    prefix_is_simple: bool
    idd: Any
    lengths: tuple[int, ...]
    local_lengths: tuple[int, ...]

    def is_valid(self, nsn: str) -> bool:
        """``_number_type_helper(nsn, metadata) != UNKNOWN``."""
        fullmatch = self.valid.get(len(nsn))
        return fullmatch is not None and fullmatch(nsn) is not None

    def keeps_stripped(self, nsn: str) -> bool:
        """``_test_number_length(nsn)`` is neither too short, local-only nor an invalid length."""
        size = len(nsn)
        if size in self.local_lengths:
            return False
        if self.lengths[0] == size:
            return True
        if self.lengths[0] > size:
            return False
        return self.lengths[-1] < size or size in self.lengths[1:]


def _plan(metadata: Any) -> _Plan:
    general = metadata.general_desc
    kinds = [metadata.premium_rate, metadata.toll_free, metadata.shared_cost, metadata.voip,
             metadata.personal_number, metadata.pager, metadata.uan, metadata.voicemail, metadata.fixed_line]
    # _number_type_helper only tries mobile on its own when its pattern differs from fixed line's.
    if not metadata.same_mobile_and_fixed_line_pattern:
        kinds.append(metadata.mobile)
    prefix = metadata.national_prefix_for_parsing
    compiled_prefix = re.compile(prefix) if prefix else None
    return _Plan(
        country_code=metadata.country_code,
        country_prefix=str(metadata.country_code),
        country_prefix_plus=f"+{metadata.country_code}",
        general_pattern=(re.compile(general.national_number_pattern).fullmatch
                         if general is not None and general.national_number_pattern else None),
        valid=_valid_by_length(general, [desc for desc in map(_desc, kinds) if desc is not None]),
        leading_digits=re.compile(metadata.leading_digits).match if metadata.leading_digits is not None else None,
        national_prefix=compiled_prefix.match if compiled_prefix is not None else None,
        prefix_is_simple=compiled_prefix is not None and compiled_prefix.groups == 0
        and not metadata.national_prefix_transform_rule,
        idd=re.compile(metadata.international_prefix).match if metadata.international_prefix is not None else None,
        lengths=tuple(general.possible_length) if general is not None else (),
        local_lengths=tuple(general.possible_length_local_only) if general is not None else (),
    )


_VALIDATORS: dict[int, Callable[[str], bool]] = {}
_UNKNOWN: Final = object()
_REGION_PLANS: dict[str, _Plan | None] = {}
_NON_GEO_PLANS: dict[int, _Plan | None] = {}


def _region_plan(region: str) -> _Plan | None:
    try:
        return _REGION_PLANS[region]
    except KeyError:
        metadata = PhoneMetadata.metadata_for_region(region, None)
        plan = _REGION_PLANS[region] = _plan(metadata) if metadata is not None else None
        return plan


def _non_geo_plan(country_code: int) -> _Plan | None:
    try:
        return _NON_GEO_PLANS[country_code]
    except KeyError:
        metadata = PhoneMetadata.metadata_for_nongeo_region(country_code, None)
        plan = _NON_GEO_PLANS[country_code] = _plan(metadata) if metadata is not None else None
        return plan


class _CallingCodes(dict[str, tuple[str, int, Any, Callable[[str], bool]] | None]):
    """Leading digits -> ("+code", its length, national-prefix matcher of its main region, validator) or None.

    Filled on use; the few hundred calling codes (and the digits that are none) stay.
    """

    def __missing__(self, key: str) -> tuple[str, int, Any, Callable[[str], bool]] | None:
        found: tuple[str, int, Any, Callable[[str], bool]] | None = None
        if key.isdigit() and key[0] != "0" and int(key) in COUNTRY_CODE_TO_REGION_CODE:
            code = int(key)
            plan = _plan_for(code, COUNTRY_CODE_TO_REGION_CODE[code][0])
            found = (f"+{code}", len(key), _UNKNOWN if plan is None else plan.national_prefix, _validator_for(code))
        self[key] = found
        return found


_CALLING_CODES = _CallingCodes()


def _plan_for(country_code: int, region: str) -> _Plan | None:
    # PhoneMetadata.metadata_for_region_or_calling_code
    if region == REGION_CODE_FOR_NON_GEO_ENTITY:
        return _non_geo_plan(country_code)
    return _region_plan(region)


def is_valid(country_code: int, nsn: str) -> bool:
    """``phonenumbers.is_valid_number`` for a number without leading zeros in its national part."""
    return _validator_for(country_code)(nsn)


def _validator_for(country_code: int) -> Callable[[str], bool]:
    try:
        return _VALIDATORS[country_code]
    except KeyError:
        check = _VALIDATORS[country_code] = _validator(country_code)
        return check


def _never(_nsn: str) -> bool:
    return False


def _validator(country_code: int) -> Callable[[str], bool]:
    """is_valid_number for one calling code, with what does not depend on the number decided once."""
    regions = COUNTRY_CODE_TO_REGION_CODE.get(country_code)
    if not regions:
        return _never
    if len(regions) == 1:
        plan = _region_plan_checked(country_code, regions[0])
        return plan.is_valid if plan is not None else _never
    # _region_code_for_number_from_list picks the first region whose leading digits match, or
    # (without leading digits) for which the number is valid; is_valid_number_for_region then
    # validates against that region.
    choices = [(plan.leading_digits, plan, _region_plan_checked(country_code, region))
               for region in regions if (plan := _region_plan(region.upper())) is not None]

    def check(nsn: str) -> bool:
        for leading_digits, plan, checked in choices:
            if leading_digits(nsn) if leading_digits is not None else plan.is_valid(nsn):
                return checked is not None and checked.is_valid(nsn)
        return False

    return check


def _region_plan_checked(country_code: int, region: str) -> _Plan | None:
    # is_valid_number_for_region: the region's metadata, if its calling code is this one.
    plan = _plan_for(country_code, region.upper())
    if plan is None:
        return None
    if region != REGION_CODE_FOR_NON_GEO_ENTITY:
        own = _region_plan(region.upper())
        if own is None or own.country_code != country_code:
            return None
    return plan


def _strip_separators(text: str) -> str:
    # What parse() ignores in the shapes handled here; five replace() calls beat one translate().
    return text.replace(" ", "").replace("-", "").replace(".", "").replace("/", "").replace("(", "").replace(")", "")


def _international(raw: str) -> str | Unsure | None:
    rest = raw[1:]
    digits = _strip_separators(rest)
    # Only digits and separators after the "+", a digit first, and not a 0: calling codes never
    # start with 0 (parse() then tries other readings).
    if not (digits.isdigit() and digits.isascii()) or len(digits) <= _MIN_NSN or digits[0] == "0" \
            or rest[0] != digits[0]:
        return UNSURE
    codes = _CALLING_CODES
    code = codes[digits[:1]] or codes[digits[:2]] or codes[digits[:3]]
    if code is None:
        return UNSURE
    prefix, size, national_prefix, check = code
    nsn = digits[size:]
    # parse() reads the national number with the metadata of the code's main region and strips a
    # national prefix written after the country code ("+44 (0)20 …"): then the library decides.
    if national_prefix is _UNKNOWN or (national_prefix is not None and national_prefix(nsn)):
        return UNSURE
    if not _MIN_NSN <= len(nsn) <= _MAX_NSN or nsn[0] == "0":
        return UNSURE  # errors, and "Italian leading zeros", are the library's to handle
    return prefix + nsn if check(nsn) else None


def _national(raw: str, region: str) -> str | Unsure | None:
    plan = _region_plan(region)
    if plan is None or not plan.lengths:
        return UNSURE
    digits = _strip_separators(raw)
    if len(digits) <= _MIN_NSN or (plan.idd is not None and plan.idd(digits)) \
            or digits.startswith(plan.country_prefix):
        return UNSURE  # maybe an international prefix, or the country code without "+"
    nsn = digits
    if plan.national_prefix is not None:
        prefix = plan.national_prefix(digits)
        if prefix:
            if not plan.prefix_is_simple:
                return UNSURE  # carrier codes and prefix rewrites
            # _maybe_strip_national_prefix_carrier_code, then parse()'s length test
            stripped = digits[prefix.end():]
            viable = plan.general_pattern is not None and plan.general_pattern(digits) is not None
            still_viable = plan.general_pattern is not None and plan.general_pattern(stripped) is not None
            if not (viable and not still_viable) and plan.keeps_stripped(stripped):
                nsn = stripped
    if not _MIN_NSN <= len(nsn) <= _MAX_NSN or nsn[0] == "0":
        return UNSURE
    return plan.country_prefix_plus + nsn if _validator_for(plan.country_code)(nsn) else None


def e164_or_unsure(raw: str, region: str | None) -> str | Unsure | None:
    """E.164 for ``raw``, ``None`` if phonenumbers would call it invalid, or :data:`UNSURE`.

    Args:
        raw: the number, NFKC-normalised and stripped, ``00`` already replaced by ``+``.
        region: upper-case region for national numbers, or ``None``.
    """
    if len(raw) > _MAX_INPUT:
        return UNSURE
    if raw[:1] == "+":
        return _international(raw)
    if region is None or region not in SUPPORTED_REGIONS or _NATIONAL.fullmatch(raw) is None:
        return UNSURE
    return _national(raw, region)
