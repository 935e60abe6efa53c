"""Check a template before it is saved: syntax, names, filters, and which fill-ins it asks for.

Validation is strict where rendering is forgiving: a name or filter that does not exist is an
error here (with its line), so a typo is caught when a supervisor saves, not when a rep is on a call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import TemplateSyntaxError, meta, nodes
from jinja2.exceptions import TemplateAssertionError

from deskapp.core.i18n import _
from deskapp.core.templating.complexity import nested_too_deeply, shape_problems, too_deep
from deskapp.core.templating.environment import FILTER_NAMES, VARIABLES, environment
from deskapp.core.templating.limits import MAX_NESTING, MAX_TEMPLATE_CHARS

# Problem kinds (stable codes, for callers that react to a kind; the message is for people).
SYNTAX = "syntax"
UNKNOWN_VARIABLE = "unknown_variable"
UNKNOWN_ATTRIBUTE = "unknown_attribute"
UNKNOWN_FILTER = "unknown_filter"
UNKNOWN_PROMPT = "unknown_prompt"
FORBIDDEN = "forbidden"
TOO_COMPLEX = "too_complex"

_FORBIDDEN_NODES = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    """One thing wrong with a template, with the line it is on (1-based) when known."""

    kind: str
    message: str
    line: int | None = None
    name: str | None = None

    def __str__(self) -> str:
        """The message with its line, as one line for a list of problems."""
        if self.line is None:
            return self.message
        return _("line {line}: {message}").format(line=self.line, message=self.message)


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    """What a template uses: its problems, the fill-ins (prompt names) and the other variables."""

    problems: tuple[TemplateProblem, ...]
    prompts: tuple[str, ...]
    variables: tuple[str, ...]


def validate(body: str, prompts: Iterable[str] | None = None) -> list[TemplateProblem]:
    """The problems of ``body``, first line first; an empty list means it can be saved.

    Args:
        body: The template text.
        prompts: The fill-ins the response declares; ``None`` accepts any ``prompt.<name>``.

    Returns:
        Syntax errors (with line), unknown variables, attributes, filters and fill-ins,
        anything the sandbox would refuse (underscore names, include/import/extends), and shapes
        that could exhaust the computer (too long or deep, loops nested too deeply, recursion,
        huge literals; see :mod:`.complexity`).
    """
    return list(inspect(body, prompts).problems)


def prompt_names(body: str) -> list[str]:
    """The fill-ins ``body`` uses (``prompt.<name>``), in order of first use; [] if it does not parse."""
    return list(inspect(body).prompts)


def inspect(body: str, prompts: Iterable[str] | None = None) -> TemplateInfo:
    """Validate ``body`` and discover its placeholders (see :func:`validate`)."""
    return _inspect(body, None if prompts is None else tuple(sorted(set(prompts))))


_TAGS = re.compile(r"\{[{%](.*?)[%}]\}", re.DOTALL)


def _bracket_depth(body: str) -> int:
    """The deepest nesting of brackets inside the template's tags and expressions."""
    deepest = 0
    for tag in _TAGS.finditer(body):
        depth = 0
        for char in tag.group(1):
            if char in "([{":
                depth += 1
                deepest = max(deepest, depth)
            elif char in ")]}":
                depth -= 1
    return deepest


@lru_cache(maxsize=1024)  # render() checks every time; the library's texts are few and repeat
def _inspect(body: str, prompts: tuple[str, ...] | None) -> TemplateInfo:
    if len(body) > MAX_TEMPLATE_CHARS:
        return _refused(_("The template is too long: at most {limit} characters.").format(limit=MAX_TEMPLATE_CHARS))
    if _bracket_depth(body) > MAX_NESTING:
        # Refused before Jinja's parser recurses into it: at Python's recursion limit, Python 3.12
        # also reports an error from closing the lexer's generator on stderr ("Exception ignored").
        return _refused(nested_too_deeply())
    env = environment()
    try:
        tree = env.parse(body)
    except TemplateSyntaxError as exc:
        return TemplateInfo((TemplateProblem(SYNTAX, _syntax_message(exc), exc.lineno),), (), ())
    except RecursionError:  # brackets in brackets: Jinja's parser recurses per level
        return _refused(nested_too_deeply())
    except ValueError:  # the lexer converting a number of thousands of digits
        return _refused(_("A number written in the template is too large."))
    deep, line = too_deep(tree)
    if deep:  # the walks below and the compiler recurse: stop here
        return _refused(nested_too_deeply(), line)
    declared = None if prompts is None else set(prompts)
    problems = [TemplateProblem(TOO_COMPLEX, message, at) for message, at in shape_problems(tree)]
    used_prompts: dict[str, None] = {}
    undeclared = _undeclared(tree)
    variables = [name for name in _names_in_order(tree) if name in undeclared]
    for name in variables:
        if name not in VARIABLES:
            problems.append(TemplateProblem(
                UNKNOWN_VARIABLE,
                _("“{name}” is not a variable you can use here. Use one of: {names}.")
                .format(name=name, names=", ".join(VARIABLES)),
                _first_line(tree, name), name))
    for access in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(access, nodes.Getattr | nodes.Getitem):
            problems.extend(_check_access(access, undeclared, used_prompts, declared))
    for filter_node in tree.find_all(nodes.Filter):
        if filter_node.name not in FILTER_NAMES:
            problems.append(TemplateProblem(
                UNKNOWN_FILTER,
                _("There is no filter “{name}”. Use one of: {names}.")
                .format(name=filter_node.name, names=", ".join(sorted(FILTER_NAMES))),
                filter_node.lineno, filter_node.name))
    for statement in tree.find_all(_FORBIDDEN_NODES):
        problems.append(TemplateProblem(
            FORBIDDEN, _("Templates cannot include, import or extend other templates."), statement.lineno))
    if not problems:
        try:  # what the walk above does not cover (unknown tests, bad assignments) fails here
            env.compile(tree)
        except (TemplateAssertionError, TemplateSyntaxError) as exc:
            problems.append(TemplateProblem(SYNTAX, _syntax_message(exc), exc.lineno))
        except (RecursionError, MemoryError, SyntaxError):  # Python compiling the generated code
            problems.append(TemplateProblem(TOO_COMPLEX, _("The template is too complex to be checked.")))
    problems.sort(key=lambda p: (p.line or 0))
    return TemplateInfo(tuple(problems), tuple(used_prompts),
                        tuple(name for name in variables if name in VARIABLES))


def _refused(message: str, line: int | None = None) -> TemplateInfo:
    return TemplateInfo((TemplateProblem(TOO_COMPLEX, message, line),), (), ())


def _check_access(node: nodes.Getattr | nodes.Getitem, undeclared: set[str], used_prompts: dict[str, None],
                  declared: set[str] | None) -> Iterator[TemplateProblem]:
    if isinstance(node, nodes.Getattr):
        attr: str | None = node.attr
    elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
        attr = node.arg.value
    else:
        attr = None
    if attr is not None and attr.startswith("_"):
        yield TemplateProblem(FORBIDDEN, _("“{name}” cannot be used in a template.").format(name=attr),
                              node.lineno, attr)
        return
    base = node.node
    if not (isinstance(base, nodes.Name) and base.name in undeclared and base.name in VARIABLES):
        return
    allowed = VARIABLES[base.name]
    if attr is None:
        yield TemplateProblem(FORBIDDEN, _("Write the name of a fill-in out in full, e.g. prompt.new_date."),
                              node.lineno)
    elif allowed is None:
        used_prompts.setdefault(attr, None)
        if declared is not None and attr not in declared:
            yield TemplateProblem(
                UNKNOWN_PROMPT,
                _("The fill-in “{name}” is not declared for this response. Declared: {names}.")
                .format(name=attr, names=", ".join(sorted(declared)) or "-"),
                node.lineno, attr)
    elif attr not in allowed:
        yield TemplateProblem(
            UNKNOWN_ATTRIBUTE,
            _("“{variable}” has no “{name}”. Use one of: {names}.")
            .format(variable=base.name, name=attr, names=", ".join(sorted(allowed))),
            node.lineno, f"{base.name}.{attr}")


def _names_in_order(tree: nodes.Template) -> list[str]:
    seen: dict[str, None] = {}
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load":
            seen.setdefault(node.name, None)
    return list(seen)


def _undeclared(tree: nodes.Template) -> set[str]:
    stored = {node.name for node in tree.find_all(nodes.Name) if node.ctx in {"store", "param"}}
    loaded = {node.name for node in tree.find_all(nodes.Name) if node.ctx == "load"}
    implicit = {"self"} & loaded - stored  # Jinja's reference to the template's blocks: self.a() can recurse
    try:
        return meta.find_undeclared_variables(tree) | implicit
    except TemplateAssertionError:  # an unknown filter or test, reported on its own: approximate
        return loaded - stored


def _first_line(tree: nodes.Template, name: str) -> int | None:
    for node in tree.find_all(nodes.Name):
        if node.name == name:
            return int(node.lineno)
    return None


def _syntax_message(exc: TemplateSyntaxError) -> str:
    return _("The template cannot be read: {reason}").format(reason=exc.message or "")
