"""Template resource limits (issue 16, defect 3): hostile templates are refused or stopped, normal ones unchanged.

Memory is measured with tracemalloc only as a sanity bound (generous); no test asserts a time.
"""

from __future__ import annotations

import datetime as dt
import time
import tracemalloc
from decimal import Decimal
from typing import Any

import pytest
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from deskapp.core.domain.library import Response
from deskapp.core.errors import InvalidInput
from deskapp.core.services.responses.library_io import import_responses
from deskapp.core.services.responses.prompts import parse_prompts, prompt_values
from deskapp.core.services.starter import starter_text
from deskapp.core.templating import TemplateError, TemplateLimitError, limits, render, validate
from deskapp.core.templating.environment import environment
from tests.seeding import console

CTX: dict[str, Any] = {
    "customer": {"given_name": "Jukka", "family_name": "Mäkinen", "display_name": "Jukka Mäkinen",
                 "account_number": "FI-000001", "organisation": "", "preferred_locale": "fi"},
    "agent": {"given_name": "Anna", "display_name": "Anna Virtanen"},
    "case": {"reference": "42", "subject": "Router"},
    "brand": {"name": "Nordic Telecom", "code": "nordtel"},
    "today": dt.date(2025, 3, 1),
    "prompt": {"day": dt.date(2025, 3, 14), "amount": Decimal("1234.5"), "note": "Ring first", "count": 3},
}
PEAK_BYTES = 64 * 2**20  # before the limits these took 3-8 GB; a bounded render stays far below this
LOOP = "{% for a in 'x'*10000 %}{% for b in 'x'*10000 %}{% for c in 'x'*10000 %}x{% endfor %}{% endfor %}{% endfor %}"

# Refused when saved or imported: (template, a word of the message).
REFUSED = {
    "100 nested parentheses": ("{{ " + "(" * 100 + "1" + ")" * 100 + " }}", "nested too deeply"),
    "1000 nested parentheses": ("{{ " + "(" * 1000 + "1" + ")" * 1000 + " }}", "nested too deeply"),
    "41 filters in a chain": ("{{ 'a'" + "|upper" * 41 + " }}", "nested too deeply"),
    "self-calling macro": ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "calls itself"),
    "macros calling each other": ("{% macro f() %}{{ g() }}{% endmacro %}{% macro g() %}{% call f() %}{% endcall %}"
                                  "{% endmacro %}{{ f() }}", "calls itself"),
    "recursive loop": ("{% for a in [[1]] recursive %}{{ loop(a) }}{% endfor %}", "recursive"),
    "a block calling itself": ("{% block a %}{{ self.a() }}{% endblock %}", "self"),
    "four nested loops": ("{% for a in 'ab' %}{% for b in 'ab' %}{% for c in 'ab' %}{% for d in 'ab' %}x"
                          "{% endfor %}{% endfor %}{% endfor %}{% endfor %}", "at most 3 loops"),
    "a number of 5,000 digits": ("{{ " + "9" * 5000 + " }}", "number"),
    "a quoted text of 20,000 characters": ("{{ '" + "x" * 20_000 + "' }}", "quoted text"),
    "a 60,000-character template": ("x" * 60_000, "too long"),
}

# Valid, but stopped while rendering by a limit: (template, a word of the message).
STOPPED = {
    "triple loop over 'x'*10000": (LOOP, "loops repeat"),
    "triple loop inside a macro": ("{% macro m() %}" + LOOP + "{% endmacro %}{{ m() }}", "loops repeat"),
    "triple loop inside {% set %}": ("{% set t %}" + LOOP + "{% endset %}{{ t|length }}", "loops repeat"),
    "'x'.ljust(2000000000)": ("{{ 'x'.ljust(2000000000) }}", "too long"),
    "'x'.zfill(2000000000)": ("{{ 'x'.zfill(2000000000) }}", "too long"),
    "'x'.center(10**9)": ("{{ 'x'.center(10**9) }}", "too long"),
    "'x'.rjust(w), w = 10**9": ("{% set w = 10**9 %}{{ 'x'.rjust(w) }}", "too long"),
    "expandtabs(10**9)": ("{{ '\\t\\t'.expandtabs(1000000000) }}", "too long"),
    "9**64 squared 30 times": ("{% set n = 9**64 %}" + "{% set n = n*n %}" * 30 + "{{ n }}", "number"),
    "9**64 to the 2nd 30 times": ("{% set n = 9**64 %}" + "{% set n = n**2 %}" * 30 + "{{ n }}", "number"),
    "22 doublings with ~": ("{% set s = 'x'*10000 %}" + "{% set s = s ~ s %}" * 22 + "{{ s|length }}", "too long"),
    "22 doublings with +": ("{% set s = 'x'*10000 %}" + "{% set s = s + s %}" * 22 + "{{ s|length }}", "too long"),
    "list doublings": ("{% set s = ['x']*10000 %}" + "{% set s = s + s %}" * 22 + "{{ s|length }}", "too long"),
    "macro recursing through an argument": ("{% macro f(g) %}{{ g(g) }}{% endmacro %}{{ f(f) }}", "too deeply"),
    "chained replace('', ...)": ("{{ 'ab'" + ".replace('', 'xxxxxxxx')" * 12 + " }}", "too long"),
    "chained |replace('', ...)": ("{{ 'ab'" + "|replace('', 'xxxxxxxx')" * 12 + " }}", "too long"),
    "chained join": ("{% set s = 'xy' %}" + "{% set s = s.join(s) %}" * 12 + "{{ s|length }}", "too long"),
    "chained |join": ("{% set s = 'xy' %}" + "{% set s = s|join(s) %}" * 12 + "{{ s|length }}", "too long"),
    "[s]*10000 printed": ("{% set s = 'x'*10000 %}{{ [s]*10000 }}", "too long"),
    "nested literals": ("{% set a = ['x'*10000]*10 %}{% set b = [a,a,a,a,a,a,a,a,a,a] %}{{ [b,b,b,b,b] == [b] }}",
                        "too long"),
    "'%s%s' % (s, s) doublings": ("{% set s = 'x'*10000 %}" + "{% set s = '%s%s' % (s, s) %}" * 22, "too long"),
    "'{0}{0}'.format(s) doublings": ("{% set s = 'x'*10000 %}" + "{% set s = '{0}{0}'.format(s) %}" * 22,
                                     "too long"),
    "'{:>999999999}'.format(1)": ("{{ '{:>999999999}'.format(1) }}", "too long"),
    "'%999999999d' % 1": ("{{ '%999999999d' % 1 }}", "too long"),
    "(2).to_bytes(10**9)": ("{{ (2).to_bytes(1000000000, 'big')|length }}", "too long"),
    "round(x, 10**8, 'ceil')": ("{{ 1.5|round(100000000, 'ceil') }}", "number"),
    "wordwrap(1) with a long wrapstring": ("{{ ('x'*10000)|wordwrap(1, wrapstring='y'*10000) }}", "too long"),
    "translate into long texts": ("{{ ('a'*10000).translate({97: 'b'*10000}) }}", "too long"),
    "10,000 steps making 50,000 characters each": (
        "{% set s = 'x'*10000 %}{% set s = s ~ s ~ s ~ s ~ s %}{% for a in 'y'*10000 %}{% set t = s.upper() %}"
        "{% endfor %}", "too much text"),
    "output over the limit": ("{% set s = 'x'*10000 %}{% for a in 'abcdefghijk' %}{{ s }}{% endfor %}",
                              "filled-in text is too long"),
}


def _measured(body: str) -> tuple[str, int]:
    """What stopped ``body`` (the problem or the error), and the peak of Python allocations meanwhile."""
    tracemalloc.start()
    try:
        problems = validate(body)
        if problems:
            outcome = "refused: " + str(problems[0])
        else:
            try:
                outcome = "rendered: " + render(body, "en", CTX)[:80]
            except TemplateError as exc:
                outcome = f"stopped ({type(exc).__name__}): {exc.message}"
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("name", list(REFUSED))
def test_hostile_shapes_are_refused_when_checked(name: str) -> None:
    body, word = REFUSED[name]
    outcome, peak = _measured(body)
    assert outcome.startswith("refused: ") and word in outcome, outcome
    assert peak < PEAK_BYTES
    with pytest.raises(TemplateError, match=word):  # render() checks first, so it never runs them either
        render(body, "en", CTX)


@pytest.mark.parametrize("name", list(STOPPED))
def test_hostile_templates_stop_within_bounds_with_a_clear_message(name: str) -> None:
    body, word = STOPPED[name]
    outcome, peak = _measured(body)
    assert outcome.startswith("stopped (TemplateLimitError): ") and word in outcome, outcome
    assert "Traceback" not in outcome
    assert peak < PEAK_BYTES, f"{peak / 2**20:.1f} MiB"


def test_the_messages_are_in_the_users_language() -> None:
    from deskapp.core import i18n

    i18n.set_locale("fi")
    try:
        problem = validate("{% macro in_finnish() %}{{ in_finnish() }}{% endmacro %}")[0]
        with pytest.raises(TemplateLimitError) as caught:
            render("{{ 'fi'.ljust(2000000000) }}", "en", CTX)
    finally:
        i18n.set_locale(i18n.SOURCE_LOCALE)
    assert "makro" in problem.message.lower()
    assert caught.value.message and "The template" not in caught.value.message


def test_the_limits_are_exact_at_their_edges() -> None:
    assert render("{% for a in 'x'*10000 %}{% endfor %}ok", "en", CTX) == "ok"  # MAX_ITERATIONS steps
    with pytest.raises(TemplateLimitError, match="loops repeat"):
        render("{% for a in 'x'*10000 %}{% endfor %}{% for b in 'y' %}{% endfor %}", "en", CTX)
    assert limits.MAX_OUTPUT_CHARS == 10 * 10_000
    full = "{% set s = 'x'*10000 %}" + "{{ s }}" * 10
    assert len(render(full, "en", CTX)) == limits.MAX_OUTPUT_CHARS
    with pytest.raises(TemplateLimitError, match="filled-in text is too long"):
        render(full + "!", "en", CTX)
    counted = "{% macro f(g, n) %}{% if n %}{{ g(g, n - 1) }}{% else %}deep{% endif %}{% endmacro %}"
    assert render(counted + f"{{{{ f(f, {limits.MAX_CALL_DEPTH - 1}) }}}}", "en", CTX) == "deep"
    with pytest.raises(TemplateLimitError, match="too deeply"):
        render(counted + f"{{{{ f(f, {limits.MAX_CALL_DEPTH}) }}}}", "en", CTX)
    assert validate("{% for a in 'ab' %}{% for b in 'ab' %}{% for c in 'ab' %}{% endfor %}{% endfor %}"
                    "{% endfor %}") == []


def test_a_render_past_its_deadline_stops() -> None:
    with limits.bounded(seconds=-1), pytest.raises(TemplateLimitError, match="too long to fill in"):
        render("{% for a in 'ab' %}{{ a }}{% endfor %}", "en", CTX)


def test_the_deadline_counts_the_renders_processor_time_not_waiting() -> None:
    """A busy machine (a render waiting for the processor) does not make a template hostile."""
    budget = limits.Budget(0.05)
    time.sleep(0.1)  # waiting: no processor time used
    budget.check_time()
    with pytest.raises(TemplateLimitError, match="too long to fill in"):
        _work_until_stopped(budget)  # working: the deadline comes
    assert time.thread_time() > budget.deadline


def _work_until_stopped(budget: limits.Budget) -> None:
    while True:
        budget.check_time()


def test_a_huge_decimal_fill_in_is_refused_before_it_is_formatted() -> None:
    specs = parse_prompts([{"name": "amount", "type": "money", "label": {"en": "Amount"}}])
    with pytest.raises(InvalidInput):
        prompt_values(specs, {"amount": "1e999999"})
    assert prompt_values(specs, {"amount": "1 234,50"}) == {"amount": Decimal("1234.50")}
    with pytest.raises(TemplateLimitError):  # a context built without prompt_values: |int would take a minute
        render("{{ prompt.amount|int }}", "en", {**CTX, "prompt": {"amount": Decimal("1e999999")}})


def _reference(locale: str) -> SandboxedEnvironment:
    """Jinja's own sandbox with the same filters and settings, none of the limits: the behaviour before."""
    ours = environment(locale)
    env = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True,
                               finalize=lambda value: "" if value is None else value)
    env.globals.clear()
    env.filters.clear()
    env.filters.update({name: getattr(func, "__wrapped__", func) for name, func in ours.filters.items()})
    return env


EVERYDAY = [
    "Hei {{ customer.given_name | default(customer.display_name, true) }}, {{ prompt.day | date }}.",
    "{{ prompt.amount | money('EUR') }} / {{ prompt.amount | number }} / {{ today | date('short') }}",
    "{% for c in customer.family_name %}{{ loop.index }}{{ c | upper }}{% if not loop.last %}-{% endif %}"
    "{% endfor %}",
    "{% for w in ['a', 'b', 'c'] if w != 'b' %}{{ w }}{% else %}none{% endfor %}",
    "{% macro line(label, value) %}{{ label }}: {{ value }}{% endmacro %}{% macro box() %}[{{ caller() }}]"
    "{% endmacro %}{{ line('Case', case.reference) }} {% call box() %}{{ brand.name }}{% endcall %}",
    "{% set parts = [agent.given_name, brand.name] %}{{ parts | join(', ') }} {{ parts | length }}"
    " {{ parts | first }} {{ parts | last }}",
    "{% set d = {'a': 1, 'b': [1, 2]} %}{{ d['b'] }} {{ d.a }} {{ (1, 2) }} {{ d }}",
    "{{ '%s has %d cases, %.2f%%' % (customer.given_name, prompt.count, 12.5) }} {{ '%(n)s' % {'n': 'x'} }}",
    "{{ '{} / {:>8} / {:,}'.format(case.subject, brand.code, 1234567) }} {{ '{a}'.format_map({'a': 1}) }}",
    "{{ customer.family_name ~ ' (' ~ customer.account_number ~ ')' }} {{ 'ab' * 3 }} {{ 2 ** 10 }} {{ 7 // 2 }}"
    " {{ 7 % 3 }} {{ 1.5 + 2 }} {{ -prompt.count }} {{ prompt.amount * 2 }}",
    "{{ 'Hello world, this is a long line to wrap' | wordwrap(10) }}|{{ '  x ' | trim | capitalize }}|"
    "{{ 'a-b' | replace('-', '+') }}|{{ 'abcdef' | truncate(5, true, '') }}|{{ 'x y' | title }}",
    "{{ 3.14159 | round(2) }} {{ '42' | int + 1 }} {{ 2.5 | round(0, 'ceil') }} {{ [1, 2] | string }}",
    "{{ customer.display_name.split(' ') | join('+') }} {{ 'x'.ljust(5, '.') }}{{ 'x'.center(5) }}{{ '7'.zfill(3) }}",
    "{% filter upper %}shout {{ agent.given_name }}{% endfilter %}"
    "{% set block %}kept {{ case.subject }}{% endset %}{{ block }}",
    "{% with x = 1 %}{{ x }}{% endwith %}{% if prompt.note %}Note: {{ prompt.note }}{% endif %}\n",
]


@pytest.mark.parametrize("body", EVERYDAY)
@pytest.mark.parametrize("locale", ["en", "fi"])
def test_everyday_templates_render_exactly_as_without_the_limits(body: str, locale: str) -> None:
    assert validate(body) == []
    assert render(body, locale, CTX) == _reference(locale).from_string(body).render(**CTX)


def test_the_starter_library_renders_exactly_as_without_the_limits() -> None:
    import yaml

    library = yaml.safe_load(starter_text("responses.yaml"))["responses"]
    by_type = {"date": dt.date(2025, 3, 14), "money": Decimal("12.5"), "number": Decimal("1234567.891"), "text": "x"}
    rendered = 0
    for entry in library:
        here = {**CTX, "prompt": {p["name"]: by_type[p.get("type", "text")] for p in entry.get("prompts") or []}}
        for locale, variant in entry["variants"].items():
            body = variant["body"]
            assert render(body, locale, here) == _reference(locale).from_string(body).render(**here), entry["key"]
            rendered += 1
    assert rendered >= 160


def test_an_import_reports_the_recursive_entry_and_keeps_the_others(engine: Engine) -> None:
    deep = "{{ " + "(" * 100 + "1" + ")" * 100 + " }}"
    text = f"""format: deskapp-responses/1
responses:
  - key: good.one
    title: Good
    category: closing
    variants:
      en: {{title: Good, body: "Bye {{{{ customer.given_name }}}}"}}
  - key: deep.one
    title: Deep
    category: closing
    variants:
      en: {{title: Deep, body: "{deep}"}}
  - key: self.calling
    title: Recursive
    category: closing
    variants:
      en: {{title: Recursive, body: "{{% macro f() %}}{{{{ f() }}}}{{% endmacro %}}{{{{ f() }}}}"}}
"""
    with Session(engine) as session:
        result = import_responses(session, console(engine), text)
        keys = list(session.scalars(select(Response.key)))
    assert keys == ["good.one"]
    assert result.created == 1
    assert [(p.key, p.line) for p in result.problems] == [("deep.one", 8), ("self.calling", 13)]
    assert "nested too deeply" in result.problems[0].message
    assert "calls itself" in result.problems[1].message
