"""Jinja's code generator with hooks where the sandbox has none: loop steps, ``~`` and literals.

The sandbox lets an environment intercept operators, calls and attribute access, but a ``for``
loop, the ``~`` operator (``str_join``) and list/dict literals compile to plain Python. Here they
call the environment instead (``bounded_steps``, ``bounded_join``, ``bounded_value``), so loops
count against the loop budget and what they build is measured before it is joined or compared.
"""

from __future__ import annotations

from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst


class BoundedCodeGenerator(CodeGenerator):
    """Writes calls to the environment's limit hooks around loops, ``~`` and literals."""

    _loop_iterable: nodes.Node | None = None  # Jinja allows no custom node types: mark the node instead

    def visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        """Visit ``node``; a loop's iterable is written as ``environment.bounded_steps(iterable)``."""
        if node is not self._loop_iterable:
            return super().visit(node, *args, **kwargs)
        self._loop_iterable = None
        self.write("environment.bounded_steps(")
        super().visit(node, *args, **kwargs)
        self.write(")")
        return None

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        """A loop stepping through the loop budget; recursive loops are refused."""
        if node.recursive:  # validation says so in the user's language; this is the backstop
            self.fail("recursive loops are not allowed in templates", node.lineno)
        self._loop_iterable = node.iter  # visited once, before the body (which may hold other loops)
        super().visit_For(node, frame)

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        """``a ~ b``: the parts are measured before they are joined."""
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.bounded_join({join}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def visit_List(self, node: nodes.List, frame: Frame) -> None:
        """A list literal, measured once built."""
        self._measured(super().visit_List, node, frame)

    def visit_Dict(self, node: nodes.Dict, frame: Frame) -> None:
        """A dict literal, measured once built."""
        self._measured(super().visit_Dict, node, frame)

    def visit_Tuple(self, node: nodes.Tuple, frame: Frame) -> None:
        """A tuple literal, measured once built (not a target such as ``{% for a, b in ... %}``)."""
        if node.ctx != "load":
            super().visit_Tuple(node, frame)
        else:
            self._measured(super().visit_Tuple, node, frame)

    def _measured(self, visit: Any, node: nodes.Expr, frame: Frame) -> None:
        self.write("environment.bounded_value(")
        visit(node, frame)
        self.write(")")
