"""Size checks made *before* a C-level string method, filter or format runs (afterwards is too late).

Each check works out how long the result would be from the arguments (``'x'.ljust(10**9)`` is
10**9 characters) and refuses it over :data:`~deskapp.core.templating.limits.MAX_VALUE_SIZE`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import wraps
from string import Formatter
from typing import Any

from jinja2.sandbox import SandboxedEscapeFormatter, SandboxedFormatter

from deskapp.core.templating.limits import (
    MAX_ITERATIONS,
    MAX_VALUE_SIZE,
    check_operand,
    check_result,
    check_size,
    check_time,
    text_size,
    too_large,
    too_long,
)

_PADDING = frozenset({"center", "ljust", "rjust", "zfill"})
# Filters that turn their value into text first (so a value whose text would be huge is refused).
_STRINGIFYING = frozenset({"capitalize", "lower", "upper", "title", "trim", "replace", "truncate", "string",
                           "wordwrap"})
_MAX_ROUND_DIGITS = 300  # round(..., 'ceil') computes 10**precision in Python


def _arg(args: tuple[Any, ...], kwargs: Mapping[str, Any], index: int, name: str, default: Any = None) -> Any:
    return args[index] if len(args) > index else kwargs.get(name, default)


def before_call(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Check a call of a str/bytes/int method whose result size depends on its arguments.

    Returns:
        The positional arguments to call with (``join`` gets its items as a list, read once).

    Raises:
        TemplateLimitError: The result would be too long.
    """
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", "")
    check_operand(owner)
    if isinstance(owner, str | bytes | bytearray):
        return _text_method(owner, name, args, kwargs)
    if isinstance(owner, int) and name == "to_bytes":
        length = _arg(args, kwargs, 0, "length", 1)
        if isinstance(length, int):
            check_size(length)
    return args


def _text_method(owner: str | bytes | bytearray, name: str, args: tuple[Any, ...],
                 kwargs: Mapping[str, Any]) -> tuple[Any, ...]:
    size = len(owner)
    if name in _PADDING:
        width = _arg(args, kwargs, 0, "width")
        if isinstance(width, int):
            check_size(width)
    elif name == "expandtabs":
        tabsize = _arg(args, kwargs, 0, "tabsize", 8)
        if isinstance(tabsize, int):
            tab = "\t" if isinstance(owner, str) else b"\t"
            # owner is str or bytes and tab the same type; mypy cannot tie the two together.
            check_size(size + owner.count(tab) * max(tabsize, 0))  # type: ignore[arg-type]
    elif name == "replace" and len(args) >= 2:
        check_size(replaced_size(owner, args[0], args[1], _arg(args, kwargs, 2, "count", -1)))
    elif name == "join" and args:
        items = list(args[0]) if not isinstance(args[0], list) else args[0]
        sizes = sum(len(item) if isinstance(item, str | bytes | bytearray) else 0 for item in items)
        check_size(sizes + size * max(len(items) - 1, 0))
        return (items, *args[1:])
    elif name == "translate" and isinstance(owner, str) and args:
        table = args[0]
        values = table.values() if isinstance(table, Mapping) else table if isinstance(table, list | tuple) else ()
        longest = max((len(v) for v in values if isinstance(v, str)), default=1)
        check_size(size * max(longest, 1))
    elif name == "encode":
        check_size(4 * size if str(_arg(args, kwargs, 0, "encoding", "utf-8")).lower().startswith("utf")
                   else 10 * size)
    elif name == "hex":
        check_size(3 * size)
    return args


def replaced_size(text: Any, old: Any, new: Any, count: Any) -> int:
    """How long ``text.replace(old, new, count)`` would be (``old`` empty inserts between every character)."""
    if not (isinstance(old, type(text)) and isinstance(new, type(text))):
        return len(text)
    hits = len(text) + 1 if not old else text.count(old)
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * max(len(new) - len(old), 0)


def bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` (a filter) with its result size checked before (where it can be) and after it runs."""
    value_at = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0
    check = _FILTER_CHECKS.get(name)

    @wraps(func)  # keeps jinja_pass_arg, so Jinja still passes the environment or eval context
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        check_time()
        if len(args) > value_at:
            check_operand(args[value_at])
            if name in _STRINGIFYING:
                check_size(text_size(args[value_at]))
            if check is not None:
                args = args[:value_at] + check(args[value_at:], kwargs)
        return check_result(func(*args, **kwargs))

    return wrapper


def _check_replace(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> tuple[Any, ...]:
    if len(args) >= 3:
        count = _arg(args, kwargs, 3, "count")
        check_size(replaced_size(str(args[0]), str(args[1]), str(args[2]), -1 if count is None else count))
    return args


def _check_join(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> tuple[Any, ...]:
    items = list(args[0])
    separator = _arg(args, kwargs, 1, "d", "")
    per_item = 200 if _arg(args, kwargs, 2, "attribute") is not None else 0  # an attribute's text: short
    total = text_size(separator) * max(len(items) - 1, 0)
    for item in items:
        total += text_size(item, MAX_VALUE_SIZE) + per_item
        check_size(total)
    return (items, *args[1:])


def _check_wordwrap(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> tuple[Any, ...]:
    text = args[0]
    width = _arg(args, kwargs, 1, "width", 79)
    wrapstring = _arg(args, kwargs, 3, "wrapstring") or "\n"
    if isinstance(text, str) and isinstance(width, int) and width > 0:
        lines = len(text) // width + text.count("\n") + 1
        if lines > MAX_ITERATIONS:  # textwrap works line by line in Python: this many lines is a loop
            raise too_long()
        check_size(len(text) + lines * text_size(wrapstring))
    return args


def _check_round(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> tuple[Any, ...]:
    precision = _arg(args, kwargs, 1, "precision", 0)
    if isinstance(precision, int) and abs(precision) > _MAX_ROUND_DIGITS:
        raise too_large()
    return args


_FILTER_CHECKS: dict[str, Callable[[tuple[Any, ...], Mapping[str, Any]], tuple[Any, ...]]] = {
    "replace": _check_replace, "join": _check_join, "wordwrap": _check_wordwrap, "round": _check_round}

_DIGITS = re.compile(r"\d+")


class _BoundedFields(Formatter):
    """``str.format`` that checks each field's width and the text made so far."""

    made = 0

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        check_size(text_size(value) * (10 if conversion in {"r", "a"} else 1))
        return super().convert_field(value, conversion)

    def format_field(self, value: Any, format_spec: str) -> Any:
        check_time()
        widths = [int(d) if len(d) < 10 else MAX_VALUE_SIZE + 1 for d in _DIGITS.findall(format_spec)]
        check_size(max([text_size(value), *widths]))
        text = super().format_field(value, format_spec)
        self.made += len(text)
        check_size(self.made)
        return text


class BoundedFormatter(_BoundedFields, SandboxedFormatter):
    """The sandbox's formatter for plain text, bounded."""


class BoundedEscapeFormatter(_BoundedFields, SandboxedEscapeFormatter):
    """The sandbox's formatter for markup (inside ``{% autoescape %}``), bounded."""
