"""Response templates: Babel formatting per language, the sandbox, and checks with line numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from jinja2.exceptions import SecurityError

from deskapp.core.errors import DeskappError
from deskapp.core.templating import MissingPrompt, TemplateError, inspect, prompt_names, render, validate
from deskapp.core.templating.environment import compiled

CTX = {
    "customer": {"given_name": "", "family_name": "Mäkinen", "display_name": "Jukka Mäkinen",
                 "account_number": "FI-000001", "organisation": "", "preferred_locale": "fi"},
    "agent": {"given_name": "Anna", "display_name": "Anna Virtanen"},
    "case": {"reference": "42", "subject": "Router"},
    "brand": {"name": "Nordic Telecom", "code": "nordtel"},
    "today": dt.date(2025, 3, 1),
    "prompt": {"day": dt.date(2025, 3, 14), "amount": Decimal("1234.5"), "count": Decimal("1234567.891")},
}
NBSP = "\xa0"


@pytest.mark.parametrize(("locale", "date", "money", "number"), [
    ("en", "March 14, 2025", "€1,234.50", "1,234,567.891"),
    ("fi", "14. maaliskuuta 2025", f"1{NBSP}234,50{NBSP}€", f"1{NBSP}234{NBSP}567,891"),
    ("fil", "Marso 14, 2025", "€1,234.50", "1,234,567.891"),
    ("es", "14 de marzo de 2025", f"1.234,50{NBSP}€", "1.234.567,891"),
])
def test_filters_format_in_the_language_of_the_text(locale: str, date: str, money: str, number: str) -> None:
    body = "{{ prompt.day | date }}|{{ prompt.amount | money('EUR') }}|{{ prompt.count | number }}"
    assert render(body, locale, CTX) == f"{date}|{money}|{number}"


def test_short_dates_times_and_text_values() -> None:
    ctx = {**CTX, "prompt": {"day": "2025-03-14", "at": "14:30", "amount": "12,5"}}
    assert render("{{ prompt.day | date('short') }}", "fi", ctx) == "14.3.2025"
    assert render("{{ prompt.day | date('short') }}", "en", ctx) == "3/14/25"
    assert render("{{ prompt.at | time }}", "fi", ctx) == "14.30"
    assert render("{{ prompt.at | time }}", "en", ctx) == "2:30\u202fPM"
    assert render("{{ prompt.amount | money('EUR') }}", "es", ctx) == f"12,50{NBSP}€"
    assert render("{{ today | date }}", "es", ctx) == "1 de marzo de 2025"


def test_default_replaces_empty_and_missing_values() -> None:
    body = "Hei {{ customer.given_name | default(customer.display_name, true) }}"
    assert render(body, "fi", CTX) == "Hei Jukka Mäkinen"
    assert render("{{ prompt.nothing | default('–') }}", "en", CTX) == "–"
    assert render("[{{ customer.organisation }}]", "en", {**CTX, "customer": {"organisation": None}}) == "[]"


def test_a_missing_fill_in_is_named() -> None:
    with pytest.raises(MissingPrompt, match="ticket") as caught:
        render("Ticket {{ prompt.ticket }}", "en", CTX)
    assert caught.value.names == ("ticket",)


def test_a_value_that_is_not_a_date_is_explained() -> None:
    with pytest.raises(TemplateError, match="not a date"):
        render("{{ prompt.x | date }}", "en", {**CTX, "prompt": {"x": "next week"}})


@pytest.mark.parametrize("body", [
    "{{ ''.__class__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ customer.given_name.__class__.__mro__ }}",
    "{{ customer['__class__'] }}",
    "{{ '{0.__class__}'.format(customer) }}",
    "{{ lipsum }}",
    "{{ range(10) }}",
    "{% include 'secrets.txt' %}",
    "{{ customer | attr('__class__') }}",
])
def test_the_sandbox_refuses_internals_with_a_clear_error(body: str) -> None:
    with pytest.raises(DeskappError) as caught:
        render(body, "en", CTX)
    assert caught.value.message
    assert "Traceback" not in caught.value.message


def test_the_environment_itself_refuses_internals_even_without_validation() -> None:
    with pytest.raises(SecurityError):
        compiled("en", "{{ ''.__class__.__mro__ }}").render()
    with pytest.raises(SecurityError):
        compiled("en", "{{ x.__init__.__globals__ }}").render(x=1)


@pytest.mark.parametrize("body", ["{{ 2 ** 100000000 }}", "{{ 'x' * 100000000 }}"])
def test_arithmetic_that_would_hang_is_refused(body: str) -> None:
    with pytest.raises(TemplateError):
        render(body, "en", CTX)


def test_syntax_error_reports_its_line() -> None:
    problems = validate("Hello\n\n{{ customer.given_name }\n")
    assert len(problems) == 1
    assert problems[0].kind == "syntax"
    assert problems[0].line == 3
    assert str(problems[0]).startswith("line 3:")


def test_unclosed_block_reports_a_line() -> None:
    problems = validate("a\n{% if customer.given_name %}\nb")
    assert [p.kind for p in problems] == ["syntax"]
    assert problems[0].line is not None


def test_unknown_filter_variable_and_attribute_are_reported_with_lines() -> None:
    body = "{{ brand.name }}\n{{ prompt.d | shout }}\n{{ customr.given_name }}\n{{ customer.nick }}"
    problems = validate(body)
    assert [(p.kind, p.line, p.name) for p in problems] == [
        ("unknown_filter", 2, "shout"),
        ("unknown_variable", 3, "customr"),
        ("unknown_attribute", 4, "customer.nick"),
    ]


def test_undeclared_fill_in_is_reported_when_declarations_are_given() -> None:
    assert validate("{{ prompt.new_date | date }}", prompts=["new_date"]) == []
    problems = validate("{{ prompt.new_dte | date }}", prompts=["new_date"])
    assert [(p.kind, p.name) for p in problems] == [("unknown_prompt", "new_dte")]


def test_placeholder_discovery() -> None:
    body = ("{{ prompt.refund_amount | money('EUR') }} {{ customer.given_name }} "
            "{% if prompt.note %}{{ prompt.note }}{% endif %} {{ prompt['ticket'] }}")
    assert prompt_names(body) == ["refund_amount", "note", "ticket"]
    info = inspect(body)
    assert info.problems == ()
    assert set(info.variables) == {"prompt", "customer"}


def test_loops_and_local_names_are_not_unknown_variables() -> None:
    assert validate("{% set n = customer.given_name %}{% for c in n %}{{ c }}{% endfor %}") == []
    assert render("{% for c in ['a', 'b'] %}{{ c | upper }}{% endfor %}", "en", CTX) == "AB"
