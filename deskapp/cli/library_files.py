"""Writing and reading library files (responses, knowledge base) from the console, the same way for each."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

R = TypeVar("R")


def export_file(args: argparse.Namespace, export: Callable[[Session, int], str]) -> int | None:
    """Write what ``export`` gives (as the console) to ``args.file``, or to standard output for ``-``.

    Never over the desk's own database. Returns how many entries the file holds, ``None`` for standard output.
    """
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.io.safe_write import check_output_path, database_file, write_text_atomically

    engine = open_database(args)
    database = database_file(engine.url)
    if args.file != "-":
        check_output_path(args.file, database=database)  # before the library is read
    with Session(engine) as session:
        text = export(session, console(engine))
    if args.file == "-":
        sys.stdout.write(text)
        return None
    write_text_atomically(args.file, text, database=database)
    return text.count("\n  - key: ")


def import_file(args: argparse.Namespace, do_import: Callable[[Session, int, str], R]) -> R:
    """Read ``args.file`` and hand its text to ``do_import`` (as the console)."""
    from sqlalchemy.orm import Session

    from deskapp.cli.common import console, open_database
    from deskapp.core.services.responses.library_format import read_file_text

    text = read_file_text(args.file)
    engine = open_database(args)
    with Session(engine) as session:
        return do_import(session, console(engine), text)
