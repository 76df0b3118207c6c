"""``tradebase import KIND FILE`` and ``tradebase export KIND FILE`` (docs/file-formats.md)."""

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
    hs_edition: Annotated[HsEditionChoice, typer.Option(
        "--hs-edition",
        help="Products: the HS edition of codes whose row leaves hs_edition empty. A code "
             "that is not one of this edition is read as another, with a warning.",
    )] = HsEditionChoice.hs2022,
    base: BaseOption = None,
) -> None:
    """Import a CSV or XLSX file; rows with a known key update, the others are added.

    All-or-nothing: if any row is bad, every bad row is listed and nothing is written. Rows
    written with something to check (an HS code of an older edition) are listed as
    warnings."""
    from tradebase.db import get_engine  # imported here: keeps --help fast
    from tradebase.migrate import upgrade
    from tradebase.registry.service import load_hs_codes
    from tradebase.registry.transfer import import_file
    from tradebase.uow import unit_of_work

    engine = get_engine()
    with user_errors():
        upgrade(engine)
        with _progress_bar() as report, unit_of_work(engine=engine) as session:
            load_hs_codes(session=session)  # no-op unless the database is new
            summary = import_file(
                session=session, kind=kind.value, path=file, fmt=fmt.value if fmt else None,
                progress=report, hs_edition=int(hs_edition.value),
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
