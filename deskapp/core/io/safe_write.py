"""Writing a file the user named without ever destroying the desk, the file being read, or a good old file.

Every command that writes a file the user named (the CSV exports, the rejects file of an import,
the response library, a backup) goes through here, so that:

* the output is never the desk's own database, one of SQLite's companion files (``-wal``,
  ``-shm``, ``-journal``) or a file the same command reads. ``export customers desk.db`` would
  otherwise replace the desk with a CSV. Paths are compared as the system sees them
  (:func:`os.path.samefile`: a symbolic or hard link to the database is the database), and by
  resolved name for a companion file that does not exist at the moment;
* the new content goes to a temporary file in the target's folder, is forced to disk, and only
  then renamed over the target (:func:`os.replace` is atomic within one file system): an export
  cut short by a full disk, a crash or Ctrl+C leaves the previous file exactly as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import IO, NoReturn
from urllib.parse import urlparse

from sqlalchemy.engine import URL

from deskapp.core.errors import OutputFileError
from deskapp.core.i18n import _, later

PathLike = str | os.PathLike[str]
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
# EFBIG: over the process's or the file system's file-size limit; for the user it is the same story.
DISK_FULL_ERRNOS = frozenset(code for code in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", None))
                             if code is not None)


def database_file(url: URL) -> Path | None:
    """The SQLite file behind ``url``; ``None`` for a server database or an in-memory one."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database.startswith("file:"):  # sqlite:///file:/path/desk.db?mode=ro&uri=true
        database = urlparse(database).path
    if not database or database == ":memory:":
        return None
    return Path(database)


def check_output_path(path: PathLike, *, database: Path | None = None, inputs: Iterable[PathLike] = ()) -> Path:
    """The file to write for ``path`` (symbolic links followed), or :class:`OutputFileError` saying why not.

    Args:
        path: The file the user named.
        database: The desk's SQLite file (see :func:`database_file`); it and its companions are refused.
        inputs: Files the same command reads; writing one of them would destroy what is being read.

    Raises:
        OutputFileError: ``path`` is a folder, a device, in a missing folder, the database or an input.
    """
    given = Path(path).expanduser()
    try:
        target = given.resolve()  # write through a link rather than replace the link with a file
        # Asked of the name as given (links followed by stat): /dev/stdout resolves to a name
        # that no longer exists, but is a pipe or a terminal.
        is_dir, exists, is_file = given.is_dir(), given.exists(), given.is_file()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of symbolic links (Python 3.11, 3.12)
        raise OutputFileError(later("{path} cannot be written: {reason}",
                                    path=path, reason=getattr(exc, "strerror", None) or exc)) from exc
    if is_dir:
        raise OutputFileError(later("{path} is a folder; give a file name to write.", path=path))
    if exists and not is_file:
        raise OutputFileError(later("{path} is not a regular file (it is a device, a pipe or a socket); give the "
                                    "name of a file to write.", path=path))
    if not target.parent.is_dir():
        raise OutputFileError(later("The folder {folder} does not exist.", folder=given.parent))
    if database is not None:
        if same_file(target, database):
            raise OutputFileError(later("{path} is the desk's database itself; writing there would destroy the "
                                        "desk. Choose another file name.", path=path))
        for suffix in SQLITE_COMPANIONS:
            if same_file(target, Path(f"{database}{suffix}")):
                raise OutputFileError(later("{path} is a working file of the desk's database; writing there would "
                                            "damage the desk. Choose another file name.", path=path))
    for source in inputs:
        if same_file(target, Path(source)):
            raise OutputFileError(later("{path} is the file being read; writing there would destroy it. Choose "
                                        "another file name.", path=path))
    return target


def same_file(first: PathLike, second: PathLike) -> bool:
    """Whether two paths name one file: the same inode when both exist, else the same resolved name."""
    with contextlib.suppress(OSError):
        return os.path.samefile(first, second)
    try:
        one, other = Path(first).expanduser().resolve(), Path(second).expanduser().resolve()
    except (OSError, RuntimeError):
        return False
    return os.path.normcase(one) == os.path.normcase(other)


def describe_write_error(path: PathLike, exc: OSError) -> str:
    """A sentence for a failure to write ``path`` (current UI language)."""
    if exc.errno in DISK_FULL_ERRNOS:
        return _("{path} cannot be written: the disk is full (or the file would be larger than this system "
                 "allows). Free some space, then try again; no existing file was changed.").format(path=path)
    if isinstance(exc, PermissionError):
        return _("{path} cannot be written: permission denied.").format(path=path)
    return _("{path} cannot be written: {reason}").format(path=path, reason=exc.strerror or exc)


def temporary_beside(target: Path, shown: PathLike) -> tuple[int, Path]:
    """An open descriptor and the name of a new, empty file in ``target``'s folder (mode 0600).

    ``shown`` is the path as the user wrote it, for the message of :class:`OutputFileError`.
    """
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputFileError(partial(describe_write_error, shown, exc)) from exc
    return fd, Path(name)


def install(temp: Path, target: Path, shown: PathLike) -> None:
    """Force ``temp`` to disk and rename it over ``target``; ``temp`` is removed if that fails.

    An existing target keeps its permissions; a new file keeps the temporary file's 0600, which
    suits exports that hold customer data.
    """
    try:
        fd = os.open(temp, os.O_RDWR)  # Windows flushes only a handle open for writing
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temp, os.stat(target).st_mode & 0o777)
        os.replace(temp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise OutputFileError(partial(describe_write_error, shown, exc)) from exc
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    # The rename survives a power cut only once the folder's entry is on disk (POSIX); Windows has
    # no directory handles to sync and its rename is already durable.
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class AtomicTextFile:
    """A text file that replaces its target only when :meth:`commit` is called.

    Use as a context manager (committed when the block ends normally, thrown away otherwise) or
    call :meth:`commit` / :meth:`abort` yourself. Write failures raise :class:`OutputFileError`.
    """

    def __init__(self, path: PathLike, *, database: Path | None = None, inputs: Iterable[PathLike] = (),
                 newline: str = "") -> None:
        """Check ``path`` (see :func:`check_output_path`) and open a temporary file beside it."""
        self.shown = path
        self.target = check_output_path(path, database=database, inputs=inputs)
        fd, self._temp = temporary_beside(self.target, path)
        self.handle: IO[str] = os.fdopen(fd, "w", encoding="utf-8", newline=newline)

    def write(self, text: str) -> None:
        """Append ``text``."""
        try:
            self.handle.write(text)
        except OSError as exc:
            self.fail(exc)

    def fail(self, exc: OSError) -> NoReturn:
        """Throw the partial file away and raise :class:`OutputFileError` for ``exc``."""
        self.abort()
        raise OutputFileError(partial(describe_write_error, self.shown, exc)) from exc

    def commit(self) -> None:
        """Finish the file and move it into place."""
        try:
            self.handle.close()  # flushes the last buffer: where a full disk usually shows
        except OSError as exc:
            self.fail(exc)
        install(self._temp, self.target, self.shown)

    def abort(self) -> None:
        """Throw the partial file away; the target stays as it was."""
        with contextlib.suppress(OSError):
            self.handle.close()  # may try to flush onto the full disk again
        with contextlib.suppress(OSError):
            self._temp.unlink()

    def __enter__(self) -> AtomicTextFile:
        """The file, to write to."""
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        """Commit after a normal end, abort after an exception (which then propagates)."""
        if kind is None:
            self.commit()
        else:
            self.abort()


def write_text_atomically(path: PathLike, text: str, *, database: Path | None = None,
                          inputs: Iterable[PathLike] = ()) -> Path:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` all or nothing; returns the file written."""
    with AtomicTextFile(path, database=database, inputs=inputs) as file:
        file.write(text)
    return file.target
