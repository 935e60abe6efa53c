"""The sandboxed Jinja2 environment that renders responses and script texts.

Templates are plain text (no autoescape). Supervisors write them, reps render them many times a
call, so three things matter: a template can never reach Python internals (sandbox, no globals,
underscore names refused), formatting follows the *variant's* language rather than the rep's UI
language (one environment per locale, its filters bound to that locale), and a value that is
missing at render time fails loudly (``StrictUndefined``) unless the template itself says what to
write instead with ``default()``. Empty values ("" or ``None``) render as nothing; write
``default(other, true)`` to replace them.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, Undefined
from jinja2.sandbox import SandboxedEnvironment

from deskapp.core.errors import DeskappError
from deskapp.core.i18n import _, normalise_locale
from deskapp.core.i18n.formatting import format_date, format_money, format_number, format_time

# Names a template may use, with the attributes each offers; ``None`` means any attribute name
# (``prompt.<name>`` are the response's fill-ins, declared per response).
VARIABLES: Mapping[str, frozenset[str] | None] = {
    "customer": frozenset({"given_name", "family_name", "display_name", "account_number", "organisation",
                           "preferred_locale"}),
    "agent": frozenset({"given_name", "display_name"}),
    "case": frozenset({"reference", "subject"}),
    "brand": frozenset({"name", "code"}),
    "today": frozenset({"year", "month", "day"}),
    "prompt": None,
}

# Jinja's own filters that make sense in plain text; the rest (html, urls, random, pprint) are left out.
_KEPT_FILTERS = ("default", "d", "capitalize", "lower", "upper", "title", "trim", "replace", "truncate",
                 "join", "first", "last", "length", "round", "int", "string", "wordwrap")
OUR_FILTERS = ("date", "time", "number", "money")
MAX_POWER = 64
MAX_REPEAT = 10_000


class TemplateError(DeskappError):
    """A template cannot be used or cannot be rendered; the message says where and why."""


class _Sandbox(SandboxedEnvironment):
    """Refuses internals (Jinja's sandbox) and also arithmetic that would hang or fill memory."""

    intercepted_binops = frozenset({"**", "*"})

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**":
            if isinstance(right, int | float) and abs(right) > MAX_POWER:
                raise TemplateError(_("The template computes a number that is too large."))
            return operator.pow(left, right)
        if operator_name == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(count, int) and count * len(seq) > MAX_REPEAT:
                    raise TemplateError(_("The template repeats text too many times."))
            return operator.mul(left, right)
        return super().call_binop(context, operator_name, left, right)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_defined(value: Any) -> None:
    if isinstance(value, Undefined):
        str(value)  # StrictUndefined raises UndefinedError, which render() reports by name


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise TemplateError(_("“{value}” is not a date. Write it as YYYY-MM-DD, e.g. 2025-03-14.")
                            .format(value=value)) from None


def as_decimal(value: Any) -> Decimal:
    """``value`` as a Decimal; text may use a decimal comma and spaces ("1 234,50")."""
    if isinstance(value, bool):
        raise TemplateError(_("“{value}” is not a number.").format(value=value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise TemplateError(_("“{value}” is not a number.").format(value=value)) from None
    if not number.is_finite():
        raise TemplateError(_("“{value}” is not a number.").format(value=value))
    return number


def _filters(locale: str) -> dict[str, Callable[..., str]]:
    def date_filter(value: Any, width: str = "long") -> str:
        _check_defined(value)
        return "" if _blank(value) else format_date(_as_date(value), locale, width)

    def time_filter(value: Any, width: str = "short") -> str:
        _check_defined(value)
        if _blank(value):
            return ""
        if not isinstance(value, dt.time | dt.datetime):
            try:
                value = dt.time.fromisoformat(str(value).strip())
            except ValueError:
                raise TemplateError(_("“{value}” is not a time of day. Write it as HH:MM, e.g. 14:30.")
                                    .format(value=value)) from None
        return format_time(value, locale, width)

    def number_filter(value: Any) -> str:
        _check_defined(value)
        return "" if _blank(value) else format_number(as_decimal(value), locale)

    def money_filter(value: Any, currency: str = "EUR") -> str:
        _check_defined(value)
        return "" if _blank(value) else format_money(as_decimal(value), str(currency), locale)

    return {"date": date_filter, "time": time_filter, "number": number_filter, "money": money_filter}


def _finalize(value: Any) -> Any:
    return "" if value is None else value


@lru_cache(maxsize=8)
def environment(locale: str = "en") -> SandboxedEnvironment:
    """The sandbox whose ``date``/``time``/``number``/``money`` filters format in ``locale``."""
    code = normalise_locale(locale) or "en"
    env = _Sandbox(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True, finalize=_finalize)
    env.globals.clear()  # no range, cycler, joiner, lipsum, namespace, dict: nothing to climb out through
    kept = {name: env.filters[name] for name in _KEPT_FILTERS}
    env.filters.clear()
    env.filters.update(kept)
    env.filters.update(_filters(code))
    return env


@lru_cache(maxsize=512)
def compiled(locale: str, body: str) -> Template:
    """``body`` compiled for ``locale`` (cached: a panel re-renders the same text on every keystroke)."""
    return environment(locale).from_string(body)


FILTER_NAMES: frozenset[str] = frozenset(_KEPT_FILTERS + OUR_FILTERS)
