"""Import customers from CSV and export them to CSV (``deskapp import customers`` / ``export customers``).

Import streams: rows are read, validated and handed to the writer as a generator, so a
million-row file never sits in memory. On SQLite the writer is services/customers/bulk.py: short
committed slices, so reps keep working, and all-or-nothing through a journal. A bad row is set
aside with its line, column and reason; good rows still go in. Problems with the file as a whole (missing, not UTF-8, a
required column missing) stop the import before anything is written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from deskapp.core.domain.merge import CustomerMerge
from deskapp.core.domain.models import Brand, Customer, CustomerAlert, CustomerEmail, CustomerPhone
from deskapp.core.io.csv_io import CsvWriter, open_csv, unneutralise, write_csv
from deskapp.core.io.safe_write import check_output_path, database_file
from deskapp.core.search.phones import check_region
from deskapp.core.security.permissions import require
from deskapp.core.services.customers.bulk import bulk_write_customers
from deskapp.core.services.customers.csv_rows import (
    ALL_COLUMNS,
    MULTI_SEPARATOR,
    REJECT_COLUMNS,
    BrandDefaults,
    Rejection,
    RowValidator,
    map_header,
)
from deskapp.core.services.customers.people import Lookalike, Lookalikes
from deskapp.core.services.customers.store import CustomerRecord, WriteCounts, write_customers
from deskapp.core.services.kernel.audit import audit
from deskapp.core.storage.engine import is_read_only

BATCH_SIZE = 5000
PROGRESS_EVERY = 10_000

Progress = Callable[[int], None]


@dataclass(slots=True)
class ImportSummary:
    """What an import did (or, with ``dry_run``, would do)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    delimiter: str = ","
    dry_run: bool = False
    lookalikes: list[Lookalike] = field(default_factory=list)  # the first MAX_REPORTED
    lookalike_total: int = 0  # rows that look like a customer already on the desk (none merged)

    @property
    def rejected(self) -> int:
        """How many rows were not imported."""
        return len(self.rejections)


def brand_defaults(engine: Engine) -> dict[str, BrandDefaults]:
    """The existing brands' defaults, by casefolded code."""
    with engine.connect() as connection:
        rows = connection.execute(select(Brand.code, Brand.default_region, Brand.default_locale)).all()
    return {code.casefold(): BrandDefaults((region or "").upper() or None, locale or "en")
            for code, region, locale in rows}


def import_customers(
    engine: Engine,
    actor_id: int,
    path: str | os.PathLike[str],
    *,
    region: str | None = None,
    dry_run: bool = False,
    rejects_path: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportSummary:
    """Import the customers in the CSV file ``path``, upserting by account number (``customer.import``, audited).

    Args:
        engine: the migrated database.
        actor_id: who imports (the console's account from ``deskapp import customers``).
        path: the CSV file (UTF-8 with or without BOM; ``,``, ``;`` or tab between cells).
        region: country for national phone numbers when the row's brand does not exist yet.
        dry_run: validate and count, but write nothing to the database.
        rejects_path: where to write the rejected rows (original cells plus ``line`` and ``reason``).
        progress: called with the number of rows read so far, every ``PROGRESS_EVERY`` rows.
        batch_size: at most this many rows per database transaction.

    Returns:
        The counts and every rejected row with its line, column and reason.

    Raises:
        InputFileError: the file cannot be read or lacks a required column; nothing was imported.
        PermissionDenied: the actor may not import customers.
        OutputFileError: ``rejects_path`` is the database, one of its working files or ``path``
            itself (checked before anything is read), or it cannot be written.
        ImportAlreadyRunning: another import is writing to this database; nothing was imported.
    """
    _check(engine, actor_id, "customer.import")
    region = check_region(region)
    summary = ImportSummary(dry_run=dry_run)
    database = database_file(engine.url)
    if rejects_path is not None:  # refused before anything is read or imported
        check_output_path(rejects_path, database=database, inputs=(path,))
    with open_csv(path) as source:
        header = map_header(source.header, source.path)
        summary.unknown_columns = header.unknown
        summary.delimiter = source.delimiter
        validator = RowValidator(header, brand_defaults(engine), region)
        lookalikes = Lookalikes(engine)
        rejects = CsvWriter(rejects_path, [*source.header, *REJECT_COLUMNS], source.delimiter, database=database,
                            inputs=(path,)) if rejects_path else None

        def records() -> Iterator[CustomerRecord]:
            for row in source.rows():
                cells = row.cells
                if not row.error and not (cells and cells[0].strip()) and not any(cell.strip() for cell in cells):
                    continue  # blank lines and rows of empty cells are not customers
                summary.rows += 1
                if progress is not None and summary.rows % PROGRESS_EVERY == 0:
                    progress(summary.rows)
                if row.error:
                    result: CustomerRecord | Rejection = Rejection(row.line, None, row.error, row.cells)
                else:
                    result = validator.validate(row.line, row.cells)
                if isinstance(result, CustomerRecord):
                    lookalikes.add(row.line, result)
                    yield result
                    continue
                summary.rejections.append(result)
                if rejects is not None:
                    rejects.write(_reject_row(result, header.width))

        try:
            if dry_run:
                counts = _count_only(engine, records(), batch_size)
            else:
                # SQLite: short committed slices (reps keep signing in and saving), undone as a
                # whole if the import fails. PostgreSQL locks rows, not the database: plain batches.
                write = bulk_write_customers if engine.dialect.name == "sqlite" else write_customers
                counts = write(engine, records(), batch_size, new_brand_region=region)
            lookalikes.check()
        except BaseException:
            if rejects is not None:
                rejects.abort()
            raise
        if rejects is not None:
            rejects.commit()
    summary.created, summary.updated = counts.created, counts.updated
    summary.lookalikes, summary.lookalike_total = lookalikes.found, lookalikes.total
    _audit(engine, actor_id, "customer.import", {"created": summary.created, "updated": summary.updated,
                                                 "rejected": summary.rejected, "dry_run": dry_run})
    return summary


def _check(engine: Engine, actor_id: int, action: str) -> None:
    with Session(engine) as session:
        require(session, actor_id, action)


def _audit(engine: Engine, actor_id: int, action: str, detail: dict[str, object]) -> None:
    if is_read_only(engine):
        # A desk on a read-only disk or share can be read by anyone who can read the file; an
        # export from it is allowed and cannot be recorded there.
        return
    with Session(engine) as session:
        audit(session, actor_id, action, "customer", 0, detail=detail)
        session.commit()


def _reject_row(rejection: Rejection, width: int) -> list[str]:
    # Cells go back as they were written (minus our own neutralising quote, which the writer puts
    # back), padded to the header; surplus cells of a ragged row follow line and reason.
    cells = [unneutralise(cell) for cell in rejection.cells]
    padded = cells[:width] + [""] * (width - len(cells))
    return [*padded, str(rejection.line), rejection.explain(), *cells[width:]]


def _count_only(engine: Engine, records: Iterable[CustomerRecord], batch_size: int) -> WriteCounts:
    """What :func:`write_customers` would count, without writing.

    Remembers every account number seen (tens of MB for a million rows), which only a dry run pays
    for: an account repeated in a later batch counts as an update, as it would when written.
    """
    counts = WriteCounts()
    seen: set[str] = set()
    batch: list[str] = []

    def flush() -> None:
        unique = [acc for acc in dict.fromkeys(batch) if acc not in seen]
        with engine.connect() as connection:
            existing = set(connection.scalars(
                select(Customer.account_number).where(Customer.account_number.in_(unique))
            ))
        counts.created += len(unique) - len(existing)
        counts.updated += len(existing) + sum(1 for acc in dict.fromkeys(batch) if acc in seen) \
            + len(batch) - len(dict.fromkeys(batch))
        seen.update(unique)
        batch.clear()

    for record in records:
        batch.append(record.account_number)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return counts


def export_customers(engine: Engine, actor_id: int, path: str | os.PathLike[str], *, page_size: int = 5000) -> int:
    """Write every customer to the CSV file ``path`` (UTF-8, ``,``); returns how many were written.

    ``actor_id`` needs ``customer.export``; the export is audited. Columns are :data:`ALL_COLUMNS`;
    lists are joined with ``|``; cells a spreadsheet would run as a formula get a leading ``'``,
    which :func:`import_customers` removes again. The desk's own database file is refused as
    ``path`` (:class:`~deskapp.core.errors.OutputFileError`).
    """
    _check(engine, actor_id, "customer.export")
    written = write_csv(path, ALL_COLUMNS, _customer_rows(engine, page_size), database=database_file(engine.url))
    _audit(engine, actor_id, "customer.export", {"count": written})
    return written


def _customer_rows(engine: Engine, page_size: int) -> Iterator[list[str]]:
    # Pages keyed on account number keep memory flat and give a stable order, so exporting the
    # same data twice gives the same file.
    customer = Customer.__table__.c
    # A customer merged into another is a tombstone, not a customer to carry to another desk.
    merged = select(CustomerMerge.other_id).where(CustomerMerge.unmerged_at.is_(None))
    after = ""
    columns = (customer.id, customer.account_number, customer.kind, customer.given_name, customer.family_name,
               customer.organisation, customer.preferred_locale, Brand.code, customer.birth_year,
               customer.age_band, customer.gender, customer.income_band, customer.lifestyle, customer.occupation)
    while True:
        with engine.connect() as connection:
            page = connection.execute(
                select(*columns).join(Brand, Brand.id == customer.brand_id)
                .where(customer.account_number > after, customer.id.not_in(merged))
                .order_by(customer.account_number).limit(page_size)
            ).all()
            if not page:
                return
            ids = [row[0] for row in page]
            emails = _children(connection, CustomerEmail, CustomerEmail.address, ids)
            phones = _children(connection, CustomerPhone, CustomerPhone.e164, ids)
            alerts = _children(connection, CustomerAlert, CustomerAlert.text, ids)
        for (cid, account, kind, given, family, organisation, locale, brand, birth_year, age_band, gender,
             income_band, lifestyle, occupation) in page:
            yield [
                account, str(kind), given, family, organisation or "",
                MULTI_SEPARATOR.join(emails.get(cid, ())), MULTI_SEPARATOR.join(phones.get(cid, ())),
                locale, brand, "" if birth_year is None else str(birth_year), age_band or "", gender or "",
                income_band or "", lifestyle or "", occupation or "", MULTI_SEPARATOR.join(alerts.get(cid, ())),
            ]
        after = page[-1][1]


def _children(
    connection: Connection,
    model: type[CustomerEmail] | type[CustomerPhone] | type[CustomerAlert],
    value: InstrumentedAttribute[str],
    ids: list[int],
) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    rows = connection.execute(
        select(model.customer_id, value).where(model.customer_id.in_(ids))
        .order_by(model.customer_id, model.position)
    )
    for cid, text in rows:
        found.setdefault(cid, []).append(text)
    return found
