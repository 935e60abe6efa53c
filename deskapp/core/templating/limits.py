"""How much a template may cost: the limits, the per-render budget, and size estimates made before building.

What bounds what. When a template is checked (saved, imported), ``checks.validate`` refuses what
its shape shows: more than :data:`MAX_TEMPLATE_CHARS`, nesting deeper than :data:`MAX_NESTING`
(also when Jinja's parser runs out of stack), loops nested deeper than :data:`MAX_LOOP_NESTING`,
recursive loops, macros calling themselves, quoted texts over :data:`MAX_LITERAL_CHARS` and numbers
over :data:`MAX_INT_BITS`. While it renders, in this process:

* **Size**: no string, bytes, list or dict is made larger than :data:`MAX_VALUE_SIZE` by an operator,
  a method, a filter, ``str.format``/``%`` or a literal; the size is worked out from the arguments
  *before* the C-level operation runs (``'x'.ljust(10**9)``, ``s.replace('', t)``, ``s * n``). Lists
  and dicts are measured as their text (shared items counted each time), so printing or comparing
  one is bounded too. Integers stay under :data:`MAX_INT_BITS`, decimals under :data:`MAX_NUMBER_DIGITS`.
  Lists and dicts cannot be changed in place (Jinja's immutable sandbox): no cycles, no growth.
* **Output**: every join of output (the whole text, a macro's body, a ``{% set %}`` or filter block)
  reads its pieces with a running total and stops at :data:`MAX_OUTPUT_CHARS`.
* **Work**: all of the above together may make at most :data:`MAX_WORK` characters or items.
* **Loops**: at most :data:`MAX_ITERATIONS` steps in all loops of one render together.
* **Recursion**: at most :data:`MAX_CALL_DEPTH` calls inside calls (macros passed as values,
  ``caller()``, ``self.block()``).
* **Time**: every hook checks a deadline of :data:`RENDER_SECONDS` of the rendering thread's CPU
  time. Between two hooks runs one C-level operation or one filter (Babel, textwrap) whose inputs
  the size limits already bound, so it is short: no separate render process is needed for the
  cases known (see bench/template_limits.py). CPU time, not the wall clock: a template's cost does
  not depend on how busy the machine is, so a render that waits for the processor (50 reps' worth
  of load on one server, bench/team_load.py) is not stopped as if the template were hostile.

The budget lives in a context variable set by :func:`bounded` for one render on one thread; the
environment's ``Template.render`` always opens one. Code that runs without one (Jinja folding
constants while compiling, ``Template.generate``) still gets every size limit, not the others.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator, Mapping, Set
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from deskapp.core.errors import DeskappError
from deskapp.core.i18n import _, later

MAX_OUTPUT_CHARS = 100_000
"""The longest text one render may produce (also any macro's or block's output)."""
MAX_VALUE_SIZE = 100_000
"""The longest string, bytes or list (measured as its text) an operation may produce."""
MAX_WORK = 5_000_000
"""Characters and items that all hooked operations of one render may produce together."""
MAX_ITERATIONS = 10_000
"""Loop steps of one render, all loops together (nested loops multiply quickly)."""
MAX_CALL_DEPTH = 16
"""Calls inside calls (a macro calling a macro ...)."""
MAX_INT_BITS = 8192
"""The largest integer a template may compute (about 2,466 digits)."""
MAX_NUMBER_DIGITS = 60
"""Decimals (money, numbers) stay within 10**60 and 10**-60 and at most this many digits."""
RENDER_SECONDS = 1.0
"""Processor time (of the rendering thread) one render may take."""
MAX_POWER = 64
"""The largest exponent of ``**``."""
MAX_REPEAT = 10_000
"""The most items ``text * n`` or ``list * n`` may make."""
MAX_CONTAINER_DEPTH = 50
"""Lists inside lists a value may have (deeper values are refused before Python recurses)."""

# Refused when a template is checked (saved or imported), before it ever runs:
MAX_TEMPLATE_CHARS = 50_000
"""The longest template text."""
MAX_NESTING = 40
"""How deeply a template's parts may nest (tags in tags, filters on filters ...)."""
MAX_LOOP_NESTING = 3
"""Loops inside loops."""
MAX_LITERAL_CHARS = 10_000
"""The longest quoted text in a template's code."""


class TemplateError(DeskappError):
    """A template cannot be used or cannot be rendered; the message says where and why."""


class TemplateLimitError(TemplateError):
    """Rendering stopped because the template went past one of the limits above."""


def too_long() -> TemplateLimitError:
    """The error for a value or text over its size limit."""
    return TemplateLimitError(_("The template makes a text or list that is too long (more than {limit} "
                                "characters).").format(limit=MAX_VALUE_SIZE))


def too_large() -> TemplateLimitError:
    """The error for a number over :data:`MAX_INT_BITS` (or a power over ``MAX_POWER``)."""
    return TemplateLimitError(_("The template computes a number that is too large."))


class Budget:
    """What one render has used so far."""

    __slots__ = ("deadline", "depth", "iterations", "work")

    def __init__(self, seconds: float) -> None:
        """Start a budget that ends after ``seconds`` more of this thread's CPU time."""
        self.deadline = time.thread_time() + seconds
        self.iterations = 0
        self.depth = 0
        self.work = 0

    def check_time(self) -> None:
        """Raise once the deadline has passed."""
        if time.thread_time() > self.deadline:
            raise TemplateLimitError(later("The template takes too long to fill in (more than {seconds} seconds).",
                                           seconds=RENDER_SECONDS))

    def step(self) -> None:
        """Count one loop step."""
        self.iterations += 1
        if self.iterations > MAX_ITERATIONS:
            raise TemplateLimitError(later("The template's loops repeat too many times (more than {limit} steps "
                                           "in all).", limit=MAX_ITERATIONS))
        self.check_time()

    def charge(self, size: int) -> None:
        """Count ``size`` characters or items made."""
        self.work += size
        if self.work > MAX_WORK:
            raise TemplateLimitError(later("The template makes too much text while it is filled in."))
        self.check_time()


_ACTIVE: ContextVar[Budget | None] = ContextVar("deskapp_template_budget", default=None)


@contextmanager
def bounded(seconds: float = RENDER_SECONDS) -> Iterator[Budget]:
    """Run a render under a fresh budget (or the one already running, for a render inside a render)."""
    running = _ACTIVE.get()
    if running is not None:
        yield running
        return
    budget = Budget(seconds)
    token = _ACTIVE.set(budget)
    try:
        yield budget
    finally:
        _ACTIVE.reset(token)


def check_time() -> None:
    """Raise if the running render is past its deadline."""
    budget = _ACTIVE.get()
    if budget is not None:
        budget.check_time()


def charge(size: int) -> None:
    """Count work done by the running render."""
    budget = _ACTIVE.get()
    if budget is not None:
        budget.charge(size)


def steps(iterable: Any) -> Iterator[Any]:
    """``iterable``, counting each step against the running render's loop budget."""
    budget = _ACTIVE.get()
    for item in iterable:
        if budget is not None:
            budget.step()
        yield item


@contextmanager
def one_call_deeper() -> Iterator[None]:
    """Count a call nested in the calls already running."""
    budget = _ACTIVE.get()
    if budget is None:
        yield
        return
    budget.check_time()
    if budget.depth >= MAX_CALL_DEPTH:
        raise TemplateLimitError(later("The template's macros call each other too deeply (more than {limit} "
                                       "levels).", limit=MAX_CALL_DEPTH))
    budget.depth += 1
    try:
        yield
    finally:
        budget.depth -= 1


def text_size(value: Any, limit: int = MAX_VALUE_SIZE) -> int:
    """An upper bound of ``len(str(value))``, found without building the text; stops once past ``limit``.

    Items inside lists, tuples and dicts count as their ``repr`` would (quotes, escapes), so the
    same number also bounds how long comparing or printing the value can take.
    """
    total = 0
    stack: list[tuple[Any, bool, int]] = [(value, False, 0)]
    while stack:
        item, nested, depth = stack.pop()
        if depth > MAX_CONTAINER_DEPTH:
            return limit + 1
        if isinstance(item, str):
            total += _nested_str(item) if nested else len(item)
        elif isinstance(item, bytes | bytearray):
            total += 4 * len(item) + 14
        elif isinstance(item, bool) or item is None:
            total += 5
        elif isinstance(item, int):
            total += item.bit_length() * 3 // 10 + 3
        elif isinstance(item, Decimal):  # format(d, "f") writes out the exponent's zeros
            exponent = item.as_tuple().exponent
            total += len(item.as_tuple().digits) + (abs(exponent) if isinstance(exponent, int) else 0) + 30
        elif isinstance(item, float | dt.date | dt.time):
            total += 120
        elif isinstance(item, Mapping):
            total += 2 + 4 * len(item)
            stack.extend((part, True, depth + 1) for pair in item.items() for part in pair)
        elif isinstance(item, list | tuple | Set):
            total += 2 + 4 * len(item)
            stack.extend((part, True, depth + 1) for part in item)
        else:  # macros, loop contexts, methods: short fixed reprs
            total += 200
        if total > limit:
            return total
    return total


def _nested_str(text: str) -> int:
    if text.isprintable():
        return len(text) + 2 + text.count("\\") + text.count("'")
    return 10 * len(text) + 2  # \U0001xxxx is the longest escape


def check_size(size: int, limit: int = MAX_VALUE_SIZE) -> None:
    """Refuse to build something of ``size`` (characters or items) over ``limit``."""
    if size > limit:
        raise too_long()


def check_result(value: Any) -> Any:
    """Refuse a value over the size or number limits (after a C-level call); otherwise count and return it."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if value.bit_length() > MAX_INT_BITS:
            raise too_large()
        return value
    if isinstance(value, Decimal):
        check_decimal(value)
        return value
    if isinstance(value, str | bytes | bytearray | list | tuple | Mapping | Set):
        size = text_size(value)
        check_size(size)
        charge(size)
    return value


def check_operand(value: Any) -> None:
    """Refuse a decimal operand whose conversion would be slow (``int(Decimal("1e999999"))`` takes a minute)."""
    if isinstance(value, Decimal):
        check_decimal(value)


def check_decimal(value: Decimal) -> None:
    """Refuse a decimal too large, too small or too long for :data:`MAX_NUMBER_DIGITS`."""
    if value.is_finite() and value and (abs(value.adjusted()) > MAX_NUMBER_DIGITS
                                        or len(value.as_tuple().digits) > MAX_NUMBER_DIGITS):
        raise too_large()


_PRINTF = re.compile(r"%(?:\(([^)]*)\))?[#0 +-]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.?)", re.DOTALL)


def printf_size(template: str, args: Any) -> int:
    """An upper bound of ``len(template % args)`` (``%`` formatting), without formatting."""
    positional = list(args) if isinstance(args, tuple) else [args]
    used = 0
    total = len(template)
    for match in _PRINTF.finditer(template):
        key, width, precision, conversion = match.groups()
        if conversion == "%":
            continue
        widths = []
        for part in (width, precision):
            if part == "*":
                given = positional[used] if used < len(positional) else 0
                used += 1
                widths.append(abs(given) if isinstance(given, int) else 0)
            elif part:
                widths.append(int(part) if len(part) < 10 else MAX_VALUE_SIZE + 1)
        if key is not None:
            value = args.get(key) if isinstance(args, Mapping) else None
        else:
            value = positional[used] if used < len(positional) else None
            used += 1
        size = text_size(value, MAX_VALUE_SIZE)
        if conversion in {"r", "a"}:
            size = 10 * size + 2
        total += max([size, *widths]) + 32
        if total > MAX_VALUE_SIZE:
            return total
    return total
