"""Rules a linter does not know: translations are never built from f-strings."""

from __future__ import annotations

import ast
from pathlib import Path

import deskapp

PACKAGE = Path(deskapp.__file__).parent
GETTEXT_NAMES = {"_", "N_", "later", "ngettext", "pgettext", "tr"}


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


def _literals_inside_f_strings(source: str) -> list[int]:
    """Lines where ``_("literal")`` sits inside an f-string: pybabel on Python 3.11 never extracts it."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id in GETTEXT_NAMES
                        and any(isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in inner.args)):
                    lines.append(inner.lineno)
    return lines


def test_inside_rule_catches_a_literal_in_an_f_string() -> None:
    assert _literals_inside_f_strings('x = f"<b>{_(\'Coaching\')}</b>"\ny = f"{_(name)}"') == [1]


def test_no_translated_literal_hides_inside_an_f_string() -> None:
    offenders = {str(path.relative_to(PACKAGE)): lines for path in _python_files()
                 if (lines := _literals_inside_f_strings(path.read_text(encoding="utf-8")))}
    assert offenders == {}
