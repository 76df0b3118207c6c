"""The one writer of every import: what each kind does around its own checks.

A kind's ``load`` hands each row to ``check_rows``, which walks the file in order and reports
the progress; ``Repeats`` remembers the line each key first appeared on, so a row that repeats
one is an error on its line; ``stored_by_id`` finds the stored row an ``id`` cell names. Its
``write`` hands the checked rows to ``write_rows``, which counts what is created and updated,
flushes in batches and collects the ids in file order; ``set_changed`` brings a stored row to
its checked values touching only what differs. Whether the rows are written at all (every row
good, or nothing) is ``import_table``'s in ``transfer/__init__.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy.orm import Session

from tradebase.registry.transfer.checking import (
    BATCH_SIZE,
    Errors,
    ImportSummary,
    Progress,
    report,
)
from tradebase.registry.transfer.files import Row, Table

K = TypeVar("K", bound=Hashable)
P = TypeVar("P")
T = TypeVar("T")


class Written(Protocol):
    """A row as stored: what ``write_rows`` reads of it once it is flushed."""

    @property
    def id(self) -> int: ...


def check_rows(table: Table, progress: Progress | None, check: Callable[[Row], None]) -> None:
    """Check every row of ``table`` in file order with ``check`` (which adds the row's
    problems to the errors, or its checked values to the plan), reporting the progress."""
    total = len(table.rows)
    for done, row in enumerate(table.rows, start=1):
        check(row)
        report(progress, "checking", done, total)


class Repeats(Generic[K]):
    """The line on which each key of a file first appeared."""

    def __init__(self) -> None:
        self.lines: dict[K, int] = {}

    def earlier(self, key: K) -> int | None:
        """The line an earlier row gave ``key`` on, None if no row did."""
        return self.lines.get(key)

    def add(self, key: K, line: int) -> None:
        self.lines[key] = line

    def first(self, key: K, line: int, errors: Errors, column: str | None, reason: str, *,
              code: str | None = None) -> bool:
        """Record ``key`` at ``line`` and return True if no earlier row had it; else add
        ``reason`` followed by "on line N" as the row's error and return False."""
        earlier = self.earlier(key)
        if earlier is None:
            self.add(key, line)
            return True
        errors.add(line, column, f"{reason} on line {earlier}", code=code,
                   params={"line": str(earlier)} if code else None)
        return False


def stored_by_id(row: Row, stored: Mapping[int, T], errors: Errors, *, what: str,
                 new: str = "a new one") -> tuple[bool, T | None]:
    """The stored row the ``id`` cell names (None when the cell is empty); first False, with
    the row's error, when it names no stored row of ``what``."""
    ident = row.cells.get("id", "")
    if not ident:
        return True, None
    if not ident.isdecimal() or int(ident) not in stored:
        errors.add(row.line, "id", f"no {what} has id {ident}; leave id empty to add {new}",
                   code="import_unknown_id", params={"id": ident})
        return False, None
    return True, stored[int(ident)]


def write_rows(session: Session, summary: ImportSummary, rows: Sequence[P],
               progress: Progress | None,
               write: Callable[[P], tuple[Written, bool]]) -> ImportSummary:
    """Write the checked ``rows`` in file order with ``write`` (which returns the stored row
    and whether it is new), counted into ``summary``; flushed every ``BATCH_SIZE`` rows and
    at the end, so that ``summary.ids`` lists the id of each row in file order."""
    total = len(rows)
    batch: list[Written] = []
    for done, row in enumerate(rows, start=1):
        written, created = write(row)
        if created:
            summary.created += 1
        else:
            summary.updated += 1
        batch.append(written)
        if len(batch) >= BATCH_SIZE or done == total:
            session.flush()
            summary.ids.extend(item.id for item in batch)
            batch.clear()
        report(progress, "writing", done, total)
    return summary


def set_changed(stored: object, values: Mapping[str, Any]) -> None:
    """Bring a stored row to ``values``, setting only what differs (so that an unchanged row
    writes nothing and keeps its version)."""
    for name, value in values.items():
        if getattr(stored, name) != value:
            setattr(stored, name, value)
