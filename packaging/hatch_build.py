"""Hatchling build hook: compile the gettext catalogs and bundle resources/ into the package.

.mo files are build products, never committed. For a wheel they are added to the archive;
for an editable install they are written into deskapp/locale/ (git-ignored) so the working
tree behaves like an installed package. resources/ is bundled as deskapp/resources the same way,
so the code reads both through importlib.resources, frozen or not.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def compile_catalogs(translations: Path, target: Path) -> list[Path]:
    """Compile every translations/<locale>/LC_MESSAGES/*.po into ``target``; return the .mo files."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in sorted(translations.glob("*/LC_MESSAGES/*.po")):
        locale = po_path.parent.parent.name
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        mo_path = target / locale / "LC_MESSAGES" / (po_path.stem + ".mo")
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with mo_path.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compile catalogs and copy resources before the wheel is assembled."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        package = root / "deskapp"
        compile_catalogs(root / "translations", package / "locale")
        bundled = package / "resources"
        if bundled.exists():
            shutil.rmtree(bundled)
        # Data only: helper scripts kept beside the data (e.g. the icon renderer) stay out.
        shutil.copytree(root / "resources", bundled, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        if version != "editable":
            build_data["artifacts"].extend(["deskapp/locale/", "deskapp/resources/"])
