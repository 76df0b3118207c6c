"""The one writer of the imports (``registry/transfer/writing.py``) on plain rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tradebase.registry.transfer.checking import Errors, ImportSummary, Kind
from tradebase.registry.transfer.files import Row, Table
from tradebase.registry.transfer.writing import (
    Repeats,
    check_rows,
    set_changed,
    stored_by_id,
    write_rows,
)


@dataclass
class _Stored:
    id: int
    name: str = ""
    level: int = 0


class _Session:
    """Counts flushes and gives new rows their ids, as a flush would."""

    def __init__(self) -> None:
        self.flushes = 0
        self.pending: list[_Stored] = []

    def flush(self) -> None:
        self.flushes += 1
        for row in self.pending:
            row.id = 100 + row.id
        self.pending.clear()


def _table(*cells: dict[str, str]) -> Table:
    rows = [Row(line, dict(row)) for line, row in enumerate(cells, start=2)]
    return Table(filename="f.csv", columns=tuple(cells[0]) if cells else (), rows=rows)


def test_every_row_is_checked_in_order_and_the_progress_ends_at_the_total() -> None:
    seen: list[int] = []
    calls: list[tuple[str, int, int]] = []
    check_rows(_table({"id": "1"}, {"id": "2"}, {"id": "3"}),
               lambda *call: calls.append(call), lambda row: seen.append(row.line))
    assert seen == [2, 3, 4]
    assert calls == [("checking", 3, 3)]


def test_a_repeated_key_is_an_error_naming_the_first_line() -> None:
    errors = Errors()
    seen: Repeats[str] = Repeats()
    assert seen.first("a", 2, errors, "code", "the same region appears already",
                      code="import_duplicate")
    assert not seen.first("a", 5, errors, "code", "the same region appears already",
                          code="import_duplicate")
    assert [(e.line, e.column, e.reason, e.code, e.params) for e in errors.items] == [
        (5, "code", "the same region appears already on line 2", "import_duplicate",
         {"line": "2"})]


def test_an_id_names_a_stored_row_or_is_an_error() -> None:
    errors = Errors()
    stored = {7: _Stored(7)}
    assert stored_by_id(Row(2, {"id": "7"}), stored, errors, what="region") == (True, stored[7])
    assert stored_by_id(Row(3, {"id": ""}), stored, errors, what="region") == (True, None)
    assert stored_by_id(Row(4, {"id": "x"}), stored, errors, what="region") == (False, None)
    assert [(e.line, e.column, e.code) for e in errors.items] == [(4, "id", "import_unknown_id")]


def test_rows_are_counted_flushed_and_their_ids_kept_in_file_order() -> None:
    session = _Session()
    old = _Stored(1, "old")

    def write(planned: tuple[str, _Stored | None]) -> tuple[Any, bool]:
        name, stored = planned
        if stored is None:
            new = _Stored(len(session.pending), name)
            session.pending.append(new)
            return new, True
        set_changed(stored, {"name": name})
        return stored, False

    summary = write_rows(session, ImportSummary(Kind.REGIONS),  # type: ignore[arg-type]
                         [("a", None), ("renamed", old), ("b", None)], None, write)
    assert (summary.created, summary.updated) == (2, 1)
    assert summary.ids == [100, 1, 101]
    assert old.name == "renamed"
    assert session.flushes == 1


def test_an_unchanged_value_is_not_set() -> None:
    sets: list[str] = []

    class Watched(_Stored):
        def __setattr__(self, name: str, value: object) -> None:
            sets.append(name)
            super().__setattr__(name, value)

    row = Watched(1, "same", 2)
    sets.clear()
    set_changed(row, {"name": "same", "level": 3})
    assert sets == ["level"]
