"""Normalisation and query parsing: pure functions, no database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskapp.core.search.fts import match_expression
from deskapp.core.search.normalize import compact, email_key, fold, index_words, search_text, tokens
from deskapp.core.search.query import MAX_QUERY_CHARS, MAX_TOKENS, TextMode, clean, parse_query


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mäkinen", "makinen"),
        ("MÄKINEN", "makinen"),
        ("Núñez", "nunez"),
        ("Muñoz", "munoz"),
        ("José", "jose"),
        ("Øster", "oster"),
        ("Łukasz", "lukasz"),
        ("Straße", "strasse"),
        ("ＭＡＫＩ１２", "maki12"),  # fullwidth letters and digits
    ],
)
def test_fold_drops_accents_and_case(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_tokens_join_apostrophes_and_split_punctuation() -> None:
    assert tokens("O'Brien") == ["obrien"]
    assert tokens("O’Brien") == ["obrien"]
    assert tokens("Dela Cruz, José") == ["dela", "cruz", "jose"]
    assert tokens("jukka.makinen@posti.fi") == ["jukka", "makinen", "posti", "fi"]


def test_tokens_keep_other_scripts() -> None:
    assert tokens("Дмитрий Иванов") == ["дмитрии", "иванов"]  # й loses its breve, like ä
    assert tokens("王 小明") == ["王", "小明"]


def test_tokens_drop_symbols_and_controls() -> None:
    assert tokens('"OR" NEAR( * : ^ - 😀 \x00') == ["or", "near"]
    assert tokens("snake_case") == ["snake", "case"]


def test_index_words_add_the_parts_of_apostrophe_and_hyphen_names() -> None:
    assert index_words("O'Brien") == ["obrien", "o", "brien"]
    assert index_words("Mäki-Petäjä") == ["maki", "petaja"]


def test_compact_runs_words_together() -> None:
    assert compact("Dela Cruz") == "delacruz"
    assert compact("Mäki-Petäjä") == "makipetaja"


def test_search_text_is_unique_words_in_order() -> None:
    assert search_text("Jukka", "Mäkinen", None, "jukka.makinen@posti.fi") == "jukka makinen posti fi"


def test_email_key_casefolds_and_trims() -> None:
    assert email_key("  Sean.OBrien@Example.COM ") == "sean.obrien@example.com"


def test_match_expression_quotes_every_word() -> None:
    assert match_expression(["jukka", "mak"]) == '"jukka"* "mak"*'
    assert match_expression(['a"b']) == '"a""b"*'
    assert match_expression([]) == ""


# ------------------------------------------------------------------------------------ parse_query
def test_words_are_folded_deduplicated_and_capped() -> None:
    parsed = parse_query("Jukka MÄK jukka " + " ".join(f"w{i}" for i in range(20)))
    assert parsed.words[:2] == ("jukka", "mak")
    assert len(parsed.words) == MAX_TOKENS


@pytest.mark.parametrize(
    ("query", "mode"),
    [("a", TextMode.NONE), ("j m", TextMode.NONE), ("ma", TextMode.FAMILY), ("de la", TextMode.FAMILY),
     ("mak", TextMode.FULL), ("ma jukka", TextMode.FULL)],
)
def test_text_mode_by_longest_word(query: str, mode: str) -> None:
    assert parse_query(query).text_mode == mode


def test_single_letter_runs_no_name_search() -> None:
    assert parse_query("m").is_empty is False  # an account number "m" could exist ...
    assert parse_query("m").text_mode == TextMode.NONE  # ... but no name search runs


@pytest.mark.parametrize(
    ("query", "regions", "phones", "suffix"),
    [
        ("+358 40 123 4567", (), ("+358401234567",), None),
        # "00" may be dialled out or the start of an ending the rep reads out: searched both ways.
        ("00358401234567", (), ("+358401234567",), "76543210485300"),
        ("0012", ("FI",), (), "2100"),
        ("00345", ("ES",), (), "54300"),
        ("00 12 34 56", ("FI",), (), "65432100"),  # an ending of 8 digits keeps its zeros
        ("+63-917-123-4567", (), ("+639171234567",), None),
        ("(040) 123-4567", ("FI",), ("+358401234567",), "765432104"),
        ("0401234567", (), (), "765432104"),  # no region: still found by its end
        ("0917 123 4567", ("FI", "PH"), ("+639171234567",), "7654321719"),
        ("4567", ("FI",), (), "7654"),
        ("123 4567", (), (), "7654321"),
        ("０４０１２３４５６７", ("FI",), ("+358401234567",), "765432104"),
        ("456", (), (), None),
        ("+358 40", (), (), None),
        ("00358 40", (), (), "0485300"),  # being typed: a whole number is not there yet, an ending may be
        ("0000033", ("FI",), (), "3300000"),  # no country code starts with 0: these are last digits
    ],
)
def test_phone_parts(query: str, regions: tuple[str, ...], phones: tuple[str, ...], suffix: str | None) -> None:
    parsed = parse_query(query, regions)
    assert parsed.phones == phones
    assert parsed.phone_suffix == suffix


def test_email_and_account_candidates() -> None:
    parsed = parse_query(" Sean.OBrien@Example.com ")
    assert parsed.email == "sean.obrien@example.com"
    assert parse_query("fi-1001").account_keys == ("fi-1001", "FI-1001")
    assert parse_query("jukka makinen").account_keys == ()
    assert parse_query("jukka makinen").email is None


def test_clean_removes_controls_surrogates_and_caps_length() -> None:
    assert clean("a\x00b\ud800c\u200bd\te") == "a b c d e"
    assert len(clean("x" * 5000)) == MAX_QUERY_CHARS


@given(st.text())
def test_parse_query_never_raises(text: str) -> None:
    parsed = parse_query(text, ("FI", "PH"))
    assert all(parsed.words)
    match_expression(list(parsed.words))


def test_letters_and_digits_are_separate_words() -> None:
    # Keeps "makinen84@..." from adding a "makinen84" index term per customer (slow prefix merges).
    assert tokens("jukka.makinen84@posti.fi") == ["jukka", "makinen", "84", "posti", "fi"]
    assert tokens("FI-1001") == ["fi", "1001"]


def test_a_whole_email_address_is_an_exact_lookup_only() -> None:
    parsed = parse_query("jukka.makinen84@gmail.com")
    assert parsed.email == "jukka.makinen84@gmail.com"
    assert parsed.text_mode == TextMode.NONE


def test_a_whole_phone_number_is_an_exact_lookup_only() -> None:
    parsed = parse_query("+34 612 345 678")
    assert parsed.phones == ("+34612345678",)
    assert parsed.text_mode == TextMode.NONE  # its digit groups are not searched as words
    assert parse_query("6304").text_mode == TextMode.FULL  # an account number part, maybe
    assert parse_query("jukka 0401234567", ("FI",)).text_mode == TextMode.FULL


def test_regions_are_read_only_for_numbers_long_enough_to_be_whole() -> None:
    asked: list[str] = []

    def regions() -> tuple[str, ...]:
        asked.append("asked")
        return ("FI",)

    assert parse_query("makinen", regions).phones == ()
    assert parse_query("4567", regions).phone_suffix == "7654"
    assert asked == []
    assert parse_query("040 123 4567", regions).phones == ("+358401234567",)
    assert asked == ["asked"]
