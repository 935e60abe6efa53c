"""Reading and writing the CSV files people exchange with spreadsheets.

Only the file-level concerns live here: opening with clear errors, the encoding check, guessing
the delimiter from the header line, numbering rows by their line in the file, and protecting
cells against spreadsheet formula injection. What the columns mean is another module's job.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from deskapp.core.errors import InputFileError
from deskapp.core.i18n import _

DELIMITERS = (",", ";", "\t")
_SCAN_CHUNK = 1 << 20
# A cell a spreadsheet would evaluate starts with one of these. Export writes such cells with a
# leading "'" (as OWASP advises) and import takes exactly one "'" back off. Cells that already
# start with quotes before such a character get one more quote, so the mapping is reversible:
# a value of "'=x" is written "''=x" and read back as "'=x".
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")


def neutralise(cell: str) -> str:
    """``cell`` made safe to open in a spreadsheet (prefix ``'`` before a formula trigger)."""
    return "'" + cell if _NEEDS_QUOTE.match(cell) else cell


def unneutralise(cell: str) -> str:
    """Undo :func:`neutralise`: drop one leading ``'`` that stands before a formula trigger."""
    return cell[1:] if cell[:1] == "'" and _QUOTED.match(cell) else cell


@dataclass(slots=True)
class CsvRow:
    """One record of a CSV file: the line it starts on and its cells as written."""

    line: int
    cells: list[str]
    error: str | None = None


class CsvSource:
    """An open CSV file: its header, delimiter and an iterator over the data rows."""

    def __init__(self, handle: IO[str], path: Path, line_count: int = 0) -> None:
        """Read the header line and guess the delimiter from it; ``line_count`` is the file's, if known."""
        self.path = path
        # At least the number of data rows plus the header (a quoted cell may span lines).
        self.line_count = line_count
        first = handle.readline()
        if not first.strip():
            raise InputFileError(
                _("{path}: the first line is empty; it must be the header row naming the columns.")
                .format(path=path)
            )
        self.delimiter = sniff_delimiter(first)
        # itertools.chain rather than a generator: no Python frame per line, and nothing that
        # would close (detached) ``handle`` when it is closed.
        self._reader = csv.reader(itertools.chain((first,), handle), delimiter=self.delimiter)
        try:
            self.header = next(self._reader)
        except csv.Error as exc:
            raise InputFileError(
                _("{path}, line 1: the header row cannot be read ({reason}).").format(path=path, reason=exc)
            ) from exc

    def rows(self) -> Iterator[CsvRow]:
        """The data rows in file order; a row the csv module cannot parse carries ``error``."""
        reader = self._reader
        previous = reader.line_num
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                # The reader resets itself after an error, so the rest of the file can still be read.
                yield CsvRow(previous + 1, [], _("the row cannot be read as CSV ({reason})").format(reason=exc))
                previous = reader.line_num
                continue
            line = previous + 1
            previous = reader.line_num
            yield CsvRow(line, cells)


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits ``header_line`` into the most columns (``,`` on a tie)."""
    best, best_count = ",", 0
    for delimiter in DELIMITERS:
        try:
            count = len(next(csv.reader([header_line], delimiter=delimiter)))
        except (csv.Error, StopIteration):
            continue
        if count > best_count:
            best, best_count = delimiter, count
    return best


@contextmanager
def open_csv(path: str | os.PathLike[str]) -> Iterator[CsvSource]:
    """Open ``path`` for reading as CSV, or raise :class:`InputFileError` with a clear sentence.

    The whole file is checked to be UTF-8 before any row is read, so a file saved in another
    encoding is refused before anything is imported. There is deliberately no fallback to
    cp1252: it accepts almost any bytes, so a file in another encoding (or not text at all)
    would be imported as garbled names without anyone noticing.
    """
    file = Path(path)
    _check_readable(file)
    try:
        raw = file.open("rb")
    except OSError as exc:
        raise InputFileError(_describe_os_error(file, exc)) from exc
    with raw:
        line_count = _check_utf8(raw, file)
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        try:
            yield CsvSource(text, file, line_count)
        except UnicodeDecodeError as exc:  # the file changed under us after the check
            raise InputFileError(_("{path} is not UTF-8 text.").format(path=file)) from exc
        finally:
            text.detach()


def _check_readable(file: Path) -> None:
    try:
        if file.is_dir():
            raise InputFileError(_("{path} is a folder, not a CSV file.").format(path=file))
        size = file.stat().st_size
    except OSError as exc:
        raise InputFileError(_describe_os_error(file, exc)) from exc
    if size == 0:
        raise InputFileError(_("{path} is empty: it needs a header row and customer rows.").format(path=file))


def _describe_os_error(file: Path, exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return _("{path} does not exist. Check the file name and folder.").format(path=file)
    if isinstance(exc, PermissionError):
        return _("{path} cannot be read: permission denied.").format(path=file)
    if isinstance(exc, IsADirectoryError):
        return _("{path} is a folder, not a CSV file.").format(path=file)
    return _("{path} cannot be read: {reason}").format(path=file, reason=exc.strerror or exc)


def _check_utf8(raw: IO[bytes], file: Path) -> int:
    """Raise :class:`InputFileError` unless ``raw`` is UTF-8 throughout; return its number of lines."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    newlines = 0
    while True:
        try:
            chunk = raw.read(_SCAN_CHUNK)
        except OSError as exc:
            raise InputFileError(_describe_os_error(file, exc)) from exc
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            # exc.start counts from the bytes the decoder held back from the previous chunk.
            bad_in_chunk = max(exc.start - pending, 0)
            line = newlines + chunk.count(b"\n", 0, bad_in_chunk) + 1
            raise InputFileError(
                _("{path}, line {line}: the file is not UTF-8 text. Save it as \"CSV UTF-8\" and try again.")
                .format(path=file, line=line)
            ) from exc
        if not chunk:
            return newlines + 1
        newlines += chunk.count(b"\n")


class CsvWriter:
    """Write rows to a new CSV file that replaces ``path`` only when complete."""

    def __init__(self, path: str | os.PathLike[str], header: Sequence[str], delimiter: str = ",") -> None:
        """Start a temporary file next to ``path`` and write ``header``."""
        self.path = Path(path)
        if self.path.is_dir():
            raise InputFileError(_("{path} is a folder; give a file name to write.").format(path=self.path))
        folder = self.path.parent
        if not folder.is_dir():
            raise InputFileError(_("The folder {folder} does not exist.").format(folder=folder))
        try:
            fd, temp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise InputFileError(
                _("{path} cannot be written: {reason}").format(path=self.path, reason=exc.strerror or exc)
            ) from exc
        self._temp = Path(temp)
        self._handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._handle, delimiter=delimiter)
        self._writer.writerow([neutralise(cell) for cell in header])

    def write(self, cells: Sequence[str]) -> None:
        """Write one row, neutralising cells a spreadsheet would evaluate."""
        self._writer.writerow([neutralise(cell) for cell in cells])

    def commit(self) -> None:
        """Finish the file and move it into place."""
        self._handle.close()
        os.replace(self._temp, self.path)

    def abort(self) -> None:
        """Throw the partial file away."""
        self._handle.close()
        self._temp.unlink(missing_ok=True)


def write_csv(path: str | os.PathLike[str], columns: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """Write ``rows`` under a header of ``columns``, all or nothing; returns how many rows were written.

    The file appears only once complete (see :class:`CsvWriter`); any failure leaves no partial file.
    """
    writer = CsvWriter(path, columns)
    written = 0
    try:
        for row in rows:
            writer.write(row)
            written += 1
    except BaseException:
        writer.abort()
        raise
    writer.commit()
    return written
