"""PySide6-Essentials 6.12.0 crashes CPython 3.11 after ~10k Qt calls that return None.

The dependency pins <6.12 on Python < 3.12; these tests keep that pin honest.
"""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

CALLS = 200_000

SCRIPT = f"""
from PySide6.QtCore import QObject
obj = QObject()
for i in range({CALLS}):
    obj.setObjectName("x")   # returns None: the call that crashed 6.12.0 on 3.11
    obj.blockSignals(False)
print("ok", flush=True)
"""


def test_many_qt_calls_returning_none_do_not_crash() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"


def test_installed_pyside6_respects_the_python_311_pin() -> None:
    installed = Version(metadata.version("PySide6-Essentials"))
    if sys.version_info < (3, 12):
        assert installed < Version("6.12")
    assert installed >= Version("6.8")


def test_dependency_declares_the_marker_pin() -> None:
    requirements = [Requirement(r) for r in metadata.requires("deskapp") or []]
    pyside = [r for r in requirements if canonicalize_name(r.name) == "pyside6-essentials"]
    on_311 = [r for r in pyside if r.marker is not None and r.marker.evaluate({"python_version": "3.11"})]
    on_312 = [r for r in pyside if r.marker is not None and r.marker.evaluate({"python_version": "3.12"})]
    assert len(on_311) == 1 and not on_311[0].specifier.contains("6.12.0")
    assert len(on_312) == 1 and on_312[0].specifier.contains("6.12.0")
