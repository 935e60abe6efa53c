"""The sandboxed Jinja2 environment that renders responses and script texts.

Templates are plain text (no autoescape). Supervisors write them, reps render them many times a
call, so three things matter: a template can never reach Python internals (sandbox, no globals,
underscore names refused), formatting follows the *variant's* language rather than the rep's UI
language (one environment per locale, its filters bound to that locale), and a value that is
missing at render time fails loudly (``StrictUndefined``) unless the template itself says what to
write instead with ``default()``. Empty values ("" or ``None``) render as nothing; write
``default(other, true)`` to replace them.

Rendering is bounded in time, memory and output (see :mod:`.limits` for what bounds what): the
sandbox's hooks (operators, calls, ``str.format``), the filters, and the code generator's hooks
(loops, ``~``, literals, every output) check sizes before building and a deadline as they go.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache, update_wrapper
from typing import Any

from jinja2 import StrictUndefined, Template, Undefined
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment
from markupsafe import Markup

from deskapp.core.i18n import later, normalise_locale
from deskapp.core.i18n.formatting import format_date, format_money, format_number, format_time
from deskapp.core.templating.codegen import BoundedCodeGenerator
from deskapp.core.templating.guards import BoundedEscapeFormatter, BoundedFormatter, before_call, bounded_filter
from deskapp.core.templating.limits import (
    MAX_INT_BITS,
    MAX_OUTPUT_CHARS,
    MAX_POWER,
    MAX_REPEAT,
    TemplateError,
    TemplateLimitError,
    bounded,
    charge,
    check_decimal,
    check_operand,
    check_result,
    check_size,
    check_time,
    one_call_deeper,
    printf_size,
    steps,
    text_size,
    too_large,
)

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


class _BoundedTemplate(Template):
    """A template whose every render runs under a fresh budget (see :mod:`.limits`)."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Render under :func:`~deskapp.core.templating.limits.bounded` (output capped by ``concat``)."""
        with bounded():
            return super().render(*args, **kwargs)


def _bounded_concat(pieces: Iterable[str]) -> str:
    # Jinja joins every output buffer (the whole text, a macro's body, a {% set %} block) through
    # environment.concat: reading the pieces with a running total stops before a huge join.
    parts = []
    total = 0
    for piece in pieces:
        total += len(piece)
        if total > MAX_OUTPUT_CHARS:
            raise TemplateLimitError(later("The filled-in text is too long (more than {limit} characters).",
                                           limit=MAX_OUTPUT_CHARS))
        parts.append(piece)
    return "".join(parts)


def _bounded_join(join: Callable[[Iterable[Any]], str], parts: tuple[Any, ...]) -> str:
    check_time()
    check_size(sum(len(p) if isinstance(p, str) else text_size(p) for p in parts))
    # check_result returns what it is given (Any, to bound any value); here that is join's str.
    return check_result(join(parts))  # type: ignore[no-any-return]


class _Sandbox(ImmutableSandboxedEnvironment):
    """Refuses internals, changing lists or dicts in place, and anything that would hang or fill memory.

    Jinja's immutable sandbox does the first two; operators, calls, ``str.format``, filters, loops
    and output are bounded here and in the code generator (see :mod:`.limits`).
    """

    code_generator_class = BoundedCodeGenerator
    template_class = _BoundedTemplate
    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    bounded_steps = staticmethod(steps)
    bounded_join = staticmethod(_bounded_join)
    bounded_value = staticmethod(check_result)

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        """Check the size of what an operator would make, then make it."""
        check_time()
        check_operand(left)
        check_operand(right)
        if operator_name == "**":
            _check_power(left, right)
        elif operator_name == "*":
            _check_product(left, right)
        elif operator_name == "+" and isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
            check_size(text_size(left) + text_size(right))
        elif operator_name == "%" and isinstance(left, str | bytes):
            check_size(printf_size(str(left), right))
        return check_result(self.binop_table[operator_name](left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Call ``__obj`` one level deeper, with its result's size checked before and after."""
        if not __self.is_safe_callable(__obj):
            raise SecurityError(f"{__obj!r} is not safely callable")
        args = before_call(__obj, args, kwargs)
        with one_call_deeper():
            result = __context.call(__obj, *args, **kwargs)
        return check_result(result)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` / ``format_map`` through a formatter that bounds every field (see guards)."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        text: str = value.__self__
        format_map = value.__name__ == "format_map"

        def bounded_format(*args: Any, **kwargs: Any) -> str:
            if format_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                kwargs = args[0]
                args = ()
            formatter = (BoundedEscapeFormatter(self, escape=text.escape) if isinstance(text, Markup)
                         else BoundedFormatter(self))
            return type(text)(formatter.vformat(text, args, kwargs))

        return update_wrapper(bounded_format, value)


_SEQUENCES = (str, bytes, bytearray, list, tuple)


def _check_power(base: Any, exponent: Any) -> None:
    # abs() of a Decimal is a Decimal, which mypy will not compare with an int; Python does.
    if isinstance(exponent, int | float | Decimal) and abs(exponent) > MAX_POWER:  # type: ignore[operator]
        raise too_large()
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 \
            and base.bit_length() * exponent > MAX_INT_BITS:
        raise too_large()


def _check_product(left: Any, right: Any) -> None:
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, _SEQUENCES) and isinstance(count, int):
            if count * len(seq) > MAX_REPEAT:
                raise TemplateLimitError(later("The template repeats text too many times."))
            check_size(count * text_size(seq))
    if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
        raise too_large()


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
        raise TemplateError(later("“{value}” is not a date. Write it as YYYY-MM-DD, e.g. 2025-03-14.",
                                  value=value)) from None


def as_decimal(value: Any) -> Decimal:
    """``value`` as a Decimal; text may use a decimal comma and spaces ("1 234,50")."""
    if isinstance(value, bool):
        raise TemplateError(later("“{value}” is not a number.", value=value))
    if isinstance(value, Decimal):
        check_decimal(value)
        return value
    if isinstance(value, int):
        check_decimal(Decimal(value))
        return Decimal(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise TemplateError(later("“{value}” is not a number.", value=value)) from None
    if not number.is_finite():
        raise TemplateError(later("“{value}” is not a number.", value=value))
    check_decimal(number)  # 1e999999 is a number, but turning it into digits takes minutes
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
                raise TemplateError(later("“{value}” is not a time of day. Write it as HH:MM, e.g. 14:30.",
                                          value=value)) from None
        return format_time(value, locale, width)

    def number_filter(value: Any) -> str:
        _check_defined(value)
        return "" if _blank(value) else format_number(as_decimal(value), locale)

    def money_filter(value: Any, currency: str = "EUR") -> str:
        _check_defined(value)
        return "" if _blank(value) else format_money(as_decimal(value), str(currency), locale)

    return {"date": date_filter, "time": time_filter, "number": number_filter, "money": money_filter}


def _finalize(value: Any) -> Any:
    # Every {{ value }} passes here before str(): its text is measured first and counted.
    if value is None:
        return ""
    size = len(value) if isinstance(value, str) else text_size(value, MAX_OUTPUT_CHARS)
    if size > MAX_OUTPUT_CHARS:
        raise TemplateLimitError(later("The filled-in text is too long (more than {limit} characters).",
                                       limit=MAX_OUTPUT_CHARS))
    charge(size + 1)
    return value


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
    env.filters.update({name: bounded_filter(name, func) for name, func in env.filters.items()})
    # Jinja's documented hook for ~ joins is this attribute; assigning a method is the way to use it.
    env.concat = _bounded_concat  # type: ignore[method-assign]
    return env


@lru_cache(maxsize=512)
def compiled(locale: str, body: str) -> Template:
    """``body`` compiled for ``locale`` (cached: a panel re-renders the same text on every keystroke)."""
    return environment(locale).from_string(body)


FILTER_NAMES: frozenset[str] = frozenset(_KEPT_FILTERS + OUR_FILTERS)
