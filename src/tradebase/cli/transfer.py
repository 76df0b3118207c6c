"""``tradebase import KIND FILE`` and ``tradebase export KIND FILE`` (docs/file-formats.md);
``tradebase import trade FILE --source tradebase|comtrade|baci`` (docs/analytics.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from tradebase.cli.common import console, err_console, user_errors
from tradebase.errors import InvalidInput

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class KindChoice(StrEnum):
    enterprises = "enterprises"
    products = "products"
    indicators = "indicators"
    designations = "designations"
    key_enterprises = "key_enterprises"
    key_projects = "key_projects"
    regions = "regions"
    trade = "trade"


class SourceChoice(StrEnum):
    tradebase = "tradebase"
    comtrade = "comtrade"
    baci = "baci"


class HsEditionChoice(StrEnum):
    hs2022 = "2022"
    hs2017 = "2017"
    hs2012 = "2012"


class FormatChoice(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


KindArgument = Annotated[KindChoice, typer.Argument(help="What the file holds.")]
FormatOption = Annotated[
    FormatChoice | None,
    typer.Option("--format", help="csv or xlsx; by default the file's extension decides."),
]

BaseOption = Annotated[str | None, typer.Option(
    "--base", help="The id or key of one base: import rows of it only (an empty base cell "
                   "means it), export only its rows.")]

_PHASES = {"checking": "Checking rows", "writing": "Writing rows"}


@contextmanager
def _progress_bar() -> Iterator[Callable[[str, int, int], None] | None]:
    """A Rich progress bar on a terminal; nothing when the output is a file or a pipe."""
    if not console.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def report(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(_PHASES.get(phase, phase), total=total)
            bar.update(tasks[phase], completed=done)

        yield report


def import_(
    kind: KindArgument,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         help="A .csv or .xlsx file.")],
    fmt: FormatOption = None,
    hs_edition: Annotated[HsEditionChoice | None, typer.Option(
        "--hs-edition",
        help="Products: the HS edition of codes whose row leaves hs_edition empty (default "
             "2022). A code that is not one of this edition is read as another, with a "
             "warning. Trade: the edition of the file's codes (BACI: else from the file name "
             "BACI_HS17_...; Comtrade: where classificationCode is not given).",
    )] = None,
    base: BaseOption = None,
    source: Annotated[SourceChoice | None, typer.Option(
        "--source", help="Trade: the file's format: tradebase (our columns), comtrade (UN "
                         "Comtrade+ bulk CSV/TSV) or baci (CEPII BACI t,i,j,k,v,q).",
    )] = None,
) -> None:
    """Import a CSV or XLSX file; rows with a known key update, the others are added.

    All-or-nothing: if any row is bad, every bad row is listed and nothing is written. Rows
    written with something to check (an HS code of an older edition) are listed as
    warnings."""
    if kind is KindChoice.trade:
        _import_trade(file, source, hs_edition, base)
        return
    if source is not None:
        with user_errors():
            raise InvalidInput("--source applies to trade files only", field="source")
    from tradebase.db import get_engine  # imported here: keeps --help fast
    from tradebase.migrate import upgrade
    from tradebase.registry.service import load_hs_codes
    from tradebase.registry.transfer import import_file
    from tradebase.uow import unit_of_work

    edition = int(hs_edition.value) if hs_edition else 2022
    engine = get_engine()
    with user_errors():
        upgrade(engine)
        with _progress_bar() as report, unit_of_work(engine=engine) as session:
            load_hs_codes(session=session)  # no-op unless the database is new
            summary = import_file(
                session=session, kind=kind.value, path=file, fmt=fmt.value if fmt else None,
                progress=report, hs_edition=edition,
                base_id=_base_id(session, base),
            )
    extra = (f"; {len(summary.enterprises_created)} new enterprises"
             if summary.enterprises_created else "")
    count = len(summary.warnings)
    extra += f"; {count} warning{'s' if count != 1 else ''}" if count else ""
    console.print(
        f"Imported {file.name}: {summary.created} {kind.value} added, "
        f"{summary.updated} updated{extra}.",
        highlight=False,
    )
    for warning in summary.warnings:
        err_console.print(f"[yellow]warning:[/yellow] {escape(f'{file.name}, {warning}')}",
                          highlight=False, soft_wrap=True)  # one line per warning


_SKIPPED = {"partner_world": "partner World or an aggregate of partners",
            "aggregate_code": "aggregate commodity code (TOTAL, 2 or 4 digits)",
            "breakdown": "breakdown by second partner, customs procedure or transport mode",
            "other_flow": "flow other than X, M, RX, RM"}


def _import_trade(file: Path, source: SourceChoice | None, hs_edition: HsEditionChoice | None,
                  base: str | None) -> None:
    """``tradebase import trade FILE --source ...``: bulk-loaded, all-or-nothing."""
    import time

    from tradebase.analytics.trade_import import import_trade_file
    from tradebase.db import get_engine
    from tradebase.migrate import upgrade
    from tradebase.uow import unit_of_work

    engine = get_engine()
    with user_errors():
        if source is None:
            raise InvalidInput("give the file's format: --source tradebase, comtrade or baci",
                               field="source")
        upgrade(engine)
        started = time.perf_counter()
        with unit_of_work(engine=engine) as session:
            summary = import_trade_file(
                session=session, path=file, source=source.value,
                hs_edition=int(hs_edition.value) if hs_edition else None,
                base_id=_base_id(session, base))
        seconds = time.perf_counter() - started
    replaced = f", {summary.replaced} of an earlier import replaced" if summary.replaced else ""
    console.print(
        f"Imported {file.name}: {summary.written} trade records{replaced} in {seconds:.1f} s "
        f"({summary.written / max(seconds, 1e-9):,.0f} rows/s).", highlight=False)
    for reason, count in sorted(summary.skipped.items()):
        console.print(f"  skipped {count}: {_SKIPPED.get(reason, reason)}", highlight=False)
    for note, count in sorted(summary.notes.items()):
        console.print(f"  {count} rows with HS note {note}", highlight=False)


def export(
    kind: KindArgument,
    file: Annotated[Path, typer.Argument(dir_okay=False, help="A .csv or .xlsx file to write.")],
    fmt: FormatOption = None,
    base: BaseOption = None,
) -> None:
    """Export every row of KIND (or of one base) with the columns an import reads (CSV is
    UTF-8 with a BOM)."""
    from tradebase.db import get_engine  # imported here: keeps --help fast
    from tradebase.migrate import upgrade
    from tradebase.registry.transfer import export_file
    from tradebase.uow import unit_of_work

    engine = get_engine()
    with user_errors():
        if kind is KindChoice.trade:
            raise InvalidInput("trade records are not exported as a file yet", field="kind")
        upgrade(engine)
        with unit_of_work(engine=engine) as session:
            count = export_file(
                session=session, kind=kind.value, path=file, fmt=fmt.value if fmt else None,
                base_id=_base_id(session, base),
            )
    console.print(f"Exported {count} {kind.value} to {file}.", highlight=False)


def _base_id(session: Session, ref: str | None) -> int | None:
    """The base ``--base`` names, by id or key."""
    if ref is None:
        return None
    from tradebase.registry import service

    found = service.get_base_by_key(session=session, key=ref)
    if found is None and ref.isdecimal():
        found = service.get_base(session=session, base_id=int(ref))
    if found is None:
        raise InvalidInput(f"unknown base '{ref}'; give its id or key", field="base")
    return found.id


def register(app: typer.Typer) -> None:
    app.command("import")(import_)
    app.command("export")(export)
