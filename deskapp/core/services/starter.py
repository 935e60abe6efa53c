"""The starter library shipped with deskapp: responses and call scripts for a new desk."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from deskapp.core.domain.library import CallScript, Response
from deskapp.core.security.permissions import require
from deskapp.core.services.responses.library_format import ImportResult
from deskapp.core.services.responses.library_io import import_responses
from deskapp.core.services.scripts.call_scripts import import_scripts


def starter_text(name: str) -> str:
    """The text of a starter library file shipped in the package (``responses.yaml``, ``scripts.yaml``)."""
    return (resources.files("deskapp") / "resources" / "library" / name).read_text(encoding="utf-8")


@dataclass(frozen=True, slots=True)
class StarterLoad:
    """What loading the starter library added."""

    responses: ImportResult
    scripts: ImportResult


def load_starter_library(session: Session, actor_id: int) -> StarterLoad:
    """Add the starter responses and call scripts that are missing; existing entries are never changed.

    ``actor_id`` needs ``library.import`` (the desk and the console load it as the console's account).
    """
    responses = import_responses(session, actor_id, starter_text("responses.yaml"), only_missing=True)
    scripts = import_scripts(session, actor_id, starter_text("scripts.yaml"))
    return StarterLoad(responses, scripts)


def ensure_library(session: Session, actor_id: int) -> bool:
    """Load the starter library on first run only: when there are no responses and no scripts yet.

    ``actor_id`` needs ``library.import`` (checked before anything else, first run or not).

    Returns:
        Whether it was loaded. A library someone emptied on purpose stays empty only if a script
        or response remains; call :func:`load_starter_library` to restore the starter entries.
    """
    require(session, actor_id, "library.import")
    if session.scalar(select(func.count()).select_from(Response)) or \
            session.scalar(select(func.count()).select_from(CallScript)):
        return False
    load_starter_library(session, actor_id)
    return True
