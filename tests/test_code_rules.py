"""Rules a linter does not know: translations are never built from f-strings."""

from __future__ import annotations

import ast
from pathlib import Path

import deskapp

PACKAGE = Path(deskapp.__file__).parent
GETTEXT_NAMES = {"_", "N_", "ngettext", "pgettext", "tr"}


def _python_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def _bad_calls(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GETTEXT_NAMES:
            for arg in node.args:
                if isinstance(arg, ast.JoinedStr | ast.BinOp) or (
                    isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "format"
                ):
                    lines.append(node.lineno)
    return lines


def test_rule_catches_an_f_string() -> None:
    assert _bad_calls('_(f"Hello {name}")\n_("a" + b)\n_("x {a}".format(a=1))\n_("fine {a}").format(a=1)') == [1, 2, 3]


def test_no_translation_is_built_from_an_f_string() -> None:
    offenders = {str(path.relative_to(PACKAGE)): lines for path in _python_files()
                 if (lines := _bad_calls(path.read_text(encoding="utf-8")))}
    assert offenders == {}
