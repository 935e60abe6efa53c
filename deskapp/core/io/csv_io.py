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
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO

from deskapp.core.errors import InputFileError
from deskapp.core.i18n import _, later
from deskapp.core.io.inputs import describe_read_error, stat_input
from deskapp.core.io.safe_write import AtomicTextFile

DELIMITERS = (",", ";", "\t")
_SCAN_CHUNK = 1 << 20
# A cell a spreadsheet would evaluate starts with one of these. Export writes such cells with a
# leading "'" (as OWASP advises) and import takes exactly one "'" back off. Cells that already
# start with quotes before such a character get one more quote, so the mapping is reversible:
# a value of "'=x" is written "''=x" and read back as "'=x". Beyond OWASP's = + - @ tab and CR:
# a line feed (a spreadsheet may drop it and evaluate the next line), invisible characters some
# programs strip before evaluating (BOM, zero-width space, joiners, word joiner), and the
# full-width = + - @ that an East Asian spreadsheet may read as their ASCII twins.
_TRIGGERS = "=+\\-@\t\r\n\ufeff\u200b\u200c\u200d\u2060\uff1d\uff0b\uff0d\uff20"
_NEEDS_QUOTE = re.compile(f"'*[{_TRIGGERS}]")
_QUOTED = re.compile(f"'+[{_TRIGGERS}]")
# Longest physical line read whole (characters). A longer one is skipped in pieces and its row
# rejected, so a file that is one endless line cannot make the import hold it in memory twice
# (once as the line, once as its cells). A single cell is capped by csv.field_size_limit().
MAX_LINE_CHARS = 1 << 20
_SKIP_CHUNK = 1 << 16


def neutralise(cell: str) -> str:
    """``cell`` made safe to open in a spreadsheet (prefix ``'`` before a formula trigger)."""
    return "'" + cell if _NEEDS_QUOTE.match(cell) else cell


def unneutralise(cell: str) -> str:
    """Undo :func:`neutralise`: drop one leading ``'`` that stands before a formula trigger."""
    return cell[1:] if cell[:1] == "'" and _QUOTED.match(cell) else cell


class LineTooLong(Exception):
    """A physical line of the file is longer than :data:`MAX_LINE_CHARS` (it was skipped)."""


class _BoundedLines:
    """The lines of ``handle`` as ``csv.reader`` wants them, none longer than ``limit``.

    An over-long line is read past in chunks and reported by raising :class:`LineTooLong` from
    ``__next__``; ``csv.reader`` passes that on and starts afresh on the next call, and so does
    this iterator (a class, not a generator, which an exception would finish).
    """

    __slots__ = ("_limit", "_pending", "_readline")

    def __init__(self, handle: IO[str], limit: int = MAX_LINE_CHARS) -> None:
        self._readline = handle.readline
        self._limit = limit
        self._pending = ""

    def __iter__(self) -> _BoundedLines:
        return self

    def __next__(self) -> str:
        line = self._read(self._limit) if self._pending else self._readline(self._limit)
        if not line:
            raise StopIteration
        if len(line) < self._limit or line[-1] == "\n":
            return line
        if line[-1] == "\r":  # the limit fell between the \r and the \n of one line end
            return line + self._take_lf()
        while True:  # read past the rest of the over-long line without keeping it
            rest = self._read(_SKIP_CHUNK)
            if len(rest) < _SKIP_CHUNK or rest[-1] == "\n":
                break
            if rest[-1] == "\r":
                self._take_lf()
                break
        raise LineTooLong

    def _read(self, size: int) -> str:
        """``readline(size)``, starting with the character :meth:`_take_lf` read too far."""
        pending = self._pending
        if not pending:
            return self._readline(size)
        self._pending = ""
        if pending == "\r":  # a line of its own
            return pending + self._take_lf()
        return pending + self._readline(size - 1)

    def _take_lf(self) -> str:
        r"""The ``\n`` that completes a ``\r\n`` just read, or ``""`` (keeping what came instead)."""
        follow = self._readline(1)
        if follow == "\n":
            return follow
        self._pending = follow
        return ""


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
        lines = _BoundedLines(handle, MAX_LINE_CHARS)
        try:
            first = next(lines, "")
        except LineTooLong:
            raise InputFileError(
                later("{path}, line 1: the header row is longer than {limit} characters; this does not look like "
                      "a CSV file.", path=path, limit=MAX_LINE_CHARS)
            ) from None
        if not first.strip():
            raise InputFileError(
                later("{path}: the first line is empty; it must be the header row naming the columns.", path=path)
            )
        self.delimiter = sniff_delimiter(first)
        # itertools.chain and a small iterator class rather than a generator: nothing that would
        # close (detached) ``handle`` when it is closed.
        self._reader = csv.reader(itertools.chain((first,), lines), delimiter=self.delimiter)
        try:
            self.header = next(self._reader)
        except csv.Error as exc:
            raise InputFileError(
                later("{path}, line 1: the header row cannot be read ({reason}).", path=path, reason=exc)
            ) from exc

    def rows(self) -> Iterator[CsvRow]:
        """The data rows in file order; a row the csv module cannot parse carries ``error``."""
        reader = self._reader
        previous = reader.line_num
        skipped = 0  # over-long lines, which the reader never saw (so its line_num leaves them out)
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except LineTooLong:
                # Both the reader and the line iterator start afresh on the next call.
                skipped += 1
                yield CsvRow(previous + 1, [], _("the line is longer than {limit} characters").format(
                    limit=MAX_LINE_CHARS))
                previous = reader.line_num + skipped
                continue
            except csv.Error as exc:
                # The reader resets itself after an error, so the rest of the file can still be read.
                yield CsvRow(previous + 1, [], _describe_csv_error(exc))
                previous = reader.line_num + skipped
                continue
            line = previous + 1
            previous = reader.line_num + skipped
            yield CsvRow(line, cells)


def _describe_csv_error(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return _("a cell is longer than {limit} characters").format(limit=csv.field_size_limit())
    return _("the row cannot be read as CSV ({reason})").format(reason=exc)


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
        raise InputFileError(partial(_describe_os_error, file, exc)) from exc
    with raw:
        line_count = _check_utf8(raw, file)
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        try:
            yield CsvSource(text, file, line_count)
        except UnicodeDecodeError as exc:  # the file changed under us after the check
            raise InputFileError(later("{path} is not UTF-8 text.", path=file)) from exc
        finally:
            text.detach()


def _check_readable(file: Path) -> None:
    if file.is_dir():
        raise InputFileError(later("{path} is a folder, not a CSV file.", path=file))
    if stat_input(file).st_size == 0:
        raise InputFileError(later("{path} is empty: it needs a header row and customer rows.", path=file))


def _describe_os_error(file: Path, exc: OSError) -> str:
    if isinstance(exc, IsADirectoryError):
        return _("{path} is a folder, not a CSV file.").format(path=file)
    return describe_read_error(file, exc)


def _check_utf8(raw: IO[bytes], file: Path) -> int:
    """Raise :class:`InputFileError` unless ``raw`` is UTF-8 throughout; return its number of lines."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    newlines = 0
    while True:
        try:
            chunk = raw.read(_SCAN_CHUNK)
        except OSError as exc:
            raise InputFileError(partial(_describe_os_error, file, exc)) from exc
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            # exc.start counts from the bytes the decoder held back from the previous chunk.
            bad_in_chunk = max(exc.start - pending, 0)
            line = newlines + chunk.count(b"\n", 0, bad_in_chunk) + 1
            raise InputFileError(
                later("{path}, line {line}: the file is not UTF-8 text. Save it as \"CSV UTF-8\" and try again.",
                      path=file, line=line)
            ) from exc
        if not chunk:
            return newlines + 1
        newlines += chunk.count(b"\n")


class CsvWriter:
    """Write rows to a new CSV file that replaces ``path`` only when complete.

    ``database`` (the desk's SQLite file) and ``inputs`` (files the same command reads) are
    refused as ``path``; see :func:`deskapp.core.io.safe_write.check_output_path`.
    """

    def __init__(self, path: str | os.PathLike[str], header: Sequence[str], delimiter: str = ",", *,
                 database: Path | None = None, inputs: Iterable[str | os.PathLike[str]] = ()) -> None:
        """Start a temporary file next to ``path`` and write ``header``."""
        self._file = AtomicTextFile(path, database=database, inputs=inputs)
        self.path = self._file.target
        self._writer = csv.writer(self._file.handle, delimiter=delimiter)
        self.write(header)

    def write(self, cells: Sequence[str]) -> None:
        """Write one row, neutralising cells a spreadsheet would evaluate."""
        try:
            self._writer.writerow([neutralise(cell) for cell in cells])
        except OSError as exc:  # the buffer reached a full disk
            self._file.fail(exc)

    def commit(self) -> None:
        """Finish the file (on disk) and move it into place."""
        self._file.commit()

    def abort(self) -> None:
        """Throw the partial file away."""
        self._file.abort()


def write_csv(path: str | os.PathLike[str], columns: Sequence[str], rows: Iterable[Sequence[str]], *,
              database: Path | None = None) -> int:
    """Write ``rows`` under a header of ``columns``, all or nothing; returns how many rows were written.

    The file appears only once complete (see :class:`CsvWriter`); any failure leaves no partial
    file and the previous one as it was. ``database`` is refused as ``path``.
    """
    writer = CsvWriter(path, columns, database=database)
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
