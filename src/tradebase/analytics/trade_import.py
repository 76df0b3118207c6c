"""Importing trade-flow records: our own CSV/XLSX format, UN Comtrade's bulk files and
CEPII BACI's, all-or-nothing, at millions of rows.

A file is read as a stream of rows (``csv`` for CSV/TSV, openpyxl's streaming reader for our
own XLSX); each row is checked against lookups cached per distinct cell (countries, HS codes,
reporters and whether the actor may import for them), and the checked rows are written in
batches by bulk insert — psycopg's COPY on PostgreSQL, one executemany per batch on SQLite —
never as ORM objects. The writes go into a savepoint: a file with any bad row is refused with
every problem (file, line, column, what is wrong; at most ``MAX_ERRORS``) and the savepoint
rolled back, so nothing of it stays. Importing a file again (same source and file name)
replaces the rows it wrote before for the same reporters.

Rows that are totals of other rows (Comtrade's partner 0 "World", aggregate commodity codes
TOTAL and 2- or 4-digit ones, breakdowns by second partner, customs procedure or mode of
transport, flows other than X/M/RX/RM) are skipped and counted in the summary.

Formats: ``docs/analytics.md`` ("Trade flows"). Who may import for which reporter:
``accounts/policy.py`` (``may_import_trade``).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from tradebase.accounts.guard import current_actor
from tradebase.accounts.policy import (
    Actor,
    TradeReporter,
    may_import_trade,
    may_import_trade_somewhere,
)
from tradebase.analytics import trade_formats as fmt
from tradebase.analytics.trade_formats import (
    BATCH_ROWS,
    COLUMNS,
    Check,
    Record,
    Rejected,
    Source,
    baci_rows,
    comtrade_rows,
    own_rows,
    read_rows,
)
from tradebase.analytics.trade_models import TradeRecord
from tradebase.errors import Forbidden, ImportRejected, InvalidInput, Unauthenticated
from tradebase.registry import hs_codes
from tradebase.registry.models import Enterprise
from tradebase.registry.transfer.checking import (
    Errors,
    Refs,
    load_base_refs,
    load_enterprise_refs,
    load_region_refs,
)

__all__ = ["Source", "TradeImportSummary", "authorize_trade_import", "import_trade_file"]

_SQLITE_CACHE_KIB = 256 * 1024


@dataclass
class TradeImportSummary:
    """What an import wrote and what it left out."""

    source: Source
    filename: str
    rows_read: int = 0
    written: int = 0
    replaced: int = 0
    """Rows an earlier import of the same file had written for the same reporters."""
    skipped: dict[str, int] = field(default_factory=dict)
    """Rows left out by reason: ``partner_world``, ``aggregate_code``, ``breakdown``,
    ``other_flow``."""
    notes: dict[str, int] = field(default_factory=dict)
    """Rows whose HS code was read with a note (``hs_older_edition``, ``hs_renumbered``,
    ``hs_confirm_subheading``, ``hs_choose_code``: no HS 2022 code), by note."""
    reporters: list[str] = field(default_factory=list)


# --- our own format ------------------------------------------------------------------------


class _Reporters:
    """Reads our format's reporter cells (``base:anxi``, ``enterprise:17``, ``region:350524``,
    ``country:CHN``; empty = the ``--base`` base), each distinct cell once."""

    def __init__(self, session: Session, check: Check, base_id: int | None) -> None:
        self.check = check
        self.base_id = base_id
        self.bases: Refs = load_base_refs(session)
        self.regions: Refs = load_region_refs(session)
        self.enterprises: Refs = load_enterprise_refs(session, by_id=True)
        self.enterprise_base: dict[int, int | None] = {}
        for ident, base in session.execute(select(Enterprise.id, Enterprise.base_id)):
            self.enterprise_base[ident] = base

    def read(self, cell: str) -> tuple[Any, ...]:
        found = self.check.reporters.get(cell)
        if found is None:
            found = self._resolve(cell)
            self.check.reporters[cell] = found
        return found

    def _resolve(self, cell: str) -> tuple[Any, ...]:
        text = cell.strip()
        if not text:
            if self.base_id is None:
                raise fmt.FormatError("trade_reporter_empty",
                                      "must not be empty (or give --base)")
            text = f"base:{self.base_id}"
        kind, sep, ref = text.partition(":")
        kind = kind.strip().lower()
        ref = ref.strip()
        if not sep or kind not in ("base", "enterprise", "region", "country") or not ref:
            raise fmt.FormatError(
                "trade_reporter_form", f"'{cell}' is not a reporter: write base:<key or id>, "
                "enterprise:<id or name>, region:<code or id> or country:<ISO code>",
                input=cell)
        base_id: int | None = None
        enterprise_id: int | None = None
        region_id: int | None = None
        country: str | None = None
        try:
            if kind == "base":
                base_id = self.bases.resolve(ref)
                key = f"base:{base_id}"
            elif kind == "enterprise":
                enterprise_id = self.enterprises.resolve(ref)
                base_id = self.enterprise_base.get(enterprise_id)
                key = f"enterprise:{enterprise_id}"
            elif kind == "region":
                region_id = self.regions.resolve(ref)
                key = f"region:{region_id}"
            else:
                country = fmt.country(ref)
                key = f"country:{country}"
        except fmt.FormatError:
            raise
        except ValueError as exc:
            raise fmt.FormatError("trade_reporter_unknown", str(exc), input=cell) from None
        if self.base_id is not None and base_id != self.base_id:
            raise fmt.FormatError("import_other_base", f"this file is for base {self.base_id}; "
                                  f"'{cell}' is not that base or one of its enterprises",
                                  base=str(self.base_id), input=cell)
        if not may_import_trade(self.check.actor, TradeReporter(kind, base_id=base_id,
                                                                enterprise_id=enterprise_id)):
            raise fmt.FormatError("trade_reporter_not_yours",
                                  f"you may not import trade records of {cell}", reporter=cell)
        return key, kind, (base_id if kind == "base" else None), enterprise_id, region_id, country


# --- writing -------------------------------------------------------------------------------


class _Writer:
    """Writes checked rows by the fastest path each database has: one COPY for the whole file
    on PostgreSQL (fed from a queue by its own thread, so the server stores rows while the
    file is still being read), an executemany per batch on SQLite."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        names = ", ".join(COLUMNS)
        self.copy_sql = f"COPY {TradeRecord.__tablename__} ({names}) FROM STDIN"
        marks = ", ".join("?" for _ in COLUMNS)
        # Names from COLUMNS and the model, never from a file.
        self.insert_sql = (f"INSERT INTO {TradeRecord.__tablename__} ({names})"  # noqa: S608
                           f" VALUES ({marks})")

    @contextmanager
    def stream(self) -> Iterator[Callable[[list[Record]], None]]:
        """A function that writes a batch (rows keep the file's order, and so their ids);
        leaving with an exception abandons the COPY."""
        if not self.postgres:
            # A large page cache while the file's index entries go in (SQLite's default of
            # 2 MB makes a million rows' index inserts read and write the same pages again).
            cache = self.connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
            self.connection.exec_driver_sql(f"PRAGMA cache_size = {-_SQLITE_CACHE_KIB}")

            def insert(rows: list[Record]) -> None:
                if rows:
                    self.connection.exec_driver_sql(self.insert_sql, rows)
            try:
                yield insert
            finally:
                self.connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache)}")
            return
        from psycopg.copy import QueuedLibpqWriter

        driver = self.connection.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(
                self.copy_sql, writer=QueuedLibpqWriter(cursor)) as copy:
            def write(rows: list[Record]) -> None:
                for row in rows:
                    copy.write_row(row)
            yield write


def _serialise(session: Session) -> None:
    """On PostgreSQL, one trade import at a time per schema (see ``transfer._serialise_imports``):
    the replacement of a file's earlier rows must not interleave with another import of it."""
    if session.get_bind().dialect.name == "postgresql":
        schema = session.execute(select(func.current_schema())).scalar_one()
        key = zlib.crc32(f"tradebase.import.{schema}.trade".encode())
        session.execute(select(func.pg_advisory_xact_lock(key)))


def authorize_trade_import(*, session: Session) -> Actor:
    """Refuse an actor that may import trade records for nobody, before the file is read."""
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in or send an API token to import")
    if not may_import_trade_somewhere(actor):
        raise Forbidden("you may not import trade records", field="file",
                        code="import_forbidden", params={"kind": "trade"})
    return actor


def _write_all(records: Iterator[Record | None], check: Check, summary: TradeImportSummary,
               write: Callable[[list[Record]], None],
               progress: Callable[[int], None] | None) -> None:
    """Read every record, writing them in batches until the first bad one (after which the
    file is only checked, to list every problem)."""
    batch: list[Record] = []
    read = 0
    try:
        for record in records:
            read += 1
            if record is None or check.errors.items:
                batch.clear()
                continue
            batch.append(record)
            if len(batch) >= BATCH_ROWS:
                write(batch)
                summary.written += len(batch)
                batch.clear()
                if progress is not None:
                    progress(summary.written)
    except Rejected:
        pass
    summary.rows_read = read + sum(check.skipped.values())
    if not check.errors.items:
        write(batch)
        summary.written += len(batch)


def import_trade_file(
    *, session: Session, path: Path, source: Source | str, hs_edition: int | None = None,
    base_id: int | None = None, filename: str | None = None, is_sample: bool = False,
    progress: Callable[[int], None] | None = None,
) -> TradeImportSummary:
    """Import a trade file of ``source`` (never commits). ``hs_edition``: the edition of the
    file's HS codes (ours: where not HS 2022; Comtrade: where a row has no
    ``classificationCode``; BACI: else read from the file name). ``base_id`` (our format only):
    the base the file is for — an empty reporter means it, a reporter of another base is an
    error. Raises ``ImportRejected`` listing the problems, having written nothing."""
    source = Source(source)
    actor = authorize_trade_import(session=session)
    name = (filename or path.name)[:200]
    if base_id is not None and source is not Source.TRADEBASE:
        raise InvalidInput("--base applies to files of the tradebase format only",
                           field="base", code="trade_base_option")
    if hs_edition is not None and source is not Source.BACI and (
            hs_edition not in hs_codes.EDITIONS):
        raise InvalidInput(f"HS {hs_edition} is not read: give 2022, 2017 or 2012",
                           field="hs_edition", code="trade_hs_edition_unsupported",
                           params={"edition": str(hs_edition)})
    edition = hs_edition or hs_codes.CURRENT_EDITION
    if source is Source.BACI:
        try:
            edition = fmt.baci_edition(name, hs_edition)
        except fmt.FormatError as exc:
            raise InvalidInput(str(exc), field="hs_edition", code=exc.code,
                               params=dict(exc.params)) from None
    check = Check(filename=name, source=source, actor=actor, errors=Errors(),
                   is_sample=is_sample, hs_edition=edition)
    _serialise(session)
    rows = read_rows(path, source)
    if source is Source.TRADEBASE:
        records = own_rows(rows, check, _Reporters(session, check, base_id))
    elif source is Source.COMTRADE:
        records = comtrade_rows(rows, check)
    else:
        records = baci_rows(rows, check)
    summary = TradeImportSummary(source=source, filename=name)
    session.flush()
    before = session.execute(select(func.max(TradeRecord.id))).scalar_one() or 0
    nested = session.begin_nested()
    try:
        with _Writer(session.connection()).stream() as write:
            _write_all(records, check, summary, write, progress)
            if check.errors.items:
                raise ImportRejected(name, check.errors.sorted(), summary.rows_read)
        keys = sorted({reporter[0] for reporter in check.reporters.values()})
        for start in range(0, len(keys), 500):
            summary.replaced += session.connection().execute(
                delete(TradeRecord).where(
                    TradeRecord.source == source.value, TradeRecord.source_file == name,
                    TradeRecord.reporter.in_(keys[start:start + 500]),
                    TradeRecord.id <= before)).rowcount
        nested.commit()
    except BaseException:
        nested.rollback()
        raise
    summary.skipped = dict(check.skipped)
    summary.notes = dict(check.notes)
    summary.reporters = sorted({reporter[0] for reporter in check.reporters.values()})
    return summary
