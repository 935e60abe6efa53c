"""What a template's shape must not be: too deep, loops too nested, recursive, or with huge literals.

These are refused when a template is checked, with a message for the person who wrote it; the
limits in :mod:`.limits` stop at run time what cannot be seen in the shape.
"""

from __future__ import annotations

from collections.abc import Iterator

from jinja2 import nodes

from deskapp.core.i18n import _
from deskapp.core.templating.limits import MAX_INT_BITS, MAX_LITERAL_CHARS, MAX_LOOP_NESTING, MAX_NESTING


def nested_too_deeply() -> str:
    """The message for a template nested deeper than :data:`MAX_NESTING`."""
    return _("The template is nested too deeply: at most {limit} levels of tags, filters and brackets inside "
             "each other.").format(limit=MAX_NESTING)


def too_deep(tree: nodes.Template) -> tuple[bool, int | None]:
    """Whether ``tree`` nests deeper than :data:`MAX_NESTING`, and the line where it does.

    The walk keeps its own stack, so a deep tree cannot exhaust Python's (the other walks recurse).
    """
    stack: list[tuple[nodes.Node, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            return True, getattr(node, "lineno", None)
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())
    return False, None


def shape_problems(tree: nodes.Template) -> list[tuple[str, int | None]]:
    """Loops nested too deeply or recursive, huge literals, recursive macros: (message, line) each.

    Call it only on a tree that is not :func:`too_deep`.
    """
    problems: list[tuple[str, int | None]] = []
    stack: list[tuple[nodes.Node, int]] = [(tree, 0)]
    while stack:
        node, loops = stack.pop()
        if isinstance(node, nodes.For):
            loops += 1
            if node.recursive:
                problems.append((_("Loops cannot call themselves (recursive) in a template."), node.lineno))
            if loops == MAX_LOOP_NESTING + 1:
                problems.append((_("Loops are nested too deeply: at most {limit} loops inside each other.")
                                 .format(limit=MAX_LOOP_NESTING), node.lineno))
        elif isinstance(node, nodes.Const):
            problems.extend((message, node.lineno) for message in _literal_problems(node.value))
        stack.extend((child, loops) for child in node.iter_child_nodes())
    problems.extend(_recursion(tree))
    return problems


def _literal_problems(value: object) -> Iterator[str]:
    if isinstance(value, str) and len(value) > MAX_LITERAL_CHARS:
        yield _("A quoted text in the template is too long: at most {limit} characters.").format(
            limit=MAX_LITERAL_CHARS)
    elif isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        yield _("A number written in the template is too large.")


def _recursion(tree: nodes.Template) -> Iterator[tuple[str, int | None]]:
    """Macros that call themselves, directly or through other macros."""
    macros: dict[str, nodes.Macro] = {}
    calls: dict[str, set[str]] = {}
    for macro in tree.find_all(nodes.Macro):
        macros.setdefault(macro.name, macro)
        called = calls.setdefault(macro.name, set())
        for call in macro.find_all(nodes.Call):
            if isinstance(call.node, nodes.Name):
                called.add(call.node.name)
    for name, macro in macros.items():
        seen: set[str] = set()
        todo = [callee for callee in calls[name] if callee in macros]
        while todo:
            callee = todo.pop()
            if callee == name:
                yield (_("The macro “{name}” calls itself (directly or through another macro); templates "
                         "cannot use recursion.").format(name=name), macro.lineno)
                break
            if callee not in seen:
                seen.add(callee)
                todo.extend(c for c in calls[callee] if c in macros)
