"""Opening a file the user named for reading, with a sentence for every way that can fail."""

from __future__ import annotations

import os
import stat
from functools import partial
from pathlib import Path

from deskapp.core.errors import InputFileError
from deskapp.core.i18n import _, later


def stat_input(path: str | os.PathLike[str]) -> os.stat_result:
    """The status of the regular file ``path``, or :class:`InputFileError` saying why it cannot be read.

    A device, a pipe or a socket is refused by name: ``/dev/zero`` has no size to report and never
    ends, and a pipe cannot be read twice (the CSV import checks the encoding first, then reads).
    """
    file = Path(path)
    try:
        status = file.stat()
    except OSError as exc:
        raise InputFileError(partial(describe_read_error, file, exc)) from exc
    if stat.S_ISDIR(status.st_mode):
        raise InputFileError(later("{path} is a folder, not a file.", path=path))
    if not stat.S_ISREG(status.st_mode):
        raise InputFileError(later("{path} is not a regular file (it is a device, a pipe or a socket), so it "
                                   "cannot be read as a file. Save the data to a file and give its name.", path=path))
    return status


def describe_read_error(path: str | os.PathLike[str], exc: OSError) -> str:
    """A sentence for a failure to open or read ``path`` (current UI language)."""
    if isinstance(exc, FileNotFoundError):
        return _("{path} does not exist. Check the file name and folder.").format(path=path)
    if isinstance(exc, PermissionError):
        return _("{path} cannot be read: permission denied.").format(path=path)
    if isinstance(exc, IsADirectoryError):
        return _("{path} is a folder, not a file.").format(path=path)
    return _("{path} cannot be read: {reason}").format(path=path, reason=exc.strerror or exc)
