"""The phone shortcut gives exactly phonenumbers' answer, or steps aside (no database)."""

from __future__ import annotations

import random

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from deskapp.core.search.phone_fast import UNSURE, e164_or_unsure
from deskapp.core.search.phones import parse_e164, to_e164

REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)
TYPES = (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.TOLL_FREE,
         PhoneNumberType.PREMIUM_RATE, PhoneNumberType.SHARED_COST, PhoneNumberType.VOIP,
         PhoneNumberType.PERSONAL_NUMBER, PhoneNumberType.PAGER, PhoneNumberType.UAN, PhoneNumberType.VOICEMAIL)
SEPARATORS = " -./()"


def _examples() -> list[tuple[str, phonenumbers.PhoneNumber]]:
    found = [(region, number) for region in REGIONS for kind in TYPES
             if (number := phonenumbers.example_number_for_type(region, kind)) is not None]
    found += [("001", number) for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS)
              if (number := phonenumbers.example_number_for_non_geo_entity(code)) is not None]
    return found


def _mangled(rng: random.Random, text: str) -> str:
    """``text`` with a digit or two changed, dropped or added, and separators sprinkled in."""
    chars = list(text)
    for _ in range(rng.choice((0, 0, 1, 2, 3))):
        positions = [i for i, ch in enumerate(chars) if ch.isdigit()]
        if not positions:
            break
        at, roll = rng.choice(positions), rng.random()
        if roll < 0.5:
            chars[at] = rng.choice("0123456789")
        elif roll < 0.75:
            del chars[at]
        else:
            chars.insert(at, rng.choice("0123456789"))
    out = []
    for ch in chars:
        out.append(ch)
        if ch.isdigit() and rng.random() < 0.2:
            out.append(rng.choice(SEPARATORS))
    return "".join(out)


def _check(raw: str, region: str | None) -> bool:
    """Compare the shortcut with the library for one input; True when the shortcut answered."""
    found = e164_or_unsure(raw, region)
    if found is UNSURE:
        return False
    assert found == parse_e164(raw, region), (raw, region)
    return True


def test_every_region_example_and_its_neighbours_match_phonenumbers() -> None:
    rng = random.Random(20261123)
    answered = 0
    examples = _examples()
    for region, number in examples:
        for form in (PhoneNumberFormat.E164, PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.NATIONAL):
            written = phonenumbers.format_number(number, form)
            for attempt in range(4):
                text = written if attempt == 0 else _mangled(rng, written)
                if text.startswith("+") and rng.random() < 0.2:
                    text = "00" + text[1:]
                asked = rng.choice((region, rng.choice(REGIONS), None))
                answered += _check(text.strip(), None if asked == "001" else asked)
    # The shortcut must actually carry most of the load, or it is no shortcut.
    assert answered > len(examples) * 4


@given(
    prefix=st.sampled_from(["+", "", "0", "+0", "+1", "+358", "+44", "+39", "+63", "+34", "+7", "+800"]),
    digits=st.text("0123456789", min_size=0, max_size=19),
    separators=st.lists(st.tuples(st.integers(0, 19), st.sampled_from(list(SEPARATORS))), max_size=4),
    region=st.sampled_from([*REGIONS, None]),
)
def test_random_numbers_match_phonenumbers(
    prefix: str, digits: str, separators: list[tuple[int, str]], region: str | None
) -> None:
    text = prefix + digits
    for at, separator in separators:
        text = text[: len(prefix) + at] + separator + text[len(prefix) + at:]
    text = text.strip()
    if text:
        _check(text, region)


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("+358 40 123 4567", None, "+358401234567"),
        ("040 123 4567", "FI", "+358401234567"),
        ("040-123 4567", "fi", "+358401234567"),
        ("(040) 123 4567", "FI", "+358401234567"),
        ("0034 612 34 56 78", None, "+34612345678"),
        ("+63-917-123-4567", "FI", "+639171234567"),
        ("+44 (0)20 7946 0958", None, "+442079460958"),  # national prefix after the code: the library's
        ("+39 06 6982 1234", None, "+390669821234"),  # Italian leading zero: the library's
        ("+1 650 253 0000", None, "+16502530000"),
        ("+358 18 12345", None, "+3581812345"),  # Åland shares +358 with Finland
        ("040 123 4567", None, None),  # national without a region
        ("+358 40 123", None, None),  # too short for a Finnish mobile
        ("+999 1234 5678", None, None),  # no such country code
        ("０４０ １２３ ４５６７", "FI", "+358401234567"),  # fullwidth digits
        ("040 123 4567 ext. 12", "FI", None),
    ],
)
def test_to_e164_examples(text: str, region: str | None, expected: str | None) -> None:
    assert to_e164(text, region) == expected


def test_unusual_shapes_are_left_to_phonenumbers() -> None:
    assert e164_or_unsure("+44 (0)20 7946 0958", None) is UNSURE
    assert e164_or_unsure("+39 06 6982 1234", None) is UNSURE
    assert e164_or_unsure("0358 40 123 4567", "FI") is not UNSURE  # national prefix 0, then "358…"
    assert e164_or_unsure("358 40 123 4567", "FI") is UNSURE  # country code without "+"
    assert e164_or_unsure("00 358 40 123 4567", "FI") is UNSURE  # international prefix
    assert e164_or_unsure("040 123 4567", "AR") is UNSURE  # prefix rewrite rules
